"""HTTP API of the ticketing domain (mounted by ``marquee.api``)."""

from ninja import Router

router = Router(tags=["ticketing"])
