"""HTTP API of the finance domain (mounted by ``marquee.api`` at ``/api/v1/finance``).

Finance staff and administrators only: nobody else reads the books. One
router per resource, assembled here; a new resource adds a module and a line.
"""

from __future__ import annotations

from ninja import Router

from marquee.finance.api.chart import router as chart_router
from marquee.finance.api.export import router as export_router
from marquee.finance.api.fx import router as fx_router
from marquee.finance.api.journal import router as journal_router
from marquee.finance.api.periods import router as periods_router
from marquee.finance.api.programmes import router as programmes_router
from marquee.finance.api.reports import router as reports_router

router = Router(tags=["finance"])
router.add_router("", chart_router)
router.add_router("", journal_router)
router.add_router("", fx_router)
router.add_router("", periods_router)
router.add_router("", export_router)
router.add_router("", reports_router)
router.add_router("", programmes_router)
