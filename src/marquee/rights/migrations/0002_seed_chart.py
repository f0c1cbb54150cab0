"""Add the rights accounts (1130 Licence fees receivable, 1140 Acquired content rights) to the chart."""

from django.db import migrations


def seed(apps, schema_editor):
    from marquee.finance.chart import ensure_chart

    ensure_chart(apps.get_model("finance", "Account"), apps.get_model("finance", "Segment"))


class Migration(migrations.Migration):
    dependencies = [("rights", "0001_initial"), ("finance", "0004_programmes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
