"""What the storefront shows beside the schedule: search, ratings and reviews, trailers,
and the waiting lists of the visitor. Reads only (through the domain queries)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from marquee.accounts.permissions import AnyUser
from marquee.catalog.models import Title
from marquee.catalog.queries import search_titles
from marquee.ticketing import audience_queries
from marquee.ticketing.audience_queries import Rating
from marquee.ticketing.models.audience import MAX_REVIEW_TEXT
from marquee.ticketing.services.reviews import has_seen
from marquee.venues.models import Venue
from marquee.venues.queries import MAX_SEARCH, search_venues


@dataclass(frozen=True)
class SearchResults:
    q: str
    films: list[Title]
    cinemas: list[Venue]
    ratings: dict[int, Rating]

    @property
    def empty(self) -> bool:
        return not self.films and not self.cinemas


def search(q: str | None, *, user: AnyUser | None, limit: int = 30) -> SearchResults:
    """Films (any title language or the slug) and cinemas (name, district, address, chain,
    city in any language) matching ``q``."""
    text = (q or "").replace("\x00", "").strip()[:MAX_SEARCH]
    if not text:
        return SearchResults(q="", films=[], cinemas=[], ratings={})
    films = list(
        search_titles(q=text).prefetch_related("genres").order_by("-year", "title_en")[:limit]
    )
    cinemas = list(search_venues(text, user=user).filter(kind=Venue.Kind.CINEMA)[:limit])
    return SearchResults(
        q=text,
        films=films,
        cinemas=cinemas,
        ratings=audience_queries.ratings([t.pk for t in films]),
    )


def card_ratings(cards: list) -> dict[int, Rating]:
    """The ratings of the titles of some film cards, in one query."""
    return audience_queries.ratings([c.title.pk for c in cards])


def trailer_link(title: Title) -> str:
    """The title's trailer URL when it is an https link, else ``""``."""
    url = (title.trailer_url or "").strip()
    parsed = urlparse(url)
    return url if parsed.scheme == "https" and parsed.netloc else ""


def film_extras(title: Title, user: AnyUser | None) -> dict:
    """The film page's rating, reviews, the visitor's own review and whether they may write."""
    return {
        "rating": audience_queries.rating_of(title),
        "reviews": list(audience_queries.reviews_of_title(title, viewer=user, limit=20)),
        "my_review": audience_queries.review_of(title, user),
        "can_review": bool(user and user.is_authenticated and has_seen(user=user, title=title)),
        "review_max": MAX_REVIEW_TEXT,
        "trailer": trailer_link(title),
    }
