"""Content-Security-Policy: scripts only from us or with the request's nonce."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


def test_pages_carry_a_policy_without_unsafe_scripts(client):
    policy = _policy(client.get("/"))
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_scanners_inline_script_carries_the_nonce_of_its_policy(web, client_as):
    r = client_as("op-huaxia").get("/scan/sanlitun/")
    assert r.status_code == 200
    nonces = re.findall(r'<script nonce="([^"]+)">', r.content.decode())
    assert len(nonces) == 1
    assert f"'nonce-{nonces[0]}'" in _policy(r)["script-src"]


def test_no_page_template_has_an_inline_script_without_a_nonce():
    from pathlib import Path

    import marquee

    root = Path(marquee.__file__).parent
    for template in root.glob("*/templates/**/*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            assert "src=" in tag or "nonce=" in tag or "application/json" in tag, (template, tag)
        assert not re.search(r"\son[a-z]+=\"", template.read_text()), template


def test_the_api_docs_page_loads_its_scripts_from_our_static_files(client):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    page = r.content.decode()
    policy = _policy(r)
    for src in re.findall(r'<script src="([^"]+)"', page):
        assert src.startswith("/static/"), src  # allowed by script-src 'self'
    assert "'self'" in policy["script-src"]
