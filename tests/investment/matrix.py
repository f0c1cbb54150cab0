"""The investment rows of the API permission matrix (tests/test_permission_matrix.py).

Investment staff (and admins) run the slate and the waterfalls; a partner reads
its own stakes and the statement of the participant linked to its organisation.
Every cell builds a fresh project with the partner's participant inside the
cell's savepoint.
"""

from __future__ import annotations

import itertools
from datetime import date

from marquee.accounts.models import Membership, Role
from tests.permission_world import Call, PermWorld

PREFIX = "/investment/"
API = "/api/v1"

STAFF = "no   no no no no no ok no no no no ok"
STAFF_OR_OWNER = "no   no no no no no ok no no no ok ok"

# fmt: off
ROWS: dict[tuple[str, str], str] = {
    ("GET", "/investment/projects"):                                   STAFF,
    ("POST", "/investment/projects"):                                  STAFF,
    ("GET", "/investment/projects/{slug}"):                            STAFF,
    ("POST", "/investment/projects/{slug}/stage"):                     STAFF,
    ("PUT", "/investment/projects/{slug}/budget"):                     STAFF,
    ("GET", "/investment/projects/{slug}/budget"):                     STAFF,
    ("POST", "/investment/projects/{slug}/costs"):                     STAFF,
    ("POST", "/investment/projects/{slug}/funding"):                   STAFF,
    ("GET", "/investment/projects/{slug}/participants"):               STAFF,
    ("POST", "/investment/projects/{slug}/participants"):              STAFF,
    ("PUT", "/investment/participants/{participant_id}/stake"):        STAFF,
    ("GET", "/investment/projects/{slug}/waterfall"):                  STAFF,
    ("POST", "/investment/projects/{slug}/waterfall"):                 STAFF,
    ("GET", "/investment/projects/{slug}/receipts"):                   STAFF,
    ("POST", "/investment/projects/{slug}/receipts"):                  STAFF,
    ("GET", "/investment/projects/{slug}/statements"):                 STAFF,
    ("POST", "/investment/participants/{participant_id}/payments"):    STAFF,
    ("GET", "/investment/me/stakes"):                                  "no   no no no no no no no no no ok ok",
    ("GET", "/investment/participants/{participant_id}/statement"):    STAFF_OR_OWNER,
    ("POST", "/investment/waterfall/simulate"):                        STAFF,
}
# fmt: on

_seq = itertools.count(1)


def _tiers(studio: int) -> list[dict]:
    return [
        {"key": "fee", "type": "fee", "participant": studio, "percent": "10"},
        {"key": "rest", "type": "residual"},
    ]


def call(w: PermWorld, role: str, method: str, template: str) -> Call:
    """A valid request for the row: a fresh project, the partner's participant, a waterfall."""
    from marquee.finance.chart import ensure_chart
    from marquee.finance.programmes.services import create_programme
    from marquee.investment import services

    ensure_chart()
    n = next(_seq)
    slug = f"matrix-{n}"
    services.create_project(slug=slug, name_en=f"Matrix {n}", title=w.title_slug)
    studio = services.add_participant(project=slug, name="Studio", kind="studio", stake_bp=6000)
    partner_org = (
        Membership.objects.filter(user=w.users["partner"], role=Role.PARTNER)
        .values_list("organisation__slug", flat=True)
        .first()
    )
    mine = services.add_participant(
        project=slug, name="Partner", kind="partner", stake_bp=3000, organisation=partner_org
    )
    services.set_waterfall(project=slug, tiers=_tiers(studio.pk))
    services.receive_manual(
        project=slug,
        received_on=date(2026, 5, 1),
        currency="CNY",
        amount_minor=10_000,
        key=f"matrix-{n}",
    )
    path = API + template.format(slug=slug, participant_id=mine.pk)
    bodies = {
        "/investment/projects": {"slug": f"new-{n}", "name_en": "New film", "currency": "HKD"},
        "/investment/projects/{slug}/stage": {"to_stage": "pre_production"},
        "/investment/projects/{slug}/budget": {
            "as_of": "2026-05-01",
            "lines": [{"category": "post", "currency": "CNY", "amount_minor": 100}],
        },
        "/investment/projects/{slug}/costs": {
            "category": "post",
            "date": "2026-05-02",
            "currency": "CNY",
            "amount_minor": 50,
        },
        "/investment/projects/{slug}/participants": {
            "name": "Amblin",
            "kind": "partner",
            "stake_bp": 500,
        },
        "/investment/participants/{participant_id}/stake": {"stake_bp": 3500},
        "/investment/projects/{slug}/waterfall": {"tiers": _tiers(studio.pk)},
        "/investment/projects/{slug}/receipts": {
            "received_on": "2026-05-03",
            "currency": "CNY",
            "amount_minor": 1000,
        },
        "/investment/participants/{participant_id}/payments": {"date": "2026-05-05"},
        "/investment/waterfall/simulate": {
            "stakes": {"1": 5000, "2": 5000},
            "tiers": [{"key": "rest", "type": "residual"}],
            "revenues_minor": [100, 7],
        },
    }
    if template == "/investment/projects/{slug}/funding" and method == "POST":
        create_programme(
            code=f"matrix-inv-{n}",
            names=("Fund", "基金", "基金"),
            currency="CNY",
            first_year=2026,
            budgets={"film_production_distribution": {2026: 1_000_000}},
        )
        body = {
            "programme": f"matrix-inv-{n}",
            "category": "film_production_distribution",
            "date": date(2026, 6, 1).isoformat(),
            "currency": "CNY",
            "amount_minor": 1000,
        }
        return Call(path, json=body)
    if method in ("GET",):
        return Call(path)
    return Call(path, json=bodies.get(template))
