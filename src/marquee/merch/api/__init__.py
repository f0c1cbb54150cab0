"""The merchandise API, ``/api/v1/merch/…``: the shop (public and fans), the merchant
portal, and the licensor's licences, approvals and royalty statements."""

from __future__ import annotations

from ninja import Router

from marquee.merch.api import licensing, merchant, shop

router = Router(tags=["merch"])
router.add_router("", shop.router)
router.add_router("/merchant", merchant.router)
router.add_router("", licensing.router)
