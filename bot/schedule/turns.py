"""Turns: the scheduled jobs that speak to people (reminders, stand-up nudges) run on one replica per tick.

Every replica ticks, and each claims its due rows, so a job split across replicas would still reach every person —
but two replicas ticking at the same moment could each DM the same person about different tickets. Instead, time is
cut into ticks of ``CROSSDESK_TICK_SECONDS`` on one grid all replicas share (from the epoch), and the first replica
to take a job's turn in a tick runs it, for everyone, inside the transaction that took the turn; the others skip it
until the next tick. So a person gets at most one reminder DM per tick, listing all their overdue tickets (and a
lead one DM with every escalation), and one stand-up nudge naming every stand-up still open.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.runtime.heartbeat import process_name
from storage import jobs

REMINDERS = "reminders"
STANDUP_NUDGES = "standup-nudges"


@dataclass(frozen=True)
class Turns:
    """The tick grid (``seconds`` long) and the name this process takes turns under."""

    seconds: float = 15.0
    process: str = field(default_factory=process_name)

    def start_of(self, now: datetime) -> datetime:
        """The start of the tick ``now`` falls in."""
        return datetime.fromtimestamp(math.floor(now.timestamp() / self.seconds) * self.seconds, UTC)

    async def take(self, session: AsyncSession, job: str, now: datetime) -> bool:
        """Whether this process runs ``job`` in the tick of ``now`` (in ``session``'s transaction: should it roll
        back, the turn goes back too)."""
        return await jobs.take_turn(session, job, self.start_of(now), self.process, now)
