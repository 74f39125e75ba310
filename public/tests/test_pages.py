"""The public pages, rendered from the real data through Django's test client."""

import re

import pytest

pytestmark = pytest.mark.usefixtures("real_data")


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/recherche/",
        "/carte/",
        "/territoires/2023-2027/ti-1108/",
        "/regions/11/",
        "/departements/77/",
        "/communes/77284/",
        "/intercommunalites/200072130/",
        "/plan-du-site/",
        "/accessibilite/",
    ],
)
def test_every_page_has_a_title_a_description_and_one_h1(client, url):
    html = page(client, url)
    assert re.search(r"<title>[^<]+ — Territoires d'industrie</title>", html)
    assert re.search(r'<meta name="description" content="[^"]{20,}">', html)
    assert html.count("<h1") == 1
    assert 'lang="fr"' in html


def test_home_shows_key_figures_of_both_phases(client):
    html = page(client, "/")
    assert re.findall(r'data-figure="territoires">(\d+)<', html) == ["183", "149"]
    assert "Ma commune est-elle dans un Territoire d'industrie ?" in html
    for axis in ["Innovation", "Compétences", "Foncier", "Transition écologique"]:
        assert axis in html
    assert 'data-map="phase"' in html


def test_search_page_without_javascript_lists_results(client):
    html = page(client, "/recherche/?q=meaux")
    assert 'href="/communes/77284/"' in html
    assert "Aucun résultat" in page(client, "/recherche/?q=zzzzqqq")


def test_commune_page_says_territory_of_each_phase_and_contacts(client):
    html = page(client, "/communes/77284/")
    assert 'href="/territoires/2023-2027/ti-1108/">Nord Est 77 – Meaux</a>' in html
    assert 'href="/territoires/2019-2022/ti-1107/">Nord Est 77 - Meaux</a>' in html
    assert "Aucun contact publié pour l'instant" in html
    assert 'class="fr-breadcrumb"' in html and "Seine-et-Marne (77)" in html


def test_commune_outside_any_territory_says_so(client):
    html = page(client, "/communes/75056/")  # Paris: in no territory of either phase
    assert html.count("Pas dans un Territoire d'industrie pendant cette phase.") == 2


def test_territory_page_shows_members_evolution_successor_and_empty_blocks(client):
    html = page(client, "/territoires/2023-2027/ti-1108/")
    assert "<h1>Nord Est 77 – Meaux</h1>" in html
    assert "CA du Pays de Meaux" in html and "data-sortable" in html
    assert "Reconduit" in html and 'href="/territoires/2019-2022/ti-1107/"' in html
    assert "Plan d'action : pas encore publié." in html
    assert "Aucun contact publié pour l'instant" in html
    assert 'href="/departements/77/"' in html
    old = page(client, "/territoires/2019-2022/ti-1107/")
    assert "Dans la phase suivante" in old and 'href="/territoires/2023-2027/ti-1108/"' in old


def test_extended_territory_lists_communes_added_or_removed(client):
    html = page(client, "/territoires/2023-2027/ti-1110/")  # Sud Seine et Marne, étendu
    added = re.search(r"Communes ajoutées \((\d+)\)", html)
    assert added and int(added.group(1)) > 0
    assert "Communes retirées (0)" in html


# Phase 2023-2027 in Seine-et-Marne, read from the ANCT file by hand: 4 territories whose principal
# département is 77, 2 more touching it (Grand Paris Sud, 91; Grand Roissy Le Bourget, 93).
PRINCIPAL_77 = {"ti-1106", "ti-1107", "ti-1108", "ti-1110"}
TOUCHING_77 = PRINCIPAL_77 | {"ti-1103", "ti-1104"}


def test_departement_77_lists_its_territories_per_phase(client):
    html = page(client, "/departements/77/")
    for ti_id in TOUCHING_77:
        assert f'href="/territoires/2023-2027/{ti_id}/"' in html
    assert 'data-count="2023-2027">6<' in html
    assert "Territoires dont c'est le département principal (4)" in html
    assert "Territoires qui le touchent seulement (2)" in html
    assert "Aucun contact publié pour l'instant" in html
    assert 'href="/regions/11/"' in html


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_departement_page_says_what_each_number_counts(client):
    text = text_of(page(client, "/departements/77/"))
    assert (
        "Phase 2023-2027 : 6 territoires touchent ce département ; 4 y ont leur département "
        "principal, 2 le touchent seulement." in text
    )
    assert "c'est ce que compte le filtre Département de la carte" in text
    assert "dont c'est le département principal principal" not in text
    assert "dont 4 dont" not in text


def test_departement_with_a_single_territory_speaks_in_the_singular(client):
    text = text_of(page(client, "/departements/976/"))  # Mayotte: one territory, new in 2023
    assert (
        "Phase 2023-2027 : 1 territoire touche ce département ; 1 y a son département principal."
        in text
    )
    assert "Phase 2019-2022 : aucun territoire ne touche ce département." in text


@pytest.mark.parametrize("url", ["/", "/carte/?phase=2023-2027&statut=nouveau"])
def test_new_territories_against_the_difference_of_counts_are_explained(client, url):
    text = text_of(page(client, url))
    assert "183 territoires contre 149 en 2019-2022, soit 34 de plus." in text
    assert (
        "29 des 183 territoires ne partagent aucune commune avec un territoire de 2019-2022" in text
    )


def test_region_page(client):
    html = page(client, "/regions/11/")
    assert 'data-count="2023-2027">11<' in html
    assert "Territoires dont c'est la région principale (11)" in html


def test_map_page_renders_the_filtered_list_without_javascript(client):
    html = page(client, "/carte/?phase=2023-2027&departement=77")
    assert set(re.findall(r'<li data-id="(ti-\d+)">', html)) == TOUCHING_77
    assert "departement=77" in html  # download links keep the filter


def test_map_page_explains_an_unknown_filter(client):
    html = page(client, "/carte/?departement=999")
    assert "Département « 999 » inconnu" in html
    assert len(re.findall(r'<li data-id="ti-', html)) == 183


@pytest.mark.parametrize(
    "url",
    [
        "/territoires/2023-2027/ti-0000/",
        "/departements/999/",
        "/regions/99/",
        "/communes/00000/",
        "/territoires/1999-2000/ti-1108/",
    ],
)
def test_unknown_things_are_404(client, url):
    assert client.get(url).status_code == 404


def test_sitemap_lists_pages_territories_and_areas(client):
    xml = page(client, "/sitemap.xml")
    assert "/territoires/2023-2027/ti-1108/</loc>" in xml
    assert "/departements/77/</loc>" in xml
    # 5 pages + 149 + 183 territories + the régions and départements of the COG 2026 (18 + 101,
    # with the overseas collectivities: 26 + 109).
    assert xml.count("<url>") == 5 + 149 + 183 + 26 + 109


def test_cached_pages_carry_each_response_own_nonce(client):
    nonces = []
    for _ in range(2):
        response = client.get("/departements/77/")
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'nonce="{nonce}"' in response.content.decode()
        assert "__ti_csp_nonce__" not in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_signed_in_users_get_a_fresh_page(client, django_user_model):
    client.get("/")  # cached for anonymous visitors
    user = django_user_model.objects.create_user(
        username="lecteur", email="lecteur@example.org", password="x" * 16
    )
    client.force_login(user)
    assert "Mon espace" in client.get("/").content.decode()


def test_former_commune_code_leads_to_its_commune_nouvelle(client):
    response = client.get("/communes/02311/")  # Filain, merged into Pargny-et-Filain
    assert response.status_code == 301 and response["Location"] == "/communes/02589/"
    assert client.get("/communes/99999/").status_code == 404


def test_the_contact_form_is_reachable_from_every_page_and_the_site_plan(client):
    # Walk of 2026-12-04: « Contactez-nous » was linked only from commune, territory and
    # département pages; a visitor on the home page could not find it.
    home = client.get("/").content.decode()
    assert 'class="fr-footer__bottom-link" href="/contact/">Contactez-nous</a>' in home
    site_plan = client.get("/plan-du-site/").content.decode()
    assert '<li><a href="/contact/">Contactez-nous</a></li>' in site_plan  # not the footer's
    assert 'href="/contact/delais/">' in site_plan
    assert client.get("/contact/").status_code == 200
