"""The idempotency record's move from payments to core keeps every row (core 0002)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from marquee.core.models import IdempotencyRecord

BEFORE = [("payments", "0001_initial"), ("core", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_records_stored_by_payments_are_core_records_after_the_move():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("accounts", "User").objects.create(username="kept", email="k@x.test")
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    old.get_model("payments", "IdempotencyRecord").objects.create(
        user_id=user.pk,
        scope="ticketing.pay_order",
        key="k-1",
        fingerprint="f" * 64,
        state="done",
        lock_token="t" * 32,
        locked_at=when,
        response_status=200,
        response_body={"redirect_url": "/pay"},
        expires_at=when + dt.timedelta(hours=24),
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    record = IdempotencyRecord.objects.get(user_id=user.pk, scope="ticketing.pay_order", key="k-1")
    assert (record.state, record.response_status, record.response_body) == (
        "done",
        200,
        {"redirect_url": "/pay"},
    )
    assert IdempotencyRecord._meta.db_table == "core_idempotencyrecord"
    assert "payments_idempotencyrecord" not in connection.introspection.table_names()
