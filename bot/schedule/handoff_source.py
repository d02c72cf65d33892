"""Where the hand-off map is read for each place that shows it: the digest and ``/digest``, ``/metrics``, and
``crossdesk export --handoff-map`` — one reader, so the three never disagree on a number.

Reads go through ``Database.read()``: the map never waits for the writer's turn.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.runtime.metrics import HandoffFigures
from bot.schedule.handoff_map import HandoffMap, build_map
from config.live import LiveWorkspace, live
from config.schema import WorkspaceConfig
from storage import handoff_map as handoff_rows
from storage.database import Database

DIGEST_DAYS = 7  # the digest's window: today and the six local days before it


def local_days(first: date, last: date, workspace: WorkspaceConfig) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC covering the local days ``first`` to ``last`` (both included) in the workspace's zone."""
    tz = workspace.tz
    start = datetime.combine(first, time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
    return start, end


def digest_window(now: datetime, workspace: WorkspaceConfig, days: int = DIGEST_DAYS) -> tuple[datetime, datetime]:
    """The digest's window as of ``now``: today and the ``days - 1`` local days before it."""
    today = now.astimezone(workspace.tz).date()
    return local_days(today - timedelta(days=days - 1), today, workspace)


class HandoffSource:
    """Reads the hand-off map of a window, and the totals ``/metrics`` exposes."""

    def __init__(self, db: Database, workspace: WorkspaceConfig | LiveWorkspace) -> None:
        self.db = db
        self.live = live(workspace)

    @property
    def workspace(self) -> WorkspaceConfig:
        """The running configuration, read afresh each time: a reload reaches this at once."""
        return self.live.current

    async def between(self, start: datetime, end: datetime) -> HandoffMap:
        """The map of ``[start, end)``."""
        async with self.db.read() as session:
            return await self.read_between(session, start, end)

    async def read_between(self, session: AsyncSession, start: datetime, end: datetime) -> HandoffMap:
        """The map of ``[start, end)`` read in the caller's session, so it agrees with whatever else the caller
        reads there (the digest's numbers and its map come from one snapshot)."""
        consults = await handoff_rows.consults_between(session, start, end)
        bounces = await handoff_rows.bounces_between(session, start, end)
        return build_map(consults, bounces, self.workspace, start, end)

    async def for_metrics(self, now: datetime) -> HandoffFigures:
        """What ``/metrics`` shows as of ``now``: every pair's counts since the beginning (counters), and the digest
        window's medians and on-time shares (gauges, for the pairs with a consult answered in it)."""
        async with self.db.read() as session:
            asked = await handoff_rows.asked_totals(session)
            answered = await handoff_rows.answered_totals(session)
            bounces = await handoff_rows.bounces_between(session)
            window = await self.read_between(session, *digest_window(now, self.workspace))
        timed = [pair for pair in window.pairs if pair.median_answer is not None]
        return HandoffFigures(
            asked=asked,
            answered=answered,
            bounces=bounces,
            answer_seconds={(p.asking, p.answering): p.median_answer.total_seconds() for p in timed if p.median_answer},
            within_sla_ratio={(p.asking, p.answering): p.within_sla / p.answered for p in timed},
        )
