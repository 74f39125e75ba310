"""The programme's two phases. Later phases are added by a migration like this one."""

import datetime

from django.db import migrations

PHASES = [
    ("2019-2022", 1, "Phase 1 (2019-2022)", datetime.date(2019, 1, 1), datetime.date(2022, 12, 31)),
    ("2023-2027", 2, "Phase 2 (2023-2027)", datetime.date(2023, 1, 1), datetime.date(2027, 12, 31)),
]


def create_phases(apps, schema_editor):
    Phase = apps.get_model("territories", "Phase")
    # The migrated database, not always "default" (core/backups.py migrates a reference database).
    phases = Phase.objects.using(schema_editor.connection.alias)
    for code, number, label, start, end in PHASES:
        phases.update_or_create(
            code=code,
            defaults={"number": number, "label": label, "start_date": start, "end_date": end},
        )


class Migration(migrations.Migration):
    dependencies = [("territories", "0001_initial")]
    operations = [migrations.RunPython(create_phases, migrations.RunPython.noop)]
