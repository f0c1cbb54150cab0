"""Investment services: the only code that writes the slate, stakes, waterfalls and receipts."""

from marquee.investment.services.financing import (
    add_participant,
    claim_stake,
    set_stake,
    set_waterfall,
)
from marquee.investment.services.payments import pay_participant
from marquee.investment.services.projects import (
    create_project,
    fund_project,
    get_project,
    legal_moves,
    move_stage,
    record_cost,
    set_budget,
)
from marquee.investment.services.revenue import receive, receive_manual

__all__ = [
    "add_participant",
    "claim_stake",
    "create_project",
    "fund_project",
    "get_project",
    "legal_moves",
    "move_stage",
    "pay_participant",
    "receive",
    "receive_manual",
    "record_cost",
    "set_budget",
    "set_stake",
    "set_waterfall",
]
