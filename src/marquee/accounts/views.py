"""Sign-up page; login, logout and password reset use Django's own views."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from marquee.accounts import services
from marquee.accounts.forms import SignUpForm
from marquee.core.errors import DomainError


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_up(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                email=form.cleaned_data["email"] or None,
                preferred_language=get_language() or "",
            )
        except DomainError as exc:
            field = "password" if exc.code == "weak_password" else "username"
            if exc.code == "email_taken":
                field = "email"
            form.add_error(field, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})
