"""HTTP API of the payments domain (mounted by ``marquee.api``)."""

from ninja import Router

router = Router(tags=["payments"])
