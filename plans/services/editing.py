"""Editing actions from the screens: save with financements and indicators, duplicate, archive."""

from __future__ import annotations

from django.db import transaction

from plans.models import Action, ActionPlan, IndicatorValue
from territories.models import Territory

COPY_SUFFIX = "-copie"


def plan_for(territory: Territory) -> ActionPlan:
    """The territory's plan, created (as a draft) on first use."""
    plan, _ = ActionPlan.objects.get_or_create(territory=territory)
    return plan


@transaction.atomic
def save_action(form, fundings, indicators) -> Action:
    """Save a valid ActionForm and its two inline formsets; positions follow the order on screen."""
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
    copy.archived = False
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
    action.save(update_fields=["archived", "updated_at"])
