"""Whether scheduled work (a stand-up's questions, nudge or summary, the digest) may still run once its time passed.

Two rules keep a restart from doing stale or unfair work. Work planned for a moment before this database first
ran the bot never runs: a team that installs the bot at 11:00 gets no summary of a stand-up nobody was asked
to. And after an outage, work runs only if it is at most ``catch_up_within`` late: a digest at 18:40 helps,
one at 23:00 is noise. Both rules depend only on the database and the clock, so every replica agrees.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.runtime.clock import Clock
from storage import jobs
from storage.database import Database


class CatchUp:
    """Shared by the services that run scheduled work; the grace period comes from each caller's workspace, so a
    reloaded workspace file applies at once."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._first_started: datetime | None = None  # never changes once recorded, so it is read once

    async def first_started(self, now: datetime | None = None) -> datetime:
        """When this database first ran the bot, recorded now (``now`` or the clock's) if nobody has yet."""
        if self._first_started is None:
            async with self.db.transaction() as session:
                self._first_started = await jobs.first_started(session, now or self.clock.now())
        return self._first_started

    async def may_run(self, due: datetime, now: datetime, within: timedelta) -> bool:
        """Whether work planned for ``due`` runs at ``now``: it has come, is at most ``within`` late (the workspace's
        ``catch_up_within``), and was not planned for before the first start."""
        if not due <= now <= due + within:
            return False  # decided without the database: most ticks end here
        return due >= await self.first_started(now)
