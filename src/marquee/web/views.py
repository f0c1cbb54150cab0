"""HTML pages for people. Views parse, call one query or service, and render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from marquee.catalog.models import Title


def home(request: HttpRequest) -> HttpResponse:
    titles = Title.objects.order_by("title_en")
    return render(request, "web/home.html", {"titles": titles})
