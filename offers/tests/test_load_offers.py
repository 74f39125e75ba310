"""`territoires load-offers`: the initial catalogue, idempotent, each entry from its public source.

The expected values below are written out by hand from the sources (not read from the module under test):
a figure that no source gives must stay empty.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from offers.models import Operator, Service
from offers.services.initial_catalogue import ENTRIES

pytestmark = pytest.mark.django_db

ISSUE_SOURCES = {
    "https://www.demarches-simplifiees.fr/commencer/fonds-vert-3-territoires-industrie",
    "https://mission-transition-ecologique.beta.gouv.fr/aides-entreprise/fond-vert-territoires-d-industrie",
    "https://portail.documentation.developpement-durable.gouv.fr/pub/MPDOUV00263831-fonds-vert-fonds-"
    "acceleration-transition-ecologiqu.html",
    "https://www.lagazettedescommunes.com/877579/les-prochains-territoires-dindustrie-tournes-vers-le-"
    "zan-et-le-developpement-des-competences/",
    "https://www.weka.fr/actualite/developpement-territorial/article/creation-d-un-portail-national-du-"
    "foncier-economique-179340/",
    "https://www.banquedesterritoires.fr/territoires-dindustrie/dispositif-de-reindustrialisation",
    "https://www.banquedesterritoires.fr/programme-territoires-dindustrie-renforcer-et-valoriser-le-"
    "dynamisme-industriel",
    "https://banquedesterritoires.fr/blog-des-territoires/la-banque-des-territoires-et-bpifrance-un-pas-"
    "de-deux-pour-la",
}

# (operator, kind, axes, envelope, amount_or_rate, phase, opens_on) as the sources give them.
EXPECTED = {
    "fonds-vert-territoires-industrie": (
        "ademe",
        "subvention",
        ["transition-ecologique", "competences"],
        Decimal("100000000"),
        "",
        "2023-2027",
        None,
    ),
    "cofinancement-chef-de-projet": ("anct", "financement", [], None, "", "2023-2027", None),
    "france-foncier-plus": (
        "banque-des-territoires",
        "donnees-outil",
        ["foncier"],
        None,
        "",
        None,
        "2024-04-17",
    ),
    "banque-des-territoires-ingenierie": (
        "banque-des-territoires",
        "ingenierie",
        [],
        None,
        "",
        None,
        None,
    ),
    "banque-des-territoires-prets": (
        "banque-des-territoires",
        "pret",
        [],
        None,
        "Durée jusqu'à 40 ans",
        None,
        None,
    ),
    "bpifrance-entreprises-industrielles": (
        "bpifrance",
        "accompagnement",
        [],
        None,
        "",
        None,
        None,
    ),
}


def test_load_creates_then_changes_nothing(shell):
    code, out, err = shell("load-offers")
    assert code == 0, err
    assert "Opérateurs : 5 créés" in out and "Services : 6 créés" in out
    assert set(Operator.objects.values_list("acronym", flat=True)) >= {"ANCT", "ADEME", "Cerema"}
    versions = Service.history.count()
    code, out, err = shell("load-offers")
    assert code == 0
    assert "Opérateurs : 0 créé, 0 mis à jour." in out
    assert "Services : 0 créé, 0 mis à jour, 6 inchangés." in out
    assert Service.history.count() == versions  # nothing written the second time


def test_a_changed_entry_is_put_back(shell):
    shell("load-offers")
    Service.objects.filter(slug="france-foncier-plus").update(title="Autre titre")
    code, out, _ = shell("load-offers")
    assert "1 mis à jour (france-foncier-plus)" in out
    assert Service.objects.get(slug="france-foncier-plus").title.startswith("France Foncier+")


def test_every_entry_has_a_public_source_and_no_invented_figure(shell):
    shell("load-offers")
    services = {s.slug: s for s in Service.objects.select_related("operator")}
    assert set(services) == set(EXPECTED)
    cited = set()
    for slug, (operator, kind, axes, envelope, amount, phase, opens_on) in EXPECTED.items():
        service = services[slug]
        assert service.source in ISSUE_SOURCES, slug
        cited.add(service.source)
        cited.update(url for url in ISSUE_SOURCES if url in service.description)
        assert service.operator.slug == operator
        assert service.kind == kind and service.axes == axes
        assert service.envelope == envelope, slug
        assert service.amount_or_rate == amount
        assert service.phase_id == phase
        assert (service.opens_on.isoformat() if service.opens_on else None) == opens_on
        assert service.closes_on is None and service.scope == "national"
        assert service.status == "ouvert"
    assert cited == ISSUE_SOURCES  # every source of the issue is used
    assert len(ENTRIES) == len(EXPECTED)
