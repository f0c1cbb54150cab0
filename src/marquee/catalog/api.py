"""HTTP API of the catalog domain (mounted by ``marquee.api``)."""

from ninja import Router

router = Router(tags=["catalog"])
