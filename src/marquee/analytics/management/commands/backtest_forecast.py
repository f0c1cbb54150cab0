"""``marquee backtest_forecast``: the opening-weekend forecast's error on held-out titles."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from marquee.analytics import forecast


class Command(BaseCommand):
    help = (
        "Back-test the opening-weekend forecast: MAPE on held-out titles against the naive "
        "baseline (pre-sales × average multiplier), on the known synthetic process and on "
        "the database's history."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--titles", type=int, default=400, help="synthetic titles")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, titles: int, seed: int, **options) -> None:
        rows = [("synthetic process", forecast.synthetic_examples(titles, seed=seed))]
        history = forecast.history_examples()
        if len(history) >= 30:
            rows.append(("database history", history))
        else:
            self.stdout.write(
                f"database history: {len(history)} titles, too few to hold some out (30 needed)."
            )
        for name, examples in rows:
            result = forecast.backtest(examples)
            self.stdout.write(
                f"{name}: {result.titles} titles, {result.held_out} held out; "
                f"MAPE model {result.mape_model:.1%}, naive {result.mape_naive:.1%}; "
                f"80% interval covers {result.coverage:.0%}"
            )
