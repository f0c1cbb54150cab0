"""Production mode, from the outside: the `marquee` command run as an operator would.

Each test starts the real CLI in a subprocess with ``MARQUEE_ENV=production``
and the secrets production needs (a strong ``SECRET_KEY``, explicit hosts, a
ticket signing key, an SMTP mail backend, Redis for the cache — set even where
not yet demanded, so these tests hold as production demands more). They prove
that the simulated gateway, which would hand out free tickets, does not exist
there: start-up refuses it, it is not registered, its routes are not mounted,
and a running server answers its URLs with 404. No network is reached: the
Stripe credentials are made up and Stripe is never called.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

CLI = [sys.executable, "-m", "marquee.cli"]
PAYMENT_ID = uuid.UUID("6f1c2a9e-0b7d-4c1e-9a55-3d2f8e4b7c10")
SIM_URLS = [
    f"/payments/sim/{PAYMENT_ID}/",
    f"/payments/sim/{PAYMENT_ID}/done/",
    "/payments/sim/1/authorize",
]
SIM_API = f"/api/v1/payments/sim/{PAYMENT_ID}/authorize"

PROBE = f"""
import json
from django.urls import Resolver404, resolve
from marquee.api import api
from marquee.payments import registry
found = []
for path in {[*SIM_URLS, SIM_API]!r}:
    try:
        resolve(path)
        found.append(path)
    except Resolver404:
        pass
schema = api.get_openapi_schema()
print(json.dumps({{
    "providers": registry.provider_names(),
    "default": registry.default_provider_name(),
    "routes": found,
    "openapi_sim": [p for p in schema["paths"] if "/sim/" in p],
}}))
"""


def _signing_key() -> str:
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode()


@pytest.fixture
def prod_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a production host whose payment provider is Stripe."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MARQUEE_", "DJANGO_", "EMAIL_", "STRIPE_"))
        and k not in {"DATABASE_URL", "TEST_DATABASE_NAME", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}
    }
    stripe_key = tmp_path / "stripe_secret_key"
    stripe_key.write_text(f"sk_live_{secrets.token_hex(12)}\n")
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "marquee.settings",
            "MARQUEE_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
            "MARQUEE_VAR_DIR": str(tmp_path / "var"),
            "MARQUEE_TICKET_SIGNING_KEY": _signing_key(),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_URL": "smtp://127.0.0.1:25",
            "EMAIL_HOST": "127.0.0.1",
            "REDIS_URL": "redis://127.0.0.1:6379/1",
            "MARQUEE_PUBLIC_URL": "https://tickets.example",
            "MARQUEE_PAYMENT_PROVIDER": "stripe",
            "MARQUEE_STRIPE_SECRET_KEY_FILE": str(stripe_key),
            "MARQUEE_STRIPE_WEBHOOK_SECRET": f"whsec_{secrets.token_hex(16)}",
            "SECURE_SSL_REDIRECT": "false",
        }
    )
    return env


def _marquee(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("provider", ["sim", ""])
def test_check_deploy_refuses_the_simulator(prod_env, provider):
    prod_env["MARQUEE_PAYMENT_PROVIDER"] = provider
    result = _marquee(prod_env, "check", "--deploy")
    assert result.returncode != 0
    assert "refusing to start" in result.stderr
    assert "MARQUEE_PAYMENT_PROVIDER" in result.stderr
    assert "simulated gateway" in result.stderr


def test_a_real_provider_without_its_credentials_refuses_to_start(prod_env):
    prod_env["MARQUEE_PAYMENT_PROVIDER"] = "alipay"
    result = _marquee(prod_env, "check", "--deploy")
    assert result.returncode != 0
    assert "MARQUEE_ALIPAY_APP_ID" in result.stderr
    assert "MARQUEE_ALIPAY_PRIVATE_KEY" in result.stderr


def test_production_registers_no_simulator_and_mounts_none_of_its_routes(prod_env):
    result = _marquee(prod_env, "shell", "-c", PROBE)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {"providers": ["stripe"], "default": "stripe", "routes": [], "openapi_sim": []}


def test_the_same_probe_sees_the_simulator_outside_production(prod_env):
    # The control: the probe above would have seen the simulator had it been there.
    dev_env = {**prod_env, "MARQUEE_ENV": "development", "MARQUEE_PAYMENT_PROVIDER": "sim"}
    result = _marquee(dev_env, "shell", "-c", PROBE)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert "sim" in seen["providers"] and "stripe" in seen["providers"]
    assert seen["routes"] == [SIM_URLS[0], SIM_URLS[1], SIM_API]
    assert seen["openapi_sim"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, method: str, path: str) -> tuple[int, str]:
    """(status, content type) of one request to the server on ``port``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        body = b"{}" if method == "POST" else None
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", "")
    finally:
        conn.close()


def test_a_production_server_answers_the_simulators_urls_with_404(prod_env, tmp_path):
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("w") as err:
        server = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
            [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env={**prod_env, "MARQUEE_ACCESS_LOG": "off"},
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = _get(port, "GET", "/api/v1/openapi.json")
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        assert status == 200  # the server is up and serving the API
        for path in SIM_URLS:
            assert _get(port, "GET", path)[0] == 404, path
        assert _get(port, "POST", SIM_API)[0] == 404
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
