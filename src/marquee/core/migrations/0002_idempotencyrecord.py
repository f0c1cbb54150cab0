"""The idempotency record moves from payments to core: its table is renamed, no row is lost.

The model is created in core's state only (the table exists: payments 0001
made it), then renamed to ``core_idempotencyrecord`` and its index renamed;
payments 0002 drops the model from payments' state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("payments", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("scope", models.CharField(max_length=100)),
                        ("key", models.CharField(max_length=255)),
                        ("fingerprint", models.CharField(max_length=64)),
                        (
                            "state",
                            models.CharField(
                                choices=[("in_progress", "In progress"), ("done", "Done")],
                                default="in_progress",
                                max_length=20,
                            ),
                        ),
                        ("lock_token", models.CharField(max_length=32)),
                        ("locked_at", models.DateTimeField()),
                        ("response_status", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("response_body", models.JSONField(blank=True, null=True)),
                        ("error", models.JSONField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("expires_at", models.DateTimeField()),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="idempotency_records",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "payments_idempotencyrecord",
                        "indexes": [
                            models.Index(fields=["expires_at"], name="payments_id_expires_691ca7_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "scope", "key"),
                                name="idempotency_unique_user_scope_key",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="idempotencyrecord", table=None),
        migrations.RenameIndex(
            model_name="idempotencyrecord",
            new_name="core_idempotency_expires",
            old_name="payments_id_expires_691ca7_idx",
        ),
    ]
