"""Working days (French public holidays) and response-time figures equal to a direct computation."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contacts.services import response_times, workdays
from contacts.services.workdays import (
    easter_sunday,
    is_working_day,
    public_holidays,
    working_days_between,
)
from contacts.tests import factories_requests as f
from geo.models import Commune

PARIS = ZoneInfo("Europe/Paris")

# Published calendars (service-public.fr), not computed: the function is checked against them.
EASTER = {
    2019: date(2019, 4, 21),
    2024: date(2024, 3, 31),
    2025: date(2025, 4, 20),
    2026: date(2026, 4, 5),
    2027: date(2027, 3, 28),
    2038: date(2038, 4, 25),
    2285: date(2285, 3, 22),  # the earliest possible date
}
HOLIDAYS_2026 = {
    date(2026, 1, 1),
    date(2026, 4, 6),  # lundi de Pâques
    date(2026, 5, 1),
    date(2026, 5, 8),
    date(2026, 5, 14),  # Ascension
    date(2026, 5, 25),  # lundi de Pentecôte
    date(2026, 7, 14),
    date(2026, 8, 15),
    date(2026, 11, 1),
    date(2026, 11, 11),
    date(2026, 12, 25),
}


@pytest.mark.parametrize(("year", "expected"), sorted(EASTER.items()))
def test_easter(year, expected):
    assert easter_sunday(year) == expected


def test_the_eleven_holidays_of_2026():
    assert public_holidays(2026) == HOLIDAYS_2026
    assert not is_working_day(date(2026, 5, 14))  # a Thursday off
    assert is_working_day(date(2026, 5, 15))
    assert not is_working_day(date(2026, 5, 16))  # Saturday


def _paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (_paris(2026, 3, 2, 9), _paris(2026, 3, 2, 21), 0.5),
        (_paris(2026, 3, 6, 18), _paris(2026, 3, 9, 9), 0.625),  # Friday evening to Monday
        (_paris(2026, 5, 13, 12), _paris(2026, 5, 15, 12), 1.0),  # over Ascension
        (_paris(2026, 5, 7, 0), _paris(2026, 5, 12, 0), 2.0),  # 8 May (Fri), weekend
        (_paris(2026, 3, 27, 0), _paris(2026, 3, 31, 0), 2.0),  # clock change on Sunday 29
        (_paris(2026, 3, 2, 9), _paris(2026, 3, 2, 9), 0.0),
    ],
)
def test_working_days_between(start, end, days):
    assert working_days_between(start, end) == pytest.approx(days)


# --- Figures on generated data ---------------------------------------------------------------------


def _direct_working_hours(start: datetime, end: datetime) -> int:
    """Hour by hour on the Paris wall clock, against the published 2026 calendar."""
    moment = start.astimezone(PARIS).replace(tzinfo=None)
    last = end.astimezone(PARIS).replace(tzinfo=None)
    hours = 0
    while moment < last:
        if moment.weekday() < 5 and moment.date() not in HOLIDAYS_2026:
            hours += 1
        moment += timedelta(hours=1)
    return hours


def _direct_median(values: list[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@pytest.mark.django_db
def test_published_figures_equal_a_direct_computation(real_data, client):
    rng = random.Random(12)
    now = _paris(2026, 11, 30, 12)
    national = f.team("national", None, members=["n@example.org"])
    communes = {
        code: Commune.objects.get(code=code) for code in ("77284", "77288", "13055", "97411")
    }
    expected: dict[str, list] = {}
    for number in range(120):
        code = rng.choice(list(communes))
        created = _paris(2026, 1, 2, 0) + timedelta(hours=rng.randrange(0, 330 * 24))
        answered = None
        if rng.random() < 0.8:
            answered = created + timedelta(hours=rng.randrange(1, 20 * 24))
            if answered > now:
                answered = None
        f.contact_request(
            national,
            communes[code],
            created_at=created,
            first_answered_at=answered,
            reference=f"DC-GEN-{number:04d}",
        )
        departement = communes[code].departement_id
        hours = _direct_working_hours(created, answered or now)
        if answered is not None:
            expected.setdefault(departement, []).append(("answered", hours))
        elif hours > 5 * 24:
            expected.setdefault(departement, []).append(("late", hours))

    def direct(rows):
        answered = [hours / 24 for kind, hours in rows if kind == "answered"]
        within = sum(1 for kind, hours in rows if kind == "answered" and hours <= 5 * 24)
        return len(rows), within, _direct_median(answered)

    country, departements = response_times.public_figures(now=now)
    everything = [row for rows in expected.values() for row in rows]
    assert (country.counted, country.within_target) == direct(everything)[:2]
    assert country.median_days == pytest.approx(direct(everything)[2])
    assert {d.code for d in departements} == set(expected)
    for figures in departements:
        counted, within, median = direct(expected[figures.code])
        assert (figures.counted, figures.within_target) == (counted, within)
        assert figures.median_days == pytest.approx(median)
    assert 0 < country.within_target < country.counted  # the data exercise both outcomes

    page = client.get("/contact/delais/").content.decode()
    assert "Seine-et-Marne (77)" in page and "La Réunion (974)" in page


@pytest.mark.django_db
def test_pending_requests_are_not_counted_yet(real_data):
    national = f.team("national", None)
    now = _paris(2026, 3, 10, 12)
    f.contact_request(national, created_at=_paris(2026, 3, 9, 12))  # 1 working day: pending
    f.contact_request(national, created_at=_paris(2026, 3, 1, 12))  # 6.5 working days: late
    figures = response_times.team_figures(national, now=now)
    assert (figures.counted, figures.within_target, figures.median_days) == (1, 0, None)
    assert figures.share_percent == 0


@pytest.mark.django_db
def test_each_team_sees_its_figures_on_its_inbox(real_data, client):
    from django.utils import timezone

    team = f.team(
        "departement", Commune.objects.get(code="77284").departement, members=["d@example.org"]
    )
    other = f.team("national", None, members=["n@example.org"])
    now = timezone.now()
    # Answered 1 hour after receipt, 40 days ago: within 5 working days whatever the calendar.
    f.contact_request(
        team,
        created_at=now - timedelta(days=40),
        first_answered_at=now - timedelta(days=40) + timedelta(hours=1),
    )
    # Received 30 days ago, never answered: late.
    f.contact_request(team, created_at=now - timedelta(days=30))
    f.contact_request(other, created_at=now - timedelta(days=30))
    client.force_login(f.user("d@example.org"))
    page = client.get("/contacts/demandes/").content.decode()
    assert "Délais de réponse de l'équipe" in page
    assert "50 % (1 sur 2)" in page
    assert str(other) not in page


# The cumulative table must give exactly the day-by-day count (kept in workdays as the reference).
_MOMENTS = st.datetimes(
    min_value=datetime(2018, 12, 20), max_value=datetime(2028, 1, 10), timezones=st.just(PARIS)
)


def _reference(start, end):
    if end <= start:
        return 0.0
    wall = workdays._paris_wall_clock
    return workdays._count_working_days_loop(wall(start), wall(end)).total_seconds() / 86400


@settings(max_examples=400, deadline=None, derandomize=True)
@given(start=_MOMENTS, length=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60)))
def test_cumulative_working_days_equal_day_by_day(start, length):
    end = start + length
    assert working_days_between(start, end) == _reference(start, end)
    assert working_days_between(end, start) == _reference(end, start)


@pytest.mark.parametrize(
    "start,end",
    [
        (datetime(2026, 5, 1, 10, tzinfo=PARIS), datetime(2026, 5, 1, 12, tzinfo=PARIS)),  # holiday
        (datetime(2026, 5, 2, 10, tzinfo=PARIS), datetime(2026, 5, 4, 0, tzinfo=PARIS)),  # weekend
        (
            datetime(2026, 5, 4, 23, tzinfo=PARIS),
            datetime(2026, 5, 5, 1, tzinfo=PARIS),
        ),  # overnight
        (datetime(2026, 3, 28, 12, tzinfo=PARIS), datetime(2026, 3, 30, 12, tzinfo=PARIS)),  # DST
        (
            datetime(2026, 12, 24, 9, tzinfo=PARIS),
            datetime(2027, 1, 4, 9, tzinfo=PARIS),
        ),  # year end
        (datetime(1990, 1, 2, 9, tzinfo=PARIS), datetime(2060, 6, 1, 9, tzinfo=PARIS)),  # widening
    ],
)
def test_cumulative_working_days_edges(start, end):
    assert working_days_between(start, end) == _reference(start, end)
