"""The plan's workflow: brouillon → soumis → validé, with a comment at each step.

Who may do what is decided by plans/rules.py (``plans.edit_plan`` submits, ``plans.validate_plan``
validates or sends back); this module only knows which steps exist. Validating publishes the plan
(plans/services/publication.py): the public sees that snapshot until the next validation. A validated
plan edited since can be submitted again, or published again directly by a validator. Each step
emails the people concerned (plans/services/notifications.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from plans.models import ActionPlan, PlanState, PlanTransition
from plans.services import notifications, publication


@dataclass(frozen=True)
class Step:
    name: str  # URL slug
    label: str  # button
    source: str
    target: str
    permission: str
    only_if_modified: bool = False  # offered only when the plan changed since its last validation


STEPS = {
    step.name: step
    for step in [
        Step(
            "soumettre",
            "Soumettre le plan pour validation",
            PlanState.BROUILLON,
            PlanState.SOUMIS,
            "plans.edit_plan",
        ),
        Step(
            "resoumettre",
            "Soumettre les modifications pour validation",
            PlanState.VALIDE,
            PlanState.SOUMIS,
            "plans.edit_plan",
            only_if_modified=True,
        ),
        Step(
            "valider", "Valider le plan", PlanState.SOUMIS, PlanState.VALIDE, "plans.validate_plan"
        ),
        Step(
            "publier",
            "Valider et publier les modifications",
            PlanState.VALIDE,
            PlanState.VALIDE,
            "plans.validate_plan",
            only_if_modified=True,
        ),
        Step(
            "renvoyer",
            "Renvoyer en brouillon",
            PlanState.SOUMIS,
            PlanState.BROUILLON,
            "plans.validate_plan",
        ),
        Step(
            "rouvrir",
            "Rouvrir le plan validé",
            PlanState.VALIDE,
            PlanState.BROUILLON,
            "plans.validate_plan",
        ),
    ]
}


class TransitionRefused(Exception):
    pass


def available_steps(plan: ActionPlan) -> list[Step]:
    steps = [step for step in STEPS.values() if step.source == plan.state]
    if any(step.only_if_modified for step in steps) and not publication.is_modified(plan):
        steps = [step for step in steps if not step.only_if_modified]
    return steps


@transaction.atomic
def apply_step(
    plan: ActionPlan, step: Step, user=None, comment: str = "", notify: bool = True
) -> PlanTransition:
    """Move the plan one step (publishing it on validation); ``notify=False`` only for the demo."""
    plan = ActionPlan.objects.select_for_update().select_related("territory").get(pk=plan.pk)
    if plan.state != step.source or (step.only_if_modified and not publication.is_modified(plan)):
        raise TransitionRefused(
            f"Le plan est « {plan.get_state_display()} » : impossible de « {step.label.lower()} »."
        )
    now = timezone.now()
    previous, plan.state = plan.state, step.target
    if step.target == PlanState.SOUMIS:
        plan.submitted_at = now
    plan.validated_at = now if step.target == PlanState.VALIDE else None
    plan.save()
    if step.target == PlanState.VALIDE:
        publication.publish(plan, user)
    transition = PlanTransition.objects.create(
        plan=plan, from_state=previous, to_state=step.target, comment=comment.strip(), author=user
    )
    if notify:
        notifications.notify(transition)
    return transition
