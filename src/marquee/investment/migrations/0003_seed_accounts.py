"""Add the investment accounts (1410, 2610, 5110) to the chart."""

from django.db import migrations


def seed(apps, schema_editor):
    from marquee.finance.chart import ensure_chart

    ensure_chart(apps.get_model("finance", "Account"), apps.get_model("finance", "Segment"))


class Migration(migrations.Migration):
    dependencies = [
        ("investment", "0002_slate_budgets_waterfalls"),
        ("finance", "0004_programmes"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
