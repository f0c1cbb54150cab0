"""The account page: who is signed in, language, the way to tickets and staff tools."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from marquee.web import queries


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "account": user,
        "console_venues": list(queries.console_venues(user)[:50]),
        "scanner_venues": queries.scanner_venues(user),
    }
    return render(request, "web/account.html", context)
