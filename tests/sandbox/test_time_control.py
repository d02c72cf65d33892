"""The clock control: a shiftable clock that only moves forward, and jumps to the next wall-clock time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.runtime.clock import ShiftableClock
from bot.sandbox.time_control import ClockError, TimeControl, next_occurrence, parse_clock_time
from bot.schedule.ticker import Ticker
from config.schema import WorkspaceConfig

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_shiftable_clock_runs_with_real_time_plus_an_offset_that_only_grows() -> None:
    clock = ShiftableClock()
    before = datetime.now(UTC)
    moved = clock.advance(timedelta(hours=2))
    assert moved - before >= timedelta(hours=2) and clock.offset == timedelta(hours=2)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="forward"):
        clock.set(datetime.now(UTC))
    assert clock.offset == timedelta(hours=2)


@pytest.mark.parametrize(
    ("local_now", "at", "expected"),
    [
        (datetime(2026, 11, 30, 8, 0), time(9, 30), datetime(2026, 11, 30, 9, 30)),
        (datetime(2026, 11, 30, 9, 30), time(9, 30), datetime(2026, 12, 1, 9, 30)),
        (datetime(2026, 11, 30, 20, 0), time(18, 0), datetime(2026, 12, 1, 18, 0)),
    ],
)
def test_next_occurrence_is_today_or_tomorrow_in_the_workspace_time_zone(
    local_now: datetime, at: time, expected: datetime
) -> None:
    now = local_now.replace(tzinfo=SHANGHAI).astimezone(UTC)
    assert next_occurrence(now, at, SHANGHAI) == expected.replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize("text", ["25:00", "9:3", "noon", "", "09:60"])
def test_a_time_of_day_must_be_hh_mm(text: str) -> None:
    with pytest.raises(ClockError, match="HH:MM"):
        parse_clock_time(text)


@pytest.mark.asyncio
async def test_each_move_runs_the_due_work_once_and_bad_moves_change_nothing() -> None:
    runs: list[datetime] = []
    clock = ShiftableClock()

    async def due_work() -> None:
        runs.append(clock.now())

    control = TimeControl(clock, SHANGHAI, due_work)
    await control.jump_to("18:00")
    assert clock.now().astimezone(SHANGHAI).strftime("%H:%M") == "18:00"
    assert clock.now() - runs[-1] < timedelta(seconds=1)
    offset, count = clock.offset, len(runs)
    for minutes in (0, -5, 60 * 24 * 40):
        with pytest.raises(ClockError):
            await control.advance(minutes)
    assert clock.offset == offset and len(runs) == count
    await control.advance(10)
    assert clock.offset == offset + timedelta(minutes=10) and len(runs) == count + 1


@pytest.mark.asyncio
async def test_a_long_move_ticks_along_the_way_so_no_scheduled_work_is_skipped() -> None:
    """A jump from 08:00 to 18:00 ticks at most 15 minutes apart, as a bot that stayed up would (missed stand-ups and
    digests run only within catch_up_within); a month's move steps only through its last two days."""
    clock = ShiftableClock()  # real time plus an offset, so the moments below are compared within a second
    monday_8 = next_occurrence(clock.now() + timedelta(days=7), time(8, 0), SHANGHAI)
    clock.set(monday_8)
    runs: list[datetime] = []

    async def due_work() -> None:
        runs.append(clock.now())

    control = TimeControl(clock, SHANGHAI, due_work)
    await control.jump_to("18:00")
    assert abs(runs[-1] - (monday_8 + timedelta(hours=10))) < timedelta(seconds=1)
    gaps = [later - earlier for earlier, later in zip([monday_8, *runs], runs, strict=False)]
    assert max(gaps) <= timedelta(minutes=15, seconds=1) and len(runs) == 40
    runs.clear()
    await control.advance(60 * 24 * 30)
    assert runs[0] >= clock.now() - timedelta(days=2, seconds=1) and len(runs) <= 2 * 24 * 4 + 1
    assert clock.now() - runs[-1] < timedelta(seconds=1)


@pytest.mark.asyncio
async def test_stopping_waits_for_the_tick_in_flight() -> None:
    """The sandbox stops the ticker before the database closes; a tick already running must finish first."""
    release = asyncio.Event()
    finished: list[str] = []

    async def slow_job() -> None:
        await release.wait()
        finished.append("job")

    ticker = Ticker({"slow": slow_job})
    tick = asyncio.create_task(ticker.tick())
    await asyncio.sleep(0)
    waiting = asyncio.create_task(ticker.wait_idle())
    await asyncio.sleep(0)
    assert not waiting.done()
    release.set()
    await waiting
    assert finished == ["job"]
    await tick


def _next(weekday: int, clock: ShiftableClock, at: time = time(10, 0)) -> datetime:
    """The next ``weekday`` (0 = Monday) at ``at`` in Shanghai, after the clock's now (it only moves forward)."""
    today = clock.now().astimezone(SHANGHAI).date()
    return datetime.combine(today + timedelta(days=(weekday - today.weekday()) % 7 or 7), at, tzinfo=SHANGHAI)


async def _nothing() -> None:
    return None


def test_a_day_without_work_is_explained_and_a_working_day_needs_no_note(workspace: WorkspaceConfig) -> None:
    clock = ShiftableClock()
    control = TimeControl(clock, SHANGHAI, _nothing, workspace=workspace)
    clock.set(_next(4, clock))  # Friday
    assert control.day_note() is None and control.describe()["note"] is None
    clock.set(_next(5, clock))  # Saturday
    monday = _next(0, clock).date()
    saturday = monday - timedelta(days=2)
    assert control.day_note() == (
        f"Sat {saturday} is not a working day: SLA clocks stand still until Mon {monday}, "
        "so no ticket falls overdue and nobody is reminded. No stand-up today."
    )
    assert control.describe()["note"] == control.day_note()


def test_a_holiday_is_named_in_the_workspaces_language_and_a_weekend_stand_up_is_not_denied(
    workspace: WorkspaceConfig,
) -> None:
    clock = ShiftableClock()
    wednesday = _next(2, clock).date()
    thursday, friday = wednesday + timedelta(days=1), wednesday + timedelta(days=2)
    chinese = workspace.model_copy(update={"language": "zh", "holidays": [thursday, friday]})
    control = TimeControl(clock, SHANGHAI, _nothing, workspace=chinese)
    clock.set(datetime.combine(thursday, time(9, 30), tzinfo=SHANGHAI))
    monday = thursday + timedelta(days=4)
    assert control.day_note() == (
        f"{thursday}（周四）是工作区文件里的假日：SLA 计时暂停到 {monday}（周一），"
        "不会有工单逾期，也不会发提醒。今天没有站会。"
    )
    weekend_standup = workspace.standups[0].model_copy(update={"days": ["sat"]})
    with_standup = workspace.model_copy(update={"standups": [weekend_standup]})
    clock.set(_next(5, clock))
    note = TimeControl(clock, SHANGHAI, _nothing, workspace=with_standup).day_note()
    assert note is not None and note.endswith("nobody is reminded.")


@pytest.mark.asyncio
async def test_two_moves_at_once_run_one_after_the_other() -> None:
    """Two clicks in quick succession: the first move's due work runs at its own moments, never at the second's."""
    clock = ShiftableClock()
    start = next_occurrence(clock.now() + timedelta(days=7), time(17, 0), SHANGHAI)
    clock.set(start)
    seen: list[datetime] = []

    async def slow_due_work() -> None:
        seen.append(clock.now())
        await asyncio.sleep(0)  # another request gets its turn here, as on the page

    control = TimeControl(clock, SHANGHAI, slow_due_work)
    await asyncio.gather(control.jump_to("18:00"), control.jump_to("09:30"))
    eighteen = [moment for moment in seen if abs(moment - (start + timedelta(hours=1))) < timedelta(seconds=1)]
    assert eighteen, "the 18:00 move ran its due work at 18:00"
    assert seen == sorted(seen) and clock.now().astimezone(SHANGHAI).strftime("%H:%M") == "09:30"
