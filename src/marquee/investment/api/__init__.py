"""The investment API: the slate and budgets, co-financing and waterfalls, partner statements."""

from ninja import Router

from marquee.investment.api.financing import router as financing_router
from marquee.investment.api.projects import router as projects_router

router = Router(tags=["investment"])
router.add_router("", projects_router)
router.add_router("", financing_router)

__all__ = ["router"]
