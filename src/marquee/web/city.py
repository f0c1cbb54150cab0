"""The visitor's city: chosen once, remembered in the session and a cookie.

Order of precedence: an explicit ``?city=`` on the request, the session, the
cookie, the signed-in account's home city, then the first city with cinemas.
Choosing a city is not a domain write (nothing in the database changes), so it
lives here and not in a service.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from marquee.places.models import City
from marquee.web import queries

COOKIE = "marquee_city"
SESSION_KEY = "marquee_city"
COOKIE_MAX_AGE = 365 * 24 * 3600


def current_city(request: HttpRequest) -> City | None:
    """The city the storefront shows; ``None`` only when no city has a cinema."""
    cached = getattr(request, "_marquee_city", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    candidates = [
        request.GET.get("city"),
        request.session.get(SESSION_KEY) if hasattr(request, "session") else None,
        request.COOKIES.get(COOKIE),
        getattr(user, "home_city", "") if user is not None and user.is_authenticated else "",
    ]
    city = None
    for code in candidates:
        if isinstance(code, str) and code:
            city = queries.city_by_code(code)
            if city is not None:
                break
    if city is None:
        choices = city_choices(request)
        city = choices[0] if choices else None
    request._marquee_city = city  # type: ignore[attr-defined]
    return city


def city_choices(request: HttpRequest) -> list[City]:
    """The cities of the picker (``queries.cities``), read once per request."""
    cached = getattr(request, "_marquee_cities", None)
    if cached is None:
        cached = request._marquee_cities = queries.cities()  # type: ignore[attr-defined]
    return cached


def remember_city(request: HttpRequest, response: HttpResponse, city: City) -> HttpResponse:
    """Keep ``city`` for the next visits (session and a year-long cookie)."""
    if hasattr(request, "session"):
        request.session[SESSION_KEY] = city.code
    response.set_cookie(COOKIE, city.code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response
