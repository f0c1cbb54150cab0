"""Production mode (``MARQUEE_ENV=production``) as the ``marquee`` command runs it.

Each test runs the real CLI in a subprocess with a production environment:
every secret present → ``check --deploy`` is clean and ``marquee serve``
answers; each secret missing or weak, one at a time → the command refuses to
start and names the variable.
"""

from __future__ import annotations

import base64
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from marquee.ticketing.etickets import key_id

#: What a production host sets; removed from the inherited environment first.
CONFIGURED = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "DATABASE_URL",
    "EMAIL_BACKEND",
    "REDIS_URL",
    "MARQUEE_TICKET_SIGNING_KEY",
    "MARQUEE_TICKET_RETIRED_PUBLIC_KEYS",
    "MARQUEE_PAYMENT_PROVIDER",
    "MARQUEE_STRIPE_SECRET_KEY",
    "MARQUEE_STRIPE_WEBHOOK_SECRET",
    "MARQUEE_PUBLIC_URL",
    "MARQUEE_HOST",
    "TEST_DATABASE_NAME",
)
STRONG_SECRET_KEY = "a-long-random-production-secret-value-0123456789-abcdefghXYZ"


def _seed() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def production_env(tmp_path, **overrides: str | None) -> dict[str, str]:
    """A complete production environment; ``NAME=None`` leaves ``NAME`` out."""
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURED}
    env.update(
        MARQUEE_ENV="production",
        SECRET_KEY=STRONG_SECRET_KEY,
        ALLOWED_HOSTS="tickets.marquee.example,127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        MARQUEE_VAR_DIR=str(tmp_path / "var"),
        MARQUEE_TICKET_SIGNING_KEY=_seed(),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        REDIS_URL="redis://127.0.0.1:6379/3",
        MARQUEE_PAYMENT_PROVIDER="stripe",
        MARQUEE_STRIPE_SECRET_KEY="sk_test_x",
        MARQUEE_STRIPE_WEBHOOK_SECRET="whsec_x",
        MARQUEE_PUBLIC_URL="https://tickets.marquee.example",
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def marquee(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "marquee.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_with_every_secret_check_deploy_is_clean(tmp_path):
    env = production_env(tmp_path)
    result = marquee("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'marquee.settings');"
            "from django.conf import settings as s;"
            "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.DEBUG,"
            " s.CACHES['default']['BACKEND'].rsplit('.', 1)[1])",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert shown.stdout.split() == ["True", "True", "True", "False", "RedisCache"]


def _weak_or_missing() -> list[tuple[str, str | None, str]]:
    """(variable, value or None for missing, what the refusal must name)."""
    return [
        ("SECRET_KEY", None, "SECRET_KEY"),
        ("SECRET_KEY", "short-but-secret", "SECRET_KEY"),
        ("SECRET_KEY", "ab" * 30, "SECRET_KEY"),  # long, low entropy
        ("SECRET_KEY", "django-insecure-" + secrets.token_urlsafe(50), "SECRET_KEY"),
        ("ALLOWED_HOSTS", None, "ALLOWED_HOSTS"),
        ("MARQUEE_TICKET_SIGNING_KEY", None, "MARQUEE_TICKET_SIGNING_KEY"),
        ("MARQUEE_TICKET_SIGNING_KEY", "bm90LWEta2V5", "MARQUEE_TICKET_SIGNING_KEY"),
        ("MARQUEE_TICKET_RETIRED_PUBLIC_KEYS", "garbage", "MARQUEE_TICKET_RETIRED_PUBLIC_KEYS"),
        ("EMAIL_BACKEND", None, "EMAIL_BACKEND"),  # the default is the console
        ("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend", "EMAIL_BACKEND"),
        ("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend", "EMAIL_BACKEND"),
        ("REDIS_URL", None, "REDIS_URL"),
    ]


@pytest.mark.parametrize(
    ("name", "value", "named"),
    _weak_or_missing(),
    ids=[f"{n}={'missing' if v is None else v[:12]}" for n, v, _ in _weak_or_missing()],
)
def test_production_refuses_to_start_on_each_missing_or_weak_secret(tmp_path, name, value, named):
    env = production_env(tmp_path, **{name: value})
    for command in (["check"], ["serve", "--port", "1"]):
        result = marquee(*command, env=env)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "refusing to start" in result.stderr
        assert named in result.stderr
        assert "Traceback" not in result.stderr


def test_production_refuses_the_demo_world(tmp_path):
    env = production_env(tmp_path)
    for command in (["setup"], ["demo"]):
        result = marquee(*command, env=env)
        assert result.returncode != 0, command
        assert "demo world is never loaded" in result.stderr
    # Refused before anything ran: not even the database was created.
    assert not (tmp_path / "prod.sqlite3").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - local server
    return urllib.request.urlopen(request, timeout=5)  # noqa: S310


def test_production_server_starts_and_signs_with_the_configured_key(tmp_path):
    private = Ed25519PrivateKey.generate()
    seed = base64.b64encode(private.private_bytes_raw()).decode()
    retired = Ed25519PrivateKey.generate().public_key()
    retired_b64 = base64.b64encode(retired.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
    env = production_env(
        tmp_path, MARQUEE_TICKET_SIGNING_KEY=seed, MARQUEE_TICKET_RETIRED_PUBLIC_KEYS=retired_b64
    )
    migrated = marquee("migrate", "--no-input", env=env)
    assert migrated.returncode == 0, migrated.stderr
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "marquee.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = _get(
                    f"http://127.0.0.1:{port}/api/v1/ticketing/keys",
                    **{"X-Forwarded-Proto": "https", "Host": "tickets.marquee.example"},
                )
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.3)
        body = response.read().decode()
        expected_kid = key_id(private.public_key())
        assert expected_kid in body
        assert "content-security-policy" in {h.lower() for h in response.headers}
        assert not (tmp_path / "var" / "ticket_signing_key").exists()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=15)
        server.stderr.close()


SIGN = (
    "from datetime import UTC, datetime;"
    "from marquee.ticketing.etickets import TicketClaims, sign_ticket;"
    "t = datetime(2030, 1, 1, 12, tzinfo=UTC);"
    "print(sign_ticket(TicketClaims(7, 8, 9, 10, '5-8', t, t)))"
)
VERIFY = (
    "import sys;"
    "from marquee.ticketing.etickets import ForgedTicket, verify_ticket;"
    "code = sys.stdin.read().strip()\n"
    "try:\n    print(verify_ticket(code).ticket_id)\n"
    "except ForgedTicket:\n    print('forged')"
)


def _run(code: str, env: dict[str, str], stdin: str = "") -> str:
    """The last line ``marquee shell -c code`` prints (the shell may announce its imports)."""
    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "marquee.cli", "shell", "--no-imports", "-c", code],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_two_hosts_share_the_key_and_a_rotation_keeps_old_tickets_valid(tmp_path):
    """Host A signs; host B (same key from the environment) verifies; after a
    rotation B still verifies A's ticket only while the old public key is listed."""
    old = Ed25519PrivateKey.generate()
    old_seed = base64.b64encode(old.private_bytes_raw()).decode()
    old_public = base64.b64encode(old.public_key().public_bytes_raw()).decode()
    new_seed = _seed()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    host_a = production_env(tmp_path / "a", MARQUEE_TICKET_SIGNING_KEY=old_seed)
    code = _run(SIGN, host_a)
    assert code.startswith("MQT1:")
    host_b = production_env(tmp_path / "b", MARQUEE_TICKET_SIGNING_KEY=old_seed)
    assert _run(VERIFY, host_b, stdin=code) == "7"
    rotated = production_env(
        tmp_path / "b",
        MARQUEE_TICKET_SIGNING_KEY=new_seed,
        MARQUEE_TICKET_RETIRED_PUBLIC_KEYS=f" {old_public} ,",
    )
    assert _run(VERIFY, rotated, stdin=code) == "7"
    forgotten = production_env(tmp_path / "b", MARQUEE_TICKET_SIGNING_KEY=new_seed)
    assert _run(VERIFY, forgotten, stdin=code) == "forged"
