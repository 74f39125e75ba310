"""The "Contactez-nous" form on the real registry: routed into the right inbox, emailed to the right
people, answered, transferred, closed; anti-abuse (honeypot, rate limit, sizes, no links)."""

from __future__ import annotations

from datetime import UTC

import pytest
from django.core import mail
from django.test import override_settings

from contacts.models import ContactRequest, ContactSubmission, EventKind, Level, RequestState, Team
from contacts.services import requests as steps
from contacts.services.routing import route_commune
from contacts.tests import factories_requests as f
from geo.models import Commune

pytestmark = pytest.mark.django_db
FORM = "/contact/"


def _send(client, **overrides):
    return client.post(FORM, f.form_data(**overrides))


def _outside_every_territory(departement: str) -> Commune:
    commune = (
        Commune.objects.filter(departement_id=departement, territories__isnull=True)
        .order_by("code")
        .first()
    )
    assert commune is not None
    assert route_commune(commune).territories == []
    return commune


def _recipients_of(subject_start: str) -> list[list[str]]:
    return [sorted(m.to) for m in mail.outbox if m.subject.startswith(subject_start)]


# --- Routing into the right inbox ----------------------------------------------------------------


def test_meaux_goes_to_its_territory_team_and_emails_its_members(real_data, client):
    teams = f.teams_around(f.meaux(), f.meaux_territory())
    response = _send(client)
    request = ContactRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/contact/envoyee/{request.reference}/"
    assert request.team == teams["territoire"]
    assert request.commune_id == "77284" and request.siret == "73282932000074"
    assert _recipients_of("Nouvelle demande") == [["equipe-territoire@example.org"]]
    acknowledgement = [m for m in mail.outbox if m.to == ["demandeur@example.org"]]
    assert len(acknowledgement) == 1 and request.reference in acknowledgement[0].body
    # The acknowledgement repeats nothing the visitor typed (it cannot relay spam to a third party).
    assert "terrain de 2 hectares" not in acknowledgement[0].body
    page = client.get(response["Location"])
    assert request.reference in page.content.decode()


@pytest.mark.parametrize(
    ("present", "expected"),
    [
        ({"departement", "region", "national"}, "departement"),
        ({"region", "national"}, "region"),
        ({"national"}, "national"),
    ],
)
def test_without_a_territory_team_the_next_level_receives_it(real_data, client, present, expected):
    levels = {
        level: level in present for level in ("territoire", "departement", "region", "national")
    }
    teams = f.teams_around(f.meaux(), f.meaux_territory(), **levels)
    _send(client)
    assert ContactRequest.objects.get().team == teams[expected]
    assert _recipients_of("Nouvelle demande") == [
        [f"equipe-{expected}@example.org".replace("equipe-national@", "equipe-nationale@")]
    ]


def test_a_team_nobody_can_be_emailed_at_is_skipped(real_data, client):
    empty = f.team(Level.TERRITOIRE, f.meaux_territory(), members=[])
    teams = f.teams_around(f.meaux(), None, territoire=False)
    _send(client)
    request = ContactRequest.objects.get()
    assert request.team == teams["departement"] and request.team != empty


def test_with_no_team_at_all_the_fallback_national_team_is_created(real_data, client):
    assert not Team.objects.exists()
    _send(client)
    request = ContactRequest.objects.get()
    assert request.team.level == Level.NATIONAL
    assert request.team.name == steps.NATIONAL_FALLBACK_NAME
    _send(client, email="autre@example.org")
    assert Team.objects.count() == 1  # created once, then reused


def test_a_commune_outside_every_territory_goes_to_its_departement(real_data, client):
    commune = _outside_every_territory("77")
    teams = f.teams_around(commune, f.meaux_territory())  # the territory team covers Meaux only
    _send(client, commune=commune.code)
    request = ContactRequest.objects.get()
    assert request.team == teams["departement"]
    assert _recipients_of("Nouvelle demande") == [["equipe-departement@example.org"]]


@pytest.mark.parametrize("departement", ["971", "974"])
def test_an_overseas_commune_reaches_its_own_departement_or_region(real_data, client, departement):
    commune = Commune.objects.filter(departement_id=departement).order_by("code").first()
    far_away = f.teams_around(f.meaux(), f.meaux_territory(), national=False)
    local = f.team(Level.REGION, commune.region, members=["outre-mer@example.org"])
    _send(client, commune=commune.code)
    request = ContactRequest.objects.get()
    assert request.team == local
    assert request.team not in far_away.values()
    assert _recipients_of("Nouvelle demande") == [["outre-mer@example.org"]]


# --- The form --------------------------------------------------------------------------------------


def test_the_commune_page_links_to_the_form_prefilled(real_data, client):
    page = client.get("/communes/77284/").content.decode()
    assert "/contact/?commune=77284" in page
    for other in ("/territoires/2023-2027/ti-1108/", "/departements/77/"):
        assert 'href="/contact/"' in client.get(other).content.decode(), other
    form = client.get("/contact/?commune=77284").content.decode()
    assert 'value="Meaux (77284)"' in form


def test_without_javascript_a_name_is_resolved_and_an_ambiguous_one_explained(real_data, client):
    f.teams_around(f.meaux(), f.meaux_territory())
    assert _send(client, commune="meaux").status_code == 302
    assert ContactRequest.objects.get().commune_id == "77284"
    response = _send(client, commune="Saint-Denis")
    page = response.content.decode()
    assert response.status_code == 400
    assert "communes s&#x27;appellent « Saint-Denis » : précisez le code INSEE" in page
    assert "(93066" in page  # the candidates are named
    assert (
        "Aucune commune ne s&#x27;appelle"
        in _send(client, commune="Nulle-Part-Ici").content.decode()
    )


@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        ("73282932000074", True),
        ("732 829 320 00074", True),
        ("73282932000075", False),  # one digit off: the Luhn key catches it
        ("7328293200007", False),
        # La Poste: the digits add up to a multiple of 5, its Luhn key is not checked...
        ("35600000049837", True),  # sum 45, Luhn invalid
        ("35600000000001", True),  # sum 15
        ("35600000000014", False),  # sum 19
        # ...except its head office, which keeps a Luhn key (sum 26).
        ("35600000000048", True),
    ],
)
def test_siret_key(real_data, client, siret, valid):
    response = _send(client, siret=siret)
    assert (response.status_code == 302) is valid, response.content.decode()[:0]


def test_consent_and_organisation_are_required(real_data, client):
    page = _send(client, consent=None, organisation="").content.decode()
    assert "sans votre accord, personne ne peut vous répondre" in page
    assert "Indiquez le nom de votre entreprise ou collectivité." in page
    assert not ContactRequest.objects.exists()


def test_sizes_are_bounded(real_data, client):
    response = _send(client, message="x" * 5001, name="n" * 201)
    assert response.status_code == 400
    assert not ContactRequest.objects.exists()
    assert _send(client, message="x" * 5000).status_code == 302


def test_the_honeypot_stores_and_sends_nothing_but_looks_like_success(real_data, client):
    response = _send(client, site_web="http://spam.example")
    assert response.status_code == 200
    assert "Votre demande a bien été reçue" in response.content.decode()
    assert not ContactRequest.objects.exists()
    assert mail.outbox == []


def test_rate_limit_per_address(real_data, client):
    for number in range(steps.MAX_PER_ADDRESS):
        assert _send(client, email=f"n{number}@example.org").status_code == 302
    response = _send(client, email="one-more@example.org")
    assert response.status_code == 400
    assert "Trop de demandes" in response.content.decode()
    assert ContactRequest.objects.count() == steps.MAX_PER_ADDRESS
    # Another address is not held back.
    other = client.post(FORM, f.form_data(), REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_rate_limit_reads_the_client_behind_a_trusted_proxy(real_data, client):
    """Behind the proxy every request comes from 10.0.0.5: the limit is per client, not per proxy."""
    for number in range(steps.MAX_PER_ADDRESS):
        response = client.post(
            FORM,
            f.form_data(email=f"n{number}@example.org"),
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
        assert response.status_code == 302
    other_client = client.post(
        FORM, f.form_data(), REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.10"
    )
    assert other_client.status_code == 302
    assert set(ContactSubmission.objects.values_list("ip_address", flat=True)) == {
        "203.0.113.9",
        "203.0.113.10",
    }


def test_a_message_with_markup_and_links_is_shown_as_plain_text(real_data, client):
    teams = f.teams_around(f.meaux(), f.meaux_territory())
    member = f.user("equipe-territoire@example.org")
    message = '<script>alert(1)</script> Voir https://phishing.example et <a href="x">ici</a>'
    _send(client, message=message, name="<b>Camille</b>")
    request = ContactRequest.objects.get()
    assert request.team == teams["territoire"]
    client.force_login(member)
    page = client.get(f"/contacts/demandes/{request.reference}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="https://phishing.example' not in page and '<a href="x">' not in page
    assert "&lt;b&gt;Camille&lt;/b&gt;" in page


# --- The inbox -----------------------------------------------------------------------------------


def test_a_member_takes_answers_transfers_and_closes_each_step_dated(real_data, client):
    teams = f.teams_around(f.meaux(), f.meaux_territory())
    member = f.user("Equipe-Territoire@example.org")  # case differs from the member's email
    _send(client)
    request = ContactRequest.objects.get()
    client.force_login(member)
    url = f"/contacts/demandes/{request.reference}/"
    inbox = client.get("/contacts/demandes/").content.decode()
    assert request.reference in inbox

    assert client.post(url + "prendre/").status_code == 302
    mail.outbox.clear()
    client.post(url + "repondre/", {"text": "Bonjour, appelez-nous au 01 00 00 00 00."})
    request.refresh_from_db()
    assert request.state == RequestState.REPONDUE and request.assigned_to == member
    assert request.first_answered_at is not None
    assert [m.to for m in mail.outbox] == [["demandeur@example.org"]]
    assert "appelez-nous au 01 00 00 00 00" in mail.outbox[0].body

    mail.outbox.clear()
    client.post(url + "transferer/", {"team": teams["departement"].pk, "reason": "Hors périmètre"})
    request.refresh_from_db()
    assert request.team == teams["departement"] and request.assigned_to is None
    assert _recipients_of("Demande") == [["equipe-departement@example.org"]]
    assert "Hors périmètre" in mail.outbox[0].body
    # Transferred: the former team no longer sees it.
    assert client.get(url).status_code == 403
    assert request.reference not in client.get("/contacts/demandes/").content.decode()

    client.force_login(f.user("equipe-departement@example.org"))
    client.post(url + "clore/")
    request.refresh_from_db()
    assert request.state == RequestState.CLOSE and request.closed_at is not None
    kinds = list(request.events.order_by("created_at", "pk").values_list("kind", flat=True))
    assert kinds == [
        EventKind.RECUE,
        EventKind.RECUE,
        EventKind.PRISE,
        EventKind.REPONSE,
        EventKind.TRANSFERT,
        EventKind.CLOSE,
    ]
    assert client.post(url + "repondre/", {"text": "Trop tard"}).status_code == 302
    assert request.events.filter(kind=EventKind.REPONSE).count() == 1  # closed: refused


def test_a_member_of_another_team_never_sees_the_request(real_data, client):
    f.teams_around(f.meaux(), f.meaux_territory())
    other = f.team(
        Level.DEPARTEMENT,
        Commune.objects.get(code="13055").departement,
        members=["marseille@example.org"],
    )
    _send(client)
    request = ContactRequest.objects.get()
    client.force_login(f.user("marseille@example.org"))
    assert request.reference not in client.get("/contacts/demandes/").content.decode()
    assert client.get(f"/contacts/demandes/{request.reference}/").status_code == 403
    assert client.post(f"/contacts/demandes/{request.reference}/prendre/").status_code == 403
    assert client.get(f"/contacts/demandes/?team={other.pk}").status_code == 200
    client.force_login(f.user("inactive@example.org", is_active=False))
    assert client.get("/contacts/demandes/").status_code == 302


def test_inbox_filters_by_state_and_date(real_data, client):
    from datetime import datetime

    teams = f.teams_around(f.meaux(), f.meaux_territory())
    old = f.contact_request(teams["territoire"], created_at=datetime(2026, 1, 5, 10, tzinfo=UTC))
    new = f.contact_request(teams["territoire"], state=RequestState.CLOSE)
    client.force_login(f.user("equipe-territoire@example.org"))
    page = client.get("/contacts/demandes/", {"state": "close"}).content.decode()
    assert new.reference in page and old.reference not in page
    page = client.get("/contacts/demandes/", {"until": "2026-01-31"}).content.decode()
    assert old.reference in page and new.reference not in page


def test_a_failed_email_is_shown_and_sent_again(real_data, client):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    teams = f.teams_around(f.meaux(), f.meaux_territory())
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        _send(client)
        request = ContactRequest.objects.get()
        event = request.events.exclude(email_task_id="").first()
        DBTaskResult.objects.filter(id=event.email_task_id).update(status=TaskResultStatus.FAILED)
        client.force_login(f.user("equipe-territoire@example.org"))
        inbox = client.get("/contacts/demandes/").content.decode()
        assert "Échec d'envoi" in inbox
        url = f"/contacts/demandes/{request.reference}/"
        assert "Renvoyer" in client.get(url).content.decode()
        client.post(url + f"renvoyer/{event.pk}/")
        event.refresh_from_db()
        new_row = DBTaskResult.objects.get(id=event.email_task_id)
        assert new_row.status == TaskResultStatus.READY
        assert new_row.args_kwargs["args"][2] == ["equipe-territoire@example.org"]
        assert "Échec d'envoi" not in client.get("/contacts/demandes/").content.decode()
        assert request.team == teams["territoire"]


def test_with_the_immediate_backend_an_email_with_no_row_counts_as_sent(real_data, client):
    f.teams_around(f.meaux(), f.meaux_territory())
    _send(client)
    event = ContactRequest.objects.get().events.exclude(email_task_id="").first()
    state = steps.email_state(event)
    assert state is not None and not state.failed


def test_a_commune_in_two_territories_goes_to_one_team_only(real_data, client):
    from django.db.models import Count

    from territories.models import TerritoryCommune

    shared = (
        TerritoryCommune.objects.filter(territory__phase_id="2023-2027")
        .values("commune_id")
        .annotate(count=Count("territory"))
        .filter(count__gt=1)
        .order_by("commune_id")
        .first()
    )
    if shared is None:
        pytest.skip("aucune commune dans deux territoires de 2023-2027")
    commune = Commune.objects.get(code=shared["commune_id"])
    territories = route_commune(commune).territories
    assert len(territories) >= 2
    made = [
        f.team(
            Level.TERRITOIRE, territory, name=f"Équipe {index}", members=[f"t{index}@example.org"]
        )
        for index, territory in enumerate(territories)
    ]
    _send(client, commune=commune.code)
    request = ContactRequest.objects.get()
    assert request.team == made[0]  # the routing's order: level, then team name
    assert _recipients_of("Nouvelle demande") == [["t0@example.org"]]


def test_coordinators_see_the_requests_of_their_departement_or_region_only(real_data, client):
    from accounts.models import Role
    from accounts.services.roles import grant_role
    from geo.models import Departement, Region

    teams = f.teams_around(f.meaux(), f.meaux_territory())
    request = f.contact_request(teams["territoire"])
    for email, scope, sees in [
        ("coord-77@example.org", {"departement": Departement.objects.get(code="77")}, True),
        ("coord-idf@example.org", {"region": Region.objects.get(code="11")}, True),
        ("coord-13@example.org", {"departement": Departement.objects.get(code="13")}, False),
    ]:
        account = f.user(email)
        grant_role(account, Role.COORDINATEUR, **scope)
        client.force_login(account)
        listed = request.reference in client.get("/contacts/demandes/").content.decode()
        detail = client.get(f"/contacts/demandes/{request.reference}/")
        assert listed is sees and (detail.status_code == 200) is sees, email
        if sees:  # they read, they do not work the request
            assert "Prendre en charge" not in detail.content.decode()
            assert (
                client.post(f"/contacts/demandes/{request.reference}/prendre/").status_code == 403
            )


def test_the_transfer_form_asks_in_french_for_a_team(real_data, client):
    # Walk of 2026-12-04: the team list opened on Django's « --------- ».
    teams = f.teams_around(f.meaux(), f.meaux_territory())
    request = f.contact_request(teams["territoire"])
    client.force_login(f.user("equipe-territoire@example.org"))
    page = client.get(f"/contacts/demandes/{request.reference}/").content.decode()
    assert "Choisissez une équipe" in page
    assert "---------" not in page


def test_the_person_following_a_request_is_named(real_data, client):
    # Walk of 2026-12-04: « Suivie par membre@example.org » although the account has a name.
    teams = f.teams_around(f.meaux(), f.meaux_territory())
    member = f.user("equipe-territoire@example.org", first_name="Marie", last_name="Membre")
    request = f.contact_request(teams["territoire"])
    client.force_login(member)
    url = f"/contacts/demandes/{request.reference}/"
    assert client.post(url + "prendre/").status_code == 302
    named = "Marie Membre (equipe-territoire@example.org)"
    page = client.get(url).content.decode()
    assert f"Suivie par {named}" in page
    assert f"<td>{named}</td>" in page  # the journal
    assert f"<td>{named}</td>" in client.get("/contacts/demandes/").content.decode()
