"""Sign-up page; login, logout and password reset use Django's own views."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from marquee.accounts import services
from marquee.accounts.forms import SignUpForm
from marquee.core.errors import DomainError
from marquee.core.ratelimit import enforce_rate_limits

#: Which form field shows a refusal of ``services.sign_up`` (by error code).
_FIELD_OF = {
    "weak_password": "password",
    "email_taken": "email",
    "invalid_email": "email",
    "invalid_display_name": None,
    "rate_limited": None,
}


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enforce_rate_limits(request, "signup")
            user = services.sign_up(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                email=form.cleaned_data["email"] or None,
                preferred_language=get_language() or "",
            )
        except DomainError as exc:
            form.add_error(_FIELD_OF.get(exc.code, "username"), exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})
