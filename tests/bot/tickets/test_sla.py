from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.tickets.sla import WorkingCalendar, add_working_time, due_times
from config.schema import WorkspaceConfig

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkingCalendar(
    tz=SHANGHAI, weekdays=frozenset(range(5)), start=(9, 0), end=(18, 0), holidays=frozenset({date(2026, 10, 1)})
)


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)  # type: ignore[misc]


def test_inside_working_hours_is_plain_addition() -> None:
    assert add_working_time(local(2026, 11, 30, 10, 0), timedelta(hours=4), CALENDAR) == local(2026, 11, 30, 14, 0)


def test_overflow_continues_next_working_morning() -> None:
    # Monday 17:00 + 4h → 1h on Monday, 3h on Tuesday from 09:00.
    assert add_working_time(local(2026, 11, 30, 17, 0), timedelta(hours=4), CALENDAR) == local(2026, 12, 1, 12, 0)


def test_weekend_and_night_are_skipped() -> None:
    # Friday 20:00 + 15m → Monday 09:15.
    assert add_working_time(local(2026, 11, 27, 20, 0), timedelta(minutes=15), CALENDAR) == local(2026, 11, 30, 9, 15)


def test_holidays_are_skipped() -> None:
    # Wednesday 30 Sep 17:30 + 1h → 30m that day, then Thursday 1 Oct is a holiday → Friday 09:30.
    assert add_working_time(local(2026, 9, 30, 17, 30), timedelta(hours=1), CALENDAR) == local(2026, 10, 2, 9, 30)


def test_a_day_of_sla_is_one_working_day() -> None:
    # Monday 10:00 + 1d → Tuesday 10:00; + 3d → Thursday 10:00; Friday + 1d → Monday.
    assert add_working_time(local(2026, 11, 30, 10, 0), timedelta(days=1), CALENDAR) == local(2026, 12, 1, 10, 0)
    assert add_working_time(local(2026, 11, 30, 10, 0), timedelta(days=3), CALENDAR) == local(2026, 12, 3, 10, 0)
    assert add_working_time(local(2026, 11, 27, 15, 0), timedelta(days=1), CALENDAR) == local(2026, 11, 30, 15, 0)


def test_due_times_follow_priority(workspace: WorkspaceConfig) -> None:
    created = local(2026, 11, 30, 10, 0).astimezone(UTC)
    ack, resolve = due_times(created, "urgent", workspace)
    assert ack == local(2026, 11, 30, 10, 15)
    assert resolve == local(2026, 11, 30, 14, 0)


def test_calendar_without_working_days_fails_fast() -> None:
    empty = WorkingCalendar(tz=SHANGHAI, weekdays=frozenset(), start=(9, 0), end=(18, 0), holidays=frozenset())
    with pytest.raises(ValueError, match="no working time"):
        add_working_time(local(2026, 11, 30, 9, 0), timedelta(hours=1), empty)


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_working_time(datetime(2026, 11, 30, 9, 0), timedelta(hours=1), CALENDAR)


def test_second_long_slas_for_watching_a_deployment_in_real_time() -> None:
    from config.loader import parse_workspace

    workspace = parse_workspace(
        "triage_department: SUP\ndepartments: [{key: SUP, name: S, owners: [U0A]}]\n"
        "timezone: Asia/Shanghai\nsla: {urgent: {acknowledge: 3s, resolve: 10s}}\n"
    )
    created = local(2026, 11, 30, 10, 0).astimezone(UTC)
    assert due_times(created, "urgent", workspace) == (created + timedelta(seconds=3), created + timedelta(seconds=10))


def test_a_consult_runs_on_sla_consult_and_a_priority_only_shortens_it(workspace: WorkspaceConfig) -> None:
    from bot.tickets.sla import sla_target

    consult = workspace.sla.consult
    assert (consult.acknowledge, consult.resolve) == (timedelta(hours=1), timedelta(days=1))
    for priority in ("normal", "low", "high"):  # each phase: the shorter of sla.consult and the priority's own
        target = sla_target(workspace, priority, "consult")
        assert (target.acknowledge, target.resolve) == (timedelta(hours=1), timedelta(days=1))
    urgent = sla_target(workspace, "urgent", "consult")
    assert (urgent.acknowledge, urgent.resolve) == (timedelta(minutes=15), timedelta(hours=4))
    assert sla_target(workspace, "low", "ticket") == workspace.sla.low  # a ticket keeps its priority's
    monday_ten = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    assert due_times(monday_ten, "normal", workspace, kind="consult") == (
        datetime(2026, 11, 30, 3, 0, tzinfo=UTC),  # 11:00
        datetime(2026, 12, 1, 2, 0, tzinfo=UTC),  # 10:00 the next working day
    )
