"""The ledger: chart of accounts, segments, periods, journal entries and lines, rollups.

Every row here is written by :mod:`marquee.finance.services` only. A posted
:class:`JournalEntry` and its :class:`JournalLine` rows are never changed or
deleted: a correction is a reversing entry. :class:`Balance` is the running
rollup (account × segment × month × currency) the posting service keeps in
the same transaction as the lines, so reports read it instead of the lines.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

#: The currency the books are kept in; every line carries its amount in it.
FUNCTIONAL_CURRENCY = "CNY"


class _Immutable(models.Model):
    """Posted rows are written once (by the posting service) and never changed."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRow(f"{type(self).__name__} rows are posted once; post a reversal.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRow(f"{type(self).__name__} rows are never deleted; post a reversal.")


class ImmutableRow(Exception):
    """An attempt to change or delete a posted ledger row."""


class Account(models.Model):
    """One account of the chart. ``statement_line`` is empty for balance-sheet accounts."""

    class Type(models.TextChoices):
        ASSET = "asset", _("Asset")
        LIABILITY = "liability", _("Liability")
        EQUITY = "equity", _("Equity")
        REVENUE = "revenue", _("Revenue")
        EXPENSE = "expense", _("Expense")

    class StatementLine(models.TextChoices):
        NONE = "", _("None (balance sheet)")
        REVENUE = "revenue", _("Revenue")
        COST_OF_SALES = "cost_of_sales", _("Cost of sales")
        SELLING_MARKETING = "selling_marketing", _("Selling and marketing expenses")
        ADMINISTRATIVE = "administrative", _("Administrative expenses")
        OTHER_OPERATING = "other_operating", _("Other operating income and expenses")
        FINANCE_INCOME = "finance_income", _("Finance income")
        FINANCE_COST = "finance_cost", _("Finance costs")
        INCOME_TAX = "income_tax", _("Income tax")

    #: Types whose balance is normally a debit.
    DEBIT_NORMAL = frozenset({Type.ASSET, Type.EXPENSE})

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=200)
    name_zh_hant = models.CharField(_("name (Traditional Chinese)"), max_length=200)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    statement_line = models.CharField(
        _("income-statement line"), max_length=20, choices=StatementLine.choices, blank=True
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=["asset", "liability", "equity"], statement_line="")
                | Q(type__in=["revenue", "expense"]) & ~Q(statement_line=""),
                name="finance_account_statement_line_matches_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"

    @property
    def debit_normal(self) -> bool:
        return self.type in self.DEBIT_NORMAL


class Segment(models.Model):
    """A reporting segment (IFRS 8): the business a line belongs to."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=200)
    name_zh_hant = models.CharField(_("name (Traditional Chinese)"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Period(models.Model):
    """One calendar month of the books; ``start`` is its first day.

    The fiscal year a month belongs to follows
    ``settings.MARQUEE_FISCAL_YEAR_START_MONTH`` (see :mod:`marquee.finance.calendar`).
    Rows are created on first posting; a closed period refuses postings.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    start = models.DateField(_("first day"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(start__day=1), name="finance_period_starts_month"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m} ({self.status})"

    @property
    def end(self) -> dt.date:
        """The period's last day."""
        following = (self.start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class JournalEntry(_Immutable):
    """A posted, balanced, immutable set of lines.

    ``source_event_id`` is the outbox event (or other idempotency key) that
    caused the posting: unique, so a replayed event posts nothing.
    """

    date = models.DateField(_("date"))
    memo = models.CharField(_("memo"), max_length=500)
    #: What posted it: ``manual``, ``ticketing.order_paid``, ``reversal``…
    source = models.CharField(_("source"), max_length=60, default="manual")
    source_event_id = models.CharField(
        _("source event"), max_length=100, unique=True, null=True, blank=True
    )
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals"
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="entries")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("posted at"))

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-date", "-id"]
        constraints = [
            # An entry is reversed at most once.
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(reverses__isnull=False),
                name="finance_entry_reversed_once",
            ),
        ]
        indexes = [
            models.Index(fields=["date", "id"]),
            models.Index(fields=["source", "date"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.date} {self.memo}"


class JournalLine(_Immutable):
    """One side of an entry in its own currency, with its functional (CNY) amount.

    Exactly one of ``debit_minor``/``credit_minor`` is positive, and the
    functional amount sits on the same side. ``rate`` is the CNY per unit of
    ``currency`` that produced it (1 for CNY lines).
    """

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="lines")
    currency = models.CharField(_("currency"), max_length=3)
    debit_minor = models.BigIntegerField(_("debit"), default=0)
    credit_minor = models.BigIntegerField(_("credit"), default=0)
    functional_debit_minor = models.BigIntegerField(_("debit (CNY)"), default=0)
    functional_credit_minor = models.BigIntegerField(_("credit (CNY)"), default=0)
    rate = models.DecimalField(_("rate to CNY"), max_digits=30, decimal_places=16)
    # Optional party and references: which cinema is owed, which title earned it.
    venue_id = models.BigIntegerField(_("venue"), null=True, blank=True)
    title_id = models.BigIntegerField(_("title"), null=True, blank=True)
    project = models.CharField(_("project"), max_length=100, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        ordering = ["entry_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(debit_minor__gt=0, credit_minor=0, functional_credit_minor=0)
                    & Q(functional_debit_minor__gte=0)
                )
                | (
                    Q(credit_minor__gt=0, debit_minor=0, functional_debit_minor=0)
                    & Q(functional_credit_minor__gte=0)
                ),
                name="finance_line_one_side",
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="finance_line_rate_positive"),
        ]
        indexes = [
            models.Index(fields=["account", "venue_id"]),
            models.Index(fields=["title_id"]),
        ]

    def __str__(self) -> str:
        side = f"Dr {self.debit_minor}" if self.debit_minor else f"Cr {self.credit_minor}"
        return f"{self.account_id} {side} {self.currency}"


class Balance(models.Model):
    """Running sums of the lines of one account × segment × month × currency.

    Kept by the posting service with one upsert per key in the entry's own
    transaction, so a report reads a few thousand rows, never the lines.
    """

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    currency = models.CharField(_("currency"), max_length=3)
    debit_minor = models.BigIntegerField(default=0)
    credit_minor = models.BigIntegerField(default=0)
    functional_debit_minor = models.BigIntegerField(default=0)
    functional_credit_minor = models.BigIntegerField(default=0)
    line_count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("balance")
        verbose_name_plural = _("balances")
        ordering = ["month", "account_id", "segment_id", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "segment", "month", "currency"],
                name="finance_balance_unique_key",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="finance_balance_month_start"),
        ]
        indexes = [models.Index(fields=["month", "account"])]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.segment_id} {self.month:%Y-%m} {self.currency}"


# Programme funds live in their own module; importing them here registers them with the app.
from marquee.finance.programmes.models import (  # noqa: E402
    Commitment,
    Disbursement,
    Programme,
    ProgrammeBudget,
)

__all__ = [
    "FUNCTIONAL_CURRENCY",
    "Account",
    "Balance",
    "Commitment",
    "Disbursement",
    "ImmutableRow",
    "JournalEntry",
    "JournalLine",
    "Period",
    "Programme",
    "ProgrammeBudget",
    "Segment",
]
