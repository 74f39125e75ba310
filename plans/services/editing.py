"""Editing actions from the screens: save with financements and indicators, duplicate, archive.

Saves are checked against lost updates: the form carries the action's ``version`` as it was loaded; if
someone saved the action meanwhile, ``save_action`` refuses with ``StaleAction``, which says what they
changed (from the journal), and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import transaction

from plans.models import Action, ActionPlan, Funding, Indicator, IndicatorValue
from plans.services.publication import withdraw_confidential
from territories.models import Territory


@dataclass
class StaleAction(Exception):
    """The action was saved by someone else since the form was loaded."""

    current_version: int
    authors: list[str] = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, theirs before, now)
    related_changed: bool = False  # financements or indicators too

    def __str__(self) -> str:
        who = ", ".join(self.authors) or "quelqu'un"
        return f"Cette action a été modifiée par {who} pendant que vous la modifiiez."


def _display(value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def describe_conflict(action: Action, loaded_version: int) -> StaleAction:
    """What was saved since ``loaded_version``, read from the action's journal."""
    later = action.history.filter(version__gt=loaded_version).select_related("history_user")
    base = action.history.filter(version=loaded_version).first()
    newest = action.history.first()
    changes = []
    if base is not None and newest is not None:
        for change in newest.diff_against(base, excluded_fields=["version"]).changes:
            label = str(Action._meta.get_field(change.field).verbose_name)
            changes.append((label, _display(change.old), _display(change.new)))
    authors = sorted(
        {
            r.history_user.get_full_name() or r.history_user.email
            for r in later
            if r.history_user is not None
        }
    )
    since = base.history_date if base is not None else None
    related = since is not None and any(
        model.history.filter(action_id=action.pk, history_date__gt=since).exists()
        for model in (Funding, Indicator)
    )
    return StaleAction(action.version, authors, changes, related)


COPY_SUFFIX = "-copie"


def plan_for(territory: Territory) -> ActionPlan:
    """The territory's plan, created (as a draft) on first use."""
    plan, _ = ActionPlan.objects.get_or_create(territory=territory)
    return plan


@transaction.atomic
def save_action(form, fundings, indicators) -> Action:
    """Save a valid ActionForm and its two inline formsets; positions follow the order on screen.

    Raises StaleAction (nothing saved) when the action's version moved since the form was loaded;
    saves nothing when nothing was changed.
    """
    instance = form.instance
    if instance.pk:
        current = Action.objects.select_for_update().get(pk=instance.pk)
        loaded = form.cleaned_data.get("version")
        if loaded is not None and loaded != current.version:
            raise describe_conflict(current, loaded)
        if not (form.has_changed() or fundings.has_changed() or indicators.has_changed()):
            return current  # nothing typed: no save, so no empty "Modification" in the journal
        instance.version = current.version + 1
    action = form.save()
    for formset in (fundings, indicators):
        formset.instance = action
        saved = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        next_position = max((o.position for o in formset.queryset), default=0) + 1
        for obj in saved:
            if obj.pk is None:  # new ones go after the existing ones, in the order on screen
                obj.position, next_position = next_position, next_position + 1
            obj.save()
    for indicator_form in indicators.forms:
        indicator = indicator_form.instance
        if (
            indicator.pk is None
            or indicator_form in indicators.deleted_forms
            or not indicator_form.has_changed()
        ):
            continue
        indicator.values.all().delete()
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(indicator=indicator, date=when, value=value)
                for when, value in indicator_form.cleaned_data.get("measures", ())
            ]
        )
    if action.confidential and "confidential" in form.changed_data:  # ticked, not unticked
        # Under its former code too, when the same save renamed it (snapshots know only the code).
        former = SimpleNamespace(
            confidential=True, plan_id=action.plan_id, code=form.initial.get("code", action.code)
        )
        withdraw_confidential([action, former])
    return action


def free_copy_code(action: Action) -> str:
    """``TE-01-copie``, then ``TE-01-copie2``…, cut to the 20 characters a code may have."""
    taken = set(Action.objects.filter(plan=action.plan).values_list("code", flat=True))
    for number in range(1, 1000):
        suffix = COPY_SUFFIX + ("" if number == 1 else str(number))
        code = action.code[: 20 - len(suffix)] + suffix
        if code not in taken:
            return code
    raise ValueError("Aucun code libre pour la copie.")


@transaction.atomic
def duplicate_action(action: Action) -> Action:
    """A copy in the same plan (financements, indicators and communes too; not notes nor attachments)."""
    fundings, indicators = (
        list(action.fundings.all()),
        list(action.indicators.prefetch_related("values")),
    )
    communes = list(action.communes.all())
    copy = Action.objects.get(pk=action.pk)
    copy.pk = None
    copy.code = free_copy_code(action)
    copy.title = f"Copie de {action.title}"[:255]
    copy.archived, copy.version = False, 1
    copy.save()
    copy.communes.set(communes)
    for funding in fundings:
        funding.pk, funding.action = None, copy
        funding.save()
    for indicator in indicators:
        values = list(indicator.values.all())
        indicator.pk, indicator.action = None, copy
        indicator.save()
        IndicatorValue.objects.bulk_create(
            [IndicatorValue(indicator=indicator, date=v.date, value=v.value) for v in values]
        )
    return copy


def set_archived(action: Action, archived: bool) -> None:
    action.archived = archived
    action.version += 1  # a form loaded before the archiving is then told about it
    action.save(update_fields=["archived", "updated_at", "version"])
