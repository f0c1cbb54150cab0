"""The account pages: who is signed in, language, API tokens, the way to tickets and staff tools."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from marquee.accounts import queries as account_queries
from marquee.accounts import services as account_services
from marquee.core.errors import DomainError
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


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List, create and revoke the account's API tokens; a new token is shown once."""
    user = request.user
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST":
        if "revoke" in request.POST:
            try:
                token_id = int(request.POST["revoke"])
                if not 0 < token_id < 2**63:
                    raise ValueError("not a token id")
                account_services.revoke_api_token(user=user, token_id=token_id)
            except (ValueError, DomainError):
                messages.error(request, _("No such token."))
            else:
                messages.success(request, _("The token was revoked."))
            return redirect("account-tokens")
        if form.is_valid():
            try:
                token, raw = account_services.create_api_token(
                    user=user, name=form.cleaned_data["name"]
                )
            except DomainError as exc:
                form.add_error("name", exc.message)
            else:
                created = {"token": token, "raw": raw}
                form = TokenForm()
    context = {"form": form, "created": created, "tokens": account_queries.api_tokens_of(user)}
    response = render(request, "web/account_tokens.html", context)
    response["Cache-Control"] = "no-store"  # the new token is on this page only
    return response
