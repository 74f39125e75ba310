"""The public catalogue (/offre/), a service's page, and the « Services mobilisés » blocks of the public
site: what a visitor sees, and what an attacker sends."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from geo.models import Commune
from offers.models import RequestState, Service
from offers.selectors import mobilising_requests
from offers.tests.factories import (
    make_operator,
    make_plan,
    make_request,
    make_service,
    territory_in,
)
from territories.models import Phase, Territory

pytestmark = pytest.mark.django_db

CATALOGUE = "/offre/"


def titles(response) -> list[str]:
    """The services' titles listed on a catalogue page, in order."""
    html = response.content.decode()
    section = html[html.index('id="resultats"') :]
    found = re.findall(r'<h3 class="fr-card__title"><a href="/offre/[^"]+/">([^<]+)</a>', section)
    return [unescape(title) for title in found]


def text(response) -> str:
    """The page's HTML with entities decoded (« l'Île » rather than « l&#x27;Île »)."""
    return unescape(response.content.decode())


def get(client, **params):
    response = client.get(CATALOGUE, params)
    assert response.status_code == 200
    return response


@pytest.fixture
def seine_et_marne(real_data):
    return territory_in("2023-2027", "77")


@pytest.fixture
def nord(real_data):
    return territory_in("2023-2027", "59")


# --- The list and its filters ---------------------------------------------------------------------


def test_empty_catalogue_says_so_in_french(client, real_data):
    response = get(client)
    html = response.content.decode()
    assert "0 service trouvé" in html
    assert "Aucun service ne correspond à ces critères." in html


def test_each_filter_keeps_only_matching_services(client, real_data):
    bdt = make_operator("Banque des Territoires", acronym="BDT")
    ademe = make_operator("ADEME")
    make_service("Prêt foncier", bdt, kind="pret", axes=["foncier"], applicants=["collectivite"])
    make_service(
        "Étude d'innovation",
        ademe,
        kind="ingenierie",
        axes=["innovation", "transition-ecologique"],
        applicants=["entreprise", "territoire"],
    )
    make_service("Formation aux métiers", ademe, kind="formation", axes=["competences"])
    assert titles(get(client)) == ["Formation aux métiers", "Prêt foncier", "Étude d'innovation"]
    assert titles(get(client, axe="innovation")) == ["Étude d'innovation"]
    assert titles(get(client, axe="transition-ecologique")) == ["Étude d'innovation"]
    assert titles(get(client, operateur=bdt.slug)) == ["Prêt foncier"]
    assert titles(get(client, type="formation")) == ["Formation aux métiers"]
    assert titles(get(client, demandeur="entreprise")) == ["Étude d'innovation"]
    assert titles(get(client, demandeur="territoire")) == [
        "Formation aux métiers",
        "Étude d'innovation",
    ]
    assert titles(get(client, operateur=ademe.slug, type="ingenierie")) == ["Étude d'innovation"]


def test_open_now_leaves_out_closed_past_and_future_services(client, real_data):
    today = timezone.localdate()
    make_service("Ouvert sans dates")
    make_service("Ouvert jusqu'à demain", closes_on=today + timedelta(days=1))
    make_service("Clôturé hier", closes_on=today - timedelta(days=1))
    make_service("Pas encore ouvert", opens_on=today + timedelta(days=3))
    make_service("Fermé par l'opérateur", status="ferme")
    assert titles(get(client, ouvert="1")) == ["Ouvert jusqu'à demain", "Ouvert sans dates"]
    html = get(client).content.decode()
    assert len(titles(get(client))) == 5
    assert "Fermé" in html and "Ouvre le" in html


def test_unknown_filter_values_are_refused_with_a_french_message(client, real_data):
    make_service("Un service")
    html = get(client, axe="inconnu", type="<b>x</b>").content.decode()
    assert "Ces filtres ne peuvent pas être appliqués" in html
    assert "Axe : Sélectionnez un choix valide" in html
    assert "<b>x</b>" not in html
    assert titles(get(client, axe="inconnu")) == []


# --- Search ---------------------------------------------------------------------------------------


def test_search_ignores_accents_and_case_and_reads_description_and_operator(client, real_data):
    cerema = make_operator("Cerema", acronym="CEREMA")
    make_service("Portail du foncier économique", cerema, description="Friches et terrains.")
    make_service("Prêt de long terme", description="Jusqu'à 40 ans pour les collectivités.")
    make_service("Ingénierie de projet", description="Études préalables")
    assert titles(get(client, q="FONCIER economique")) == ["Portail du foncier économique"]
    assert titles(get(client, q="friche")) == ["Portail du foncier économique"]
    assert titles(get(client, q="cerema")) == ["Portail du foncier économique"]
    assert titles(get(client, q="collectivites")) == ["Prêt de long terme"]
    assert titles(get(client, q="etudes prealables")) == ["Ingénierie de projet"]
    assert titles(get(client, q="foncier pret")) == []  # every word must match
    html = get(client, q="zzzz").content.decode()
    assert "Aucun service ne correspond à ces critères." in html


def test_search_sees_a_service_edited_after_a_first_search(client, real_data):
    service = make_service("Ancien intitulé")
    assert titles(get(client, q="ancien")) == ["Ancien intitulé"]
    service.title = "Nouvel intitulé"
    service.save()
    assert titles(get(client, q="ancien")) == []
    assert titles(get(client, q="nouvel")) == ["Nouvel intitulé"]


# --- Sort and pagination ----------------------------------------------------------------------------


def test_sorts_by_title_operator_and_closing_date(client, real_data):
    today = timezone.localdate()
    zeta, alpha = make_operator("Zêta"), make_operator("Alpha")
    make_service("B service", zeta, closes_on=today + timedelta(days=5))
    make_service("A service", zeta)
    make_service("C service", alpha, closes_on=today + timedelta(days=50))
    assert titles(get(client, tri="titre")) == ["A service", "B service", "C service"]
    assert titles(get(client, tri="operateur")) == ["C service", "A service", "B service"]
    # Closing soonest first; without a closing date, last.
    assert titles(get(client, tri="cloture")) == ["B service", "C service", "A service"]


def test_pagination_keeps_the_filters_in_its_links(client, real_data):
    operator = make_operator("Opérateur paginé")
    for number in range(1, 26):
        make_service(f"Service {number:02d}", operator, kind="pret")
    make_service("Autre type", operator, kind="formation")
    first = get(client, type="pret")
    assert titles(first) == [f"Service {n:02d}" for n in range(1, 21)]
    html = first.content.decode()
    assert "25 services trouvés" in html
    assert 'class="fr-pagination"' in html
    assert 'href="?type=pret&amp;page=2"' in html
    second = get(client, type="pret", page="2")
    assert titles(second) == [f"Service {n:02d}" for n in range(21, 26)]
    # A page beyond the last, or not a number: the last / the first page, never an error.
    assert titles(get(client, type="pret", page="99")) == titles(second)
    assert titles(get(client, type="pret", page="abc")) == titles(first)


def test_the_whole_state_round_trips_through_the_url(client, seine_et_marne):
    operator = make_operator("Opérateur aller-retour")
    make_service("Service aller-retour", operator, kind="pret", axes=["innovation"])
    params = {
        "q": "aller retour",
        "axe": "innovation",
        "operateur": operator.slug,
        "type": "pret",
        "demandeur": "territoire",
        "ouvert": "1",
        "territoire": f"2023-2027/{seine_et_marne.ti_id}",
        "tri": "operateur",
    }
    response = get(client, **params)
    assert titles(response) == ["Service aller-retour"]
    html = response.content.decode()
    assert 'value="aller retour"' in html
    for name in ("axe", "operateur", "type", "demandeur", "tri"):
        select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
        assert f'<option value="{params[name]}" selected>' in select, name
    # The territory: its name in the field, its code for the autocomplete to send again.
    assert f'data-combobox-value="{params["territoire"]}"' in html
    field = re.search(r'<input [^>]*id="offre-territoire"[^>]*>', unescape(html)).group(0)
    assert f'value="{seine_et_marne.name}"' in field
    assert re.search(r'id="offre-ouvert" name="ouvert" value="1" checked', html)
    assert "Effacer les filtres" in html


# --- What can my territory ask for? -------------------------------------------------------------------


@pytest.fixture
def scoped_services(real_data):
    idf = make_service("Réservé à l'Île-de-France", scope="regions", regions=["11"])
    hdf = make_service("Réservé aux Hauts-de-France", scope="regions", regions=["32"])
    nord_only = make_service("Réservé au Nord", scope="departements", departements=["59"])
    national = make_service("Service national")
    old_phase = make_service("Service de la phase 2019-2022", phase_id="2019-2022")
    return idf, hdf, nord_only, national, old_phase


def test_a_service_of_ile_de_france_is_open_to_seine_et_marne_not_to_nord(
    client, scoped_services, seine_et_marne, nord
):
    assert "11" in seine_et_marne.regions.values_list("code", flat=True)
    assert titles(get(client, territoire=f"2023-2027/{seine_et_marne.ti_id}")) == [
        "Réservé à l'Île-de-France",
        "Service national",
    ]
    assert titles(get(client, territoire=f"2023-2027/{nord.ti_id}")) == [
        "Réservé au Nord",
        "Réservé aux Hauts-de-France",
        "Service national",
    ]


def test_a_service_listing_a_territory_is_open_to_it_alone(client, seine_et_marne, nord):
    make_service("Pour un seul territoire", scope="territoires", territories=[seine_et_marne])
    assert titles(get(client, territoire=f"2023-2027/{seine_et_marne.ti_id}")) == [
        "Pour un seul territoire"
    ]
    assert titles(get(client, territoire=f"2023-2027/{nord.ti_id}")) == []


def test_a_territory_of_the_first_phase_sees_its_phase_services(client, scoped_services):
    earlier = territory_in("2019-2022", "59")
    listed = titles(get(client, territoire=f"2019-2022/{earlier.ti_id}"))
    assert listed == [
        "Réservé au Nord",
        "Réservé aux Hauts-de-France",
        "Service de la phase 2019-2022",
        "Service national",
    ]


def test_a_commune_resolves_to_its_territories(client, scoped_services, seine_et_marne):
    commune = seine_et_marne.communes.order_by("code").first()
    response = get(client, commune=commune.name if _unique_name(commune) else commune.code)
    assert titles(response) == ["Réservé à l'Île-de-France", "Service national"]
    assert seine_et_marne.name in response.content.decode()


def _unique_name(commune) -> bool:
    return Commune.objects.filter(search_name=commune.search_name).count() == 1


def test_a_commune_outside_every_territory_gets_its_departement_and_region(client, scoped_services):
    latest = Phase.objects.order_by("-number").first()
    outside = (
        Commune.objects.filter(departement="59")
        .exclude(territories__phase=latest)
        .order_by("code")
        .first()
    )
    response = get(client, commune=outside.code)
    assert titles(response) == [
        "Réservé au Nord",
        "Réservé aux Hauts-de-France",
        "Service national",
    ]
    assert "n'est dans aucun Territoire d'industrie" in response.content.decode()


def test_an_unknown_commune_is_a_clear_french_error(client, scoped_services):
    response = get(client, commune="Zzzville-sur-Rien")
    html = text(response)
    assert "Aucune commune ne s'appelle « Zzzville-sur-Rien »." in html
    assert 'aria-invalid="true"' in html
    assert titles(response) == []


def test_an_unknown_territory_is_refused(client, scoped_services):
    html = text(get(client, territoire="2023-2027/ti-inconnu"))
    assert (
        "Territoire d'industrie : Aucun Territoire d'industrie n'a l'identifiant "
        "« 2023-2027/ti-inconnu »" in html
    )
    assert 'aria-invalid="true"' in html


def test_the_page_no_longer_lists_every_territory(client, seine_et_marne, nord):
    # The list of every territory made the page weigh 181 kB with 2,000 territories (issue 11's
    # benchmark): the field is now a text field, with the autocomplete of the public search.
    html = get(client).content.decode()
    assert seine_et_marne.name not in unescape(html) and nord.ti_id not in html
    assert 'id="offre-territoire" name="territoire"' in html
    assert "core/combobox.js" in html


def test_a_territory_typed_by_name_or_identifier_is_found(client, scoped_services, nord):
    expected = ["Réservé au Nord", "Réservé aux Hauts-de-France", "Service national"]
    shouting = nord.name.upper().replace("É", "E")
    for typed in (shouting, nord.ti_id, f"  {nord.ti_id.upper()} "):
        response = get(client, territoire=typed)
        assert titles(response) == expected, typed
        assert f'data-combobox-value="2023-2027/{nord.ti_id}"' in response.content.decode()


def test_a_territory_of_an_earlier_phase_keeps_its_phase_when_the_form_is_sent_again(
    client, scoped_services
):
    earlier = territory_in("2019-2022", "59")
    html = text(get(client, territoire=f"2019-2022/{earlier.ti_id}"))
    shown = f"{earlier.name} (2019-2022)"
    assert f'value="{shown}"' in html
    # What a browser without JavaScript sends back: the same territory, the same list.
    assert "Service de la phase 2019-2022" in titles(get(client, territoire=shown))


def test_a_partial_territory_name_lists_the_candidates_in_french(client, real_data):
    latest = Territory.objects.filter(phase_id="2023-2027")
    word = "pays"
    matching = sorted(t.name for t in latest if word in t.search_name.split())
    assert len(matching) > 1  # the real registry has several « Pays de … »
    html = text(get(client, territoire=word.capitalize()))
    assert "Plusieurs Territoires d'industrie ont « Pays » dans leur nom" in html
    assert "Territoires d'industrie proposés :" in html
    assert html.count("<li>") >= 2
    unknown = text(get(client, territoire="Zzzterritoire"))
    assert "Aucun Territoire d'industrie ne s'appelle « Zzzterritoire »" in unknown


def test_a_commune_chosen_in_the_autocomplete_is_read_by_its_code(client, scoped_services, nord):
    commune = nord.communes.order_by("code").first()
    response = get(client, commune=f"{commune.name} ({commune.code})")
    assert titles(response) == [
        "Réservé au Nord",
        "Réservé aux Hauts-de-France",
        "Service national",
    ]


# --- A service's page ---------------------------------------------------------------------------------


def test_service_page_shows_its_details_and_source(client, real_data):
    operator = make_operator(
        "Banque des Territoires", acronym="BDT", website="https://example.org/bdt"
    )
    service = make_service(
        "Prêts de long terme",
        operator,
        kind="pret",
        axes=["foncier", "innovation"],
        applicants=["collectivite"],
        scope="regions",
        regions=["11"],
        phase_id="2023-2027",
        closes_on=timezone.localdate() + timedelta(days=10),
        envelope=1_000_000,
        amount_or_rate="Jusqu'à 40 ans",
        link="https://example.org/candidater",
        source="https://example.org/page-source",
        description="Des prêts.",
    )
    response = client.get(reverse("offers:service", args=[service.slug]))
    assert response.status_code == 200
    html = text(response)
    for expected in (
        "<h1>Prêts de long terme</h1>",
        "Banque des Territoires",
        "Prêt",
        "Mobilisation du foncier industriel, Innovation",
        "Collectivité",
        "Île-de-France",
        "2023-2027",
        "Jusqu'à 40 ans",
        "1\xa0000\xa0000 €",
        'href="https://example.org/candidater"',
        'href="https://example.org/page-source"',
        "Ouvert",
        "Aucun territoire ne le mobilise pour l'instant.",
    ):
        assert expected in html, expected
    assert client.get("/offre/inconnu/").status_code == 404


def test_only_accepted_requests_on_public_actions_mobilise_a_service(client, seine_et_marne, nord):
    service = make_service("Service mobilisé")
    plan = make_plan(
        seine_et_marne,
        {"title": "Action publique du 77"},
        {"title": "Projet confidentiel très secret", "confidential": True},
        {"title": "Action archivée discrète", "archived": True},
    )
    public, secret, archived = plan.actions.order_by("code")
    draft = make_plan(nord, {"title": "Action d'un plan jamais validé"}, validated=False)
    make_request(service, seine_et_marne, public)
    make_request(service, seine_et_marne, secret)
    make_request(service, seine_et_marne, archived)
    make_request(service, nord, draft.actions.get())
    make_request(service, nord, None, state=RequestState.REFUSEE)

    assert mobilising_requests().filter(service=service).count() == 4  # accepted ones
    html = client.get(reverse("offers:service", args=[service.slug])).content.decode()
    assert "Action publique du 77" in html and seine_et_marne.name in html
    for hidden in ("Projet confidentiel", "Action archivée", "jamais validé", nord.name):
        assert hidden not in html, hidden

    # The territory's page: the same, never the confidential title.
    page = client.get(reverse("public:territory", args=["2023-2027", seine_et_marne.ti_id]))
    page_html = page.content.decode()
    assert reverse("offers:service", args=[service.slug]) in page_html
    assert "Action publique du 77" in page_html
    assert "Projet confidentiel" not in page_html


def test_an_action_made_confidential_after_validation_disappears(client, seine_et_marne):
    service = make_service("Service d'une action devenue confidentielle")
    plan = make_plan(seine_et_marne, {"title": "Bientôt confidentielle"})
    action = plan.actions.get()
    make_request(service, seine_et_marne, action)
    url = reverse("offers:service", args=[service.slug])
    assert "Bientôt confidentielle" in client.get(url).content.decode()
    action.confidential = True
    action.save()
    assert "Bientôt confidentielle" not in client.get(url).content.decode()


def test_a_request_from_the_whole_plan_names_the_territory(client, seine_et_marne):
    service = make_service("Service demandé par le plan")
    make_request(service, seine_et_marne)
    html = text(client.get(reverse("offers:service", args=[service.slug])))
    assert seine_et_marne.name in html and "Plan d'action dans son ensemble" in html


# --- Blocks of the public site ----------------------------------------------------------------------


def territory_url(territory: Territory) -> str:
    return reverse("public:territory", args=[territory.phase_id, territory.ti_id])


def test_territory_page_block_and_link_to_open_services(client, seine_et_marne):
    html = client.get(territory_url(seine_et_marne)).content.decode()
    assert "Services mobilisés" in html
    assert "Aucun service mobilisé publié pour l'instant." in unescape(html)
    assert f'href="/offre/?territoire=2023-2027%2F{seine_et_marne.ti_id}"' in html
    assert "Services ouverts à ce territoire" in html


def test_the_cached_territory_page_shows_a_request_accepted_afterwards(client, seine_et_marne):
    service = make_service("Accepté après la mise en cache")
    request = make_request(service, seine_et_marne, state=RequestState.EN_COURS)
    url = territory_url(seine_et_marne)
    assert "Accepté après la mise en cache" not in client.get(url).content.decode()
    request.state = RequestState.ACCEPTEE
    request.save()
    assert "Accepté après la mise en cache" in client.get(url).content.decode()
    service.title = "Intitulé corrigé"
    service.save()
    assert "Intitulé corrigé" in client.get(url).content.decode()


def test_commune_page_links_to_the_services_open_to_it(client, seine_et_marne):
    commune = seine_et_marne.communes.order_by("code").first()
    html = client.get(reverse("public:commune", args=[commune.code])).content.decode()
    assert f'href="/offre/?commune={commune.code}"' in html
    followed = get(client, commune=commune.code).content.decode()
    assert seine_et_marne.name in followed


def test_a_commune_outside_every_territory_links_to_its_departement_services(client, real_data):
    latest = Phase.objects.order_by("-number").first()
    outside = (
        Commune.objects.filter(departement="59")
        .exclude(territories__phase=latest)
        .order_by("code")
        .first()
    )
    html = client.get(reverse("public:commune", args=[outside.code])).content.decode()
    assert "Services ouverts dans le département Nord" in html
    assert f'href="/offre/?commune={outside.code}"' in html


def test_header_navigation_has_the_service_offer(client, real_data):
    html = client.get("/").content.decode()
    assert '<a class="fr-nav__link" href="/offre/"' in html
    html = get(client).content.decode()
    assert 'href="/offre/" aria-current="page">Offre de services</a>' in html
    assert (
        '<a href="/offre/">Offre de services</a>' in client.get("/plan-du-site/").content.decode()
    )


# --- What an attacker sends ---------------------------------------------------------------------------


def test_a_service_title_with_markup_is_escaped_everywhere(client, seine_et_marne):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    service = make_service(evil, description=evil, amount_or_rate=evil)
    make_request(service, seine_et_marne)
    pages = [
        get(client),
        get(client, q="script"),
        client.get(reverse("offers:service", args=[service.slug])),
        client.get(territory_url(seine_et_marne)),
    ]
    for response in pages:
        html = response.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert" in html


def test_a_hostile_query_string_is_harmless(client, real_data):
    make_service("Un service")
    response = get(client, q='"><script>alert(1)</script>', commune="<svg onload=alert(1)>")
    html = response.content.decode()
    assert "<script>alert(1)" not in html and "<svg onload" not in html
    assert client.get(CATALOGUE, {"tri": "title; DROP TABLE"}).status_code == 200
    assert Service.objects.count() == 1


# --- In a browser ---------------------------------------------------------------------------------


@pytest.fixture
def browser_services(seine_et_marne, nord):
    bdt = make_operator("Banque des Territoires")
    make_service("Prêt de long terme", bdt, kind="pret", scope="regions", regions=["11"])
    make_service("Portail du foncier économique", kind="donnees-outil")
    make_service(
        "Aide réservée au Nord", kind="subvention", scope="departements", departements=["59"]
    )
    return bdt


def _listed(page) -> list[str]:
    return page.locator("#resultats .fr-card__title a").all_inner_texts()


@pytest.mark.browser
def test_filters_refresh_the_list_and_the_address_in_the_browser(
    browser_context, browser_services, seine_et_marne
):
    page = browser_context(locale="fr-FR").new_page()
    page.goto("/offre/")
    assert _listed(page) == [
        "Aide réservée au Nord",
        "Portail du foncier économique",
        "Prêt de long terme",
    ]
    # Choosing a type refreshes the list in place (htmx) and puts the choice in the address.
    page.get_by_label("Type de service").select_option("pret")
    page.wait_for_url(re.compile(r"type=pret"))
    page.wait_for_function("document.querySelectorAll('#resultats .fr-card__title').length === 1")
    assert _listed(page) == ["Prêt de long terme"]
    assert page.locator("#annonce-resultats").inner_text().strip() == "1 service trouvé"
    # The territory: what can it ask for?
    page.get_by_label("Type de service").select_option("")
    # The territory: typed, chosen among the suggestions (the public search's API), sent by its code.
    field = page.get_by_role("combobox", name="Territoire d'industrie")
    field.press_sequentially(seine_et_marne.name[:6], delay=20)
    option = page.get_by_role("option", name=seine_et_marne.name, exact=False).first
    option.wait_for()
    field.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant")
    status = page.locator("#offre-territoire-suggestions + [role=status]").inner_text()
    assert re.fullmatch(
        r"\d+ territoires? : flèches haut et bas pour parcourir, Entrée pour choisir\.", status
    )
    option.click()
    assert field.input_value() == seine_et_marne.name
    page.wait_for_url(re.compile(r"territoire=2023-2027%2F" + seine_et_marne.ti_id))
    page.wait_for_function("document.querySelectorAll('#resultats .fr-card__title').length === 2")
    assert _listed(page) == ["Portail du foncier économique", "Prêt de long terme"]
    # The address is shareable: opened afresh, it shows the same list and the same choices.
    shared = page.url
    other = browser_context(locale="fr-FR").new_page()
    other.goto(shared)
    assert _listed(other) == ["Portail du foncier économique", "Prêt de long terme"]
    assert other.get_by_label("Territoire d'industrie").input_value() == seine_et_marne.name


@pytest.mark.browser
def test_the_filters_work_without_javascript(browser_context, browser_services, seine_et_marne):
    page = browser_context(locale="fr-FR", java_script_enabled=False).new_page()
    page.goto("/offre/")
    page.get_by_label("Rechercher (intitulé, description, opérateur)").fill("FONCIER economique")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url(re.compile(r"q=FONCIER"))
    assert _listed(page) == ["Portail du foncier économique"]
    page.get_by_label("Ou une commune").fill("Zzzville")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url(re.compile(r"commune=Zzzville"))
    assert "Aucune commune ne s'appelle « Zzzville »." in page.locator("#resultats").inner_text()
    # A territory typed by its name, without JavaScript: resolved by the server.
    page.get_by_label("Ou une commune").fill("")
    page.get_by_label("Rechercher (intitulé, description, opérateur)").fill("")
    page.get_by_label("Territoire d'industrie").fill(seine_et_marne.name.lower())
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url(re.compile(r"territoire="))
    assert _listed(page) == ["Portail du foncier économique", "Prêt de long terme"]
    assert page.get_by_label("Territoire d'industrie").input_value() == seine_et_marne.name


@pytest.mark.browser
def test_a_service_page_aligns_its_facts_and_links_its_other_sources(browser_context, real_data):
    # Walk of 2026-12-04: « Demandeurs éligibles » pushed its value right of the others, and the
    # description's « Autres sources : https://… » was bare text.
    service = make_service(
        "Prêts longs",
        applicants=["territoire", "collectivite"],
        description="Des prêts.\n\nAutres sources : https://example.org/autre-page",
    )
    page = browser_context(locale="fr-FR").new_page()
    page.goto(reverse("offers:service", args=[service.slug]))
    starts = {
        round(box["x"]) for box in (dd.bounding_box() for dd in page.locator(".ti-facts dd").all())
    }
    assert len(starts) == 1
    assert page.get_by_role("link", name="https://example.org/autre-page").count() == 1
