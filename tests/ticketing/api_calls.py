"""Calling the ticketing API from tests: JSON posts and problem+json answers."""

from __future__ import annotations

from django.test import Client

API = "/api/v1/ticketing"


def post(client: Client, path: str, body: dict | None = None, **headers):
    """POST ``body`` as JSON to ``API + path``."""
    return client.post(f"{API}{path}", body or {}, content_type="application/json", **headers)


def problem(response, status: int, code: str) -> dict:
    """The problem+json body of ``response``, checked to be ``status`` with ``code``."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code, body
    assert body["detail"], body  # a sentence a person can read, never empty
    return body
