"""HTTP API of the finance domain (mounted by ``marquee.api`` at ``/api/v1/finance``).

Finance staff and administrators only: nobody else reads the books. One
router per resource, assembled here; later resources add a module and a line.
"""

from __future__ import annotations

from ninja import Router

from marquee.finance.api.chart import router as chart_router
from marquee.finance.api.programmes import router as programmes_router
from marquee.finance.api.reports import router as reports_router

router = Router(tags=["finance"])
router.add_router("", chart_router)
router.add_router("", reports_router)
router.add_router("", programmes_router)
