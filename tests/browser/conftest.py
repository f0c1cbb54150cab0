"""Browser tests: Playwright driving Debian's Chromium against the app served by gunicorn.

One session: a temporary directory becomes the server's ``var/`` (SQLite
database, static files, keys); ``marquee setup --no-demo`` migrates, compiles
the catalogs and collects static files; ``tests.browser.world_ctl seed``
builds the small web world; ``marquee serve`` starts gunicorn on a free port
of 127.0.0.1, stopped by its PID at the end. Nothing here touches the network
beyond that loopback server.

Screenshots: every test may save phone-sized (375 × 812) shots under
``test-artifacts/``; the README tour's shots go to ``docs/screenshots/``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
TOUR = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("MARQUEE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 812}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    env: dict[str, str]
    world: dict[str, Any]

    def ctl(self, *args: str) -> str:
        """Run ``tests.browser.world_ctl`` against the server's database."""
        done = subprocess.run(  # noqa: S603 - our own helper, fixed arguments
            [sys.executable, "-m", "tests.browser.world_ctl", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def api(
        self, method: str, path: str, *, token: str, body: dict | None = None
    ) -> tuple[int, dict]:
        """Call the JSON API as another client would (a second buyer, say)."""
        request = urllib.request.Request(  # noqa: S310 - the loopback test server
            self.url + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")


def _wait_for(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    var = tmp_path_factory.mktemp("browser-var")
    env = {
        **os.environ,
        "MARQUEE_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'browser.sqlite3'}",
        "SECRET_KEY": "browser-tests-only-" + "x" * 40,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MARQUEE_OUTBOX_MODE": "immediate",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("TEST_DATABASE_NAME", None)
    subprocess.run(
        [sys.executable, "-m", "marquee.cli", "setup", "--no-demo", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.browser.world_ctl", "seed"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    world = json.loads(seeded.stdout.strip().splitlines()[-1])
    port = _free_port()
    log = (var / "server.log").open("wb")
    proc = subprocess.Popen(  # noqa: S603 - our own server
        [
            sys.executable,
            "-m",
            "marquee.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--threads",
            "8",
            "--no-worker",  # the tests run sweeps and jobs themselves, when they mean to
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url + "/", proc)
        yield Server(url=url, env=env, world=world)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
        server_log = var / "server.log"
        ARTIFACTS.mkdir(exist_ok=True)
        if server_log.exists():
            shutil.copy(server_log, ARTIFACTS / "browser-server.log")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, server):
    """``new_page(viewport=PHONE, language="en", javascript=True)``: a fresh context (own cookies)."""
    contexts = []

    def _open(viewport: dict | None = None, language: str | None = None, javascript: bool = True):
        context = browser.new_context(
            viewport=viewport or PHONE, locale="en-US", java_script_enabled=javascript
        )
        context.set_default_timeout(15_000)
        if language:
            context.add_cookies([{"name": "django_language", "value": language, "url": server.url}])
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors  # type: ignore[attr-defined]
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def login(page, server: Server, username: str) -> None:
    page.goto(server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", server.world["password"])
    page.click("main button[type=submit]")
    page.wait_for_url(server.url + "/")


def shot(page, name: str, *, tour: bool = False, full_page: bool = True) -> Path:
    """Save a screenshot under test-artifacts/ (and docs/screenshots/ for the README tour)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if tour:
        TOUR.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, TOUR / f"{name}.png")
    return path


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
