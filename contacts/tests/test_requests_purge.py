"""`territoires purge-demandes`: personal data erased after the retention, figures kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from contacts.models import ContactRequest
from contacts.services import response_times
from contacts.services.purge_requests import months_before, purge_requests
from contacts.tests import factories_requests as f

pytestmark = pytest.mark.django_db


def test_months_before():
    assert months_before(datetime(2026, 3, 31, 8, tzinfo=UTC), 1) == datetime(
        2026, 2, 28, 8, tzinfo=UTC
    )
    assert months_before(datetime(2026, 12, 4, tzinfo=UTC), 24) == datetime(2024, 12, 4, tzinfo=UTC)


@pytest.fixture
def old_and_new(real_data):
    team = f.team("national", None, members=["n@example.org"])
    now = timezone.now()
    old = f.contact_request(
        team,
        created_at=now - timedelta(days=800),
        first_answered_at=now - timedelta(days=799),
        siret="73282932000074",
        reference="DC-OLD",
    )
    old.events.create(kind="reponse", text="Bonjour Camille Martin, appelez le 06 11 22 33 44.")
    new = f.contact_request(team, created_at=now - timedelta(days=30), reference="DC-NEW")
    return old, new, now


def test_dry_run_lists_and_erases_nothing(old_and_new, shell):
    old, new, _ = old_and_new
    code, out, err = shell("purge-demandes", "--dry-run")
    assert code == 0, err
    assert "1 demande serait effacée" in out and "DC-OLD" in out and "DC-NEW" not in out
    old.refresh_from_db()
    assert old.email == "demandeur@example.org" and old.purged_at is None


def test_purge_erases_personal_data_and_keeps_the_figures(old_and_new, shell, settings):
    old, new, now = old_and_new
    before = response_times.figures(
        "avant", ContactRequest.objects.all(), now + timedelta(days=365)
    )
    code, out, _ = shell("purge-demandes")
    assert "1 demande effacée" in out and "conservation 24 mois" in out
    old.refresh_from_db()
    for field in ("name", "organisation", "siret", "email", "phone", "message"):
        assert getattr(old, field) == "", field
    assert old.purged_at is not None
    assert list(old.events.values_list("text", flat=True)) == [""]
    assert old.commune_id == "77284" and old.first_answered_at is not None
    new.refresh_from_db()
    assert new.email == "demandeur@example.org"
    after = response_times.figures("après", ContactRequest.objects.all(), now + timedelta(days=365))
    assert (after.counted, after.within_target, after.median_days) == (
        before.counted,
        before.within_target,
        before.median_days,
    )
    # Idempotent; and the retention is a setting.
    assert "0 demande effacée" in shell("purge-demandes")[1]
    settings.CONTACT_REQUEST_RETENTION_MONTHS = 0
    assert purge_requests(dry_run=True).references == ["DC-NEW"]


def test_a_purged_request_shows_no_personal_data(old_and_new, client):
    old, _, _ = old_and_new
    purge_requests()
    client.force_login(f.user("n@example.org"))
    page = client.get(f"/contacts/demandes/{old.reference}/").content.decode()
    assert "ont été effacées" in page and "demandeur@example.org" not in page
    assert client.get(f"/contact/envoyee/{old.reference}/").status_code == 404
