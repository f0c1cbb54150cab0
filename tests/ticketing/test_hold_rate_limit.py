"""Hold creation is rate-limited per account and per address: 429 + Retry-After."""

import pytest

pytestmark = pytest.mark.django_db


def _hold(client, showtime, seat):
    return client.post(
        "/api/v1/ticketing/holds",
        {"showtime_id": showtime.pk, "seats": [seat]},
        content_type="application/json",
    )


def test_account_limit_answers_429_with_retry_after_and_holds_nothing(
    settings, client_for, buyer, showtime
):
    settings.MARQUEE_RATE_LIMITS = {"holds": {"account": "2/min"}}
    client = client_for(buyer)
    codes = [s.code for s in showtime.hall.seats.order_by("row", "column")[:6]]
    assert _hold(client, showtime, codes[0]).status_code == 201
    assert _hold(client, showtime, codes[1]).status_code == 201
    refused = _hold(client, showtime, codes[2])
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) >= 1
    # Nothing was held for the refused request.
    seats = client.get(f"/api/v1/ticketing/showtimes/{showtime.pk}/seats").json()
    states = {s["code"]: s["state"] for s in seats["seats"]}
    assert [states[c] for c in codes[:3]] == ["held", "held", "free"]


def test_address_limit_covers_every_account_on_it(settings, client_for, make_user, showtime):
    settings.MARQUEE_RATE_LIMITS = {"holds": {"ip": "1/min"}}
    codes = [s.code for s in showtime.hall.seats.order_by("row", "column")[:2]]
    assert _hold(client_for(make_user()), showtime, codes[0]).status_code == 201
    assert _hold(client_for(make_user()), showtime, codes[1]).status_code == 429
