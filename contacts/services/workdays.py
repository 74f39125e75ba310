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


def _count_working_days_loop(start: datetime, end: datetime) -> timedelta:
    """The day-by-day reference (kept for the tests): sums each working day's overlap with the interval."""
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            day_start = datetime.combine(day, time.min)
            low, high = max(start, day_start), min(end, day_start + timedelta(days=1))
            if high > low:
                total += high - low
        day += timedelta(days=1)
    return total


class _CumulativeCalendar:
    """``counts[i]`` is the number of working days from ``origin`` (an ordinal) to ``origin + i``
    excluded, so the working days of a span of dates is one subtraction. Built once per process for the
    years asked and widened when a date falls outside (a new tuple replaces the old one in a single
    assignment, so concurrent readers see one or the other, never a half-built table).

    Why: counting day by day made 2.15 million calls for the national dashboard on 50,000 contact
    requests (10.4 s of a 15.4 s page under the profiler); a table of a few decades is ~10,000 entries."""

    def __init__(self) -> None:
        self.table: tuple[int, tuple[int, ...]] = (0, ())

    def _build(self, first_year: int, last_year: int) -> tuple[int, tuple[int, ...]]:
        origin = date(first_year, 1, 1).toordinal()
        counts, running = [0], 0
        for ordinal in range(origin, date(last_year, 12, 31).toordinal() + 1):
            running += is_working_day(date.fromordinal(ordinal))
            counts.append(running)
        return origin, tuple(counts)

    def before(self, day: date) -> tuple[int, tuple[int, ...]]:
        origin, counts = self.table
        ordinal = day.toordinal()
        if not counts or ordinal < origin or ordinal >= origin + len(counts) - 1:
            first = date.fromordinal(origin).year if counts else day.year
            last = date.fromordinal(origin + len(counts) - 2).year if counts else day.year
            # A margin of years on each side so that nearby dates do not rebuild it again.
            first, last = min(first, day.year - 5), max(last, day.year + 5)
            self.table = self._build(max(first, 1), min(last, 9999))
        return self.table

    def between(self, first: date, last: date) -> int:
        """Working days in [first, last) (dates)."""
        if last <= first:
            return 0
        self.before(first)
        origin, counts = self.before(last - timedelta(days=1))
        return counts[last.toordinal() - origin] - counts[first.toordinal() - origin]


_CALENDAR = _CumulativeCalendar()


def working_days_between(start: datetime, end: datetime) -> float:
    """The working time from ``start`` to ``end``, in days: each working day counts its 24 hours (Paris
    wall clock, so a day of a clock change still counts one), weekends and holidays count nothing.

    Friday 18:00 -> Monday 09:00 is 0.625: 6 h on Friday and 9 h on Monday.

    The whole days in between come from a cumulative table (one subtraction); the two partial days
    are added as timedeltas, so the sum is exact and equal to the day-by-day count."""
    if end <= start:
        return 0.0
    start, end = _paris_wall_clock(start), _paris_wall_clock(end)
    first, last = start.date(), end.date()
    if first == last:
        total = end - start if is_working_day(first) else timedelta()
        return total.total_seconds() / 86400
    total = timedelta()
    if is_working_day(first):
        total += datetime.combine(first + timedelta(days=1), time.min) - start
    if is_working_day(last):
        total += end - datetime.combine(last, time.min)
    total += timedelta(days=_CALENDAR.between(first + timedelta(days=1), last))
    return total.total_seconds() / 86400
