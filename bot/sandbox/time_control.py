"""The page's clock control: move the bot's clock forward and run whatever fell due at once.

Reminders, stand-ups and the digest are ticker jobs that ask the database what is due; after a jump the sandbox
ticks immediately instead of waiting up to a tick interval, so the effect shows while you watch.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import ShiftableClock

MAX_ADVANCE = timedelta(days=31)
_CLOCK_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ClockError(ValueError):
    """A clock move the control refuses, with a message for the page."""


def next_occurrence(now: datetime, at: time, tz: ZoneInfo) -> datetime:
    """The first moment after ``now`` when the wall clock in ``tz`` shows ``at`` (today or tomorrow)."""
    local = now.astimezone(tz)
    candidate = datetime.combine(local.date(), at, tzinfo=tz)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=tz)
    return candidate


def parse_clock_time(text: str) -> time:
    match = _CLOCK_TIME.match(text.strip())
    if match is None:
        raise ClockError(f"write the time as HH:MM on a 24-hour clock, e.g. 09:30 (got {text!r})")
    return time(int(match.group(1)), int(match.group(2)))


class TimeControl:
    """Moves a ``ShiftableClock`` forward in the workspace's time zone, then runs the due work."""

    def __init__(self, clock: ShiftableClock, tz: ZoneInfo, run_due_work: Callable[[], Awaitable[None]]) -> None:
        self.clock = clock
        self.tz = tz
        self._run_due_work = run_due_work

    async def advance(self, minutes: int) -> datetime:
        delta = timedelta(minutes=minutes)
        if delta <= timedelta(0) or delta > MAX_ADVANCE:
            raise ClockError("move the clock forward by 1 minute to 31 days")
        self.clock.advance(delta)
        await self._run_due_work()
        return self.clock.now()

    async def jump_to(self, at: str) -> datetime:
        """Jump to the next ``HH:MM`` in the workspace's time zone."""
        self.clock.set(next_occurrence(self.clock.now(), parse_clock_time(at), self.tz))
        await self._run_due_work()
        return self.clock.now()

    def describe(self) -> dict[str, object]:
        now = self.clock.now()
        local = now.astimezone(self.tz)
        return {
            "now": now.isoformat(),
            "local": local.strftime("%a %d %b %H:%M"),
            "tz": str(self.tz),
            "offset_seconds": int(self.clock.offset.total_seconds()),
        }
