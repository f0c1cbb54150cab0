"""``marquee evaluate_recommendations``: precision@10 and recall@10 against most-popular."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from marquee.analytics import recommend
from marquee.analytics.synthetic import GENRES, draw_baskets


class Command(BaseCommand):
    help = (
        "Evaluate the item-item recommender offline: hide 20% of each buyer's titles, "
        "recommend 10, count hits; against the most-popular baseline. On a synthetic "
        "purchase history from the known process and on the database's, when it has one."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--users", type=int, default=5000)
        parser.add_argument("--titles", type=int, default=200)
        parser.add_argument("--seed", type=int, default=11)

    def handle(self, *args, users: int, titles: int, seed: int, **options) -> None:
        genres = [GENRES[i % len(GENRES)] for i in range(titles)]
        datasets = [("synthetic", draw_baskets(users, genres, seed=seed), titles)]
        baskets, title_ids = recommend.purchase_baskets()
        if sum(len(b) >= 2 for b in baskets.values()) >= 20:
            index = {t: i for i, t in enumerate(title_ids)}
            datasets.append(
                ("database", [{index[t] for t in b} for b in baskets.values()], len(title_ids))
            )
        for name, data, n_items in datasets:
            train, test = recommend.split(data)
            result = recommend.evaluate(train, test, n_items)
            self.stdout.write(
                f"{name}: {result.users} buyers; item-item precision@10 {result.precision:.4f} "
                f"recall@10 {result.recall:.4f}; most-popular precision@10 "
                f"{result.baseline_precision:.4f} recall@10 {result.baseline_recall:.4f}"
            )
