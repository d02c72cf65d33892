"""SLA due times, counted in working time: only inside working hours, never on holidays.

Pure functions of (start, duration, calendar), so the SLA clock is testable without a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel.ext.asyncio.session import AsyncSession

from config.schema import WEEKDAYS, SlaTarget, WorkspaceConfig
from storage import directory
from storage.consults import CONSULT, TICKET

# Far enough for a 7-day SLA over a long holiday season; a calendar with no working day at all fails fast.
_MAX_DAYS_SCANNED = 3 * 366


@dataclass(frozen=True)
class WorkingCalendar:
    """When the SLA clock runs."""

    tz: ZoneInfo
    weekdays: frozenset[int]  # 0 = Monday
    start: tuple[int, int]
    end: tuple[int, int]
    holidays: frozenset[date]

    @classmethod
    def from_workspace(cls, workspace: WorkspaceConfig, tz: ZoneInfo | None = None) -> WorkingCalendar:
        hours = workspace.working_hours
        return cls(
            tz=tz or workspace.tz,
            weekdays=frozenset(WEEKDAYS.index(day) for day in hours.days),
            start=(hours.start.hour, hours.start.minute),
            end=(hours.end.hour, hours.end.minute),
            holidays=frozenset(workspace.holidays),
        )

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The working window of ``day`` in UTC (local wall-clock times, so DST shifts are honoured)."""
        opens = datetime(day.year, day.month, day.day, *self.start, tzinfo=self.tz).astimezone(UTC)
        closes = datetime(day.year, day.month, day.day, *self.end, tzinfo=self.tz).astimezone(UTC)
        return opens, closes

    @property
    def working_day(self) -> timedelta:
        return timedelta(hours=self.end[0] - self.start[0], minutes=self.end[1] - self.start[1])

    def working_span(self, duration: timedelta) -> timedelta:
        """How much working time an SLA duration stands for: whole days are working days."""
        return duration.days * self.working_day + timedelta(seconds=duration.seconds)


def add_working_time(start: datetime, duration: timedelta, calendar: WorkingCalendar) -> datetime:
    """The moment at which ``duration`` of working time has passed since ``start`` (both aware).

    Whole days in ``duration`` are working days, as people mean them ("resolve in 1d" is by the same
    time next working day, not after 24 working hours); hours, minutes and seconds are working time.
    """
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    return advance(start, calendar.working_span(duration), calendar)


def advance(start: datetime, working_time: timedelta, calendar: WorkingCalendar) -> datetime:
    """The moment at which exactly ``working_time`` of working time has passed since ``start``."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    remaining = working_time
    current = start.astimezone(UTC)
    day = current.astimezone(calendar.tz).date()
    for _ in range(_MAX_DAYS_SCANNED):
        if calendar.is_working_day(day):
            opens, closes = calendar.window(day)
            if current < closes:
                begin = max(current, opens)
                available = closes - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
                current = closes
        day += timedelta(days=1)
    raise ValueError("the working calendar has no working time in the next three years")


def sla_target(workspace: WorkspaceConfig, priority: str, kind: str = TICKET) -> SlaTarget:
    """The SLA a ticket of ``kind`` and ``priority`` runs on.

    A consult runs on ``sla.consult``; its priority can only make that shorter, never longer: each phase takes
    the shorter of ``sla.consult`` and the priority's own target, so an urgent question is answered on the urgent
    clock, and a low one still within the consult's.
    """
    own = workspace.sla.for_priority(priority)
    if kind != CONSULT:
        return own
    consult = workspace.sla.consult
    return SlaTarget(acknowledge=min(consult.acknowledge, own.acknowledge), resolve=min(consult.resolve, own.resolve))


def due_times(
    created_at: datetime,
    priority: str,
    workspace: WorkspaceConfig,
    tz: ZoneInfo | None = None,
    kind: str = TICKET,
) -> tuple[datetime, datetime]:
    """(acknowledge by, resolve by) for a ticket of ``kind`` opened at ``created_at`` with ``priority``."""
    target = sla_target(workspace, priority, kind)
    calendar = WorkingCalendar.from_workspace(workspace, tz)
    return (
        add_working_time(created_at, target.acknowledge, calendar),
        add_working_time(created_at, target.resolve, calendar),
    )


def working_time_between(start: datetime, end: datetime, calendar: WorkingCalendar) -> timedelta:
    """How much working time lies between ``start`` and ``end`` (zero when ``end`` is not later)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be aware datetimes")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return timedelta(0)
    total = timedelta(0)
    day = start.astimezone(calendar.tz).date()
    last = end.astimezone(calendar.tz).date()
    while day <= last:
        if calendar.is_working_day(day):
            opens, closes = calendar.window(day)
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total


def extend_after_pause(
    due: datetime | None, paused_at: datetime, resumed_at: datetime, calendar: WorkingCalendar
) -> datetime | None:
    """A due time pushed back by the working time that passed while the clock was paused.

    What was left on the clock when it stopped is what is left when it restarts; a deadline that had
    already passed before the pause stays passed.
    """
    if due is None or due <= paused_at:
        return due
    return advance(resumed_at, working_time_between(paused_at, due, calendar), calendar)


async def owner_zone(session: AsyncSession, user_id: str) -> ZoneInfo | None:
    """The owner's own time zone when Slack told us (``users.info``), else ``None`` (the workspace's)."""
    return zone_named(await directory.member_tz(session, user_id))


def zone_named(name: str | None) -> ZoneInfo | None:
    """The zone of a member's stored time zone name; ``None`` (the workspace's) when unknown or not a zone."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
