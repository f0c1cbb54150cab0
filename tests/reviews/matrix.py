"""Permission-matrix rows of reviews (``/ticketing/reviews``): see tests/test_permission_matrix.py.

Reading a title's reviews is public. Writing one needs a used ticket of the
title: M1's ticket is marked used for the row, so M1 alone may write (everyone
else, administrators included, is refused 403). Moderation is for
administrators.
"""

from __future__ import annotations

from marquee.catalog.models import Title
from marquee.ticketing.models import Review, Ticket
from tests.permission_world import Call, PermWorld

PREFIX = "/ticketing/reviews"
API = "/api/v1"

# fmt: off
ROWS: dict[tuple[str, str], str] = {
    ("GET", "/ticketing/reviews/{slug}"):                   "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("PUT", "/ticketing/reviews/{slug}"):                   "no   ok no no no no no no no no no no",
    ("POST", "/ticketing/reviews/{review_id}/moderation"):  "no   no no no no no no no no no no ok",
}
# fmt: on


def call(w: PermWorld, role: str, method: str, template: str) -> Call:
    Ticket.objects.filter(pk=w.ticket.pk).update(status=Ticket.Status.USED)
    if template.endswith("/moderation"):
        review = Review.objects.create(
            title=Title.objects.get(slug=w.title_slug),
            user=w.users["moviegoer"],
            stars=4,
            text="Worth the trip.",
        )
        return Call(API + template.format(review_id=review.pk), json={"hidden": True})
    path = API + template.format(slug=w.title_slug)
    if method == "PUT":
        return Call(path, json={"stars": 5, "text": "开场就好看。"})
    return Call(path)
