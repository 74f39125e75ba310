"""Actions ticked « confidentielle » after their plan was validated, before the rule that takes them out
of the published snapshot at once (plans/services/publication.py, ``withdraw_confidential``), stayed
public until the plan's next validation (found by the walk of 2026-12-04 on a demo database). This
applies the rule once to the existing snapshots; later ticks apply it themselves."""

from django.db import migrations


def withdraw(apps, schema_editor):
    Action = apps.get_model("plans", "Action")
    PlanPublication = apps.get_model("plans", "PlanPublication")
    codes_by_plan: dict[int, set[str]] = {}
    for plan_id, code in Action.objects.filter(confidential=True).values_list("plan_id", "code"):
        codes_by_plan.setdefault(plan_id, set()).add(code)
    for publication in PlanPublication.objects.filter(plan_id__in=codes_by_plan).iterator():
        codes = codes_by_plan[publication.plan_id]
        kept = [row for row in publication.actions if row["code"] not in codes]
        if len(kept) != len(publication.actions):
            publication.actions = kept
            publication.save(update_fields=["actions"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_funding_granted_paid")]

    operations = [migrations.RunPython(withdraw, migrations.RunPython.noop)]
