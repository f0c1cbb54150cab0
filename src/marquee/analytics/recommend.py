"""Recommendations: a plain item–item model (cosine similarity of co-purchases, NumPy).

"People who bought this also bought" ranks titles by their cosine similarity
to one title over the buyers' purchase sets; a moviegoer's list sums the
similarities to the titles they bought, falls back to popularity, and turns
into upcoming showtimes in their home city. :func:`evaluate` measures
precision@k and recall@k on held-out purchases against the most-popular
baseline (``marquee evaluate_recommendations``; docs/analytics.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from marquee.accounts.permissions import AnyUser
from marquee.analytics.queries.common import local_name
from marquee.catalog.models import Title
from marquee.ticketing.models import Showtime, Ticket

TOP = 10


@dataclass(frozen=True)
class ItemItem:
    """Item–item cosine similarities over binary purchase sets (diagonal zeroed)."""

    similarity: np.ndarray
    popularity: np.ndarray

    @classmethod
    def fit(cls, baskets: list[set[int]], n_items: int) -> ItemItem:
        matrix = np.zeros((len(baskets), n_items), dtype=np.float32)
        for row, basket in enumerate(baskets):
            matrix[row, list(basket)] = 1.0
        co = matrix.T @ matrix
        counts = np.diag(co).copy()
        norm = np.sqrt(np.outer(counts, counts))
        with np.errstate(divide="ignore", invalid="ignore"):
            sim = np.where(norm > 0, co / norm, 0.0)
        np.fill_diagonal(sim, 0.0)
        return cls(sim.astype(np.float32), counts)

    def scores(self, owned: set[int]) -> np.ndarray:
        """A score per item for a buyer of ``owned``; popularity breaks ties (and cold starts)."""
        tie = self.popularity / (self.popularity.max() + 1.0) * 1e-3
        base = self.similarity[:, list(owned)].sum(axis=1) if owned else 0.0
        return base + tie

    def recommend(self, owned: set[int], k: int = TOP) -> list[int]:
        scores = self.scores(owned)
        order = [int(i) for i in np.argsort(-scores, kind="stable") if int(i) not in owned]
        return order[:k]


def popularity(baskets: list[set[int]], n_items: int) -> np.ndarray:
    """How many baskets hold each item."""
    counts = np.zeros(n_items)
    for basket in baskets:
        counts[list(basket)] += 1
    return counts


def most_popular(counts: np.ndarray, owned: set[int], k: int) -> list[int]:
    """The ``k`` most bought items the buyer does not own (the baseline)."""
    order = [int(i) for i in np.argsort(-counts, kind="stable")[: k + len(owned)]]
    return [i for i in order if i not in owned][:k]


@dataclass(frozen=True)
class Evaluation:
    users: int
    precision: float
    recall: float
    baseline_precision: float
    baseline_recall: float


def split(
    baskets: list[set[int]], *, held_out_share: float = 0.2, seed: int = 5
) -> tuple[list[set[int]], list[set[int]]]:
    """Hide a share of each basket of two or more titles (at least one): (train, held out)."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for basket in baskets:
        items = sorted(basket)
        if len(items) < 2:
            train.append(set(items))
            test.append(set())
            continue
        hide = max(1, round(len(items) * held_out_share))
        hidden = set(rng.choice(items, size=hide, replace=False).tolist())
        train.append(set(items) - hidden)
        test.append(hidden)
    return train, test


def evaluate(train: list[set[int]], test: list[set[int]], n_items: int, k: int = TOP) -> Evaluation:
    """precision@k and recall@k of the model and of the most-popular baseline.

    Averaged over the buyers with held-out titles; recommendations exclude
    what the buyer bought in ``train``.
    """
    model = ItemItem.fit(train, n_items)
    counts = popularity(train, n_items)
    p = r = bp = br = 0.0
    users = 0
    for owned, hidden in zip(train, test, strict=True):
        if not hidden:
            continue
        users += 1
        hits = len(set(model.recommend(owned, k)) & hidden)
        base = len(set(most_popular(counts, owned, k)) & hidden)
        p, r = p + hits / k, r + hits / len(hidden)
        bp, br = bp + base / k, br + base / len(hidden)
    n = max(users, 1)
    return Evaluation(users, p / n, r / n, bp / n, br / n)


# --- purchase history in the database ------------------------------------------------------


def purchase_baskets() -> tuple[dict[int, set[int]], list[int]]:
    """Buyer id → the titles they bought tickets for, and the title ids in matrix order."""
    baskets: dict[int, set[int]] = {}
    for user_id, title_id in (
        Ticket.objects.values_list("order__user_id", "showtime__title_id").distinct().iterator()
    ):
        baskets.setdefault(user_id, set()).add(title_id)
    title_ids = sorted({t for b in baskets.values() for t in b})
    return baskets, title_ids


#: Seconds a fitted model is kept (a new ticket changes the key before that).
MODEL_SECONDS = 600


def _model() -> tuple[ItemItem, dict[int, int], list[int], dict[int, set[int]]]:
    """The model of the purchase history, cached until the next ticket.

    Tickets are never deleted, so the highest ticket id names the history: one
    index lookup per page, not a count of every ticket.
    """
    latest = Ticket.objects.aggregate(m=Max("pk"))["m"] or 0
    key = f"analytics:item-item:{latest}"
    cached = cache.get(key)
    if cached is None:
        cached = _fit()
        cache.set(key, cached, MODEL_SECONDS)
    return cached


def _fit() -> tuple[ItemItem, dict[int, int], list[int], dict[int, set[int]]]:
    baskets, title_ids = purchase_baskets()
    index = {t: i for i, t in enumerate(title_ids)}
    model = ItemItem.fit([{index[t] for t in b} for b in baskets.values()], len(title_ids))
    return model, index, title_ids, baskets


def _refs(pairs: list[tuple[int, float]]) -> list[dict]:
    titles = Title.objects.in_bulk([t for t, _ in pairs])
    return [
        {
            "title_id": t,
            "slug": titles[t].slug,
            "name": local_name(titles[t], "title"),
            "score": f"{score:.3f}",
        }
        for t, score in pairs
        if t in titles
    ]


def also_bought(title: Title, k: int = TOP) -> list[dict]:
    """Titles most bought by the buyers of ``title`` (cosine similarity, highest first)."""
    model, index, title_ids, _ = _model()
    if title.pk not in index:
        return []
    sims = model.similarity[index[title.pk]]
    order = [int(i) for i in np.argsort(-sims, kind="stable") if sims[int(i)] > 0][:k]
    return _refs([(title_ids[i], float(sims[i])) for i in order])


def for_user(user: AnyUser, k: int = TOP, *, days: int = 7, city_code: str | None = None) -> dict:
    """``user``'s recommended titles and their next showtimes in ``city_code`` (default: the
    user's home city)."""
    model, index, title_ids, baskets = _model()
    owned = {index[t] for t in baskets.get(user.pk, set()) if t in index}
    picks: list[tuple[int, float]] = []
    if title_ids:
        scores = model.scores(owned)
        picks = [(title_ids[i], float(scores[i])) for i in model.recommend(owned, k)]
    now = timezone.now()
    upcoming = Showtime.objects.filter(
        status=Showtime.Status.PUBLISHED,
        starts_at__gt=now,
        starts_at__lt=now + dt.timedelta(days=days),
    ).select_related("title", "venue")
    home = city_code or getattr(user, "home_city", "")
    if home:
        upcoming = upcoming.filter(venue__city__code=home)
    bought = set(baskets.get(user.pk, set()))
    wanted = [t for t, _ in picks]
    if not wanted:  # no purchase history anywhere yet: what is on soon
        wanted = list(
            upcoming.exclude(title_id__in=bought).values_list("title_id", flat=True).distinct()[:k]
        )
    score_of = dict(picks)
    showtimes = []
    for title_id in wanted:
        showtime = upcoming.filter(title_id=title_id).order_by("starts_at").first()
        if showtime is not None:
            showtimes.append(
                {
                    "showtime_id": showtime.pk,
                    "title_id": title_id,
                    "slug": showtime.title.slug,
                    "name": local_name(showtime.title, "title"),
                    "venue": local_name(showtime.venue),
                    "starts_at": showtime.starts_at,
                    "score": f"{score_of.get(title_id, 0.0):.3f}",
                }
            )
    return {"titles": _refs(picks), "showtimes": showtimes}
