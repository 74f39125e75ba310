"""The plan's workflow: brouillon → soumis → validé, with a comment at each step.

Who may do what is decided by plans/rules.py (``plans.edit_plan`` submits, ``plans.validate_plan``
validates or sends back); this module only knows which steps exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from plans.models import ActionPlan, PlanState, PlanTransition


@dataclass(frozen=True)
class Step:
    name: str  # URL slug
    label: str  # button
    source: str
    target: str
    permission: str


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
            "valider", "Valider le plan", PlanState.SOUMIS, PlanState.VALIDE, "plans.validate_plan"
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
    return [step for step in STEPS.values() if step.source == plan.state]


@transaction.atomic
def apply_step(plan: ActionPlan, step: Step, user=None, comment: str = "") -> PlanTransition:
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != step.source:
        raise TransitionRefused(
            f"Le plan est « {plan.get_state_display()} » : impossible de « {step.label.lower()} »."
        )
    now = timezone.now()
    previous, plan.state = plan.state, step.target
    if step.target == PlanState.SOUMIS:
        plan.submitted_at = now
    plan.validated_at = now if step.target == PlanState.VALIDE else None
    plan.save()
    return PlanTransition.objects.create(
        plan=plan, from_state=previous, to_state=step.target, comment=comment.strip(), author=user
    )
