"""Rights and licensing: the rights record of a title, deals in and out, their lines and fees.

A :class:`Deal` acquires rights **in** from a licensor or licenses them **out**
to a licensee. Its :class:`RightLine` rows say what: a medium over a territory
(any node of :mod:`marquee.rights.territories`) for a window of days, either
granted or held back. Its :class:`Instalment` rows are the fee schedule; they
sum to the deal's fee (a flat fee, or the minimum guarantee of an MG + revenue
share deal). :class:`TitleRights` is the one row per title a new deal locks, so
two exclusive deals for the same title are checked one after the other.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marquee.core.money import MoneyAttribute


class Medium(models.TextChoices):
    THEATRICAL = "theatrical", _("Theatrical")
    FREE_TV = "free_tv", _("Free TV")
    PAY_TV = "pay_tv", _("Pay TV")
    SVOD = "svod", _("SVOD")
    AVOD = "avod", _("AVOD")
    TVOD = "tvod", _("TVOD")
    PVOD = "pvod", _("PVOD")
    AIRLINE = "airline", _("Airline")
    MERCHANDISING = "merchandising", _("Merchandising")


class Direction(models.TextChoices):
    IN = "in", _("Acquired in")
    OUT = "out", _("Licensed out")


class LineKind(models.TextChoices):
    GRANT = "grant", _("Grant")
    HOLDBACK = "holdback", _("Holdback")


class FeeKind(models.TextChoices):
    FLAT = "flat", _("Flat fee")
    MG_SHARE = "mg_share", _("Minimum guarantee + revenue share")


class TitleRights(models.Model):
    """The rights record of one title: created with its first deal, locked by every new one."""

    title = models.OneToOneField(
        "catalog.Title", on_delete=models.PROTECT, related_name="rights_record"
    )
    deals_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("title rights")
        verbose_name_plural = _("title rights")

    def __str__(self) -> str:
        return f"rights of title #{self.title_id}"


class Deal(models.Model):
    title = models.ForeignKey("catalog.Title", on_delete=models.PROTECT, related_name="deals")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    counterparty = models.CharField(max_length=200)
    reference = models.CharField(max_length=80, blank=True)
    exclusive = models.BooleanField(default=False)
    languages = models.JSONField(default=list, blank=True)
    currency = models.CharField(max_length=3)
    fee_kind = models.CharField(max_length=10, choices=FeeKind.choices, default=FeeKind.FLAT)
    fee_minor = models.BigIntegerField()
    revenue_share_bp = models.PositiveIntegerField(default=0)
    signed_on = models.DateField()
    entry = models.ForeignKey(
        "finance.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField()
    cancelled_on = models.DateField(null=True, blank=True)
    share_booked_minor = models.BigIntegerField(default=0)

    fee = MoneyAttribute("fee_minor")

    class Meta:
        ordering = ["-signed_on", "-pk"]
        indexes = [models.Index(fields=["title", "direction"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_minor__gte=0), name="rights_deal_fee_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(revenue_share_bp__lte=10000), name="rights_deal_share_at_most_100pct"
            ),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="rights_deal_one_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.counterparty}"


class RightLine(models.Model):
    """One right of a deal: ``media`` over ``territory`` from ``start_on`` to ``end_on`` (inclusive).

    ``title``, ``direction`` and ``exclusive`` repeat the deal's so avails read
    one table with one index.
    """

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="lines")
    title = models.ForeignKey("catalog.Title", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=8, choices=LineKind.choices, default=LineKind.GRANT)
    exclusive = models.BooleanField(default=False)
    media = models.CharField(max_length=16, choices=Medium.choices)
    territory = models.CharField(max_length=3)
    start_on = models.DateField()
    end_on = models.DateField()
    languages = models.JSONField(default=list, blank=True)  # the deal's; empty = every language

    class Meta:
        ordering = ["deal_id", "pk"]
        indexes = [
            models.Index(fields=["title", "media"]),
            models.Index(fields=["media", "territory", "start_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")), name="rights_line_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.media} {self.territory} {self.start_on}–{self.end_on}"


class Instalment(models.Model):
    """One due payment of a deal's fee; ``received_on`` is set once, when it is paid."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="instalments")
    seq = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount_minor = models.BigIntegerField()
    received_on = models.DateField(null=True, blank=True)
    cancelled_on = models.DateField(null=True, blank=True)
    report = models.OneToOneField(
        "rights.RevenueReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instalment",
    )
    entry = models.ForeignKey(
        "finance.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    amount = MoneyAttribute("amount_minor", currency="deal.currency")

    class Meta:
        ordering = ["deal_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["deal", "seq"], name="rights_instalment_seq_unique"),
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="rights_instalment_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(cancelled_on__isnull=True),
                name="rights_instalment_received_or_cancelled",
            ),
        ]

    def __str__(self) -> str:
        return f"instalment {self.seq} of deal #{self.deal_id}"


class RevenueReport(models.Model):
    """A licensee's reported gross revenue for one period of an MG + revenue share deal.

    ``share_minor`` = ``gross_minor`` × the deal's basis points / 10000, rounded half
    to even. ``overage_minor`` is what this report adds to the books: the part of the
    cumulative share above the minimum guarantee not booked by earlier reports.
    """

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="reports")
    period_start = models.DateField()
    period_end = models.DateField()
    gross_minor = models.BigIntegerField()
    share_minor = models.BigIntegerField()
    overage_minor = models.BigIntegerField(default=0)
    source = models.CharField(max_length=20, default="manual")
    entry = models.ForeignKey(
        "finance.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    gross = MoneyAttribute("gross_minor", currency="deal.currency")
    share = MoneyAttribute("share_minor", currency="deal.currency")
    overage = MoneyAttribute("overage_minor", currency="deal.currency")

    class Meta:
        ordering = ["deal_id", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "period_start"], name="rights_report_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="rights_report_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(gross_minor__gte=0, share_minor__gte=0, overage_minor__gte=0),
                name="rights_report_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"report {self.period_start}–{self.period_end} of deal #{self.deal_id}"


class DealChange(models.Model):
    """One amendment or cancellation of a deal: who, when, and its rights before and after."""

    class Kind(models.TextChoices):
        AMEND = "amend", _("Amended")
        CANCEL = "cancel", _("Cancelled")

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    effective_on = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    before = models.JSONField(default=list)  # the deal's lines before the change
    after = models.JSONField(default=list)  # … and after it
    reversed_minor = models.BigIntegerField(default=0)
    entry = models.ForeignKey(
        "finance.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A fee amendment: the fee and open instalments before, the fee and new instalments after
    # (empty when the fee was not amended), the total booked for the new ones and its entry.
    fee_before = models.JSONField(default=dict, blank=True)
    fee_after = models.JSONField(default=dict, blank=True)
    booked_minor = models.BigIntegerField(default=0)
    booked_entry = models.ForeignKey(
        "finance.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField()

    reversed = MoneyAttribute("reversed_minor", currency="deal.currency")
    booked = MoneyAttribute("booked_minor", currency="deal.currency")

    class Meta:
        ordering = ["deal_id", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} of deal #{self.deal_id} on {self.effective_on}"
