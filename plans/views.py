"""Plan screens. Every guarded view goes through core.authz with a permission of plans/rules.py."""

from __future__ import annotations

import io
from datetime import date

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.selectors import territories_followed_by
from accounts.services.journal import object_history
from core.authz import authorize, permission_required
from core.uploads import serve_private_file
from plans.forms import (
    ActionForm,
    AttachmentForm,
    ExportForm,
    FundingFormSet,
    ImportForm,
    IndicatorFormSet,
    NoteForm,
    PlanFilterForm,
    TransitionForm,
)
from plans.models import (
    HEAVY_FIELDS,
    PUBLIC_CARRIER_KINDS,
    Action,
    ActionPlan,
    Attachment,
    Axis,
    Funding,
    PlanState,
)
from plans.services import editing, pending, workflow
from plans.services.exporting import export_actions, write_template
from plans.services.importing import import_plans
from plans.services.summary import funding_totals, summarize
from territories.importers.problems import ImportRefused
from territories.models import Territory

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _territory(request, phase, ti_id, **kwargs) -> Territory:
    territories = Territory.objects.select_related("phase").defer(*HEAVY_FIELDS)
    return get_object_or_404(territories, phase_id=phase, ti_id=ti_id)


def _action(territory: Territory, code: str) -> Action:
    return get_object_or_404(
        Action.objects.select_related("plan"), plan__territory=territory, code=code
    )


def _plan_url(territory: Territory) -> str:
    return reverse("plans:detail", args=[territory.phase_id, territory.ti_id])


def _breadcrumb(territory: Territory, current: str, with_plan: bool = True) -> dict:
    links = (
        [{"url": _plan_url(territory), "title": f"Plan d'action — {territory.name}"}]
        if with_plan
        else []
    )
    return {"links": links, "current": current}


def _grouped_by_axis(actions) -> list[tuple]:
    by_axis = {axis.value: [] for axis in Axis}
    for action in actions:
        by_axis[action.axis].append(action)
    return [(axis, by_axis[axis.value]) for axis in Axis]


@permission_required("plans.view_plan", _territory)
def plan_detail(request, phase, ti_id):
    territory = request.authorized_object
    plan = ActionPlan.objects.filter(territory=territory).first()
    actions = Action.objects.filter(plan=plan) if plan else Action.objects.none()
    funders = sorted(
        set(Funding.objects.filter(action__in=actions).values_list("funder", flat=True))
    )
    filters = PlanFilterForm(request.GET or None, funders=funders)
    shown = filters.filter(actions).prefetch_related("fundings").order_by("axis", "code")
    user = request.user
    return render(
        request,
        "plans/plan_detail.html",
        {
            "title": f"Plan d'action — {territory.name}",
            "territory": territory,
            "plan": plan,
            "filters": filters,
            "groups": _grouped_by_axis(shown),
            "shown_count": len(shown),
            "summary": summarize(shown),
            "funding_lines": funding_totals(shown),
            "steps": [
                s for s in workflow.available_steps(plan) if user.has_perm(s.permission, territory)
            ]
            if plan
            else [],
            "transitions": plan.transitions.select_related("author") if plan else [],
            "can_edit": user.has_perm("plans.edit_plan", territory),
            "can_export": user.has_perm("plans.export_plans", territory),
            "transition_form": TransitionForm(),
            "breadcrumb_data": _breadcrumb(territory, "Plan d'action", with_plan=False),
        },
    )


def public_plan(request, phase, ti_id):
    """Public: a validated plan's non-confidential, non-archived actions, without personal data."""
    territory = _territory(request, phase, ti_id)
    plan = get_object_or_404(ActionPlan, territory=territory, state=PlanState.VALIDE)
    actions = (
        Action.objects.public()
        .filter(plan=plan)
        .prefetch_related(
            Prefetch("fundings", queryset=Funding.objects.order_by("position")), "communes__commune"
        )
        .order_by("axis", "code")
    )
    return render(
        request,
        "plans/public_plan.html",
        {
            "title": f"Plan d'action — {territory.name}",
            "territory": territory,
            "plan": plan,
            "groups": _grouped_by_axis(actions),
            "summary": summarize(actions),
            "public_carrier_kinds": {str(kind) for kind in PUBLIC_CARRIER_KINDS},
        },
    )


def _action_forms(request, plan, action=None):
    data = request.POST if request.method == "POST" else None
    instance = action or Action(plan=plan)
    return (
        ActionForm(data, instance=instance, plan=plan),
        FundingFormSet(data, instance=instance, prefix="financements"),
        IndicatorFormSet(data, instance=instance, prefix="indicateurs"),
    )


def _edit(request, territory, action=None):
    plan = editing.plan_for(territory)
    form, fundings, indicators = _action_forms(request, plan, action)
    # Inline validation: htmx posts the form with _validate=1 on each change; it is checked, never saved.
    validating = request.POST.get("_validate") == "1"
    valid = request.method == "POST" and all(
        [form.is_valid(), fundings.is_valid(), indicators.is_valid()]
    )
    if valid and not validating:
        saved = editing.save_action(form, fundings, indicators)
        messages.success(request, f"L'action « {saved.code} » est enregistrée.")
        return redirect("plans:action", territory.phase_id, territory.ti_id, saved.code)
    title = f"Modifier l'action {action.code}" if action else "Nouvelle action"
    return render(
        request,
        "plans/includes/action_form.html" if validating else "plans/action_form.html",
        {
            "title": title,
            "territory": territory,
            "action": action,
            "form": form,
            "fundings": fundings,
            "indicators": indicators,
            "breadcrumb_data": _breadcrumb(territory, title),
        },
        status=400 if request.method == "POST" and not validating else 200,
    )


@permission_required("plans.edit_plan", _territory)
def action_create(request, phase, ti_id):
    return _edit(request, request.authorized_object)


@permission_required("plans.edit_plan", _territory)
def action_edit(request, phase, ti_id, code):
    territory = request.authorized_object
    return _edit(request, territory, _action(territory, code))


@permission_required("plans.view_plan", _territory)
def action_detail(request, phase, ti_id, code):
    territory = request.authorized_object
    action = _action(territory, code)
    return render(
        request,
        "plans/action_detail.html",
        {
            "title": f"{action.code} — {action.title}",
            "territory": territory,
            "action": action,
            "fundings": action.fundings.all(),
            "indicators": action.indicators.prefetch_related("values"),
            "notes": action.notes.select_related("author"),
            "attachments": action.attachments.all(),
            "communes": action.communes.select_related("commune").order_by("commune__name"),
            "can_edit": request.user.has_perm("plans.edit_plan", territory),
            "can_add_note": request.user.has_perm("plans.add_note", territory),
            "note_form": NoteForm(initial={"date": date.today()}),
            "attachment_form": AttachmentForm(),
            "breadcrumb_data": _breadcrumb(territory, action.code),
        },
    )


@permission_required("plans.view_plan", _territory)
def action_history(request, phase, ti_id, code):
    territory = request.authorized_object
    action = _action(territory, code)
    entries = object_history(action)
    for related in (
        *action.fundings.all(),
        *action.indicators.all(),
        *action.notes.all(),
        *action.attachments.all(),
    ):
        entries += object_history(related)
    entries.sort(key=lambda entry: entry.date, reverse=True)
    return render(
        request,
        "plans/action_history.html",
        {
            "title": f"Historique de l'action {action.code}",
            "territory": territory,
            "action": action,
            "history_entries": entries,
            "breadcrumb_data": _breadcrumb(territory, f"Historique de {action.code}"),
        },
    )


@require_POST
@permission_required("plans.edit_plan", _territory)
def action_duplicate(request, phase, ti_id, code):
    territory = request.authorized_object
    copy = editing.duplicate_action(_action(territory, code))
    messages.success(request, f"Copie créée sous le code « {copy.code} » : modifiez-la.")
    return redirect("plans:action_edit", phase, ti_id, copy.code)


@require_POST
@permission_required("plans.edit_plan", _territory)
def action_archive(request, phase, ti_id, code):
    territory = request.authorized_object
    action = _action(territory, code)
    editing.set_archived(action, not action.archived)
    messages.success(
        request, f"L'action « {code} » est {'archivée' if action.archived else 'désarchivée'}."
    )
    return redirect("plans:action", phase, ti_id, code)


@require_POST
@permission_required("plans.add_note", _territory)  # chefs de projet and their zone's coordinators
def note_add(request, phase, ti_id, code):
    territory = request.authorized_object
    action = _action(territory, code)
    form = NoteForm(request.POST)
    if form.is_valid():
        note = form.save(commit=False)
        note.action, note.author = action, request.user
        note.save()
        messages.success(request, "Note de suivi ajoutée.")
    else:
        messages.error(
            request,
            "Note non enregistrée : " + " ".join(e for errs in form.errors.values() for e in errs),
        )
    return redirect("plans:action", phase, ti_id, code)


@require_POST
@permission_required("plans.edit_plan", _territory)
def attachment_add(request, phase, ti_id, code):
    territory = request.authorized_object
    action = _action(territory, code)
    form = AttachmentForm(request.POST, request.FILES)
    attachment = Attachment(action=action, uploaded_by=request.user)
    if form.is_valid():
        attachment.title, attachment.file = form.cleaned_data["title"], form.cleaned_data["file"]
        try:
            attachment.full_clean()
        except Exception as error:  # ValidationError from core.uploads: type, size, content
            messages.error(
                request,
                "Pièce jointe refusée : " + " ".join(getattr(error, "messages", [str(error)])),
            )
            return redirect("plans:action", phase, ti_id, code)
        attachment.save()
        messages.success(request, "Pièce jointe ajoutée.")
    else:
        messages.error(request, "Pièce jointe refusée : indiquez un titre et un fichier.")
    return redirect("plans:action", phase, ti_id, code)


@permission_required("plans.view_plan", _territory)
def attachment_download(request, phase, ti_id, code, attachment_id):
    action = _action(request.authorized_object, code)
    return serve_private_file(get_object_or_404(Attachment, pk=attachment_id, action=action).file)


@require_POST
@permission_required(
    "plans.view_plan", _territory
)  # then the step's own permission (workflow.STEPS)
def plan_transition(request, phase, ti_id, step):
    territory = request.authorized_object
    chosen = workflow.STEPS.get(step)
    if chosen is None:
        raise Http404("Étape inconnue.")
    authorize(request.user, chosen.permission, territory)
    plan = get_object_or_404(ActionPlan, territory=territory)
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        workflow.apply_step(plan, chosen, request.user, form.cleaned_data.get("comment", ""))
        messages.success(request, f"Plan désormais « {dict(PlanState.choices)[chosen.target]} ».")
    except workflow.TransitionRefused as refused:
        messages.error(request, str(refused))
    return redirect(_plan_url(territory))


def _download(fmt: str, filename: str, write) -> HttpResponse:
    buffer = io.BytesIO()
    write(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def template_download(request):
    """The empty template (no data in it: public)."""
    return _download("xlsx", "modele-plan-action", lambda stream: write_template(stream, "xlsx"))


@permission_required("plans.export_plans", _territory)
def plan_export(request, phase, ti_id, fmt):
    territory = request.authorized_object
    if fmt not in CONTENT_TYPES:
        raise Http404("Format inconnu.")
    actions = Action.objects.filter(plan__territory=territory)
    return _download(
        fmt,
        f"plan-{territory.phase_id}-{territory.ti_id}",
        lambda stream: export_actions(actions, stream, fmt),
    )


@permission_required("accounts.is_signed_in")
def export(request):
    """Export a département, a région or the programme: the scope is checked, then cut to what the reader follows."""
    form = ExportForm(request.GET or None)
    if not request.GET or not form.is_valid():
        return render(
            request, "plans/export.html", {"title": "Exporter des plans d'action", "form": form}
        )
    scope = form.scope
    authorize(request.user, "plans.export_plans", scope)
    territories = territories_followed_by(request.user)
    if form.cleaned_data["phase"]:
        territories = territories.filter(phase=form.cleaned_data["phase"])
    if form.cleaned_data["departement"]:
        territories = territories.filter(departements=scope)
    elif form.cleaned_data["region"]:
        territories = territories.filter(regions=scope)
    actions = Action.objects.filter(plan__territory__in=territories.values("pk"))
    fmt = form.cleaned_data["format"]
    name = "plans-" + (getattr(scope, "code", None) or "programme")
    return _download(fmt, name, lambda stream: export_actions(actions, stream, fmt))


SESSION_KEY = "plans_pending_imports"


@permission_required("plans.edit_plan", _territory)
def plan_import(request, phase, ti_id):
    """Upload → dry run shown as a preview (or every error) → confirmation (plan_import_confirm)."""
    territory = request.authorized_object
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {
        "title": "Importer un plan d'action",
        "territory": territory,
        "form": form,
        "breadcrumb_data": _breadcrumb(territory, "Importer"),
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = pending.keep(upload)
        try:
            report = import_plans(
                pending.path_of(token),
                phase,
                territory_id=ti_id,
                dry_run=True,
                file_name=upload.name,
            )
        except ImportRefused as refused:
            pending.discard(token)
            context["problems"] = refused.problems
            return render(request, "plans/import.html", context, status=400)
        if report.changed:
            request.session[SESSION_KEY] = {
                **request.session.get(SESSION_KEY, {}),
                token: upload.name,
            }
        else:
            pending.discard(token)
        context.update(
            report=report, changes=report.plans[0] if report.plans else None, token=token
        )
    return render(request, "plans/import.html", context)


@require_POST
@permission_required("plans.edit_plan", _territory)
def plan_import_confirm(request, phase, ti_id):
    token = request.POST.get("token", "")
    owned = request.session.get(SESSION_KEY, {})
    path = pending.path_of(token) if token in owned else None
    if path is None:
        messages.error(request, "Ce fichier n'est plus disponible : déposez-le de nouveau.")
        return redirect("plans:import", phase, ti_id)
    try:
        report = import_plans(
            path, phase, territory_id=ti_id, user=request.user, file_name=owned[token]
        )
        messages.success(request, report.summary())
    except (
        ImportRefused
    ) as refused:  # the plan changed since the preview in a way the file no longer fits
        messages.error(
            request, f"Import refusé : {len(refused.problems)} erreur(s) ; rien n'a été modifié."
        )
    finally:
        pending.discard(token)
        owned.pop(token, None)
        request.session[SESSION_KEY] = owned
    return redirect("plans:detail", phase, ti_id)
