"""``{% waitlist_box showtime %}``: the seat page's waiting-list box for a sold-out showtime."""

from __future__ import annotations

from django import template
from django.utils import timezone

from marquee.ticketing import audience_queries
from marquee.ticketing.models.audience import MAX_PARTY
from marquee.ticketing.queries import sale_state

register = template.Library()


@register.inclusion_tag("web/includes/waitlist_box.html", takes_context=True)
def waitlist_box(context, showtime) -> dict:
    """Shown only while the showtime sells and no seat a waiter could get is free."""
    request = context.get("request")
    user = getattr(request, "user", None)
    now = timezone.now()
    if not sale_state(showtime, now).on_sale or not audience_queries.sold_out(showtime, now):
        return {"show": False}
    return {
        "show": True,
        "showtime": showtime,
        "entry": audience_queries.waitlist_entry_for(user, showtime.pk),
        "waiting": audience_queries.waiting_count(showtime.pk),
        "parties": range(1, MAX_PARTY + 1),
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
