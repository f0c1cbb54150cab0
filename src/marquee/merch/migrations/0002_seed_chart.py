"""Add the merchandise accounts (1310, 2670, 2671, 4150, 4151) to the chart."""

from django.db import migrations


def seed(apps, schema_editor):
    from marquee.finance.chart import ensure_chart

    ensure_chart(apps.get_model("finance", "Account"), apps.get_model("finance", "Segment"))


class Migration(migrations.Migration):
    dependencies = [("merch", "0001_initial"), ("finance", "0004_programmes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
