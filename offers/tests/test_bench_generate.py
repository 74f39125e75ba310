"""benchmarks/generate.py, the shared generator of large programmes: the sizes asked, the same rows for the
same seed, every state, and a clean removal (no timing here: benchmarks/offers_bench.py measures)."""

from __future__ import annotations

from django.db import transaction

from benchmarks.generate import BENCH_PHASE, delete_generated, generate
from offers.models import RequestState, Service, ServiceRequest
from plans.models import Action
from territories.models import Phase, Territory


def _rows():
    return list(
        ServiceRequest.objects.filter(territory__phase_id=BENCH_PHASE)
        .order_by("created_at", "amount_requested", "service__slug", "territory__ti_id")
        .values_list(
            "territory__ti_id",
            "service__slug",
            "action__code",
            "state",
            "amount_requested",
            "created_at",
            "decided_at",
            "funding__granted_amount",
        )
    )


def test_generate_sizes_determinism_and_removal(real_data):
    sizes = dict(territories=12, actions=60, requests=40, services=15, operators=3)
    runs = []
    for _ in range(2):
        with transaction.atomic():
            generated = generate(**sizes)
            assert (generated.territories, generated.actions, generated.requests) == (12, 60, 40)
            assert Territory.objects.filter(phase_id=BENCH_PHASE).count() == 12
            assert Action.objects.filter(plan__territory__phase_id=BENCH_PHASE).count() == 60
            assert Service.objects.filter(slug__startswith="bench-service-").count() == 15
            rows = _rows()
            accepted = [r for r in rows if r[3] == RequestState.ACCEPTEE]
            assert accepted and all(r[7] is not None for r in accepted)
            runs.append(rows)
            transaction.set_rollback(True)
    assert runs[0] == runs[1]

    generate(**sizes)
    delete_generated()
    assert not Phase.objects.filter(code=BENCH_PHASE).exists()
    assert not ServiceRequest.objects.filter(territory__phase_id=BENCH_PHASE).exists()
    assert not Service.objects.filter(slug__startswith="bench-service-").exists()
