"""HTTP API of the venues domain (mounted by ``marquee.api``)."""

from ninja import Router

router = Router(tags=["venues"])
