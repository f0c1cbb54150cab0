"""The known process the demo history, the forecast's back-test and the recommender's
evaluation draw from (seeded NumPy; every number below is the truth they are tested against).

A title has a genre and a hidden *hype* ``h ~ N(0, 1)``. Then, in yuan:

* want-to-see ``W = exp(8.0 + 0.9 h + ε₁)``, ``ε₁ ~ N(0, 0.30)``
* pre-sales up to the day before release ``P = exp(13.5 + 1.1 h + ε₂)``, ``ε₂ ~ N(0, 0.35)``,
  sold along ``share(d) ∝ exp(−d / 5)`` for ``d`` = 30…1 days before release
* opening weekend ``log OW = 2.2 + 0.80 log P + 0.20 log W + g[genre] + ε₃``, ``ε₃ ~ N(0, 0.20)``
* (the demo history) the days after the weekend decay by 5 % a day, weekends × 1.6.

Buyers have tastes over genres (Dirichlet) and buy ``1 + Poisson(5)`` titles
drawn by popularity × taste.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GENRES = ("action", "animation", "comedy", "drama", "sci-fi", "thriller")
#: The genres' effect on the opening weekend, in log space.
GENRE_EFFECT = {
    "action": 0.25,
    "animation": 0.10,
    "comedy": 0.05,
    "drama": -0.25,
    "sci-fi": 0.20,
    "thriller": -0.10,
}
CURVE_DAYS = 30
#: Average ticket price in fen (CNY 45).
TICKET_PRICE_MINOR = 4500


@dataclass(frozen=True)
class SynthTitle:
    genre: str
    hype: float
    want_to_see: int
    presale_minor: int
    opening_weekend_minor: int


def draw_titles(n: int, seed: int = 7, genres: list[str] | None = None) -> list[SynthTitle]:
    """``n`` titles from the known process (genres cycle through ``genres`` or ``GENRES``)."""
    rng = np.random.default_rng(seed)
    pool = list(genres or GENRES)
    out = []
    for i in range(n):
        genre = pool[i % len(pool)]
        h = rng.normal()
        wts = float(np.exp(8.0 + 0.9 * h + rng.normal(0, 0.30)))
        presale = float(np.exp(13.5 + 1.1 * h + rng.normal(0, 0.35)))
        log_ow = (
            2.2
            + 0.80 * np.log(presale)
            + 0.20 * np.log(wts)
            + GENRE_EFFECT.get(genre, 0.0)
            + rng.normal(0, 0.20)
        )
        out.append(
            SynthTitle(
                genre=genre,
                hype=float(h),
                want_to_see=round(wts),
                presale_minor=round(presale) * 100,
                opening_weekend_minor=round(float(np.exp(log_ow))) * 100,
            )
        )
    return out


def presale_shares(days: int = CURVE_DAYS) -> np.ndarray:
    """The share of pre-sales sold ``d`` days before release, for d = days…1 (sums to 1)."""
    d = np.arange(days, 0, -1)
    weights = np.exp(-d / 5.0)
    return weights / weights.sum()


def split_minor(total: int, shares: np.ndarray) -> list[int]:
    """``total`` split by ``shares`` by the largest remainder (the parts sum to ``total``)."""
    exact = shares * total
    parts = np.floor(exact).astype(np.int64)
    rest = int(total - parts.sum())
    order = np.argsort(-(exact - parts), kind="stable")
    parts[order[:rest]] += 1
    return [int(p) for p in parts]


def draw_baskets(
    n_users: int, titles_genres: list[str], *, seed: int = 11, mean_size: float = 5.0
) -> list[set[int]]:
    """Purchase baskets (sets of title indexes) of ``n_users`` buyers."""
    rng = np.random.default_rng(seed)
    genres = sorted(set(titles_genres))
    genre_index = np.array([genres.index(g) for g in titles_genres])
    n_titles = len(titles_genres)
    popularity = 1.0 / np.arange(1, n_titles + 1) ** 0.8
    rng.shuffle(popularity)
    baskets = []
    for _ in range(n_users):
        taste = rng.dirichlet(np.full(len(genres), 0.3))
        weights = popularity * taste[genre_index]
        weights = weights / weights.sum()
        size = min(n_titles, 1 + int(rng.poisson(mean_size)))
        baskets.append(set(rng.choice(n_titles, size=size, replace=False, p=weights).tolist()))
    return baskets
