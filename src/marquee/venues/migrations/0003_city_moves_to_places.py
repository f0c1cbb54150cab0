"""``City`` now lives in ``places``; its table ``venues_city`` and every row stay put."""

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0001_initial'),
        ('ticketing', '0004_city_moves_to_places'),
        ('venues', '0002_hall_layout_locked'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='venue',
                    name='city',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='venues', to='places.city'),
                ),
                migrations.DeleteModel(name='City'),
            ],
            database_operations=[],
        ),
    ]
