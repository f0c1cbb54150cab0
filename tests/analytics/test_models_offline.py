"""The recommender's evaluation and the forecast's back-test, checked on planted data."""

from __future__ import annotations

import numpy as np
import pytest

from marquee.analytics import forecast, recommend
from marquee.analytics.synthetic import GENRES, draw_baskets, presale_shares, split_minor


def test_evaluation_counts_hits_exactly_on_a_planted_dataset():
    # Two tastes: items 0-4 are bought together, 5-9 together; 5-9 are more popular.
    # Each buyer hides a different item of their cluster.
    baskets = [{0, 1, 2, 3, 4} for _ in range(4)] + [{5, 6, 7, 8, 9} for _ in range(6)]
    test = [{i % 5} for i in range(4)] + [{5 + i % 5} for i in range(6)]
    train = [b - t for b, t in zip(baskets, test, strict=True)]
    result = recommend.evaluate(train, test, 10, k=2)
    # Item-item finds each buyer's hidden item first (its cluster); popularity only for group B.
    assert result.users == 10
    assert result.recall == pytest.approx(1.0)
    assert result.precision == pytest.approx(0.5)
    assert result.baseline_recall == pytest.approx(6 / 10)


def test_the_split_hides_a_fifth_and_keeps_single_purchases():
    train, test = recommend.split([{1, 2, 3, 4, 5}, {7}], held_out_share=0.2, seed=1)
    assert len(test[0]) == 1 and train[0] | test[0] == {1, 2, 3, 4, 5}
    assert train[1] == {7} and test[1] == set()


def test_item_item_beats_most_popular_on_the_known_process():
    genres = [GENRES[i % len(GENRES)] for i in range(60)]
    train, test = recommend.split(draw_baskets(800, genres, seed=3))
    result = recommend.evaluate(train, test, 60)
    assert result.precision > result.baseline_precision
    assert result.recall > result.baseline_recall


def test_the_forecast_beats_the_naive_baseline_on_held_out_titles():
    result = forecast.backtest(forecast.synthetic_examples(200, seed=5))
    assert result.held_out == 60
    assert result.mape_model < result.mape_naive
    assert 0.5 <= result.coverage <= 1.0


def test_the_forecast_recovers_a_noiseless_process():
    # log OW = 1 + 0.5 log P + 0.25 log W + g[genre], no noise: the forecast lands close.
    rng = np.random.default_rng(0)
    offsets = {"drama": 0.0, "action": 0.4, "comedy": -0.3}
    examples = []
    for i in range(300):
        genre = list(offsets)[i % 3]
        p, w = int(rng.integers(10_000, 10_000_000)), int(rng.integers(100, 100_000))
        ow = round(float(np.exp(1 + 0.5 * np.log(p) + 0.25 * np.log(w) + offsets[genre])))
        examples.append(forecast.Example(genre, p, w, ow))
    model = forecast.fit(examples)
    point, low, high = model.predict(forecast.Example("action", 1_000_000, 10_000))
    expected = np.exp(1 + 0.5 * np.log(1_000_000) + 0.25 * np.log(10_000) + 0.4)
    assert abs(point - expected) / expected < 0.05
    assert low <= point <= high


def test_presale_shares_and_the_split_keep_every_fen():
    shares = presale_shares()
    assert len(shares) == 30 and shares[-1] > shares[0]
    parts = split_minor(1_000_001, shares)
    assert sum(parts) == 1_000_001
