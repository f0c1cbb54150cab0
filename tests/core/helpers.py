"""Helpers for outbox tests: a consumer with a database side effect."""

from __future__ import annotations

from django.db import transaction

from marquee.core import outbox
from marquee.core.models import OutboxEvent

ECHO = "test.echo"


def echo(event: OutboxEvent, consumer: str) -> None:
    """A consumer's database side effect: an echo event naming the original."""
    outbox.publish(
        ECHO,
        aggregate="echo",
        aggregate_id=f"{consumer}:{event.pk}",
        payload={"of": event.pk, "consumer": consumer},
    )


def echoes(consumer: str, event: OutboxEvent) -> int:
    return OutboxEvent.objects.filter(type=ECHO, aggregate_id=f"{consumer}:{event.pk}").count()


def publish_now(type_: str = "test.happened", aggregate_id: object = 1, **payload) -> OutboxEvent:
    with transaction.atomic():
        return outbox.publish(
            type_, aggregate="thing", aggregate_id=aggregate_id, payload=dict(payload)
        )
