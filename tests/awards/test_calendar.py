from datetime import date, datetime

import pytest
from django.utils import translation

from awards.calendar import (
    CalendarDataMissing,
    CalendarError,
    add_working_days,
    is_working_day,
    working_days_between,
)
from awards.enums import CalendarDayKind
from awards.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar_2027():
    """A made-up 2027 schedule (the real one is published in autumn 2026): New Year's Day off, a Spring
    Festival week off from Mon 02-08 to Fri 02-12 with make-up working days on Sat 02-06 and Sat 02-20."""
    CalendarYear.objects.create(year=2027, source="test schedule")
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=date(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦"),
            CalendarDay(date=date(2027, 2, 6), kind=CalendarDayKind.WORKDAY, name="春节"),
            *[
                CalendarDay(date=date(2027, 2, d), kind=CalendarDayKind.HOLIDAY, name="春节")
                for d in range(8, 13)
            ],
            CalendarDay(date=date(2027, 2, 20), kind=CalendarDayKind.WORKDAY, name="春节"),
        ]
    )


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # DOMAIN example: 1-7 October off, Sat 10-10 a make-up working day.
        pytest.param(date(2026, 9, 28), 5, date(2026, 10, 10), id="national-day-5"),
        pytest.param(date(2026, 9, 28), 10, date(2026, 10, 16), id="national-day-10"),
        # Spring Festival 2026: 02-15 to 02-23 off, Sat 02-14 and Sat 02-28 make-up working days.
        pytest.param(date(2026, 2, 12), 5, date(2026, 2, 26), id="spring-festival-5"),
        pytest.param(date(2026, 2, 12), 7, date(2026, 2, 28), id="spring-festival-7"),
        # Starting on a holiday: the first working day after it counts as 1.
        pytest.param(date(2026, 10, 3), 1, date(2026, 10, 8), id="start-on-holiday"),
    ],
)
def test_add_working_days_2026_schedule(start, n, expected):
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 10, 1), False),
        (date(2026, 10, 10), True),
        (date(2026, 10, 11), False),
        (date(2026, 2, 14), True),
        (date(2026, 2, 23), False),
        (date(2026, 3, 2), True),
    ],
)
def test_is_working_day_2026_schedule(day, expected):
    assert is_working_day(day) is expected


def test_add_working_days_2027_without_schedule_refuses():
    with pytest.raises(CalendarDataMissing) as caught:
        add_working_days(date(2027, 3, 1), 5)
    assert caught.value.year == 2027
    with translation.override("en"):
        assert str(CalendarDataMissing(2027)) == (
            "No holiday schedule is known for 2027: enter that year's holidays and make-up working days in "
            "the working-day calendar first."
        )


def test_is_working_day_2027_without_schedule_refuses():
    with pytest.raises(CalendarDataMissing, match="2027"):
        is_working_day(date(2027, 3, 1))


def test_calendar_data_missing_is_calendar_error():
    assert issubclass(CalendarDataMissing, CalendarError)


def test_add_working_days_2027_incomplete_year_refuses():
    CalendarYear.objects.create(year=2027, source="partly entered", complete=False)
    with pytest.raises(CalendarDataMissing, match="2027"):
        add_working_days(date(2027, 3, 1), 5)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Fri 02-05 (1), Sat 02-06 make-up (2), 02-08..12 off, Mon 02-15 (3), Tue (4), Wed 02-17 (5).
        pytest.param(date(2027, 2, 4), 5, date(2027, 2, 17), id="spring-festival-5"),
        # ... Thu 02-18 (6), Fri 02-19 (7), Sat 02-20 make-up (8).
        pytest.param(date(2027, 2, 4), 8, date(2027, 2, 20), id="spring-festival-8"),
        # No office entries in March: plain Monday to Friday.
        pytest.param(date(2027, 3, 5), 5, date(2027, 3, 12), id="ordinary-week"),
    ],
)
def test_add_working_days_2027_office_schedule(calendar_2027, start, n, expected):
    assert add_working_days(start, n) == expected


def test_is_working_day_2027_office_schedule(calendar_2027):
    assert [is_working_day(date(2027, 2, d)) for d in range(5, 16)] == [
        True, True, False, False, False, False, False, False, False, False, True,
    ]


def test_add_working_days_office_holiday_overrides_2026_schedule():
    assert add_working_days(date(2026, 9, 28), 5) == date(2026, 10, 10)
    CalendarDay.objects.create(date=date(2026, 9, 29), kind=CalendarDayKind.HOLIDAY, name="台风停工")
    assert is_working_day(date(2026, 9, 29)) is False
    # 09-30, 10-08, 10-09, 10-10, then Mon 10-12.
    assert add_working_days(date(2026, 9, 28), 5) == date(2026, 10, 12)


def test_add_working_days_office_workday_overrides_2026_schedule():
    CalendarDay.objects.create(date=date(2026, 10, 11), kind=CalendarDayKind.WORKDAY, name="补班")
    assert is_working_day(date(2026, 10, 11)) is True
    # 10-08, 10-09, 10-10, Sun 10-11, 10-12.
    assert add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 12)


def test_add_working_days_into_2027_without_schedule_refuses():
    # Tue 12-29, Wed 12-30, Thu 12-31, then 2027-01-01, which nobody has entered.
    with pytest.raises(CalendarDataMissing) as caught:
        add_working_days(date(2026, 12, 28), 5)
    assert caught.value.year == 2027


def test_add_working_days_into_2027_with_schedule(calendar_2027):
    # 12-29, 12-30, 12-31, New Year's Day off, weekend, Mon 01-04 (4), Tue 01-05 (5).
    assert add_working_days(date(2026, 12, 28), 5) == date(2027, 1, 5)


def test_add_working_days_within_2026_ignores_missing_2027():
    assert add_working_days(date(2026, 12, 28), 3) == date(2026, 12, 31)


@pytest.mark.parametrize("n", [0, -1, -5])
def test_add_working_days_not_positive_refuses(n):
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(date(2026, 9, 28), n)


def test_add_working_days_too_many_refuses():
    with pytest.raises(ValueError, match="at most 366"):
        add_working_days(date(2026, 1, 5), 367)


def test_add_working_days_datetime_refuses():
    with pytest.raises(TypeError, match="expected a date"):
        add_working_days(datetime(2026, 9, 28, 9, 0), 5)


def test_add_working_days_a_year_of_days():
    # 2025 has 248 working days; the 248th after the last day of 2024 is the last working day of 2025.
    assert add_working_days(date(2024, 12, 31), 248) == date(2025, 12, 31)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 9, 28), date(2026, 10, 10), 5),
        (date(2026, 9, 28), date(2026, 10, 16), 10),
        (date(2026, 9, 30), date(2026, 10, 7), 0),
        (date(2026, 9, 30), date(2026, 10, 8), 1),
        (date(2026, 10, 10), date(2026, 10, 10), 0),
        (date(2026, 10, 16), date(2026, 9, 28), 0),
    ],
)
def test_working_days_between_2026_schedule(start, end, expected):
    assert working_days_between(start, end) == expected


def test_working_days_between_into_2027_without_schedule_refuses():
    with pytest.raises(CalendarDataMissing, match="2027"):
        working_days_between(date(2026, 12, 28), date(2027, 1, 5))


def test_working_days_between_into_2027_with_schedule(calendar_2027):
    assert working_days_between(date(2026, 12, 28), date(2027, 1, 5)) == 5


@pytest.mark.parametrize("n", [5, 60])
def test_add_working_days_query_count_constant_2026(django_assert_num_queries, n):
    CalendarDay.objects.create(date=date(2026, 10, 20), kind=CalendarDayKind.HOLIDAY)
    with django_assert_num_queries(1):
        add_working_days(date(2026, 9, 28), n)


@pytest.mark.parametrize("n", [5, 60])
def test_add_working_days_query_count_constant_2027(django_assert_num_queries, calendar_2027, n):
    with django_assert_num_queries(2):
        add_working_days(date(2027, 1, 4), n)


def test_working_days_between_query_count_constant(django_assert_num_queries, calendar_2027):
    with django_assert_num_queries(2):
        # 248 in 2026; 261 weekdays in 2027, less 6 office holidays, plus 2 make-up days.
        assert working_days_between(date(2026, 1, 1), date(2027, 12, 31)) == 248 + 261 - 6 + 2
