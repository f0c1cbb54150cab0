"""The API permission matrix: every operation in /api/v1/openapi.json × every role.

Each cell of ``MATRIX`` says what one role gets from one operation:

- ``pub``: a public endpoint; nobody is refused (not 401/403/404), anonymous included
  (the unsigned webhook call gets its 400 ``invalid_signature``, proof the handler ran).
- ``ok``:  the handler is reached and acts: every request is valid, so this is a 2xx.
- ``no``:  refused: 401 for anonymous; 403 or 404 for a signed-in account.

Object-level rows act on chain A's objects (showtime, hall, venue, check-in,
settlement) and moviegoer M1's objects (hold, orders, tickets, payment), so
``operator_b`` and ``moviegoer_other`` are the outsiders. Roles: see
tests/permission_world.py. The world is built once for the module inside an outer
transaction; each cell runs in its own savepoint and is rolled back.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.permission_world import ROLES, Call, PermWorld, build_perm_world, png_bytes
from tests.venues.conftest import small_layout

API = "/api/v1"
PRICES = {"standard": 4500, "vip": 6500, "couple": 9000, "wheelchair": 3000, "companion": 3000}

# fmt: off
#: (method, path) → one cell per role, in the order of ROLES:
#:   anonymous | moviegoer M1, moviegoer_other M2, operator_a, operator_b, distribution,
#:   investment, rights, finance, merchant, partner, admin
MATRIX: dict[tuple[str, str], str] = {
    # accounts
    ("GET", "/accounts/me"):                                  "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("POST", "/accounts/signup"):                             "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("GET", "/accounts/tokens"):                              "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("POST", "/accounts/tokens"):                             "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("DELETE", "/accounts/tokens/{token_id}"):                "no   ok ok ok ok ok ok ok ok ok ok ok",
    # catalog: reads public, writes distribution staff (and admins)
    ("GET", "/catalog/titles"):                               "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("POST", "/catalog/titles"):                              "no   no no no no ok no no no no no ok",
    ("GET", "/catalog/titles/{slug}"):                        "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("PATCH", "/catalog/titles/{slug}"):                      "no   no no no no ok no no no no no ok",
    ("GET", "/catalog/companies"):                            "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("GET", "/catalog/companies/{slug}"):                     "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("GET", "/catalog/genres"):                               "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("POST", "/catalog/titles/{slug}/poster"):                "no   no no no no ok no no no no no ok",
    ("POST", "/catalog/titles/{slug}/credits"):               "no   no no no no ok no no no no no ok",
    ("PUT", "/catalog/titles/{slug}/release-dates/{territory}"):    "no no no no no ok no no no no no ok",
    ("DELETE", "/catalog/titles/{slug}/release-dates/{territory}"): "no no no no no ok no no no no no ok",
    # venues: reads public; chain A's hall and cinema are managed by chain A's operators
    ("GET", "/venues/cities"):                                "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("GET", "/venues/cinemas"):                               "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("GET", "/venues/cinemas/{slug}"):                        "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("GET", "/venues/halls/{hall_id}/layout"):                "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("PUT", "/venues/halls/{hall_id}/layout"):                "no   no no ok no no no no no no no ok",
    ("POST", "/venues/cinemas/{slug}/halls"):                 "no   no no ok no no no no no no no ok",
    ("GET", "/venues/manage/halls"):                          "no   no no ok ok ok no no no no no ok",
    # ticketing: showtimes of chain A (scheduled by its operators and distribution staff)
    ("GET", "/ticketing/showtimes"):                          "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("POST", "/ticketing/showtimes"):                         "no   no no ok no ok no no no no no ok",
    ("GET", "/ticketing/showtimes/{showtime_id}"):            "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("PATCH", "/ticketing/showtimes/{showtime_id}"):          "no   no no ok no ok no no no no no ok",
    ("GET", "/ticketing/showtimes/{showtime_id}/seats"):      "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("POST", "/ticketing/showtimes/{showtime_id}/publish"):   "no   no no ok no ok no no no no no ok",
    ("POST", "/ticketing/showtimes/{showtime_id}/cancel"):    "no   no no ok no ok no no no no no ok",
    # pre-sale rounds (distribution staff plan them) and interest (any account)
    ("GET", "/ticketing/rounds"):                             "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("POST", "/ticketing/rounds"):                            "no   no no no no ok no no no no no ok",
    ("GET", "/ticketing/rounds/{round_id}"):                  "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("POST", "/ticketing/rounds/{round_id}/invitations"):     "no   no no no no ok no no no no no ok",
    ("GET", "/ticketing/titles/{slug}/want-to-see"):          "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("POST", "/ticketing/titles/{slug}/want-to-see"):         "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("DELETE", "/ticketing/titles/{slug}/want-to-see"):       "no   ok ok ok ok ok ok ok ok ok ok ok",
    # buying: any account may buy. M1's hold and the money actions on M1's order (pay,
    # cancel) are M1's alone, admins included; reading the order and its tickets, ticket
    # downloads, refund quotes, refunds and exchanges also admit admins (support acting
    # for a buyer: order_for_owner_or_admin).
    ("POST", "/ticketing/showtimes/{showtime_id}/waiting-room"): "no ok ok ok ok ok ok ok ok ok ok ok",
    ("POST", "/ticketing/holds"):                             "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("GET", "/ticketing/holds/{hold_id}"):                    "no   ok no no no no no no no no no no",
    ("DELETE", "/ticketing/holds/{hold_id}"):                 "no   ok no no no no no no no no no no",
    ("POST", "/ticketing/orders"):                            "no   ok no no no no no no no no no no",
    ("GET", "/ticketing/orders"):                             "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("GET", "/ticketing/orders/{order_id}"):                  "no   ok no no no no no no no no no ok",
    ("POST", "/ticketing/orders/{order_id}/pay"):             "no   ok no no no no no no no no no no",
    ("POST", "/ticketing/orders/{order_id}/cancel"):          "no   ok no no no no no no no no no no",
    ("GET", "/ticketing/orders/{order_id}/tickets"):          "no   ok no no no no no no no no no ok",
    ("GET", "/ticketing/keys"):                               "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("GET", "/ticketing/tickets/{ticket_id}/qr.png"):         "no   ok no no no no no no no no no ok",
    ("GET", "/ticketing/tickets/{ticket_id}/qr.svg"):         "no   ok no no no no no no no no no ok",
    ("GET", "/ticketing/tickets/{ticket_id}/ticket.pdf"):     "no   ok no no no no no no no no no ok",
    ("GET", "/ticketing/tickets/{ticket_id}/ticket.ics"):     "no   ok no no no no no no no no no ok",
    ("GET", "/ticketing/orders/{order_id}/tickets.pdf"):      "no   ok no no no no no no no no no ok",
    ("GET", "/ticketing/orders/{order_id}/tickets.ics"):      "no   ok no no no no no no no no no ok",
    ("GET", "/ticketing/orders/{order_id}/refund-quote"):     "no   ok no no no no no no no no no ok",
    ("POST", "/ticketing/orders/{order_id}/refund"):          "no   ok no no no no no no no no no ok",
    ("POST", "/ticketing/orders/{order_id}/exchange"):        "no   ok no no no no no no no no no ok",
    # the door and the money of chain A's venue
    ("POST", "/ticketing/checkins"):                          "no   no no ok no no no no no no no ok",
    ("GET", "/ticketing/checkins/summary"):                   "no   no no ok no no no no no no no ok",
    ("POST", "/ticketing/pickups/lookup"):                    "no   no no ok no no no no no no no ok",
    ("GET", "/ticketing/settlements"):                        "no   no no ok no ok no no no no no ok",
    ("GET", "/ticketing/settlements.csv"):                    "no   no no ok no ok no no no no no ok",
    # payments: your own; finance staff see and refund all; the simulated gateway is the
    # payer's (authorize: payer only; deliver: payer or admin)
    ("GET", "/payments/"):                                    "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("GET", "/payments/{payment_id}"):                        "no   ok no no no no no no ok no no ok",
    ("POST", "/payments/webhooks/{provider}"):                "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("POST", "/payments/sim/{payment_id}/authorize"):         "no   ok no no no no no no no no no no",
    ("POST", "/payments/sim/{payment_id}/deliver"):           "no   ok no no no no no no no no no ok",
    ("POST", "/payments/{payment_id}/refunds"):               "no   no no no no no no no ok no no ok",
    # finance: the books are read and written by finance staff and admins only
    ("GET", "/finance/accounts"):                             "no   no no no no no no no ok no no ok",
    ("GET", "/finance/segments"):                             "no   no no no no no no no ok no no ok",
    ("GET", "/finance/journal-entries"):                      "no   no no no no no no no ok no no ok",
    ("POST", "/finance/journal-entries"):                     "no   no no no no no no no ok no no ok",
    ("GET", "/finance/journal-entries/{entry_id}"):           "no   no no no no no no no ok no no ok",
    ("POST", "/finance/journal-entries/{entry_id}/reverse"):  "no   no no no no no no no ok no no ok",
    ("GET", "/finance/fx-rates"):                             "no   no no no no no no no ok no no ok",
    ("POST", "/finance/fx-rates"):                            "no   no no no no no no no ok no no ok",
    ("GET", "/finance/periods"):                              "no   no no no no no no no ok no no ok",
    ("POST", "/finance/periods/{month}/close"):               "no   no no no no no no no ok no no ok",
    ("POST", "/finance/periods/{month}/reopen"):              "no   no no no no no no no ok no no ok",
    ("GET", "/finance/export.beancount"):                     "no   no no no no no no no ok no no ok",
    # finance reports and programme funds (block kept apart from the ledger's rows above)
    ("GET", "/finance/reports/trial-balance"):                "no   no no no no no no no ok no no ok",
    ("GET", "/finance/reports/income-statement"):             "no   no no no no no no no ok no no ok",
    ("GET", "/finance/reports/balance-sheet"):                "no   no no no no no no no ok no no ok",
    ("GET", "/finance/reports/interim-summary"):              "no   no no no no no no no ok no no ok",
    ("GET", "/finance/programmes"):                           "no   no no no no no no no ok no no ok",
    ("GET", "/finance/programmes/{code}"):                    "no   no no no no no no no ok no no ok",
    ("POST", "/finance/programmes/{code}/commitments"):       "no   no no no no no no no ok no no ok",
    ("POST", "/finance/programmes/{code}/commitments/{commitment_id}/disbursements"): "no no no no no no no no ok no no ok",
}
# fmt: on

#: The newer pillars keep their rows beside their tests, in ``tests/<app>/matrix.py``:
#: ``PREFIX`` (the router's path, "/merch/"), ``ROWS`` (cells as above) and
#: ``call(w, role, method, template) -> Call``, which builds the objects a row needs
#: (inside the cell's savepoint) from the world's users (``w.users[role]``).
PILLARS = [
    importlib.import_module(f"tests.{path.parent.name}.matrix")
    for path in sorted(Path(__file__).parent.glob("*/matrix.py"))
]
for _pillar in PILLARS:
    assert not MATRIX.keys() & _pillar.ROWS.keys(), _pillar.__name__
    MATRIX.update(_pillar.ROWS)


#: Chain B's objects: the mirror image of the object-level rows above, so that chain A's
#: operator is refused on chain B's showtime, hall, venue, door and settlement.
#: (method, path with chain B's ids, "operator_a operator_b" cells).
CHAIN_B_CASES: list[tuple[str, str, str]] = [
    ("GET", "/ticketing/showtimes/{showtime_b}", "pub pub"),
    ("PATCH", "/ticketing/showtimes/{showtime_b}", "no ok"),
    ("POST", "/ticketing/showtimes/{showtime_b}/cancel", "no ok"),
    ("PUT", "/venues/halls/{hall_b2}/layout", "no ok"),
    ("POST", "/venues/cinemas/{venue_b_slug}/halls", "no ok"),
    ("POST", "/ticketing/showtimes", "no ok"),
    ("POST", "/ticketing/checkins", "no ok"),
    ("GET", "/ticketing/checkins/summary?venue_id={venue_b}", "no ok"),
    ("POST", "/ticketing/pickups/lookup", "no ok"),
    ("GET", "/ticketing/settlements?venue_id={venue_b}", "no ok"),
    ("GET", "/ticketing/settlements.csv?venue_id={venue_b}", "no ok"),
]

#: Cells expected to disagree with MATRIX because of a known bug in src/ (role, method, path) → reason.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


def _future(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def _ledger_entry():
    """A journal entry to read or reverse (rolled back with the cell's savepoint)."""
    import datetime as dt

    from marquee.finance.services import LineSpec, post_entry

    return post_entry(
        date=dt.date(2031, 1, 15),
        memo="matrix",
        lines=[
            LineSpec("6120", "corporate", "CNY", debit_minor=100),
            LineSpec("1010", "corporate", "CNY", credit_minor=100),
        ],
    )


def _request(w: PermWorld, role: str, method: str, template: str) -> Call:
    """The concrete request of one row for one role: valid bodies, chain A / M1 objects."""
    if template.startswith(("/finance/reports", "/finance/programmes")):
        return _finance_reports_call(method, template)
    for pillar in PILLARS:
        if template.startswith(pillar.PREFIX):
            return pillar.call(w, role, method, template)
    st = w.showtime_a.pk
    fill = {
        "token_id": w.spare_token_ids[role],
        "slug": w.title_slug,
        "territory": "HK",
        "hall_id": w.hall_a_id,
        "showtime_id": st,
        "round_id": w.invitation_round.pk,
        "hold_id": w.hold.pk,
        "order_id": w.paid_order.pk,
        "ticket_id": w.ticket.pk,
        "payment_id": w.payment.pk,
        "provider": "sim",
        "month": "2031-01",
    }
    if "{entry_id}" in template:
        fill["entry_id"] = _ledger_entry().pk
    key = (method, template)
    if key == ("GET", "/catalog/companies/{slug}"):
        fill["slug"] = w.company_slug
    elif key == ("GET", "/venues/cinemas/{slug}") or key == (
        "POST",
        "/venues/cinemas/{slug}/halls",
    ):
        fill["slug"] = w.venue_a_slug
    elif key == ("PUT", "/venues/halls/{hall_id}/layout"):
        fill["hall_id"] = w.hall_a2_id
    elif key in {
        ("PATCH", "/ticketing/showtimes/{showtime_id}"),
        ("POST", "/ticketing/showtimes/{showtime_id}/publish"),
        ("POST", "/ticketing/showtimes/{showtime_id}/cancel"),
    }:
        fill["showtime_id"] = w.draft_a.pk
    elif key in {
        ("POST", "/ticketing/orders/{order_id}/pay"),
        ("POST", "/ticketing/orders/{order_id}/cancel"),
    }:
        fill["order_id"] = w.pending_order.pk
    elif key in {
        ("POST", "/payments/sim/{payment_id}/authorize"),
        ("POST", "/payments/sim/{payment_id}/deliver"),
    }:
        fill["payment_id"] = w.pending_payment.pk
    path = API + template.format(**fill)
    n = f"{role}-{abs(hash(template)) % 10_000}"
    venue = w.venue_a_id
    bodies: dict[tuple[str, str], Any] = {
        ("POST", "/accounts/signup"): {"username": f"newbie-{n}", "password": "a-long-Passw0rd!x"},
        ("POST", "/accounts/tokens"): {"name": "ci"},
        ("POST", "/catalog/titles"): {"slug": f"new-film-{n}", "title_en": "New Film"},
        ("PATCH", "/catalog/titles/{slug}"): {"title_en": "Renamed Film"},
        ("POST", "/catalog/titles/{slug}/credits"): {"company": w.company_slug, "role": "producer"},
        ("PUT", "/catalog/titles/{slug}/release-dates/{territory}"): {"date": "2031-05-01"},
        ("PUT", "/venues/halls/{hall_id}/layout"): small_layout("Hall 2"),
        ("POST", "/venues/cinemas/{slug}/halls"): small_layout("Hall 9"),
        ("POST", "/ticketing/showtimes"): {
            "title": w.title_slug,
            "hall_id": w.hall_a_id,
            "starts_at": _future(5),
            "prices": PRICES,
        },
        ("PATCH", "/ticketing/showtimes/{showtime_id}"): {"subtitle_language": "en"},
        ("POST", "/ticketing/showtimes/{showtime_id}/cancel"): {"reason": "matrix"},
        ("POST", "/ticketing/rounds"): {
            "title": w.title_slug,
            "name": "Early birds",
            "opens_at": _future(1),
            "closes_at": _future(2),
        },
        ("POST", "/ticketing/rounds/{round_id}/invitations"): {"count": 1},
        ("POST", "/ticketing/holds"): {"showtime_id": st, "seats": ["4-1"]},
        ("POST", "/ticketing/orders"): {"hold_id": w.hold.pk},
        ("POST", "/ticketing/orders/{order_id}/pay"): {"return_url": ""},
        ("POST", "/ticketing/orders/{order_id}/refund"): {"ticket_ids": [w.ticket.pk]},
        ("POST", "/ticketing/orders/{order_id}/exchange"): {
            "ticket_ids": [w.ticket.pk],
            "showtime_id": w.later_a.pk,
            "seats": ["4-8"],
        },
        ("POST", "/ticketing/checkins"): {"code": w.ticket.code, "venue_id": venue},
        ("POST", "/ticketing/pickups/lookup"): {"code": w.ticket.pickup_code, "venue_id": venue},
        ("POST", "/payments/sim/{payment_id}/authorize"): {"outcome": "succeed"},
        ("POST", "/payments/{payment_id}/refunds"): {"amount_minor": 100, "reason": "goodwill"},
        ("POST", "/payments/webhooks/{provider}"): {"event": "nothing"},
        ("POST", "/finance/journal-entries"): {
            "date": "2031-01-15",
            "memo": "matrix",
            "lines": [
                {"account": "6120", "segment": "corporate", "currency": "CNY", "debit_minor": 100},
                {"account": "1010", "segment": "corporate", "currency": "CNY", "credit_minor": 100},
            ],
        },
        ("POST", "/finance/journal-entries/{entry_id}/reverse"): {},
        ("POST", "/finance/fx-rates"): {"base": "USD", "rate": "7.2", "valid_from": "2031-01-01"},
    }
    queries = {
        ("GET", "/ticketing/checkins/summary"): f"?venue_id={venue}",
        ("GET", "/ticketing/settlements"): f"?venue_id={venue}",
        ("GET", "/ticketing/settlements.csv"): f"?venue_id={venue}",
    }
    path += queries.get(key, "")
    if key == ("POST", "/catalog/titles/{slug}/poster"):
        return Call(path, files={"poster": png_bytes()})
    return Call(path, json=bodies.get(key))


# --- finance reports and programme funds -------------------------------------------------


def _finance_reports_call(method: str, template: str) -> Call:
    """Reports over an empty half-year; a small CNY programme with one commitment to pay."""
    from marquee.finance.chart import ensure_chart
    from marquee.finance.programmes.services import commit_funds, create_programme

    ensure_chart()
    programme = create_programme(
        code="matrix-fund",
        names=("Matrix fund", "矩阵基金", "矩陣基金"),
        currency="CNY",
        first_year=2026,
        budgets={"scholarships": {2026: 1_000_000}},
    )
    commitment = commit_funds(
        programme_code=programme.code,
        category="scholarships",
        date=date(2026, 6, 1),
        currency="CNY",
        amount_minor=1_000,
        funded_label="A student",
    )
    path = API + template.format(code=programme.code, commitment_id=commitment.pk)
    if template.endswith("/commitments"):
        body = {
            "category": "scholarships",
            "date": "2026-06-01",
            "currency": "CNY",
            "amount_minor": 100,
            "funded_label": "Another student",
        }
        return Call(path, json=body)
    if template.endswith("/disbursements"):
        return Call(path, json={"date": "2026-06-02", "amount_minor": 100})
    if template.endswith("/interim-summary"):
        path += "?period=H1+FY2026&convenience_currency="
    return Call(path)


def _send(client: Client, method: str, call: Call, token: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if call.files is not None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("poster.png", call.files["poster"], content_type="image/png")
        return client.post(call.path, {"poster": upload}, **headers)
    send: Callable[..., Any] = getattr(client, method.lower())
    if call.json is None:
        return send(call.path, **headers)
    return send(call.path, data=json.dumps(call.json), content_type="application/json", **headers)


def _head(response) -> bytes:
    """The start of the body for a failure message (a streamed download: none)."""
    return b"<streamed>" if response.streaming else response.content[:300]


def _cells() -> list[Any]:
    params = []
    for (method, path), row in MATRIX.items():
        cells = row.split()
        for role, expected in zip(ROLES, cells, strict=True):
            marks = []
            bug = KNOWN_BUGS.get((role, method, path))
            if bug:
                marks.append(pytest.mark.xfail(reason=bug, strict=True))
            params.append(
                pytest.param(
                    method, path, role, expected, id=f"{method} {path} [{role}]", marks=marks
                )
            )
    return params


@pytest.fixture(scope="module")
def perm_world(django_db_setup, django_db_blocker):
    """The world, built once inside an outer transaction that is rolled back afterwards."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_perm_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_every_row_has_one_valid_cell_per_role():
    for key, row in MATRIX.items():
        cells = row.split()
        assert len(cells) == len(ROLES), key
        assert set(cells) <= {"pub", "ok", "no"}, key
        assert (cells[0] == "pub") == all(c == "pub" for c in cells), f"{key}: mixed public row"


@pytest.mark.django_db
def test_matrix_covers_every_openapi_operation(client):
    schema = client.get(f"{API}/openapi.json").json()
    operations = {
        (method.upper(), path.removeprefix(API))
        for path, ops in schema["paths"].items()
        for method in ops
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert operations, "the OpenAPI document lists no operations"
    missing = sorted(operations - MATRIX.keys())
    stale = sorted(MATRIX.keys() - operations)
    assert not missing, f"operations without a row in MATRIX: {missing}"
    assert not stale, f"rows for operations no longer in the API: {stale}"
    # Public rows are exactly the operations the schema documents without security.
    public = {
        (method.upper(), path.removeprefix(API))
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if not op.get("security")
    }
    assert {k for k, row in MATRIX.items() if row.split()[0] == "pub"} == public


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "role", "expected"), _cells())
def test_cell(perm_world, method, path, role, expected):
    call = _request(perm_world, role, method, path)
    token = perm_world.tokens.get(role)
    response = _send(Client(), method, call, token)
    status = response.status_code
    detail = f"{method} {call.path} as {role}: {status} {_head(response)!r}"
    assert status < 500, detail
    if expected == "no":
        if role == "anonymous":
            assert status == 401, detail
        else:
            assert status in {403, 404}, detail
    elif expected == "ok":
        # Valid bodies throughout, so an allowed caller gets a success, not just "not refused".
        assert 200 <= status < 300, detail
    else:
        assert status not in {401, 403, 404}, detail


def _chain_b_call(w: PermWorld, method: str, template: str) -> Call:
    path = API + template.format(
        showtime_b=w.showtime_b.pk,
        hall_b2=w.hall_b2_id,
        venue_b_slug=w.venue_b_slug,
        venue_b=w.venue_b_id,
    )
    bodies: dict[str, Any] = {
        "PATCH": {"subtitle_language": "en"},
        "PUT": small_layout("Hall 2"),
    }
    if template.endswith("/cancel"):
        return Call(path, json={"reason": "matrix"})
    if template.endswith("/halls"):
        return Call(path, json=small_layout("Hall 9"))
    if template == "/ticketing/showtimes":
        return Call(
            path,
            json={
                "title": w.title_slug,
                "hall_id": w.hall_b2_id,
                "starts_at": _future(5),
                "prices": PRICES,
            },
        )
    if template == "/ticketing/checkins":
        # M1's chain-A ticket scanned at chain B's door: a verdict for B's operator.
        return Call(path, json={"code": w.ticket.code, "venue_id": w.venue_b_id})
    if template == "/ticketing/pickups/lookup":
        # Chain B's own ticket, looked up at chain B's kiosk.
        return Call(path, json={"code": w.extra["ticket_b"].pickup_code, "venue_id": w.venue_b_id})
    return Call(path, json=bodies.get(method))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "template", "role", "expected"),
    [
        pytest.param(method, template, role, cell, id=f"{method} {template} [{role}]")
        for method, template, cells in CHAIN_B_CASES
        for role, cell in zip(("operator_a", "operator_b"), cells.split(), strict=True)
    ],
)
def test_chain_b_objects(perm_world, method, template, role, expected):
    call = _chain_b_call(perm_world, method, template)
    response = _send(Client(), method, call, perm_world.tokens[role])
    status = response.status_code
    detail = f"{method} {call.path} as {role}: {status} {_head(response)!r}"
    assert status < 500, detail
    if expected == "no":
        assert status in {403, 404}, detail
    else:
        assert 200 <= status < 300, detail
