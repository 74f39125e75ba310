"""Permissions of the action plans, built from the shared predicates of accounts/permissions.py.

The object of every plan permission is the *territory* (a territory may not have a plan yet). Exports take
a scope instead: a territory, a Departement, a Region, or None for the whole programme.
"""

from __future__ import annotations

import rules
from django.apps import apps

from accounts.permissions import (
    is_administrator,
    is_coordinator,
    is_coordinator_of_departement,
    is_coordinator_of_region,
    is_coordinator_of_territory,
    is_national_team,
    is_staff_reader,
    is_territory_editor,
    is_territory_reader,
)
from geo.models import Departement, Region
from territories.models import Territory


@rules.predicate
def is_region_coordinator_of_territory(user, territory) -> bool:
    """Coordinates one of the territory's régions: the validating coordinator (not a département's)."""
    if not isinstance(territory, Territory):
        return False
    return any(is_coordinator_of_region(user, region) for region in territory.regions.all())


@rules.predicate
def may_export_scope(user, scope) -> bool:
    """Staff export anything; a coordinator its région or département; a territory's readers its plan."""
    if is_staff_reader(user):
        return True
    if isinstance(scope, Territory):
        return is_territory_reader(user, scope)
    if isinstance(scope, Departement):
        return is_coordinator_of_departement(user, scope)
    if isinstance(scope, Region):
        return is_coordinator_of_region(user, scope)
    return False


rules.add_perm("plans.view_plan", is_territory_reader)
rules.add_perm(
    "plans.edit_plan", is_territory_editor
)  # actions, notes, attachments, import, submission
rules.add_perm(
    "plans.validate_plan", is_administrator | is_national_team | is_region_coordinator_of_territory
)
rules.add_perm("plans.export_plans", may_export_scope)
# The overview of the plans one follows (state, « à valider », « en retard »…): national team and
# coordinators; a project lead finds its plan from « Mon espace ».
rules.add_perm("plans.view_overview", is_staff_reader | is_coordinator)
# Follow-up notes: the territory's editors, and the coordinators of its zone (docs/roles.md said so,
# the view answered 403).
rules.add_perm("plans.add_note", is_territory_editor | is_coordinator_of_territory)

rules.add_perm(
    "plans", is_staff_reader
)  # the admin index lists the app (accounts/rules.py says why)
# The Django admin and the "Historique" pages (accounts:object_history asks "plans.view_<model>"):
# the staff read every plans object; administrators got 403 on /admin/plans/action/ without these.
for _model in apps.get_app_config("plans").get_models():
    if not _model._meta.label_lower.startswith("plans.historical"):
        rules.add_perm(f"plans.view_{_model._meta.model_name}", is_staff_reader)
