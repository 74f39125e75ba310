"""``territoires demo-offers``: example requests and decisions on the demo plans, deterministic, idempotent."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from offers.models import RequestMessage, RequestState, ServiceRequest
from offers.services.ledger import compute_ledger
from plans.models import Funding


def _snapshot():
    return sorted(
        ServiceRequest.objects.values_list(
            "action__code",
            "territory__ti_id",
            "service__slug",
            "state",
            "amount_requested",
            "created_at",
            "decided_at",
            "funding__granted_amount",
            "funding__paid_amount",
        )
    )


def test_demo_offers_is_deterministic_idempotent_and_marked(shell, real_data):
    assert shell("demo-offers")[0] != 0  # no example plan yet: a clear refusal
    assert shell("demo-plans", "--territoires", "3", "--actions", "12")[0] == 0
    code, out, _ = shell("demo-offers", "--territoires", "3")
    assert code == 0 and "créée(s)" in out
    first = _snapshot()
    assert len(first) == 12  # one action in three of 3 × 12
    assert {row[3] for row in first} == {s.value for s in RequestState}

    code, out, _ = shell("demo-offers", "--territoires", "3")
    assert code == 0 and "0 créée(s), 12 déjà présente(s)" in out
    assert _snapshot() == first

    requests = ServiceRequest.objects.select_related("service", "operator")
    assert all(r.message.startswith("[Exemple]") for r in requests)
    assert all(r.service.title.startswith("[Exemple]") for r in requests)
    assert all(r.operator.name.startswith("[Exemple]") for r in requests)
    assert all(m.body.startswith("[Exemple]") for m in RequestMessage.objects.all())
    emails = get_user_model().objects.filter(username__startswith="equipe.")
    assert emails.exists() and all(u.email.endswith("@example.org") for u in emails)
    accepted = requests.filter(state=RequestState.ACCEPTEE)
    assert accepted.exists() and all(r.funding_id for r in accepted)
    assert all(r.decided_at > r.created_at for r in accepted)

    # A removed decision (demo-plans rewriting the financements) comes back on the next run.
    Funding.objects.filter(service_request__in=accepted[:1]).delete()
    code, out, _ = shell("demo-offers", "--territoires", "3")
    assert "1 décision(s) rétablie(s)" in out
    totals = compute_ledger(ServiceRequest.objects.all(), ("operator",)).totals
    assert totals.requests == 12 and totals.granted > 0 and totals.median_days is not None
