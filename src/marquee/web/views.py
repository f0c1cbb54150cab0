"""HTML pages for people. Views parse, call one query or service, and render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from marquee.catalog.models import Title
from marquee.catalog.queries import home_titles


@dataclass(frozen=True)
class FilmCard:
    """What one film tile on the home page shows."""

    title: Title
    hue: int  # colour of the placeholder poster, stable per title
    opens_on: date | None  # the next release date still to come, if any


def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    cards = [
        FilmCard(
            title=t,
            hue=(t.pk * 47) % 360,
            opens_on=min((r.date for r in t.release_dates.all() if r.date > today), default=None),
        )
        for t in home_titles()
    ]
    return render(request, "web/home.html", {"cards": cards})
