"""Pre-sale rounds point at ``places.City`` (state only: the join table is unchanged)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0001_initial'),
        ('ticketing', '0003_waiting_room'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='presaleround',
                    name='cities',
                    field=models.ManyToManyField(blank=True, related_name='presale_rounds', to='places.city'),
                ),
            ],
            database_operations=[],
        ),
    ]
