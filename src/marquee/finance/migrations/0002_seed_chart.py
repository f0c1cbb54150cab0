"""Seed the chart of accounts and the reporting segments."""

from django.db import migrations


def seed(apps, schema_editor):
    from marquee.finance.chart import ensure_chart

    ensure_chart(apps.get_model("finance", "Account"), apps.get_model("finance", "Segment"))


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
