"""Opening-weekend forecast: a log-linear model of pre-sales, want-to-see and comparable titles.

``log OW = β₀ + β₁ log P + β₂ log W + β₃ C`` where ``P`` is the pre-sale gross
up to the day before release, ``W`` the want-to-see count and ``C`` the mean
``log(OW / P)`` of the comparable titles (same genre, the title itself left
out). Fitted by least squares (NumPy) on the titles whose opening weekend is
known; the 80 % interval is ``exp(± 1.2816 σ)`` around the point, ``σ`` the
residual spread. The naive baseline is ``P × mean(OW / P)``. The opening
weekend is the opening day and the two days after it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from django.db.models import Sum

from marquee.analytics.models import BoxOfficeFact, HistoricalTitle
from marquee.analytics.queries.common import release_days
from marquee.analytics.queries.titles import presale_curve
from marquee.analytics.rates import RateBook
from marquee.analytics.synthetic import draw_titles
from marquee.catalog.models import Title
from marquee.ticketing.models import WantToSee

Z80 = 1.2816
INTERVAL_PCT = 80
OPENING_DAYS = 3
MIN_TRAINING = 8


@dataclass(frozen=True)
class Example:
    genre: str
    presale_minor: int
    want_to_see: int
    opening_minor: int | None = None
    name: str = ""


@dataclass(frozen=True)
class Model:
    beta: np.ndarray
    sigma: float
    genre_ratio: dict[str, tuple[float, int]]  # genre → (sum of log(OW/P), count)
    mean_ratio: float  # mean log(OW/P) over all
    naive_multiplier: float  # mean OW/P
    trained_on: int

    def comparable(self, genre: str, exclude: float | None = None) -> float:
        total, count = self.genre_ratio.get(genre, (0.0, 0))
        if exclude is not None:
            total, count = total - exclude, count - 1
        return total / count if count > 0 else self.mean_ratio

    def predict(self, example: Example) -> tuple[int, int, int]:
        """(point, low, high) opening weekend in minor units."""
        x = _features(example, self.comparable(example.genre))
        log_point = float(x @ self.beta)
        return (
            _minor(math.exp(log_point)),
            _minor(math.exp(log_point - Z80 * self.sigma)),
            _minor(math.exp(log_point + Z80 * self.sigma)),
        )

    def naive(self, example: Example) -> int:
        return _minor(example.presale_minor * self.naive_multiplier)


def _minor(value: float) -> int:
    return round(value)


def _ratio(e: Example) -> float:
    return math.log(max(e.opening_minor or 1, 1) / max(e.presale_minor, 1))


def _features(e: Example, comparable: float) -> np.ndarray:
    return np.array(
        [1.0, math.log(max(e.presale_minor, 1)), math.log(max(e.want_to_see, 1)), comparable]
    )


def fit(examples: list[Example]) -> Model:
    """Fit on examples whose ``opening_minor`` is known (at least 5)."""
    known = [e for e in examples if e.opening_minor]
    if len(known) < 5:
        raise ValueError("The forecast needs at least five titles with a known opening.")
    ratios: dict[str, tuple[float, int]] = {}
    for e in known:
        total, count = ratios.get(e.genre, (0.0, 0))
        ratios[e.genre] = (total + _ratio(e), count + 1)
    mean_ratio = sum(_ratio(e) for e in known) / len(known)
    partial = Model(np.zeros(4), 0.0, ratios, mean_ratio, 0.0, len(known))
    x = np.array([_features(e, partial.comparable(e.genre, exclude=_ratio(e))) for e in known])
    y = np.array([math.log(e.opening_minor or 1) for e in known])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    residuals = y - x @ beta
    dof = max(len(known) - x.shape[1], 1)
    sigma = float(math.sqrt(float(residuals @ residuals) / dof))
    multiplier = float(np.mean([(e.opening_minor or 0) / max(e.presale_minor, 1) for e in known]))
    return Model(beta, sigma, ratios, mean_ratio, multiplier, len(known))


@dataclass(frozen=True)
class Backtest:
    titles: int
    held_out: int
    mape_model: float
    mape_naive: float
    coverage: float  # share of held-out openings inside the interval


def backtest(examples: list[Example], *, held_out_share: float = 0.3, seed: int = 3) -> Backtest:
    """Fit on a random part, forecast the held-out rest: MAPE of the model and of the baseline."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(examples))
    cut = round(len(examples) * (1 - held_out_share))
    train = [examples[i] for i in order[:cut]]
    test = [examples[i] for i in order[cut:]]
    model = fit(train)
    errors, naive, inside = [], [], 0
    for e in test:
        actual = e.opening_minor or 0
        point, low, high = model.predict(e)
        errors.append(abs(point - actual) / actual)
        naive.append(abs(model.naive(e) - actual) / actual)
        inside += low <= actual <= high
    return Backtest(
        titles=len(examples),
        held_out=len(test),
        mape_model=float(np.mean(errors)),
        mape_naive=float(np.mean(naive)),
        coverage=inside / len(test),
    )


def synthetic_examples(n: int, seed: int = 7) -> list[Example]:
    return [
        Example(t.genre, t.presale_minor, t.want_to_see, t.opening_weekend_minor)
        for t in draw_titles(n, seed=seed)
    ]


# --- the titles in the database ------------------------------------------------------------


def _genre(title: Title) -> str:
    codes = sorted(g.code for g in title.genres.all())
    return codes[0] if codes else ""


def _opening_minor(title_id: int, opening: dt.date) -> int:
    rows = list(
        BoxOfficeFact.objects.filter(
            title_id=title_id,
            show_day__gte=opening,
            show_day__lt=opening + dt.timedelta(days=OPENING_DAYS),
        )
        .values("currency", "show_day")
        .annotate(g=Sum("gross_minor"))
        .values_list("currency", "show_day", "g")
    )
    book = RateBook({r[0] for r in rows})
    return sum(book.to_target(g, c, d) for c, d, g in rows)


def history_examples() -> list[Example]:
    """The history's titles with their pre-sales, want-to-see and opening weekend (CNY)."""
    out = []
    for row in HistoricalTitle.objects.select_related("title").prefetch_related("title__genres"):
        curve = presale_curve(row.title)
        opening = _opening_minor(row.title_id, row.opening_day)
        if curve.gross_minor > 0 and opening > 0:
            out.append(
                Example(
                    _genre(row.title), curve.gross_minor, row.want_to_see, opening, row.title.slug
                )
            )
    return out


def trained_model() -> tuple[Model, str]:
    """The model fitted on the history's titles, or on the synthetic process when too few."""
    examples = history_examples()
    if len(examples) >= MIN_TRAINING:
        return fit(examples), "history"
    return fit(synthetic_examples(300)), "synthetic-prior"


def forecast_title(title: Title) -> dict:
    """The opening-weekend forecast of ``title`` from its pre-sales so far (CNY fen).

    ``method`` says what it stands on: ``history`` (fitted on the history's
    titles), ``synthetic-prior`` (too few of them: fitted on the known
    process) or ``no-presales`` (nothing sold before release: no forecast, zeros).
    """
    model, method = trained_model()
    curve = presale_curve(title)
    history = HistoricalTitle.objects.filter(title=title).first()
    wts = history.want_to_see if history else WantToSee.objects.filter(title=title).count()
    genre = _genre(title)
    example = Example(genre, curve.gross_minor, wts)
    if curve.gross_minor > 0:
        point, low, high = model.predict(example)
    else:  # nothing pre-sold (yet): the model has nothing to scale
        point = low = high = 0
        method = "no-presales"
    comparables = list(
        HistoricalTitle.objects.filter(title__genres__code=genre)
        .exclude(title=title)
        .order_by("-opening_day")
        .values_list("title__slug", flat=True)[:5]
    )
    return {
        "slug": title.slug,
        "release_day": release_days([title.pk]).get(title.pk),
        "presale_minor": curve.gross_minor,
        "want_to_see": wts,
        "comparables": comparables,
        "gross_minor": point,
        "low_minor": low,
        "high_minor": high,
        "interval_pct": INTERVAL_PCT,
        "naive_minor": model.naive(example),
        "trained_on": model.trained_on,
        "method": method,
    }
