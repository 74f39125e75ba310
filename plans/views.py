"""Plan screens. Every guarded view goes through core.authz with a permission of plans/rules.py.

The spreadsheet screens (template, exports, import) are in plans/views_spreadsheet.py."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.services.journal import object_history
from core.authz import authorize, permission_required
from core.uploads import serve_private_file
from plans import selectors
from plans.forms import (
    ActionForm,
    AttachmentForm,
    FundingFormSet,
    IndicatorFormSet,
    NoteForm,
    NotificationPreferenceForm,
    PlanFilterForm,
    PlanOverviewForm,
    TransitionForm,
)
from plans.models import (
    HEAVY_FIELDS,
    Action,
    ActionPlan,
    Attachment,
    Axis,
    PlanState,
)
from plans.services import editing, notifications, publication, workflow
from plans.services.summary import funding_totals, summarize
from plans.validation import implausible_amounts
from territories.models import Territory


def _territory(request, phase, ti_id, **kwargs) -> Territory:
    # With its plan (a reverse one-to-one, None when there is none yet): one query less on every page.
    territories = Territory.objects.select_related("phase", "action_plan").defer(*HEAVY_FIELDS)
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


def _grouped_by_axis(actions, territory: Territory) -> list[tuple]:
    """The actions by axis, each with its link and financing rate worked out once: a ``{% url %}``
    and a ``{% widthratio %}`` per row were a quarter of the rows' rendering (plan of 50 actions,
    docs/performance.md)."""
    # Action codes are URL-safe (validation.ACTION_CODE_PATTERN): reverse once, put each code in.
    head, _, tail = reverse(
        "plans:action", args=[territory.phase_id, territory.ti_id, "__code__"]
    ).rpartition("__code__")
    by_axis = {axis.value: [] for axis in Axis}
    for action in actions:
        rate = action.financing_rate
        action.url = f"{head}{action.code}{tail}"
        action.rate_percent = None if rate is None else round(rate * 100)
        by_axis[action.axis].append(action)
    return [(axis, by_axis[axis.value]) for axis in Axis]


@permission_required("plans.view_plan", _territory)
def plan_detail(request, phase, ti_id):
    territory = request.authorized_object
    plan = selectors.plan_of(territory)
    actions = Action.objects.filter(plan=plan) if plan else Action.objects.none()
    filters = PlanFilterForm(request.GET or None, funders=selectors.funders_of(actions))
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
            "groups": _grouped_by_axis(shown, territory),
            "shown_count": len(shown),
            "summary": summarize(shown),
            "funding_lines": funding_totals(shown),
            "steps": [
                s for s in workflow.available_steps(plan) if user.has_perm(s.permission, territory)
            ]
            if plan
            else [],
            "transitions": plan.transitions.select_related("author") if plan else [],
            "publication": publication.latest_publication(plan),
            "changes": publication.changes_since_publication(plan) if plan else [],
            "can_edit": user.has_perm("plans.edit_plan", territory),
            "can_export": user.has_perm("plans.export_plans", territory),
            "transition_form": TransitionForm(),
            "breadcrumb_data": _breadcrumb(territory, "Plan d'action", with_plan=False),
        },
    )


def public_plan(request, phase, ti_id):
    """Public: the last validated version of the plan (its published snapshot), never later edits."""
    territory = _territory(request, phase, ti_id)
    published = publication.published_plan(territory)
    if published is None:
        raise Http404("Ce plan d'action n'a pas encore été validé.")
    return render(
        request,
        "plans/public_plan.html",
        {
            "title": f"Plan d'action — {territory.name}",
            "territory": territory,
            "published": published,
            "groups": published.by_axis(),
            "summary": published.summary(),
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


def _amount_warnings(form, fundings) -> list[str]:
    # The instance, not cleaned_data: its clean() filled in the granted and paid amounts left empty.
    lines = [
        (f.instance.amount, f.instance.state, f.instance.granted_amount, f.instance.paid_amount)
        for f in fundings.forms
        if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
    ]
    return implausible_amounts(form.cleaned_data.get("total_cost"), lines)


def _edit(request, territory, action=None):
    plan = editing.plan_for(territory)
    form, fundings, indicators = _action_forms(request, plan, action)
    # Inline validation: htmx posts the form with _validate=1 on each change; it is checked, never saved.
    validating = request.POST.get("_validate") == "1"
    valid = request.method == "POST" and all(
        [form.is_valid(), fundings.is_valid(), indicators.is_valid()]
    )
    warnings, conflict, status = [], None, 200
    if valid:
        warnings = _amount_warnings(form, fundings)
    if valid and not validating:
        try:
            saved = editing.save_action(form, fundings, indicators)
        except editing.StaleAction as stale:
            # Someone saved meanwhile: show what they changed; the person's own input stays in the
            # form, now carrying the current version, so saving again is a deliberate choice.
            conflict, status = stale, 409
            data = request.POST.copy()
            data["version"] = str(stale.current_version)
            request.POST = data
            form, fundings, indicators = _action_forms(
                request, plan, Action.objects.get(pk=action.pk)
            )
        else:
            messages.success(request, f"L'action « {saved.code} » est enregistrée.")
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("plans:action", territory.phase_id, territory.ti_id, saved.code)
    elif request.method == "POST" and not validating:
        status = 400
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
            "warnings": warnings,
            "conflict": conflict,
            "breadcrumb_data": _breadcrumb(territory, title),
        },
        status=status,
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
            "amount_warnings": implausible_amounts(
                action.total_cost,
                [
                    (f.amount, f.state, f.granted_amount, f.paid_amount)
                    for f in action.fundings.all()
                ],
            ),
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
        except ValidationError as error:  # from core.uploads: type, size, content
            messages.error(request, "Pièce jointe refusée : " + " ".join(error.messages))
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
    if not form.is_valid():
        messages.error(request, "Commentaire refusé : " + " ".join(form.errors.get("comment", [])))
        return redirect(_plan_url(territory))
    try:
        workflow.apply_step(plan, chosen, request.user, form.cleaned_data["comment"])
        messages.success(request, f"Plan désormais « {dict(PlanState.choices)[chosen.target]} ».")
    except workflow.TransitionRefused as refused:
        messages.error(request, str(refused))
    return redirect(_plan_url(territory))


@permission_required("plans.view_overview")
def overview(request):
    """The plans a national-team member or coordinator follows, with their state, filterable."""
    form = PlanOverviewForm(request.GET or None)
    chosen = form.cleaned_data["etat"] if form.is_valid() else ""
    plans = list(selectors.plans_overview(request.user, chosen))
    return render(
        request,
        "plans/overview.html",
        {
            "title": "Suivi des plans d'action",
            "form": form,
            "plans": plans,
            "stale_days": selectors.STALE_AFTER.days,
            "export_scopes": [
                (label, urlencode({**params, "format": "xlsx"}))
                for label, params in selectors.export_scopes(request.user)
            ],
        },
    )


@require_POST
@permission_required("accounts.is_signed_in")
def notification_preference(request):
    form = NotificationPreferenceForm(request.POST)
    if not form.is_valid():
        raise Http404("Préférence inconnue.")
    wanted = form.cleaned_data["workflow_emails"]
    notifications.set_wants_emails(request.user, wanted)
    messages.success(
        request,
        "Vous recevrez les courriels des plans d'action."
        if wanted
        else "Vous ne recevrez plus les courriels des plans d'action.",
    )
    return redirect("accounts:dashboard")
