"""A small keep-alive HTTP/1.1 client on asyncio streams (no third-party dependency).

One :class:`Connection` per virtual buyer: requests on it are sequential, the
TCP connection is reused (HTTP/1.1 keep-alive) and reopened when the server
closed it. Bodies are read by ``Content-Length`` or chunked encoding.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any


class TransportError(Exception):
    """The request got no HTTP response (refused, reset, closed, timed out)."""


@dataclass
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()

    def problem_code(self) -> str:
        """The ``code`` of a problem+json body ("" when there is none)."""
        if self.content_type != "application/problem+json":
            return ""
        try:
            return str(self.json().get("code", ""))
        except (ValueError, AttributeError):
            return ""


class Connection:
    """A persistent HTTP/1.1 connection to ``host:port``."""

    def __init__(self, host: str, port: int, *, timeout: float = 30.0) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._used = False

    async def _open(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        self._used = False

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError, asyncio.CancelledError):
                await writer.wait_closed()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        body = b"" if json_body is None else json.dumps(json_body).encode()
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Connection: keep-alive",
            "Accept: application/json",
        ]
        if json_body is not None or method in {"POST", "PUT", "PATCH"}:
            lines.append("Content-Type: application/json")
            lines.append(f"Content-Length: {len(body)}")
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        try:
            return await asyncio.wait_for(
                self._exchange(raw, safe=method in {"GET", "HEAD"}), self.timeout
            )
        except TimeoutError as exc:
            await self.close()
            raise TransportError("timeout") from exc

    async def _exchange(self, raw: bytes, *, safe: bool) -> Response:
        for attempt in (1, 2):
            if self._writer is None:
                try:
                    await self._open()
                except OSError as exc:
                    raise TransportError(f"connect: {exc.__class__.__name__}") from exc
            reused = self._used
            try:
                assert self._writer is not None and self._reader is not None
                self._writer.write(raw)
                await self._writer.drain()
                response = await self._read_response(self._reader)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                await self.close()
                # A kept-alive connection the server had closed while idle: a safe
                # method goes once more on a fresh connection. A POST never does —
                # the server may have died half-way through it (drills count that).
                if attempt == 1 and safe and reused and _closed_before_response(exc):
                    continue
                raise TransportError(exc.__class__.__name__) from exc
            self._used = True
            if response.headers.get("connection", "").lower() == "close":
                await self.close()
            return response
        raise TransportError("unreachable")

    @staticmethod
    async def _read_response(reader: asyncio.StreamReader) -> Response:
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            raise ValueError(f"bad status line {status_line!r}")
        status = int(parts[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    break
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)
            body = b"".join(chunks)
        elif status in (204, 304) or 100 <= status < 200:
            body = b""
        else:
            body = await reader.read()
            headers["connection"] = "close"
        return Response(status=status, headers=headers, body=body)


def _closed_before_response(exc: BaseException) -> bool:
    if isinstance(exc, asyncio.IncompleteReadError):
        return not exc.partial
    return isinstance(exc, ConnectionResetError | BrokenPipeError)
