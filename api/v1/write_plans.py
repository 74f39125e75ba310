"""Action plans by API (token only): my plans, a plan's actions, create or change an action, submit.

Every write goes through the screens' own form and service (plans.forms.ActionForm,
plans/services/editing.py, plans/services/workflow.py) and the screens' permissions
(plans.view_plan, plans.edit_plan, through core/authz.py). Financements and indicators are not
written here (the screens and the spreadsheet import do): an action changed by API keeps them.
"""

from __future__ import annotations

from django.db.models import Count, Q
from ninja import Router, Status
from ninja.errors import HttpError

from accounts.selectors import editable_territories, territories_followed_by
from core.authz import api_authorize
from plans.forms import ActionForm, FundingFormSet, IndicatorFormSet
from plans.models import HEAVY_FIELDS, Action, ActionPlan, PlanState
from plans.services import editing, workflow
from territories.models import Territory, TerritoryCommune

from .auth import token_auth
from .base import PAGE, TAILLE, paginate
from .schemas_write import (
    READ_ERRORS,
    WRITE_ERRORS,
    ActionIn,
    ActionOut,
    MyPlansPage,
    PlanActionsOut,
    SubmitIn,
    TransitionOut,
    body,
    read_body,
    refuse_form,
)

router = Router(tags=["Écriture — plans d'action"], auth=token_auth)

# JSON name -> ActionForm field.
FIELDS = {
    "code": "code",
    "titre": "title",
    "axe": "axis",
    "sous_theme": "sub_theme",
    "description": "description",
    "objectifs": "objectives",
    "porteur": "carrier_name",
    "porteur_type": "carrier_kind",
    "porteur_siret": "carrier_siret",
    "partenaires": "partners",
    "maturite": "maturity",
    "statut": "status",
    "priorite": "priority",
    "date_debut": "start_date",
    "date_fin": "end_date",
    "communes": "communes",
    "cout_total": "total_cost",
    "investissement_industriel": "industrial_investment",
    "emplois_crees": "jobs_created",
    "emplois_maintenus": "jobs_maintained",
    "confidentielle": "confidential",
    "version": "version",
}
JSON_NAMES = {form_name: json_name for json_name, form_name in FIELDS.items()}
EMPTY_FORMSETS = {
    f"{prefix}-{name}": "0"
    for prefix in ("financements", "indicateurs")
    for name in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def _territory(phase: str, ti_id: str) -> Territory:
    territory = (
        Territory.objects.select_related("phase")
        .defer(*HEAVY_FIELDS)
        .filter(phase_id=phase, ti_id=ti_id)
        .first()
    )
    if territory is None:
        raise HttpError(404, f"Territoire {ti_id} inconnu en phase {phase}.")
    return territory


def _action(territory: Territory, code: str) -> Action:
    action = Action.objects.select_related("plan").filter(plan__territory=territory, code=code)
    found = action.first()
    if found is None:
        raise HttpError(404, f"Aucune action « {code} » dans le plan de ce territoire.")
    return found


def _amount(value) -> str | None:
    return None if value is None else format(value, "f")


def action_out(action: Action) -> dict:
    return {
        "code": action.code,
        "titre": action.title,
        "axe": action.axis,
        "axe_libelle": action.get_axis_display(),
        "sous_theme": action.sub_theme,
        "description": action.description,
        "objectifs": action.objectives,
        "porteur": action.carrier_name,
        "porteur_type": action.carrier_kind,
        "porteur_siret": action.carrier_siret,
        "partenaires": action.partners,
        "maturite": action.maturity,
        "statut": action.status,
        "priorite": action.priority,
        "date_debut": action.start_date,
        "date_fin": action.end_date,
        "communes": sorted(tc.commune.code for tc in action.communes.select_related("commune")),
        "cout_total": _amount(action.total_cost),
        "investissement_industriel": _amount(action.industrial_investment),
        "emplois_crees": action.jobs_created,
        "emplois_maintenus": action.jobs_maintained,
        "confidentielle": action.confidential,
        "archivee": action.archived,
        "version": action.version,
        "modifiee_le": action.updated_at,
    }


def _plan_ref(user, territory: Territory, plan: ActionPlan | None, actions: int) -> dict:
    return {
        "phase": territory.phase_id,
        "id": territory.ti_id,
        "nom": territory.name,
        "etat": plan.state if plan else "",
        "etat_libelle": plan.get_state_display() if plan else "Pas encore de plan",
        "modifiable": user.has_perm("plans.edit_plan", territory),
        "actions": actions,
    }


@router.get(
    "/moi/plans",
    response={200: MyPlansPage, **READ_ERRORS},
    summary="Mes plans d'action : ceux des territoires que je suis ou modifie",
    url_name="write_my_plans",
)
def my_plans(request, page: str = PAGE, taille: str = TAILLE):
    """Les territoires dont la personne du jeton peut lire le plan (chef de projet, binôme,
    coordinateur de sa zone, équipe nationale…), avec l'état du plan et si elle peut le modifier."""
    user = request.user
    api_authorize(user, "accounts.is_signed_in")
    readable = territories_followed_by(user).values("pk")
    editable = editable_territories(user).values("pk")
    ordered = list(
        Territory.objects.filter(Q(pk__in=readable) | Q(pk__in=editable))
        .defer(*HEAVY_FIELDS)
        .order_by("phase_id", "name", "pk")
    )
    answer = paginate(request, ordered, page, taille)
    shown = answer["resultats"]
    plans = {
        p.territory_id: p
        for p in ActionPlan.objects.filter(territory__in=shown).annotate(n=Count("actions"))
    }
    answer["resultats"] = [
        _plan_ref(user, t, plans.get(t.pk), plans[t.pk].n if t.pk in plans else 0) for t in shown
    ]
    return answer


my_plans.authz_permission = "accounts.is_signed_in"


def _plan_or_none(territory: Territory) -> ActionPlan | None:
    return ActionPlan.objects.filter(territory=territory).first()


@router.get(
    "/plans/{phase}/{ti_id}/actions",
    response={200: PlanActionsOut, **READ_ERRORS},
    summary="Les actions d'un plan (toutes, confidentielles et archivées comprises)",
    url_name="write_plan_actions",
)
def plan_actions(request, phase: str, ti_id: str):
    """Ce que la page du plan montre à la personne du jeton (`plans.view_plan`) : les actions en
    cours de rédaction, pas seulement la version publiée (voir `GET /actions` pour celle-ci)."""
    territory = _territory(phase, ti_id)
    api_authorize(request.user, "plans.view_plan", territory)
    plan = _plan_or_none(territory)
    actions = list(
        Action.objects.filter(plan=plan).order_by("axis", "code") if plan else Action.objects.none()
    )
    return {
        "plan": _plan_ref(request.user, territory, plan, len(actions)),
        "actions": [action_out(a) for a in actions],
    }


plan_actions.authz_permission = "plans.view_plan"


def _form_data(territory: Territory, payload: dict, action: Action | None, plan) -> dict:
    """The ActionForm's data: the action's current values, then what the body sends."""
    data: dict = dict(EMPTY_FORMSETS)
    # A new action starts from the model's defaults (maturité « idée », statut « à venir »), as the
    # screen's empty form does.
    current = ActionForm(instance=action or Action(plan=plan), plan=plan)
    for name in current.fields:
        value = current.initial.get(name)
        if name == "communes":
            value = [tc.pk for tc in value or []]
        if value is not None:
            data[name] = value
    if action is not None:
        data["version"] = action.version
    for json_name, value in payload.items():
        name = FIELDS[json_name]
        if isinstance(value, dict) or (isinstance(value, list) and name != "communes"):
            raise HttpError(422, f"{json_name} : attendu une valeur simple (texte, nombre…).")
        if name == "communes":
            value = _commune_ids(territory, value)
        elif name in ("total_cost", "industrial_investment") and isinstance(value, int | float):
            value = str(value)
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def _commune_ids(territory: Territory, codes) -> list[int]:
    if codes is None:
        return []
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise HttpError(422, 'communes : attendu une liste de codes INSEE, par exemple ["77284"].')
    found = dict(
        TerritoryCommune.objects.filter(territory=territory, commune__code__in=codes).values_list(
            "commune__code", "pk"
        )
    )
    missing = [code for code in codes if code not in found]
    if missing:
        raise HttpError(
            422, f"communes : {', '.join(missing[:10])} ne sont pas des communes de ce territoire."
        )
    return [found[code] for code in codes]


def _save(request, territory: Territory, action: Action | None, status: int):
    payload = read_body(request, set(FIELDS))
    plan = editing.plan_for(territory) if action is None else action.plan
    data = _form_data(territory, payload, action, plan)
    instance = action or Action(plan=plan)
    form = ActionForm(data, instance=instance, plan=plan)
    fundings = FundingFormSet(data, instance=instance, prefix="financements")
    indicators = IndicatorFormSet(data, instance=instance, prefix="indicateurs")
    if not form.is_valid():
        refuse_form(form, JSON_NAMES)
    if not (fundings.is_valid() and indicators.is_valid()):  # empty: always valid
        raise HttpError(422, "Financements et indicateurs : non modifiables par l'API.")
    try:
        saved = editing.save_action(form, fundings, indicators)
    except editing.StaleAction as stale:
        raise HttpError(
            409, f"{stale} Version actuelle : {stale.current_version} ; relisez l'action."
        ) from None
    return Status(status, action_out(Action.objects.get(pk=saved.pk)))


ACTION_BODY = body(ActionIn, "Les champs de l'action (création : code, titre et axe au moins).")


@router.post(
    "/plans/{phase}/{ti_id}/actions",
    response={201: ActionOut, **WRITE_ERRORS},
    summary="Créer une action dans un plan que je peux modifier",
    url_name="write_plan_actions",
    openapi_extra=ACTION_BODY,
)
def create_action(request, phase: str, ti_id: str):
    """Comme le formulaire « Nouvelle action » (`plans.edit_plan`) ; le plan est créé au besoin."""
    territory = _territory(phase, ti_id)
    api_authorize(request.user, "plans.edit_plan", territory)
    return _save(request, territory, None, 201)


create_action.authz_permission = "plans.edit_plan"


@router.patch(
    "/plans/{phase}/{ti_id}/actions/{code}",
    response={200: ActionOut, **WRITE_ERRORS},
    summary="Modifier une action (seuls les champs envoyés changent)",
    url_name="write_plan_action",
    openapi_extra=body(ActionIn, "Les champs à changer, et la `version` lue (recommandé)."),
)
def update_action(request, phase: str, ti_id: str, code: str):
    """Comme le formulaire « Modifier l'action » (`plans.edit_plan`) : avec la `version` lue,
    une modification faite entre-temps donne 409 et rien n'est écrit."""
    territory = _territory(phase, ti_id)
    api_authorize(request.user, "plans.edit_plan", territory)
    return _save(request, territory, _action(territory, code), 200)


update_action.authz_permission = "plans.edit_plan"


@router.post(
    "/plans/{phase}/{ti_id}/soumission",
    response={200: TransitionOut, **WRITE_ERRORS},
    summary="Soumettre le plan pour validation",
    url_name="write_plan_submit",
    openapi_extra=body(SubmitIn, "Un commentaire facultatif (`{}` sinon)."),
)
def submit_plan(request, phase: str, ti_id: str):
    """Un plan en brouillon, ou validé puis modifié, passe à « Soumis » (comme le bouton du plan) ;
    dans un autre état : 409."""
    territory = _territory(phase, ti_id)
    api_authorize(request.user, "plans.edit_plan", territory)
    payload = read_body(request, {"commentaire"})
    comment = payload.get("commentaire") or ""
    if not isinstance(comment, str) or len(comment) > 2000:
        raise HttpError(422, "commentaire : attendu un texte d'au plus 2 000 caractères.")
    plan = _plan_or_none(territory)
    if plan is None:
        raise HttpError(409, "Ce territoire n'a pas encore de plan d'action : rien à soumettre.")
    steps = [
        s
        for s in workflow.available_steps(plan)
        if s.target == PlanState.SOUMIS and s.permission == "plans.edit_plan"
    ]
    if not steps:
        unchanged = " et n'a pas changé depuis" if plan.state == PlanState.VALIDE else ""
        raise HttpError(
            409,
            f"Le plan est « {plan.get_state_display()} »{unchanged} : rien à soumettre.",
        )
    try:
        workflow.apply_step(plan, steps[0], request.user, comment)
    except workflow.TransitionRefused as refused:
        raise HttpError(409, str(refused)) from None
    plan.refresh_from_db()
    return {
        "etat": plan.state,
        "etat_libelle": plan.get_state_display(),
        "soumis_le": plan.submitted_at,
    }


submit_plan.authz_permission = "plans.edit_plan"
