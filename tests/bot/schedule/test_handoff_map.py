"""The hand-off map's numbers on the hand-computed week of ``tests/support/handoff_fixture.py`` (working time across a
weekend and a holiday, paused time left out, an urgent consult's shorter clock), on SQLite and PostgreSQL; and the
pure computation on its own."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.schedule.handoff_map import answer_of, build_map
from bot.schedule.handoff_source import HandoffSource, digest_window
from config.schema import WorkspaceConfig
from storage import handoff_map as handoff_rows
from storage.database import Database
from storage.handoff_map import ConsultTimeline
from tests.support import handoff_fixture as week
from tests.support.handoff_fixture import at, hours


async def test_the_window_is_the_digests_week(workspace: WorkspaceConfig) -> None:
    assert digest_window(week.NOW, workspace) == (week.WINDOW_START, week.WINDOW_END)


async def test_each_pair_has_its_hand_computed_numbers(db: Database, workspace: WorkspaceConfig) -> None:
    await week.seed(db, workspace)
    found = await HandoffSource(db, workspace).between(week.WINDOW_START, week.WINDOW_END)

    shown = {
        (p.asking, p.answering): week.Expected(p.asked, p.answered, p.within_sla, p.median_hours, p.bounces)
        for p in found.pairs
    }
    assert shown == week.EXPECTED_PAIRS
    totals = found.totals
    assert (
        week.Expected(totals.asked, totals.answered, totals.within_sla, totals.median_hours, totals.bounces)
        == week.EXPECTED_TOTALS
    )
    assert found.departments == ("SUP", "ENG", "SALES")  # the workspace's order
    assert [(p.asking, p.answering) for p in found.pairs] == [("SUP", "ENG"), ("ENG", "SUP"), ("ENG", "SALES")]
    slowest = found.slowest
    assert slowest is not None and (slowest.asking, slowest.answering) == ("SUP", "ENG")
    assert slowest.within_sla_ratio == pytest.approx(2 / 3)
    assert found.name("SUP") == "Customer Support 客户支持" and not found.is_empty


async def test_every_consult_is_timed_on_its_own_sla_clock(db: Database, workspace: WorkspaceConfig) -> None:
    await week.seed(db, workspace)
    async with db.read() as session:
        consults = await handoff_rows.consults_between(session, week.WINDOW_START, week.WINDOW_END)
    assert sorted(c.key for c in consults) == ["ENG-1", "ENG-2", "ENG-3", "ENG-4", "SALES-1", "SALES-2"]
    timed = {c.key: answer_of(c, workspace) for c in consults}
    assert {key: hours(answer.took) for key, answer in timed.items() if answer} == {
        **week.EXPECTED_HOURS,
        "ENG-4": 10.0,  # answered after the window: asked on the holiday, so from Fri 09:00: Fri 9h + Mon 1h
    }
    assert {key: answer.on_time for key, answer in timed.items() if answer} == {
        "ENG-1": False,
        "ENG-2": True,
        "ENG-3": True,
        "ENG-4": False,
        "SALES-1": True,
        "SALES-2": False,
    }


async def test_an_empty_window_is_an_empty_map(db: Database, workspace: WorkspaceConfig) -> None:
    await week.seed(db, workspace)
    later = week.WINDOW_END + timedelta(days=30)
    found = await HandoffSource(db, workspace).between(later, later + timedelta(days=7))
    assert found.is_empty and found.pairs == () and found.slowest is None and found.departments == ()


async def test_metrics_count_since_the_beginning_and_time_the_digest_window(
    db: Database, workspace: WorkspaceConfig
) -> None:
    await week.seed(db, workspace)
    figures = await HandoffSource(db, workspace).for_metrics(week.NOW)
    assert figures.asked == week.ALL_TIME_ASKED
    assert figures.answered == week.ALL_TIME_ANSWERED
    assert figures.bounces == week.ALL_TIME_BOUNCES
    assert figures.answer_seconds == {("SUP", "ENG"): 7 * 3600, ("ENG", "SALES"): 4 * 3600}
    assert figures.within_sla_ratio == {("SUP", "ENG"): pytest.approx(2 / 3), ("ENG", "SALES"): 0.5}


# ---------------------------------------------------------------------------------------------- pure computation


def timeline(*events: tuple[int, int, int, str], asked: tuple[int, int, int], tz: str | None = None) -> ConsultTimeline:
    """A consult SUP asked ENG on 2026 ``asked`` (month, day, hour) with ``events`` (month, day, hour, action)."""
    return ConsultTimeline(
        consult_id=1,
        key="ENG-1",
        asking="SUP",
        answering="ENG",
        priority="normal",
        owner_tz=tz,
        asked_at=at(*asked),
        events=tuple((at(m, d, h), action) for m, d, h, action in events),
    )


def test_a_consult_answered_within_one_working_day_is_on_time(workspace: WorkspaceConfig) -> None:
    # Friday 10:00 to Monday 10:00: 8 + 1 = 9 working hours, exactly the day sla.consult allows.
    answer = answer_of(timeline((10, 5, 10, "answered"), asked=(10, 2, 10)), workspace)
    assert answer is not None and answer.took == timedelta(hours=9) and answer.on_time
    late = answer_of(timeline((10, 5, 11, "answered"), asked=(10, 2, 10)), workspace)
    assert late is not None and late.took == timedelta(hours=10) and not late.on_time


def test_the_owners_own_time_zone_sets_the_working_hours(workspace: WorkspaceConfig) -> None:
    # Asked 10:00 Shanghai, answered 20:00 Shanghai: 8 working hours there (10–18); in London (UTC+1 in October)
    # it was asked at 03:00 and answered at 13:00, so 4 working hours (9–13).
    consult = timeline((10, 2, 20, "answered"), asked=(10, 2, 10))
    assert answer_of(consult, workspace).took == timedelta(hours=8)  # type: ignore[union-attr]
    london = timeline((10, 2, 20, "answered"), asked=(10, 2, 10), tz="Europe/London")
    assert answer_of(london, workspace).took == timedelta(hours=4)  # type: ignore[union-attr]


def test_an_unanswered_consult_has_no_answer_and_a_pause_ends_at_the_answer(workspace: WorkspaceConfig) -> None:
    assert answer_of(timeline((10, 2, 11, "paused"), asked=(10, 2, 10)), workspace) is None
    paused = timeline((10, 2, 11, "paused"), (10, 2, 15, "answered"), asked=(10, 2, 10))
    assert answer_of(paused, workspace).took == timedelta(hours=1)  # type: ignore[union-attr]


def test_the_map_of_nothing_and_bounces_within_one_department(workspace: WorkspaceConfig) -> None:
    empty = build_map([], {("SUP", "SUP"): 3}, workspace, week.WINDOW_START, week.WINDOW_END)
    assert empty.is_empty and empty.totals.within_sla_ratio is None and empty.totals.median_answer is None
