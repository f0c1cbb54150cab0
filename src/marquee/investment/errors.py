"""Stable error codes of the investment domain (problem+json ``code``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from marquee.core.errors import ByReason, DomainError, ErrorCode


class InvestmentErrorCode(ErrorCode):
    PROJECT_NOT_FOUND = "project_not_found", _("No such project on the slate.")
    PROJECT_EXISTS = "project_exists", _("A project with this slug already exists.")
    INVALID_PROJECT = (
        "invalid_project",
        _("A project needs a slug of lower-case letters, digits and hyphens, and a name."),
    )
    TITLE_NOT_FOUND = "title_not_found", _("There is no catalog title with this slug.")
    ILLEGAL_STAGE_MOVE = (
        "illegal_stage_move",
        _("A project cannot move from %(from_stage)s to %(to_stage)s."),
    )
    UNKNOWN_BUDGET_CATEGORY = (
        "unknown_budget_category",
        _("Budget categories are above the line, below the line, post, P&A and contingency."),
    )
    INVALID_BUDGET = (
        "invalid_budget",
        _("Each budget category and currency appears once, with an amount of zero or more."),
    )
    INVALID_COST = "invalid_cost", _("A cost is a whole amount above zero in minor units.")
    PARTICIPANT_NOT_FOUND = "participant_not_found", _("No such participant in this project.")
    PARTICIPANT_EXISTS = (
        "participant_exists",
        _("This project already has a participant of that name."),
    )
    INVALID_PARTICIPANT = (
        "invalid_participant",
        _("A participant needs a name and a kind: studio, partner, crowdfunding pool or talent."),
    )
    UNKNOWN_ORGANISATION = "unknown_organisation", _("There is no organisation with this slug.")
    INVALID_STAKE = "invalid_stake", _("A stake is from 0 to 10000 basis points (0 to 100%).")
    STAKES_OVER_100 = (
        "stakes_over_100",
        _("The stakes would add up to more than 100%%: %(available_bp)s basis points are left."),
    )
    NO_WATERFALL = "no_waterfall", _("This project has no waterfall yet.")
    INVALID_WATERFALL = (
        "invalid_waterfall",
        ByReason(
            {
                "no_tiers": _("A waterfall needs at least one tier."),
                "no_residual": _(
                    "This waterfall does not terminate: its last tier must split the remainder."
                ),
                "residual_not_last": _(
                    "Only the last tier may split the remainder; tiers after it would never be paid."
                ),
                "no_residual_shares": _(
                    "The remainder has nobody to go to: give the participants stakes or shares."
                ),
                "unknown_tier_type": _("Tier %(tier)s has an unknown type."),
                "duplicate_tier": _("Two tiers share the key %(tier)s."),
                "unknown_participant": _("Tier %(tier)s names a participant of another project."),
                "invalid_percent": _("Tier %(tier)s needs a percentage above 0 and at most 100."),
                "invalid_amount": _("Tier %(tier)s needs a whole amount above zero."),
                "invalid_tier": _("Tier %(tier)s is not a valid tier."),
            },
            default="invalid_tier",
        ),
    )
    INVALID_RECEIPT = "invalid_receipt", _("Revenue received is a whole amount above zero.")
    NOTHING_TO_PAY = (
        "nothing_to_pay",
        _("The studio keeps its own share: there is nothing to pay it."),
    )
    OVER_PAYMENT = (
        "over_payment",
        _("This would pay out more than the waterfall owes: %(owed_minor)s is owed."),
    )


class InvestmentError(DomainError):
    """A rule of the slate or the waterfall refused the request; nothing was written."""

    status = 422
    title = "Request refused"


class InvestmentNotFound(InvestmentError):
    status = 404
    title = "Not found"


class InvestmentConflict(InvestmentError):
    status = 409
    title = "Conflict"
