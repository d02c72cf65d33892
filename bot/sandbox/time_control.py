"""The page's clock control: move the bot's clock forward and run whatever fell due at once.

Reminders, stand-ups and the digest are ticker jobs that ask the database what is due; a move walks the clock
forward in steps and ticks after each, as a bot that stayed up would have, so the effect shows while you watch.
Walking matters because missed scheduled work runs only within ``catch_up_within`` (``bot/schedule/catch_up.py``): a
jump from 09:00 straight to 18:00 would otherwise skip the 10:30 stand-up summary as if the bot had been down.
On a weekend or a holiday nothing falls due, which looks like a broken bot; :meth:`TimeControl.day_note`
says why instead.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.runtime.clock import ShiftableClock
from bot.surfaces.i18n import Translator
from bot.tickets.sla import WorkingCalendar
from config.schema import WEEKDAYS, WorkspaceConfig

MAX_ADVANCE = timedelta(days=31)
# A step shorter than the shortest sensible catch-up window (check-config allows 1m, the default is 1h); moves longer
# than STEPPED_SPAN jump to its start at once, since the work of days ago would be past any grace period anyway.
STEP = timedelta(minutes=15)
STEPPED_SPAN = timedelta(days=2)
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

    def __init__(
        self,
        clock: ShiftableClock,
        tz: ZoneInfo,
        run_due_work: Callable[[], Awaitable[None]],
        *,
        workspace: WorkspaceConfig | None = None,
    ) -> None:
        self.clock = clock
        self.tz = tz
        self._run_due_work = run_due_work
        self._workspace = workspace
        self._calendar = WorkingCalendar.from_workspace(workspace, tz) if workspace is not None else None
        # One move at a time: a second click waits, so the first move's due work runs at its own moments, not at
        # the later click's (a 18:00 jump then a 09:30 jump must post the 18:00 digest).
        self._moving = asyncio.Lock()

    async def advance(self, minutes: int) -> datetime:
        delta = timedelta(minutes=minutes)
        if delta <= timedelta(0) or delta > MAX_ADVANCE:
            raise ClockError("move the clock forward by 1 minute to 31 days")
        async with self._moving:
            await self._walk(delta)
            return self.clock.now()

    async def jump_to(self, at: str) -> datetime:
        """Jump to the next ``HH:MM`` in the workspace's time zone."""
        at_time = parse_clock_time(at)
        async with self._moving:
            now = self.clock.now()
            await self._walk(next_occurrence(now, at_time, self.tz) - now)
            return self.clock.now()

    async def _walk(self, delta: timedelta) -> None:
        """Move ``delta`` forward in steps of at most ``STEP``, running the due work after each step."""
        if delta > STEPPED_SPAN:
            self.clock.advance(delta - STEPPED_SPAN)
            delta = STEPPED_SPAN
        while delta > STEP:
            self.clock.advance(STEP)
            delta -= STEP
            await self._run_due_work()
        self.clock.advance(delta)
        await self._run_due_work()

    def day_note(self) -> str | None:
        """On a weekend or holiday (in the workspace's time zone), why no ticket falls overdue; else ``None``."""
        if self._workspace is None or self._calendar is None:
            return None
        today = self.clock.now().astimezone(self.tz).date()
        if self._calendar.is_working_day(today):
            return None
        translator = Translator(self._workspace.language)
        later = (today + timedelta(days=n) for n in range(1, 367))
        resumes = next((day for day in later if self._calendar.is_working_day(day)), None)
        key = "sandbox.clock.holiday" if today in self._calendar.holidays else "sandbox.clock.day_off"
        note = translator.t(key, day=_day(translator, today), next_day=_day(translator, resumes) if resumes else "—")
        standup_today = today not in self._workspace.holidays and any(
            WEEKDAYS[today.weekday()] in standup.days for standup in self._workspace.standups
        )
        return note if standup_today else note + translator.t("sandbox.clock.no_standup")

    def describe(self) -> dict[str, object]:
        now = self.clock.now()
        local = now.astimezone(self.tz)
        return {
            "now": now.isoformat(),
            "local": local.strftime("%a %d %b %H:%M"),
            "tz": str(self.tz),
            "offset_seconds": int(self.clock.offset.total_seconds()),
            "note": self.day_note(),
        }


def _day(translator: Translator, day: date) -> str:
    weekday = translator.t("sandbox.weekdays").split()[day.weekday()]
    return translator.t("sandbox.day", weekday=weekday, date=day.isoformat())
