"""Periods: months of the books, opened on first posting, closed and reopened by finance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from marquee.core import outbox
from marquee.finance import events
from marquee.finance.calendar import month_start
from marquee.finance.errors import FinanceError, FinanceErrorCode, PeriodClosed
from marquee.finance.models import Period


def _ensure_period(start: dt.date) -> None:
    # INSERT … ON CONFLICT DO NOTHING: two first postings of a month never collide.
    Period.objects.bulk_create([Period(start=start)], ignore_conflicts=True)


def lock_open_period(day: dt.date) -> Period:
    """The open period of ``day``, share-locked until the caller's transaction ends.

    Call inside a transaction. The share lock lets postings run side by side
    but makes :func:`close_period` wait for them (and them wait for it), so
    no entry lands in a month after it was closed. Raises ``period_closed``.
    """
    start = month_start(day)
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    sql = f"SELECT id, start, status FROM finance_period WHERE start = %s{lock}"  # noqa: S608
    found = list(Period.objects.raw(sql, [start.isoformat()]))
    if not found:
        _ensure_period(start)
        found = list(Period.objects.raw(sql, [start.isoformat()]))
    period = found[0]
    if not period.is_open:
        raise PeriodClosed(
            FinanceErrorCode.PERIOD_CLOSED,
            f"The period {start:%Y-%m} is closed; post to an open period.",
            period=f"{start:%Y-%m}",
        )
    return period


def _set_status(*, start: dt.date, status: str, by: Any) -> Period:
    start = month_start(start)
    with transaction.atomic():
        _ensure_period(start)
        period = Period.objects.select_for_update().get(start=start)
        if period.status == status:
            return period
        period.status = status
        period.closed_at = timezone.now() if status == Period.Status.CLOSED else None
        period.closed_by = by if status == Period.Status.CLOSED else None
        period.save(update_fields=["status", "closed_at", "closed_by"])
        outbox.publish(
            events.PERIOD_CLOSED if status == Period.Status.CLOSED else events.PERIOD_REOPENED,
            aggregate=events.AGGREGATE_PERIOD,
            aggregate_id=period.pk,
            payload={
                "period_id": period.pk,
                "start": start.isoformat(),
                "by_id": getattr(by, "pk", None),
            },
        )
    return period


def close_period(*, month: dt.date, closed_by: Any = None) -> Period:
    """Close the month containing ``month``: later postings to it are refused.

    Waits for postings in flight to that month to commit. Closing a closed
    period changes nothing.
    """
    return _set_status(start=month, status=Period.Status.CLOSED, by=closed_by)


def reopen_period(*, month: dt.date, reopened_by: Any = None) -> Period:
    """Reopen the month containing ``month`` so it accepts postings again."""
    return _set_status(start=month, status=Period.Status.OPEN, by=reopened_by)


__all__ = ["FinanceError", "close_period", "lock_open_period", "reopen_period"]
