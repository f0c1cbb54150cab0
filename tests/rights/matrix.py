"""Permission matrix rows of the rights API (discovered by tests/test_permission_matrix.py).

Rights staff and administrators run deals and avails; everyone else is refused.
"""

from __future__ import annotations

import datetime as dt

from marquee.finance.chart import ensure_chart
from tests.catalog.factories import TitleFactory
from tests.permission_world import Call
from tests.rights.factories import acquire, flat, license_out, mg_share, right

PREFIX = "/rights/"
STAFF = "no   no no no no no no ok no no no ok"

ROWS: dict[tuple[str, str], str] = {
    ("GET", "/rights/territories"): STAFF,
    ("GET", "/rights/avails"): STAFF,
    ("GET", "/rights/avails/titles"): STAFF,
    ("GET", "/rights/deals"): STAFF,
    ("POST", "/rights/deals"): STAFF,
    ("GET", "/rights/deals/{deal_id}"): STAFF,
    ("POST", "/rights/deals/{deal_id}/instalments/{seq}/receive"): STAFF,
    ("POST", "/rights/deals/{deal_id}/instalments/{seq}/pay"): STAFF,
    ("POST", "/rights/deals/{deal_id}/reports"): STAFF,
    ("POST", "/rights/deals/{deal_id}/cancel"): STAFF,
    ("POST", "/rights/deals/{deal_id}/amend"): STAFF,
}

API = "/api/v1"


def call(w, role: str, method: str, template: str) -> Call:
    """A valid request of the row: a title held worldwide, licensed out with a fee."""
    ensure_chart()
    title = TitleFactory()
    held = acquire(title, fee=flat(1000_00))
    out = license_out(title, exclusive=False, fee=flat(500_00))
    if template == "/rights/avails":
        return Call(f"{API}/rights/avails?title_id={title.pk}&media=svod&territory=GCN"
                    "&start_on=2027-01-01&end_on=2027-12-31")  # fmt: skip
    if template == "/rights/avails/titles":
        return Call(f"{API}/rights/avails/titles?media=svod&territory=CN"
                    "&start_on=2027-01-01&end_on=2027-12-31")  # fmt: skip
    if template == "/rights/deals" and method == "POST":
        return Call(
            f"{API}/rights/deals",
            json={
                "title_id": title.pk,
                "direction": "out",
                "counterparty": "Youku",
                "exclusive": False,
                "rights": [{"media": ["svod"], "territories": ["HK"],
                            "start_on": "2027-01-01", "end_on": "2027-06-30"}],
                "currency": "CNY",
                "fee_minor": 100_00,
                "instalments": [{"due_on": "2027-01-31", "amount_minor": 100_00}],
                "signed_on": dt.date(2026, 12, 1).isoformat(),
            },
        )  # fmt: skip
    if template.endswith("/receive"):
        return Call(f"{API}/rights/deals/{out.pk}/instalments/1/receive", json={"on": "2027-02-01"})
    if template.endswith("/reports"):
        shared = license_out(
            title, right("svod", "CN"), exclusive=False, fee=mg_share(100_00, 4000),
            counterparty="Youku",
        )  # fmt: skip
        return Call(
            f"{API}/rights/deals/{shared.pk}/reports",
            json={"period_start": "2027-01-01", "period_end": "2027-03-31", "gross_minor": 1000_00},
        )
    if template.endswith("/cancel"):
        return Call(f"{API}/rights/deals/{out.pk}/cancel", json={"on": "2027-07-01"})
    if template.endswith("/amend"):
        return Call(
            f"{API}/rights/deals/{out.pk}/amend",
            json={
                "end_on": "2027-09-30",
                "instalments": [{"due_on": "2027-06-30", "amount_minor": 500_00}],
            },
        )
    if template.endswith("/pay"):
        return Call(f"{API}/rights/deals/{held.pk}/instalments/1/pay", json={"on": "2026-12-02"})
    return Call(API + template.format(deal_id=out.pk))
