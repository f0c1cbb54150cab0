from django.apps import AppConfig
from django.conf import settings


class AnalyticsConfig(AppConfig):
    name = "marquee.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from marquee.core import periodic

        # The Parquet snapshot DuckDB reads, rewritten by `marquee worker` (docs/analytics.md).
        every = getattr(settings, "MARQUEE_ANALYTICS_SNAPSHOT_EVERY", 300)
        periodic.register("analytics.snapshot", every=every, call=SNAPSHOT_JOB)


SNAPSHOT_JOB = "marquee.analytics.services.snapshots.write_snapshot"
