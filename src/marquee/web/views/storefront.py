"""The storefront: home (city, now showing, coming soon), film and cinema pages, want to see."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marquee.analytics import recommend
from marquee.ticketing import queries as ticketing_queries
from marquee.ticketing.services import rounds
from marquee.venues import queries as venue_queries
from marquee.web import audience, queries
from marquee.web import schedule as filters
from marquee.web.city import city_choices, current_city, remember_city
from marquee.web.views.common import domain_errors, parse_date, safe_next


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    city = current_city(request)
    context: dict = {"city": city, "cities": city_choices(request) if city else []}
    if city is None:
        context["catalog"] = queries.catalog_cards()
    else:
        context["listing"] = queries.home_listing(city=city, user=request.user)
        if request.user.is_authenticated:
            context["for_you"] = recommend.for_user(request.user, k=6, city_code=city.code)
    listing = context.get("listing")
    cards = [*listing.now_showing, *listing.coming_soon] if listing else context["catalog"]
    context["ratings"] = audience.card_ratings(cards)
    response = render(request, "web/home.html", context)
    if city is not None and request.GET.get("city") == city.code:
        remember_city(request, response, city)
    return response


@require_POST
def choose_city(request: HttpRequest) -> HttpResponse:
    """The city picker: remember the choice and go back where the visitor was."""
    city = queries.city_by_code(request.POST.get("city"))
    target = safe_next(request, request.POST.get("next"), "/")
    response = HttpResponseRedirect(target)
    if city is not None:
        remember_city(request, response, city)
    return response


@require_GET
@domain_errors
def film(request: HttpRequest, slug: str) -> HttpResponse:
    title = queries.film_detail(slug)
    city = current_city(request)
    schedule = queries.film_schedule(title=title, city=city, user=request.user) if city else []
    # One day at a time: the chosen one, else the first day with showtimes (and say so).
    asked = parse_date(request.GET.get("date"))
    day = next((d for d in schedule if d.day == asked), schedule[0] if schedule else None)
    context = {
        "date_notice": _date_notice(request, asked, found=day is not None and day.day == asked),
        "presale_rounds": queries.presale_rounds(title=title, city=city) if city else [],
        "film": title,
        "hue": queries.poster_hue(title),
        "credits": queries.film_credits(title),
        "also_bought": recommend.also_bought(title, k=6),
        "city": city,
        "cities": city_choices(request),
        "schedule": schedule,
        "day": day,
        "interest": ticketing_queries.want_to_see(request.user, title),
        "release": next(
            (r for r in title.release_dates.all() if city and r.territory == city.territory),
            None,
        ),
        "today": timezone.localdate(),
    }
    context.update(_filtered(request, schedule, day))
    context.update(audience.film_extras(title, request.user))
    return render(request, "web/film.html", context)


def _filtered(request: HttpRequest, days: list, day) -> dict:
    """The chosen day narrowed by the visitor's filters, nearest cinemas first when located."""
    chosen = filters.parse_filters(request.GET)
    return {
        "filters": chosen,
        "filter_options": filters.filter_options(days),
        "shown": filters.filter_day(day, chosen) if day is not None else None,
    }


@require_POST
@domain_errors
def want_to_see(request: HttpRequest, slug: str) -> HttpResponse:
    """Register (or, with ``action=remove``, withdraw) the visitor's interest in a film."""
    back = safe_next(request, request.POST.get("next"), f"/films/{slug}/")
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    title = ticketing_queries.title_by_slug(slug)
    if request.POST.get("action") == "remove":
        rounds.unregister_want_to_see(user=request.user, title=title)
    else:
        rounds.register_want_to_see(user=request.user, title=title)
    return HttpResponseRedirect(back)


def _date_notice(request: HttpRequest, asked: date | None, *, found: bool) -> str:
    """What to say when ``?date=`` names no day of the schedule: never replace it silently."""
    if "date" not in request.GET or found:
        return ""
    if asked is None:
        return _("That is not a date we understand; here is the first day with showtimes.")
    return _(
        "There are no showtimes on %(day)s; here is the first day with showtimes. "
        "Pick another day above."
    ) % {"day": date_format(asked, "DATE_FORMAT")}


@require_GET
def cinemas(request: HttpRequest) -> HttpResponse:
    city = current_city(request)
    venues = list(queries.cinemas_of_city(city=city, user=request.user)) if city else []
    return render(
        request,
        "web/cinemas.html",
        {"city": city, "cities": city_choices(request), "venues": venues},
    )


@require_GET
@domain_errors
def cinema(request: HttpRequest, slug: str) -> HttpResponse:
    venue = venue_queries.venue_with_halls(slug, user=request.user)
    days = queries.cinema_days(venue=venue, user=request.user)
    asked = parse_date(request.GET.get("date"))
    day = asked if asked in days else days[0]
    context = {
        "date_notice": _date_notice(request, asked, found=day == asked),
        "venue": venue,
        "halls": list(venue.halls.all()),
        "days": days,
        "day": day,
        "schedule": queries.cinema_day(venue=venue, day=day, user=request.user),
        "filters": filters.parse_filters(request.GET),
        "page_title": _("Cinema"),
    }
    narrowed = filters.filter_cinema_day(context["schedule"], context["filters"])
    context.update(schedule=narrowed.groups, shown=narrowed)
    return render(request, "web/cinema.html", context)
