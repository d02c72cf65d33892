"""Where "now" comes from. Services take a ``Clock`` so tests and the sandbox can move time by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to: for tests and the sandbox's clock control."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> datetime:
        moment = moment.astimezone(UTC)
        if moment < self._now:
            raise ValueError("time only moves forward")
        self._now = moment
        return self._now


class ShiftableClock:
    """The real time plus an offset that only grows: the sandbox's clock control moves the bot into the future.

    Time keeps running between jumps, so the bot behaves as it would in production, just later.
    """

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        if offset < timedelta(0):
            raise ValueError("the offset only moves forward")
        self._offset = offset

    @property
    def offset(self) -> timedelta:
        return self._offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._offset += delta
        return self.now()

    def set(self, moment: datetime) -> datetime:
        """Jump to ``moment`` (aware); a moment in the past is refused, as on a ``ManualClock``."""
        if moment.tzinfo is None:
            raise ValueError("ShiftableClock needs an aware datetime")
        return self.advance(moment.astimezone(UTC) - self.now())
