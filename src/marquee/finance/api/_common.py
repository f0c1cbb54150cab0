"""What every finance endpoint shares: authentication and the role check."""

from __future__ import annotations

from django.http import HttpRequest

from marquee.accounts.models import Role
from marquee.accounts.permissions import require_role


def require_finance(request: HttpRequest) -> None:
    """Refuse (403) anyone but finance staff and administrators."""
    require_role(request.user, Role.FINANCE)
