"""Production settings: secrets from the environment, secure cookies, a clean --deploy check."""

import os
import subprocess
import sys

import pytest

PRINT_SETTINGS = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'marquee.settings');"
    "from django.conf import settings as s;"
    "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.DEBUG)"
)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    env.update(extra)
    return env


def _marquee(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "marquee.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_passes_check_deploy_with_no_warning(tmp_path):
    env = _env(
        MARQUEE_ENV="production",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-value-0123456789",
        ALLOWED_HOSTS="tickets.marquee.example",
        MARQUEE_VAR_DIR=str(tmp_path),
        # Production takes real payments only (docs/payments.md).
        MARQUEE_PAYMENT_PROVIDER="stripe",
        MARQUEE_STRIPE_SECRET_KEY="sk_live_not_a_real_key",
        MARQUEE_STRIPE_WEBHOOK_SECRET="whsec_not_a_real_secret",
        MARQUEE_PUBLIC_URL="https://tickets.marquee.example",
    )
    result = _marquee("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    cookies = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PRINT_SETTINGS],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert cookies.stdout.split() == ["True", "True", "True", "False"]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_secrets(tmp_path, missing):
    values = {
        "SECRET_KEY": "a-long-random-production-secret-value-0123456789-abcdefgh",
        "ALLOWED_HOSTS": "tickets.marquee.example",
    }
    values.pop(missing)
    env = _env(MARQUEE_ENV="production", MARQUEE_VAR_DIR=str(tmp_path), **values)
    result = _marquee("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr
