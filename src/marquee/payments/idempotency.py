"""Moved to :mod:`marquee.core.idempotency`; this name is kept only until the last caller moves."""

from marquee.core.idempotency import run_idempotent

__all__ = ["run_idempotent"]
