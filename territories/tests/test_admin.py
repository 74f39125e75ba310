"""The admin lists the official data, with search and filters, and lets nobody edit it."""

import pytest
from django.contrib.auth import get_user_model

from territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser(
        "admin@example.org", "admin@example.org", "motdepasse-solide-123"
    )
    client.force_login(user)
    return client


def test_territory_list_filters_by_phase_region_departement_and_status(staff_client):
    response = staff_client.get(
        "/admin/territories/territory/",
        {"phase__code__exact": "2023-2027", "principal_region__code__exact": "11"},
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 11
    response = staff_client.get(
        "/admin/territories/territory/",
        {"departements__code__exact": "77", "phase__code__exact": "2023-2027"},
    )
    assert response.context["cl"].result_count == 6
    response = staff_client.get(
        "/admin/territories/territory/", {"lineage_status__exact": "nouveau"}
    )
    assert (
        response.context["cl"].result_count
        == Territory.objects.filter(lineage_status="nouveau").count()
        > 0
    )


def test_territory_search_by_member_siren(staff_client):
    response = staff_client.get(
        "/admin/territories/territory/", {"q": "200072130"}
    )  # CA du Pays de Meaux
    assert {t.ti_id for t in response.context["cl"].result_list} == {"ti-1107", "ti-1108"}


def test_official_data_is_read_only(staff_client):
    territory = Territory.objects.get(phase="2023-2027", ti_id="ti-1108")
    page = staff_client.get(f"/admin/territories/territory/{territory.pk}/change/")
    assert page.status_code == 200
    assert b"Nord Est 77" in page.content
    response = staff_client.post(
        f"/admin/territories/territory/{territory.pk}/change/", {"name": "Piraté"}
    )
    assert response.status_code == 403
    assert (
        staff_client.post(
            f"/admin/territories/territory/{territory.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    territory.refresh_from_db()
    assert territory.name == "Nord Est 77 – Meaux"
    for url in [
        "/admin/geo/commune/?q=meaux",
        "/admin/territories/territorymember/?q=Meaux",
        "/admin/territories/phase/",
    ]:
        assert staff_client.get(url).status_code == 200
