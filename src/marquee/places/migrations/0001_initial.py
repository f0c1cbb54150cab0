"""Cities move here from ``venues`` (state only: the ``venues_city`` table and its rows stay).

The territory tree is new and seeded with the territories the platform knows.
"""

from django.db import migrations, models
import django.db.models.deletion

TERRITORY_CHOICES = [
    ('CN', 'Mainland China'), ('HK', 'Hong Kong'), ('MO', 'Macau'),
    ('TW', 'Taiwan'), ('US', 'United States'), ('WW', 'Worldwide'),
]

#: (code, ISO 3166-1 alpha-2, parent, English, Simplified, Traditional)
TREE = [
    ('WW', '', None, 'World', '世界', '世界'),
    ('CN', 'CN', 'WW', 'Mainland China', '中国内地', '中國內地'),
    ('HK', 'HK', 'WW', 'Hong Kong SAR', '香港特别行政区', '香港特別行政區'),
    ('MO', 'MO', 'WW', 'Macao SAR', '澳门特别行政区', '澳門特別行政區'),
    ('TW', 'TW', 'WW', 'Taiwan', '台湾', '台灣'),
    ('US', 'US', 'WW', 'United States', '美国', '美國'),
]


def seed_tree(apps, schema_editor=None):
    # Idempotent: tests that flush the database seed the tree again with it.
    node = apps.get_model('places', 'TerritoryNode')
    made = {}
    for code, iso, parent, en, hans, hant in TREE:
        made[code], _ = node.objects.update_or_create(
            code=code,
            defaults={
                'iso_code': iso, 'parent': made.get(parent),
                'name_en': en, 'name_zh_hans': hans, 'name_zh_hant': hant,
            },
        )


def move_content_type(apps, schema_editor):
    # Admin permissions and log entries follow the model to its new app.
    content_type = apps.get_model('contenttypes', 'ContentType')
    content_type.objects.filter(app_label='venues', model='city').exclude(
        pk__in=content_type.objects.filter(app_label='places', model='city').values('pk')
    ).update(app_label='places')


def move_content_type_back(apps, schema_editor):
    content_type = apps.get_model('contenttypes', 'ContentType')
    content_type.objects.filter(app_label='places', model='city').update(app_label='venues')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('venues', '0002_hall_layout_locked'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='City',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True)),
                        ('name_en', models.CharField(max_length=80)),
                        ('name_zh_hans', models.CharField(blank=True, max_length=80)),
                        ('name_zh_hant', models.CharField(blank=True, max_length=80)),
                        ('territory', models.CharField(choices=TERRITORY_CHOICES, max_length=2)),
                        ('time_zone', models.CharField(max_length=64)),
                        ('currency', models.CharField(max_length=3)),
                    ],
                    options={
                        'verbose_name_plural': 'cities',
                        'ordering': ['name_en'],
                        'db_table': 'venues_city',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
        migrations.CreateModel(
            name='TerritoryNode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(choices=TERRITORY_CHOICES, max_length=2, unique=True)),
                ('iso_code', models.CharField(blank=True, max_length=2)),
                ('name_en', models.CharField(max_length=80)),
                ('name_zh_hans', models.CharField(blank=True, max_length=80)),
                ('name_zh_hant', models.CharField(blank=True, max_length=80)),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='places.territorynode')),
            ],
            options={
                'verbose_name': 'territory',
                'verbose_name_plural': 'territories',
                'ordering': ['code'],
                'constraints': [models.CheckConstraint(condition=models.Q(('parent__isnull', False), ('code', 'WW'), _connector='OR'), name='territory_node_only_world_is_root')],
            },
        ),
        migrations.RunPython(seed_tree, migrations.RunPython.noop),
    ]
