"""The working-day calendar: the only place that decides whether a date is a working day in China.

Sources, strongest first:

1. the office's own entries (`CalendarDay`), which override everything for their date;
2. the State Council schedule bundled in the `chinese_calendar` package, for the years it covers;
3. for any other year, plain Monday-to-Friday, but only once the office has entered that year's schedule and
   marked it complete (`CalendarYear.complete`); without that the calendar refuses rather than guesses.

Every computation loads the office entries for its whole span with one query, and the complete years with at
most one more, whatever the number of days.
"""

from datetime import date, datetime, timedelta

import chinese_calendar
from django.utils.translation import gettext as _

from .enums import CalendarDayKind
from .models import CalendarDay, CalendarYear

# Far beyond any notice period a rulebook sets (their maximum is 60); a larger n is a programming error.
MAX_WORKING_DAYS = 366
# n working days never need more calendar days than this, not even across the longest holidays; past it
# something is wrong with the office's entries and looping on would only hide it.
_SLACK_DAYS = 366


class CalendarError(Exception):
    """The calendar cannot answer."""


class CalendarDataMissing(CalendarError):
    """The answer depends on a year whose holiday schedule nobody has entered."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "No holiday schedule is known for %(year)d: enter that year's holidays and make-up working "
                "days in the working-day calendar first."
            )
            % {"year": year}
        )


def _check_date(day) -> None:
    # A datetime is a date too, but its calendar day depends on the time zone: callers convert first.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a date (in Asia/Shanghai), got {day!r}")


class _Schedule:
    """Office entries for the dates first..last, loaded once, and the years the office has completed."""

    def __init__(self, first: date, last: date):
        self._first, self._last = first, last
        self._entries: dict[date, str] = dict(
            CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "kind")
        )
        self._complete_years: set[int] | None = None

    def _year_complete(self, year: int) -> bool:
        if self._complete_years is None:
            self._complete_years = set(
                CalendarYear.objects.filter(
                    complete=True, year__range=(self._first.year, self._last.year)
                ).values_list("year", flat=True)
            )
        return year in self._complete_years

    def is_working_day(self, day: date) -> bool:
        kind = self._entries.get(day)
        if kind is not None:
            return kind == CalendarDayKind.WORKDAY
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            # The package does not cover this year; the office's schedule must.
            pass
        if not self._year_complete(day.year):
            raise CalendarDataMissing(day.year)
        return day.weekday() < 5


def is_working_day(day: date) -> bool:
    """Whether people work on `day`. Raises CalendarDataMissing for a year nobody has entered."""
    _check_date(day)
    return _Schedule(day, day).is_working_day(day)


def add_working_days(start: date, n: int) -> date:
    """The date on which the n-th working day after `start` falls; `start` itself is never counted.

    A notice of 5 working days published on Monday 2026-09-28 ends on Saturday 2026-10-10 (a make-up working
    day). Raises ValueError for n outside 1..MAX_WORKING_DAYS, CalendarDataMissing when the count runs into a
    year without a known schedule.
    """
    _check_date(start)
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be a whole number of working days, got {n!r}")
    if n < 1:
        raise ValueError(
            f"n must be at least 1 (got {n}): the start day is not counted, so the count of working days "
            "after it begins at 1."
        )
    if n > MAX_WORKING_DAYS:
        raise ValueError(f"n must be at most {MAX_WORKING_DAYS} (got {n}).")
    limit = start + timedelta(days=2 * n + _SLACK_DAYS)
    schedule = _Schedule(start + timedelta(days=1), limit)
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if day > limit:
            raise CalendarError(
                _(
                    "Fewer than %(n)d working days fall between %(start)s and %(limit)s: check the calendar "
                    "entries."
                )
                % {"n": n, "start": start.isoformat(), "limit": limit.isoformat()}
            )
        if schedule.is_working_day(day):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days fall after `start` up to and including `end`; 0 when end <= start.

    For countdowns: on 2026-09-28 a notice ending on 2026-10-10 has 5 working days to run.
    """
    _check_date(start)
    _check_date(end)
    if end <= start:
        return 0
    schedule = _Schedule(start + timedelta(days=1), end)
    return sum(schedule.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))
