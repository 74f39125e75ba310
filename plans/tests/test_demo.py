"""The demo shows the product: every state of the workflow, on mainland territories, ti-1108 first."""

from __future__ import annotations

from plans.models import Action, ActionPlan, PlanState
from plans.services import publication
from plans.services.demo import create_demo_plans

OVERSEAS_REGIONS = {"01", "02", "03", "04", "06"}


def test_demo_covers_every_state_on_several_mainland_regions(real_data):
    create_demo_plans("2023-2027", territories=5, actions=4)
    plans = {
        p.territory.ti_id: p
        for p in ActionPlan.objects.select_related("territory").defer(
            "territory__geometry", "territory__geometry_simplified"
        )
    }
    assert len(plans) == 5 and "ti-1108" in plans
    regions = {p.territory.principal_region_id for p in plans.values()}
    assert len(regions) == 5 and not regions & OVERSEAS_REGIONS

    states = {
        (
            p.state,
            publication.is_modified(p),
            p.transitions.filter(to_state=PlanState.BROUILLON).exists(),
        )
        for p in plans.values()
    }
    assert states == {
        (PlanState.VALIDE, True, False),  # validé puis modifié
        (PlanState.VALIDE, False, False),  # validé
        (PlanState.SOUMIS, False, False),
        (PlanState.BROUILLON, False, False),
        (PlanState.BROUILLON, False, True),  # renvoyé en brouillon, with its comment
    }
    modified = plans["ti-1108"]
    assert modified.state == PlanState.VALIDE and publication.is_modified(modified)
    published = publication.published_plan(modified.territory)
    assert "mise à jour" not in " ".join(a.title for a in published.actions)
    assert all(t.startswith("[Exemple] ") for t in Action.objects.values_list("title", flat=True))

    again = create_demo_plans("2023-2027", territories=5, actions=4)
    assert not again.changed
    assert {(p.pk, p.state) for p in ActionPlan.objects.all()} == {
        (p.pk, p.state) for p in plans.values()
    }
