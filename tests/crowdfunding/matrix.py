"""Crowdfunding's rows of the API permission matrix (tests/test_permission_matrix.py).

Offerings are public; any account pledges and reads its own pledges and perks
(M1 owns the pledge read by id; admins may read it too); investment staff and
admins create, close, list backers and pay returns; distribution staff and
admins link a pre-sale round. A backer (M1) alone sends their own failed payout
again; staff do that through ``/return-payouts/{share_id}/retry``.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from marquee.crowdfunding.models import Offering, PerkGrant, ReturnPayout, ReturnRun
from marquee.crowdfunding.services import offerings, payouts, pledges
from marquee.investment.models import Participant, Project
from marquee.payments import payouts as payments_payouts
from marquee.payments.models import Payout
from tests.permission_world import Call, PermWorld

API = "/api/v1"
PREFIX = "/crowdfunding/"

_seq = itertools.count(1)

# fmt: off
ROWS: dict[tuple[str, str], str] = {
    ("GET", "/crowdfunding/offerings"):                              "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("POST", "/crowdfunding/offerings"):                             "no   no no no no no ok no no no no ok",
    ("GET", "/crowdfunding/offerings/{offering_id}"):                "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("POST", "/crowdfunding/offerings/{offering_id}/presale-perk"):  "no   no no no no ok no no no no no ok",
    ("POST", "/crowdfunding/offerings/{offering_id}/close"):         "no   no no no no no ok no no no no ok",
    ("GET", "/crowdfunding/offerings/{offering_id}/pledges"):        "no   no no no no no ok no no no no ok",
    ("POST", "/crowdfunding/offerings/{offering_id}/pledges"):       "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("GET", "/crowdfunding/offerings/{offering_id}/returns"):        "no   no no no no no ok no no no no ok",
    ("POST", "/crowdfunding/offerings/{offering_id}/returns"):       "no   no no no no no ok no no no no ok",
    ("GET", "/crowdfunding/pledges"):                                "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("GET", "/crowdfunding/pledges/{pledge_id}"):                    "no   ok no no no no no no no no no ok",
    ("GET", "/crowdfunding/perks"):                                  "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("POST", "/crowdfunding/offerings/{offering_id}/premiere"):      "no   no no no no no ok no no no no ok",
    ("POST", "/crowdfunding/offerings/{offering_id}/pool"):          "no   no no no no no ok no no no no ok",
    ("POST", "/crowdfunding/perks/{grant_id}/claim"):                "no   ok no no no no no no no no no no",
    ("GET", "/crowdfunding/payout-account"):                         "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("PUT", "/crowdfunding/payout-account"):                         "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("GET", "/crowdfunding/payouts"):                                "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("POST", "/crowdfunding/return-payouts/{share_id}/retry"):       "no   no no no no no ok no no no no ok",
    ("POST", "/crowdfunding/payouts/{share_id}/retry"):              "no   ok no no no no no no no no no no",
}
# fmt: on


def _project(w: PermWorld) -> Project:
    n = next(_seq)
    return Project.objects.create(
        slug=f"matrix-project-{n}", name_en=f"Matrix {n}", title=w.invitation_round.title
    )


def _offering(w: PermWorld, *, closed: bool = False) -> Offering:
    now = timezone.now()
    offset = dt.timedelta(days=-3 if closed else 0)
    return offerings.create_offering(
        actor=w.users["investment"],
        project=_project(w),
        slug=f"matrix-offering-{next(_seq)}",
        names=("Matrix offering", "", ""),
        currency="CNY",
        unit_price_minor=1_000,
        target_units=10,
        cap_units=100,
        max_units_per_backer=10,
        opens_at=now - dt.timedelta(days=1) + offset,
        closes_at=now + dt.timedelta(days=1) + offset,
    )


def _premiere_grant(w: PermWorld) -> PerkGrant:
    """M1's premiere perk of a successful offering whose premiere is chain A's showtime."""
    offering = _offering(w)
    Offering.objects.filter(pk=offering.pk).update(
        status=Offering.Status.SUCCEEDED, premiere_showtime=w.showtime_a
    )
    return PerkGrant.objects.create(
        offering=offering, backer=w.users["moviegoer"], kind=PerkGrant.Kind.PREMIERE, quantity=2
    )


def _failed_share(w: PermWorld) -> ReturnPayout:
    """M1's share of paid returns whose payout failed (their bank account now fixed)."""
    backer = w.users["moviegoer"]
    payouts.set_payout_account(
        user=backer, kind="bank", account_name="M1", bank_name="Bank", account_number="12345678"
    )
    offering = _offering(w)
    run = ReturnRun.objects.create(
        offering=offering,
        currency="CNY",
        box_office_minor=0,
        rate_bp=0,
        principal_minor=1_000,
        total_minor=1_000,
        as_of=timezone.now().date(),
    )
    share = ReturnPayout.objects.create(run=run, backer=backer, units=1, amount_minor=1_000)
    payout = payments_payouts.request_payout(
        purpose=payouts.PAYOUT_PURPOSE,
        reference=payouts.payout_reference(share),
        payee=backer,
        amount_minor=1_000,
        currency="CNY",
        destination=payouts.destination_for(share),
    )
    Payout.objects.filter(pk=payout.pk).update(status=Payout.Status.FAILED)
    ReturnPayout.objects.filter(pk=share.pk).update(payout=payout)
    return share


def call(w: PermWorld, role: str, method: str, template: str) -> Call:
    """A valid request of the row for ``role``; objects created inside the cell's savepoint."""
    if "{grant_id}" in template:
        return Call(API + template.format(grant_id=_premiere_grant(w).pk), json={"count": 1})
    if "{share_id}" in template:
        return Call(API + template.format(share_id=_failed_share(w).pk), json={})
    if template == "/crowdfunding/payout-account" and method == "PUT":
        return Call(API + template, json={"kind": "original"})
    if template == "/crowdfunding/offerings" and method == "POST":
        now = timezone.now()
        return Call(
            API + template,
            json={
                "project": _project(w).slug,
                "slug": f"matrix-new-{next(_seq)}",
                "name_en": "New offering",
                "currency": "CNY",
                "unit_price_minor": 1_000,
                "target_units": 10,
                "cap_units": 20,
                "max_units_per_backer": 5,
                "opens_at": now.isoformat(),
                "closes_at": (now + dt.timedelta(days=5)).isoformat(),
            },
        )
    if "{pledge_id}" in template:
        started = pledges.place_pledge(offering=_offering(w), user=w.users["moviegoer"], units=1)
        return Call(API + template.format(pledge_id=started.pledge.pk))
    if "{offering_id}" not in template:
        return Call(API + template)
    closed = template.endswith(("/close", "/returns"))
    offering = _offering(w, closed=closed)
    if template.endswith("/returns"):
        Offering.objects.filter(pk=offering.pk).update(status=Offering.Status.SUCCEEDED)
    path = API + template.format(offering_id=offering.pk)
    if template.endswith("/presale-perk"):
        return Call(path, json={"round_id": w.invitation_round.pk})
    if template.endswith("/premiere"):
        return Call(path, json={"showtime_id": w.showtime_a.pk})
    if template.endswith("/pool"):
        pool = Participant.objects.create(
            project=offering.project,
            name="Fans' pool",
            kind=Participant.Kind.CROWDFUNDING,
            created_at=timezone.now(),
        )
        return Call(path, json={"participant_id": pool.pk})
    if method == "POST" and template.endswith("/pledges"):
        return Call(path, json={"units": 1})
    if method == "POST":
        return Call(path, json={})
    return Call(path)
