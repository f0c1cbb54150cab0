"""Paying the returns out: each backer's share becomes a ``payments`` payout.

A backer chooses where their returns go (:func:`set_payout_account`): a bank
account (validated by payments) or, by default, back to the method they paid
their pledge with. :func:`request_return_payouts` (inside ``pay_returns``'s
transaction) requests one payout per :class:`ReturnPayout`, purpose
``crowdfunding_return``, reference ``return-payout:<id>`` (so a share is paid
at most once); :func:`send_return_payouts` then hands each to its provider in
a transaction of its own. The ledger clears 2650 against the bank when
``payments.payout_paid`` arrives (``crowdfunding.consumers``); a failed payout
stays payable and is sent again once the backer has fixed their account: by
the backer themselves (:func:`retry_my_return_payout`) or by investment staff
(:func:`retry_return_payout`).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from marquee.accounts.models import User
from marquee.core.errors import NotFound
from marquee.crowdfunding.errors import CrowdfundingErrorCode
from marquee.crowdfunding.models import PayoutAccount, Pledge, ReturnPayout, ReturnRun
from marquee.crowdfunding.services.offerings import require_manager
from marquee.payments import payouts
from marquee.payments.models import Payment, Payout
from marquee.payments.providers.base import ProviderError

logger = logging.getLogger(__name__)

#: The payments purpose of a backer's returns.
PAYOUT_PURPOSE = "crowdfunding_return"


def payout_reference(share: ReturnPayout) -> str:
    return f"return-payout:{share.pk}"


def set_payout_account(
    *,
    user: User,
    kind: str,
    account_name: Any = "",
    bank_name: Any = "",
    account_number: Any = "",
) -> PayoutAccount:
    """Where ``user``'s returns are paid: ``bank`` (validated) or ``original`` (the pledge's method).

    Raises :class:`DomainError` ``invalid_payout_destination`` (``field``:
    ``kind``, ``account_name``, ``bank_name`` or ``account_number``) and the
    text errors; nothing is written then.
    """
    fields = {"kind": kind, "account_name": "", "bank_name": "", "account_number": ""}
    if kind == PayoutAccount.Kind.BANK:
        bank = payouts.bank_destination(
            account_name=account_name, bank_name=bank_name, account_number=account_number
        )
        fields.update(
            account_name=bank.account_name,
            bank_name=bank.bank_name,
            account_number=bank.account_number,
        )
    elif kind != PayoutAccount.Kind.ORIGINAL:
        raise payouts.invalid_destination("kind")
    with transaction.atomic():
        account, _ = PayoutAccount.objects.update_or_create(backer=user, defaults=fields)
    return account


def payout_account(user: User) -> PayoutAccount | None:
    return PayoutAccount.objects.filter(backer_id=user.pk).first()


def destination_for(share: ReturnPayout) -> payouts.Destination:
    """The backer's chosen account, or the method of their last paid pledge in the offering."""
    offering_id = share.run.offering_id
    return _destinations(offering_id, [share.backer_id])[share.backer_id]


def _destinations(offering_id: int, backer_ids: list[int]) -> dict[int, payouts.Destination]:
    """Each backer's destination, read in three queries whatever the number of backers."""
    banks = {
        a.backer_id: a
        for a in PayoutAccount.objects.filter(
            backer_id__in=backer_ids, kind=PayoutAccount.Kind.BANK
        )
    }
    last_paid: dict[int, Any] = {}
    for backer_id, payment_id in (
        Pledge.objects.filter(
            offering_id=offering_id,
            backer_id__in=[b for b in backer_ids if b not in banks],
            status=Pledge.Status.PAID,
            payment_id__isnull=False,
        )
        .order_by("backer_id", "-paid_at", "-pk")
        .values_list("backer_id", "payment_id")
    ):
        last_paid.setdefault(backer_id, payment_id)
    captured = Payment.objects.in_bulk(list(last_paid.values()))
    found: dict[int, payouts.Destination] = {}
    for backer_id in backer_ids:
        account = banks.get(backer_id)
        if account is not None:
            found[backer_id] = payouts.Destination(
                kind=Payout.Destination.BANK,
                account_name=account.account_name,
                bank_name=account.bank_name,
                account_number=account.account_number,
            )
        else:
            found[backer_id] = payouts.original_destination(captured[last_paid[backer_id]])
    return found


def request_return_payouts(*, run: ReturnRun) -> list[Payout]:
    """Request the payout of every share of ``run`` (inside the caller's transaction)."""
    shares = [s for s in run.payouts.select_related("backer").order_by("pk") if s.payout_id is None]
    where = _destinations(run.offering_id, [s.backer_id for s in shares])
    requested = []
    for share in shares:
        payout = payouts.request_payout(
            purpose=PAYOUT_PURPOSE,
            reference=payout_reference(share),
            payee=share.backer,
            amount_minor=share.amount_minor,
            currency=run.currency,
            destination=where[share.backer_id],
        )
        share.payout = payout
        requested.append(payout)
    ReturnPayout.objects.bulk_update(shares, ["payout"])
    return requested


def send_return_payouts(*, run: ReturnRun | int) -> int:
    """Send every requested payout of ``run``, one transaction each; returns how many went out.

    A provider error leaves that payout ``requested`` for the next try.
    """
    run_id = run if isinstance(run, int) else run.pk
    ids = list(
        Payout.objects.filter(
            purpose=PAYOUT_PURPOSE,
            status=Payout.Status.REQUESTED,
            pk__in=ReturnPayout.objects.filter(run_id=run_id).values("payout_id"),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in ids:
        try:
            if payouts.send_payout(payout=pk).status != Payout.Status.REQUESTED:
                sent += 1
        except ProviderError:
            logger.warning("crowdfunding: payout %s not sent; it stays requested", pk)
    return sent


def retry_return_payout(*, actor: User, share: ReturnPayout | int) -> Payout:
    """Send a failed share again, to the backer's account as it is now (investment staff).

    Raises :class:`PermissionDenied` ``not_investment_staff``, :class:`NotFound`
    ``return_payout_not_found``, :class:`Conflict` ``payout_not_failed``.
    """
    require_manager(actor)
    return _retry(share, backer=None)


def retry_my_return_payout(*, user: User, share: ReturnPayout | int) -> Payout:
    """Send ``user``'s own failed share again, to their payout account as it is now.

    Another backer's share reads as missing. Raises :class:`NotFound`
    ``return_payout_not_found`` and :class:`Conflict` ``payout_not_failed``
    (requested, sent or paid: only a failed payout goes out again).
    """
    return _retry(share, backer=user)


def _retry(share: ReturnPayout | int, *, backer: User | None) -> Payout:
    pk = share if isinstance(share, int) else share.pk
    found = ReturnPayout.objects.select_related("run").filter(pk=pk)
    if backer is not None:
        found = found.filter(backer_id=backer.pk)
    share_row = found.first()
    if share_row is None or share_row.payout_id is None:
        raise NotFound(CrowdfundingErrorCode.RETURN_PAYOUT_NOT_FOUND, f"No payout share {pk}.")
    return payouts.retry_payout(payout=share_row.payout_id, destination=destination_for(share_row))
