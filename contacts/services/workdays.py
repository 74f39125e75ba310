"""French working days: weekends and the eleven national public holidays (jours fériés) are not worked.

The holidays of the whole country (Code du travail, art. L3133-1): 1 January, Easter Monday, 1 May,
8 May, Ascension Thursday, Whit Monday, 14 July, 15 August, 1 November, 11 November, 25 December.
The local ones (Good Friday and 26 December in Alsace-Moselle, the abolition of slavery overseas)
are left out: one calendar for every team keeps the published figures comparable.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
# Days after Easter Sunday: Easter Monday, Ascension, Whit Monday (lundi de Pentecôte).
EASTER_OFFSETS = (1, 39, 50)


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous "Meeus/Jones/Butcher" computus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=256)
def public_holidays(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    return frozenset(
        {date(year, month, day) for month, day in FIXED_HOLIDAYS}
        | {easter + timedelta(days=offset) for offset in EASTER_OFFSETS}
    )


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def _paris_wall_clock(moment: datetime) -> datetime:
    return moment.astimezone(PARIS).replace(tzinfo=None)


def working_days_between(start: datetime, end: datetime) -> float:
    """The working time from ``start`` to ``end``, in days: each working day counts its 24 hours (Paris
    wall clock, so a day of a clock change still counts one), weekends and holidays count nothing.

    Friday 18:00 -> Monday 09:00 is 0.625: 6 h on Friday and 9 h on Monday."""
    if end <= start:
        return 0.0
    start, end = _paris_wall_clock(start), _paris_wall_clock(end)
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            day_start = datetime.combine(day, time.min)
            low, high = max(start, day_start), min(end, day_start + timedelta(days=1))
            if high > low:
                total += high - low
        day += timedelta(days=1)
    return total.total_seconds() / 86400
