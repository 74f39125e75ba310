"""The catalogue management screens (/offre/gestion/): what an operator's staff and the national team see
and may do, and what an operator may never do to another operator's services."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from accounts.services.roles import grant_role
from offers.models import Operator, Service

pytestmark = pytest.mark.django_db

FORM = {
    "slug": "nouveau-service",
    "title": "Nouveau service",
    "operator": "op-a",
    "axes": ["foncier"],
    "kind": "ingenierie",
    "description": "Une description.",
    "applicants": ["territoire", "collectivite"],
    "scope": "departements",
    "codes": "77; 2a",
    "phase": "",
    "opens_on": "2025-01-01",
    "closes_on": "",
    "envelope": "1 000 000,50",
    "amount_or_rate": "",
    "link": "",
    "source": "https://example.org/source",
    "status": "ouvert",
}


@pytest.fixture
def world(real_data, django_user_model):
    op_a = Operator.objects.create(slug="op-a", name="Opérateur A")
    op_b = Operator.objects.create(slug="op-b", name="Opérateur B")
    users = {}
    for name, role, scope in [
        ("a", Role.OPERATEUR, {"operator": op_a}),
        ("national", Role.EQUIPE_NATIONALE, {}),
        ("lead", Role.CHEF_DE_PROJET, None),
    ]:
        user = django_user_model.objects.create_user(f"{name}@example.org", f"{name}@example.org")
        if scope is not None:
            grant_role(user, role, **scope)
        users[name] = user
    services = {
        op.slug: Service.objects.create(
            slug=f"service-{op.slug}",
            title=f"Service de {op.name}",
            operator=op,
            kind="pret",
            source="https://example.org/",
        )
        for op in (op_a, op_b)
    }
    return users, services


def test_an_operator_lists_and_exports_only_its_own_services(client, world):
    users, services = world
    client.force_login(users["a"])
    page = client.get(reverse("offers-manage:list")).content.decode()
    assert "Service de Opérateur A" in page and "Service de Opérateur B" not in page
    export = client.get(reverse("offers-manage:export", args=["csv"]))
    text = export.content.decode("utf-8-sig")
    assert "service-op-a" in text and "service-op-b" not in text
    client.force_login(users["national"])
    page = client.get(reverse("offers-manage:list")).content.decode()
    assert "Service de Opérateur A" in page and "Service de Opérateur B" in page


def test_create_edit_and_close_are_journalled(client, world):
    users, services = world
    client.force_login(users["a"])
    response = client.post(reverse("offers-manage:create"), FORM)
    assert response.status_code == 302
    service = Service.objects.get(slug="nouveau-service")
    assert sorted(service.departements.values_list("code", flat=True)) == ["2A", "77"]
    assert str(service.envelope) == "1000000.50" and service.axes == ["foncier"]
    assert service.history.get().history_user == users["a"]
    edit = reverse("offers-manage:edit", args=[service.slug])
    page = client.get(edit).content.decode()
    assert 'value="2A; 77"' in page
    response = client.post(edit, {**FORM, "title": "Renommé", "slug": "ignoré"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.title == "Renommé" and service.slug == "nouveau-service"
    client.post(reverse("offers-manage:close", args=[service.slug]))
    service.refresh_from_db()
    assert service.status == "ferme"
    assert [h.history_change_reason for h in service.history.order_by("history_id")] == [
        "Création",
        "Modification",
        "Service fermé",
    ]


def test_the_form_names_what_is_wrong(client, world):
    users, _ = world
    client.force_login(users["a"])
    bad = {**FORM, "scope": "regions", "codes": "99", "closes_on": "2024-01-01", "source": ""}
    response = client.post(reverse("offers-manage:create"), bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ce champ est obligatoire." in page  # source
    response = client.post(reverse("offers-manage:create"), {**bad, "source": FORM["source"]})
    page = response.content.decode()
    assert "Code inconnu « 99 »" in page and "Clôture avant l&#x27;ouverture" in page
    assert not Service.objects.filter(slug="nouveau-service").exists()


def test_an_operator_never_edits_another_operators_service(client, world):
    users, services = world
    client.force_login(users["a"])
    other = services["op-b"]
    assert client.get(reverse("offers-manage:edit", args=[other.slug])).status_code == 403
    response = client.post(
        reverse("offers-manage:edit", args=[other.slug]), {**FORM, "operator": "op-a"}
    )
    assert response.status_code == 403
    assert client.post(reverse("offers-manage:close", args=[other.slug])).status_code == 403
    # Nor creates a service for it, nor moves its own service to it.
    response = client.post(reverse("offers-manage:create"), {**FORM, "operator": "op-b"})
    assert response.status_code == 403
    assert not Service.objects.filter(slug="nouveau-service").exists()
    mine = services["op-a"]
    response = client.post(
        reverse("offers-manage:edit", args=[mine.slug]), {**FORM, "operator": "op-b"}
    )
    assert response.status_code == 400  # op-b is not among the form's choices
    other.refresh_from_db()
    mine.refresh_from_db()
    assert other.status == "ouvert" and mine.operator.slug == "op-a"


def test_people_without_the_role_are_refused(client, world):
    users, services = world
    url = reverse("offers-manage:list")
    assert client.get(url).status_code == 302  # anonymous: sign-in
    client.force_login(users["lead"])
    assert client.get(url).status_code == 403


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("catalogue.csv", text.encode("utf-8"), content_type="text/csv")


HEADER = "identifiant;intitule;operateur;type;source\n"


def test_upload_preview_then_confirm(client, world):
    users, _ = world
    client.force_login(users["a"])
    url = reverse("offers-manage:import")
    response = client.post(
        url, {"file": _csv(HEADER + "importe;Importé;op-a;prêt;https://x.example/\n")}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 service serait créé" in page and not Service.objects.filter(slug="importe").exists()
    token = response.context["token"]
    response = client.post(reverse("offers-manage:import_confirm"), {"token": token})
    assert response.status_code == 302 and Service.objects.get(slug="importe").kind == "pret"
    # The same token cannot be replayed.
    response = client.post(reverse("offers-manage:import_confirm"), {"token": token})
    assert response.status_code == 302 and Service.objects.filter(slug="importe").count() == 1


def test_upload_errors_are_listed_and_nothing_is_written(client, world):
    users, services = world
    client.force_login(users["a"])
    text = HEADER + "service-op-b;Volé;op-a;prêt;https://x.example/\nautre;X;op-b;prêt;\n"
    response = client.post(reverse("offers-manage:import"), {"file": _csv(text)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "cet identifiant est celui d&#x27;un service d&#x27;un autre opérateur" in page
    assert "vous ne gérez pas les services de cet opérateur" in page
    assert "P — source" not in page and "E — source" in page  # the column as in the file
    services["op-b"].refresh_from_db()
    assert services["op-b"].title == "Service de Opérateur B"
