"""Add crowdfunding's 2650 (returns payable to backers) to the chart."""

from django.db import migrations


def seed(apps, schema_editor):
    from marquee.finance.chart import ensure_chart

    ensure_chart(apps.get_model("finance", "Account"), apps.get_model("finance", "Segment"))


class Migration(migrations.Migration):
    dependencies = [
        ("crowdfunding", "0003_payouts_premiere_pool"),
        ("finance", "0004_programmes"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
