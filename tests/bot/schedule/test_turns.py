"""The tick grid every replica cuts time on: the same tick for the same moment, whatever process asks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.schedule.turns import Turns


def test_moments_in_one_tick_share_its_start_and_the_grid_is_the_same_for_every_process() -> None:
    start = datetime(2026, 11, 30, 2, 0, 15, tzinfo=UTC)
    one, other = Turns(15, "a"), Turns(15, "b")
    for offset in (0.0, 0.001, 7.5, 14.999):
        moment = start + timedelta(seconds=offset)
        assert one.start_of(moment) == other.start_of(moment) == start
    assert one.start_of(start + timedelta(seconds=15)) == start + timedelta(seconds=15)
    assert one.start_of(start - timedelta(microseconds=1)) == start - timedelta(seconds=15)
    assert Turns(60, "c").start_of(start) == datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
