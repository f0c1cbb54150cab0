"""Admin for the box office: read-only (rollups come from the outbox, history from the demo
loader, national totals from the CSV import)."""

from __future__ import annotations

from django.contrib import admin

from marquee.analytics.models import BoxOfficeFact, NationalDay
from marquee.core.admin import ReadOnlyAdmin


@admin.register(BoxOfficeFact)
class BoxOfficeFactAdmin(ReadOnlyAdmin):
    list_display = [
        "show_day",
        "sale_day",
        "title",
        "venue",
        "source",
        "tickets",
        "gross_minor",
        "currency",
    ]
    list_filter = ["source", "currency", "format"]
    date_hierarchy = "show_day"
    list_select_related = ["title", "venue"]
    raw_id_fields = ["showtime", "title", "venue"]


@admin.register(NationalDay)
class NationalDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "gross_minor", "currency", "source", "imported_at"]
    date_hierarchy = "day"
