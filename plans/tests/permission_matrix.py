"""The plans rows of the permission matrix (see accounts/tests/matrix.py and docs/roles.md)."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.tests.matrix import (
    ADMIN,
    COORDINATORS_IN,
    LEADS_IN,
    NATIONAL,
    SIGNED_IN,
    STAFF,
    Endpoint,
)

READERS_IN = STAFF | COORDINATORS_IN | LEADS_IN | frozenset({"binome"})
EDITORS = ADMIN | LEADS_IN
VALIDATORS = (
    ADMIN | NATIONAL | frozenset({"coordinateur-region"})
)  # the région's coordinator, not a département's


def _action(world, state="brouillon"):
    from plans.models import Action, ActionPlan

    plan = ActionPlan.objects.create(territory=world.territory, state=state)
    return Action.objects.create(
        plan=plan, code="MAT-1", title="Action de la matrice", axis="innovation"
    )


def _submitted(world):
    return _action(world, state="soumis")


def _with_attachment(world):
    from plans.models import Attachment

    action = _action(world)
    attachment = Attachment(action=action, title="Note")
    attachment.file.save("note.pdf", ContentFile(b"%PDF-1.4 matrice"), save=True)
    return attachment


def _plan_url(name, *extra):
    def build(world, target):
        territory = world.territory
        return reverse(f"plans:{name}", args=[territory.phase_id, territory.ti_id, *extra])

    return build


def _action_url(name):
    def build(world, action):
        return reverse(
            f"plans:{name}", args=[world.territory.phase_id, world.territory.ti_id, action.code]
        )

    return build


def _actions_count(world, target):
    from plans.models import Action

    return Action.objects.filter(plan__territory=world.territory).count()


def _plan_state(world, target):
    from plans.models import ActionPlan

    return ActionPlan.objects.get(territory=world.territory).state


def _action_field(name):
    def state(world, action):
        from plans.models import Action

        return Action.objects.filter(pk=action.pk).values_list(name, flat=True).first()

    return state


def _notes_count(world, action):
    return action.notes.count()


FORM = {
    "code": "MAT-2",
    "title": "Créée par la matrice",
    "axis": "foncier",
    "maturity": "idee",
    "status": "a-venir",
    "financements-TOTAL_FORMS": "0",
    "financements-INITIAL_FORMS": "0",
    "indicateurs-TOTAL_FORMS": "0",
    "indicateurs-INITIAL_FORMS": "0",
}

PERMISSION_MATRIX = [
    # Reading a plan (not editing, but guarded: listed so the coverage test knows them).
    Endpoint("plans:detail", "page", "GET", READERS_IN, setup=_action, url=_plan_url("detail")),
    Endpoint("plans:action", "page", "GET", READERS_IN, setup=_action, url=_action_url("action")),
    Endpoint(
        "plans:action_history",
        "page",
        "GET",
        READERS_IN,
        setup=_action,
        url=_action_url("action_history"),
    ),
    Endpoint(
        "plans:attachment",
        "page",
        "GET",
        READERS_IN,
        setup=_with_attachment,
        url=lambda world, attachment: reverse(
            "plans:attachment",
            args=[
                world.territory.phase_id,
                world.territory.ti_id,
                attachment.action.code,
                attachment.pk,
            ],
        ),
    ),
    # Editing actions.
    Endpoint(
        "plans:action_create",
        "page",
        "GET",
        EDITORS,
        url=_plan_url("action_create"),
        label="formulaire",
    ),
    Endpoint(
        "plans:action_create",
        "page",
        "POST",
        EDITORS,
        setup=_action,
        url=_plan_url("action_create"),
        data=lambda world, target: FORM,
        state=_actions_count,
        ok=frozenset({302}),
    ),
    Endpoint(
        "plans:action_edit",
        "page",
        "POST",
        EDITORS,
        setup=_action,
        url=_action_url("action_edit"),
        data=lambda world, action: {**FORM, "code": action.code},
        state=_action_field("title"),
        ok=frozenset({302}),
    ),
    Endpoint(
        "plans:action_duplicate",
        "page",
        "POST",
        EDITORS,
        setup=_action,
        url=_action_url("action_duplicate"),
        state=_actions_count,
        ok=frozenset({302}),
    ),
    Endpoint(
        "plans:action_archive",
        "page",
        "POST",
        EDITORS,
        setup=_action,
        url=_action_url("action_archive"),
        state=_action_field("archived"),
        ok=frozenset({302}),
    ),
    Endpoint(
        "plans:note_add",
        "page",
        "POST",
        EDITORS | COORDINATORS_IN,  # coordinators follow up the territories of their zone
        setup=_action,
        url=_action_url("note_add"),
        data=lambda world, action: {"date": date(2025, 1, 15).isoformat(), "text": "Comité"},
        state=_notes_count,
        ok=frozenset({302}),
    ),
    # Without a file the upload is refused by the form (302 with a message); the guard is what is tested.
    Endpoint(
        "plans:attachment_add",
        "page",
        "POST",
        EDITORS,
        setup=_action,
        url=_action_url("attachment_add"),
        data=lambda world, action: {"title": "Sans fichier"},
        ok=frozenset({302}),
    ),
    # Workflow: the step decides the permission.
    Endpoint(
        "plans:transition",
        "page",
        "POST",
        EDITORS,
        setup=_action,
        url=_plan_url("transition", "soumettre"),
        data=lambda world, target: {"comment": "Prêt"},
        state=_plan_state,
        ok=frozenset({302}),
        label="soumettre",
    ),
    Endpoint(
        "plans:transition",
        "page",
        "POST",
        VALIDATORS,
        setup=_submitted,
        url=_plan_url("transition", "valider"),
        state=_plan_state,
        ok=frozenset({302}),
        label="valider",
    ),
    # Spreadsheets.
    Endpoint(
        "plans:import",
        "page",
        "POST",
        EDITORS,
        setup=_action,
        url=_plan_url("import"),
        ok=frozenset({400}),
        label="sans fichier",
    ),
    Endpoint(
        "plans:import_preview",
        "page",
        "GET",
        EDITORS,
        setup=_action,
        url=_plan_url("import_preview", "0" * 32 + ".csv"),
        ok=frozenset({302}),
    ),  # unknown token: back to the upload
    Endpoint(
        "plans:import_cancel",
        "page",
        "POST",
        EDITORS,
        setup=_action,
        url=_plan_url("import_cancel"),
        data=lambda world, target: {"token": "0" * 32 + ".csv"},
        ok=frozenset({302}),
    ),
    Endpoint(
        "plans:import_job",
        "page",
        "GET",
        EDITORS,
        setup=_action,
        url=_plan_url("import_job", "00000000-0000-4000-8000-000000000000"),
        ok=frozenset({404}),
    ),  # a job is shown to its owner only: 404 for anyone else allowed on the plan
    Endpoint(
        "plans:import_confirm",
        "page",
        "POST",
        EDITORS,
        setup=_action,
        url=_plan_url("import_confirm"),
        data=lambda world, target: {"token": "0" * 32 + ".csv"},
        ok=frozenset({302}),
    ),  # unknown token
    Endpoint(
        "plans:plan_export",
        "export",
        "GET",
        READERS_IN,
        setup=_action,
        url=_plan_url("plan_export", "csv"),
    ),
    Endpoint(
        "plans:export",
        "export",
        "GET",
        SIGNED_IN,
        url=lambda world, target: reverse("plans:export"),
        label="formulaire",
    ),
    Endpoint(
        "plans:export",
        "export",
        "GET",
        STAFF | frozenset({"coordinateur-region"}),
        setup=_action,
        url=lambda world, target: (
            reverse("plans:export") + f"?format=csv&region={world.territory.regions.first().pk}"
        ),
        label="région",
    ),
    Endpoint(
        "plans:export",
        "export",
        "GET",
        STAFF | COORDINATORS_IN,
        setup=_action,
        url=lambda world, target: (
            reverse("plans:export")
            + f"?format=xlsx&departement={world.territory.principal_departement.pk}"
        ),
        label="département",
    ),
]


def _wants_emails(world, target):
    from plans.models import PlanNotificationPreference

    return list(PlanNotificationPreference.objects.values_list("user__email", "workflow_emails"))


PERMISSION_MATRIX += [
    # The plans one follows (national team, coordinators of any area) and one's email preference.
    Endpoint(
        "plans:overview",
        "page",
        "GET",
        STAFF
        | frozenset(
            {
                "coordinateur-region",
                "coordinateur-region-hors",
                "coordinateur-departement",
                "coordinateur-departement-hors",
            }
        ),
        url=lambda world, target: reverse("plans:overview"),
    ),
    Endpoint(
        "plans:notifications",
        "page",
        "POST",
        SIGNED_IN,
        url=lambda world, target: reverse("plans:notifications"),
        state=_wants_emails,
        ok=frozenset({302}),
    ),
]

# The admin and the "Historique" pages of plans objects: the staff read them (administrators got 403).
PERMISSION_MATRIX += [
    Endpoint(
        "accounts:object_history",
        "page",
        "GET",
        STAFF,
        setup=_action,
        url=lambda world, action: reverse(
            "accounts:object_history", args=["plans", "action", action.pk]
        ),
        label="action d'un plan",
    ),
    Endpoint(
        "admin:plans_action_changelist",
        "admin",
        "GET",
        STAFF,
        setup=_action,
        url=lambda world, action: reverse("admin:plans_action_changelist"),
    ),
    Endpoint(
        "admin:plans_action_change",
        "admin",
        "GET",
        STAFF,
        setup=_action,
        url=lambda world, action: reverse("admin:plans_action_change", args=[action.pk]),
        label="lecture",
    ),
]

NOT_EDITING = {
    "plans:public": "lecture publique d'un plan validé : actions non confidentielles, sans donnée personnelle",
    "plans:template": "modèle vierge, sans aucune donnée",
}
