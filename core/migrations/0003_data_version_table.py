"""The data version's table (core/datastamp.py): one row per part, written by database triggers that
``core.datastamp.install`` creates after every ``migrate`` (the parts are registered by the apps at
start-up, so the triggers and rows cannot be written in a migration)."""

from django.db import migrations


def create(apps, schema_editor):
    from core import datastamp

    datastamp.create_tables(schema_editor.connection)


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS core_datachange")
        cursor.execute("DROP TABLE IF EXISTS core_dataversion")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_french_field_labels")]

    operations = [migrations.RunPython(create, drop)]
