"""The marketing accounts of the chart (2690 voucher clearing, 6050 voucher subsidies)."""

from django.db import migrations


def seed(apps, schema_editor):
    from marquee.finance.chart import ensure_chart

    ensure_chart(apps.get_model("finance", "Account"), apps.get_model("finance", "Segment"))


class Migration(migrations.Migration):
    dependencies = [("marketing", "0001_initial"), ("finance", "0004_programmes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
