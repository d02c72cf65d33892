"""Properties of the SLA clock, checked on many generated starts and durations (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.tickets.sla import WorkingCalendar, add_working_time, extend_after_pause, working_time_between

CALENDARS = st.sampled_from(
    [
        WorkingCalendar(
            tz=ZoneInfo("Asia/Shanghai"),
            weekdays=frozenset(range(5)),
            start=(9, 0),
            end=(18, 0),
            holidays=frozenset({date(2026, 10, 1), date(2026, 12, 25)}),
        ),
        # Berlin has daylight saving time: windows move in UTC twice a year.
        WorkingCalendar(
            tz=ZoneInfo("Europe/Berlin"),
            weekdays=frozenset({0, 1, 2, 3, 5}),
            start=(8, 30),
            end=(17, 15),
            holidays=frozenset({date(2026, 3, 30)}),
        ),
    ]
)
MOMENTS = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 1), timezones=st.just(UTC))
DURATIONS = st.integers(min_value=0, max_value=3 * 24 * 3600).map(lambda s: timedelta(seconds=s))
SHORT = st.integers(min_value=0, max_value=23 * 3600).map(lambda s: timedelta(seconds=s))
DAYS = st.integers(min_value=0, max_value=10)


def in_working_time(moment: datetime, calendar: WorkingCalendar) -> bool:
    day = moment.astimezone(calendar.tz).date()
    if not calendar.is_working_day(day):
        return False
    opens, closes = calendar.window(day)
    return opens <= moment <= closes


@settings(max_examples=300, deadline=None)
@given(calendar=CALENDARS, start=MOMENTS, duration=DURATIONS)
def test_never_due_inside_a_closed_period(calendar: WorkingCalendar, start: datetime, duration: timedelta) -> None:
    due = add_working_time(start, duration, calendar)
    assert due >= start
    if duration > timedelta(0):
        assert in_working_time(due, calendar)


@settings(max_examples=300, deadline=None)
@given(calendar=CALENDARS, start=MOMENTS, days=DAYS, first=SHORT, second=SHORT)
def test_monotonic_in_duration(
    calendar: WorkingCalendar, start: datetime, days: int, first: timedelta, second: timedelta
) -> None:
    # Whole days are working days ("1d" is a business day), so compare within each unit.
    low, high = sorted((first, second))
    assert add_working_time(start, timedelta(days=days) + low, calendar) <= add_working_time(
        start, timedelta(days=days) + high, calendar
    )
    assert add_working_time(start, timedelta(days=days) + low, calendar) <= add_working_time(
        start, timedelta(days=days + 1) + low, calendar
    )


@settings(max_examples=300, deadline=None)
@given(calendar=CALENDARS, first=MOMENTS, second=MOMENTS, duration=DURATIONS)
def test_monotonic_in_start(calendar: WorkingCalendar, first: datetime, second: datetime, duration: timedelta) -> None:
    early, late = sorted((first, second))
    assert add_working_time(early, duration, calendar) <= add_working_time(late, duration, calendar)


@settings(max_examples=300, deadline=None)
@given(calendar=CALENDARS, start=MOMENTS, duration=SHORT)
def test_working_time_between_undoes_adding(calendar: WorkingCalendar, start: datetime, duration: timedelta) -> None:
    assert working_time_between(start, add_working_time(start, duration, calendar), calendar) == duration


@settings(max_examples=300, deadline=None)
@given(calendar=CALENDARS, created=MOMENTS, sla=DURATIONS, pause=st.integers(0, 10 * 24 * 3600), when=st.floats(0, 1))
def test_a_pause_keeps_the_remaining_working_time(
    calendar: WorkingCalendar, created: datetime, sla: timedelta, pause: int, when: float
) -> None:
    due = add_working_time(created, sla, calendar)
    paused_at = created + (due - created) * when
    resumed_at = paused_at + timedelta(seconds=pause)
    extended = extend_after_pause(due, paused_at, resumed_at, calendar)
    assert extended is not None and extended >= due
    assert working_time_between(resumed_at, extended, calendar) == working_time_between(paused_at, due, calendar)
