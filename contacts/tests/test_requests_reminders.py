"""`territoires relances` with a frozen clock (``now=``): D+7 reminder, D+21 escalation, each once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from contacts.models import EventKind, Level, RequestState
from contacts.services.reminders import send_reminders
from contacts.tests import factories_requests as f

pytestmark = pytest.mark.django_db
RECEIVED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _at(days: float) -> datetime:
    return RECEIVED + timedelta(days=days)


@pytest.fixture
def teams(real_data):
    return f.teams_around(f.meaux(), f.meaux_territory())


def test_nothing_before_seven_days(teams):
    f.contact_request(teams["territoire"], created_at=RECEIVED)
    report = send_reminders(now=_at(6.99))
    assert report.reminded == [] and report.escalated == [] and mail.outbox == []


def test_the_team_is_reminded_at_d7_once(teams):
    request = f.contact_request(teams["territoire"], created_at=RECEIVED)
    report = send_reminders(now=_at(7))
    assert report.reminded == [request.reference]
    assert [m.to for m in mail.outbox] == [["equipe-territoire@example.org"]]
    assert request.reference in mail.outbox[0].subject
    request.refresh_from_db()
    assert request.reminded_at == _at(7)
    assert request.events.get(kind=EventKind.RELANCE).created_at == _at(7)
    # Idempotent: the next days' runs send nothing more until D+21.
    for day in (7, 8, 20):
        assert send_reminders(now=_at(day)).reminded == []
    assert len(mail.outbox) == 1


def test_the_assignee_alone_is_reminded(teams):
    member = f.user("personne@example.org")
    teams["territoire"].members.create(name="Personne", email="personne@example.org")
    request = f.contact_request(
        teams["territoire"], created_at=RECEIVED, assigned_to=member, state=RequestState.PRISE
    )
    send_reminders(now=_at(8))
    assert [m.to for m in mail.outbox] == [["personne@example.org"]]
    assert request.events.get(kind=EventKind.RELANCE).text.endswith("personne@example.org.")


def test_an_assignee_removed_from_the_team_since_is_not_reminded_the_team_is(teams):
    member = f.user("partie@example.org")
    request = f.contact_request(
        teams["territoire"], created_at=RECEIVED, assigned_to=member, state=RequestState.PRISE
    )  # she took it, then left the team: she may no longer open it
    send_reminders(now=_at(8))
    assert [m.to for m in mail.outbox] == [["equipe-territoire@example.org"]]
    assert "partie@example.org" not in request.events.get(kind=EventKind.RELANCE).text


def test_answered_or_closed_requests_are_left_alone(teams):
    f.contact_request(teams["territoire"], created_at=RECEIVED, first_answered_at=_at(1))
    f.contact_request(teams["territoire"], created_at=RECEIVED, state=RequestState.CLOSE)
    report = send_reminders(now=_at(30))
    assert report.reminded == [] and report.escalated == [] and mail.outbox == []


@pytest.mark.parametrize(
    ("start", "levels"),
    [
        ("territoire", ["departement", "region", "national"]),
        ("departement", ["region", "national"]),
        ("region", ["national"]),
    ],
)
def test_escalation_at_d21_goes_one_level_up_once(teams, start, levels):
    request = f.contact_request(teams[start], created_at=RECEIVED)
    send_reminders(now=_at(7))
    mail.outbox.clear()
    report = send_reminders(now=_at(21))
    assert report.escalated == [request.reference] and report.reminded == []
    request.refresh_from_db()
    expected = teams[levels[0]]
    assert request.team == expected and request.state == RequestState.NOUVELLE
    assert request.escalated_at == _at(21)
    address = "equipe-nationale@example.org" if levels[0] == "national" else None
    assert [m.to for m in mail.outbox] == [[address or f"equipe-{levels[0]}@example.org"]]
    event = request.events.get(kind=EventKind.REMONTEE)
    assert event.team == expected and event.created_at == _at(21)
    # Once: a month later nothing moves again.
    assert send_reminders(now=_at(60)).escalated == []
    request.refresh_from_db()
    assert request.team == expected


def test_escalation_skips_missing_levels(real_data):
    teams = f.teams_around(f.meaux(), f.meaux_territory(), departement=False, region=False)
    request = f.contact_request(teams["territoire"], created_at=RECEIVED)
    send_reminders(now=_at(22))
    request.refresh_from_db()
    assert request.team == teams["national"]


def test_a_request_never_reminded_is_escalated_without_a_late_reminder(teams):
    request = f.contact_request(teams["territoire"], created_at=RECEIVED)
    report = send_reminders(now=_at(25))
    assert report.escalated == [request.reference] and report.reminded == []
    assert len(mail.outbox) == 1
    assert send_reminders(now=_at(26)).reminded == []


def test_at_the_national_level_the_national_team_is_chased_again(teams):
    request = f.contact_request(teams["national"], created_at=RECEIVED)
    send_reminders(now=_at(21))
    request.refresh_from_db()
    assert request.team == teams["national"] and request.escalated_at == _at(21)
    assert [m.to for m in mail.outbox] == [["equipe-nationale@example.org"]]


def test_escalation_without_any_national_team_creates_the_fallback(real_data):
    region_team = f.team(Level.REGION, f.meaux().region, members=["r@example.org"])
    request = f.contact_request(region_team, created_at=RECEIVED)
    send_reminders(now=_at(21))
    request.refresh_from_db()
    assert request.team.level == Level.NATIONAL


def test_the_command_runs_daily_and_says_what_it_did(teams, shell):
    request = f.contact_request(
        teams["territoire"], created_at=datetime.now(UTC) - timedelta(days=8)
    )
    code, out, err = shell("relances")
    assert code == 0, err
    assert f"1 demande relancée : {request.reference}." in out
    assert "0 demande remontée." in out
    code, out, _ = shell("relances")
    assert "0 demande relancée." in out
