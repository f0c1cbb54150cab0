"""The one way payment providers talk HTTP: a small injectable transport.

Providers never open sockets themselves; they call a :class:`Transport`. In
production it is :class:`UrllibTransport` (the standard library, TLS verified,
a timeout on every call). Tests hand a provider a stub that answers as the
gateway documents, so no test reaches the network.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

#: Seconds before a gateway call is given up (connect and read).
DEFAULT_TIMEOUT = 15.0


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), "")


class TransportError(Exception):
    """The gateway could not be reached (DNS, connection, TLS, timeout)."""


class Transport(Protocol):
    def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request``; any HTTP status is an answer, only a failed exchange raises."""
        ...


class UrllibTransport:
    """HTTPS through ``urllib``; only ``https`` URLs are allowed."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout

    def send(self, request: HttpRequest) -> HttpResponse:
        if not request.url.startswith("https://"):
            raise TransportError(f"refusing a non-HTTPS gateway URL: {request.url[:100]}")
        req = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            request.url,
            data=request.body or None,
            headers=dict(request.headers),
            method=request.method,
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310
                return HttpResponse(resp.status, dict(resp.headers.items()), resp.read())
        except urllib.error.HTTPError as exc:
            return HttpResponse(exc.code, dict(exc.headers.items()), exc.read())
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TransportError(str(exc)) from exc
