"""What became of each row a sender sent, and writing it to the database — never over another sender's outcome.

A pass's outcomes are written together, a statement per kind, in the transaction that claims the next pass. The
outcomes of rows handed over straight after their commit (new tickets' messages) wait a moment in
:class:`WaitingOutcomes`: on SQLite the next batch of new tickets takes them into its own transaction (one writer
turn saved, and under load there nearly always is a next batch), else they are written in one of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.runtime.clock import Clock
from bot.surfaces.ids import OutboxPurpose
from storage import outbox, outbox_leases, reminders
from storage import tickets as ticket_rows
from storage.database import Database
from storage.outbox import OutboxRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What became of one row in a pass, written with the rest of the pass in one transaction."""

    row: OutboxRow
    status: Literal["sent", "retry", "failed", "released", "lost"]  # lost: the lease ran out before it was sent
    channel: str | None = None
    ts: str | None = None
    retry_at: datetime | None = None
    error: str = ""
    landed_by: datetime | None = None  # a retry whose call may have worked: it had landed by then, if it did


async def record(session: AsyncSession, outcomes: list[Outcome], now: datetime) -> None:
    """Write ``outcomes`` in ``session``'s transaction, a statement per kind of outcome. Each row is written only
    while its sender still holds its lease; a row another sender took over keeps that sender's outcome (and its side
    effects). A sent reminder is remembered (the next one replaces it), a sent card placed on its ticket."""
    if not outcomes:
        return
    # Held by the sender that leased them (one sender, nearly always: the rows of one pass or hand-over).
    leases: dict[str | None, list[tuple[int, datetime | None]]] = defaultdict(list)
    for o in outcomes:
        if o.row.id is not None:
            leases[o.row.claimed_by].append((o.row.id, o.row.claimed_until))
    kept: set[int] = set()
    for holder, held in leases.items():
        kept |= await outbox_leases.held(session, held, holder)
    sent: list[outbox.Sent] = []
    retry: list[outbox.Retry] = []
    failed: list[outbox.Failed] = []
    cards: dict[int, tuple[str, str]] = {}
    for outcome in outcomes:
        row = outcome.row
        assert row.id is not None
        if row.id not in kept or outcome.status == "lost":
            if outcome.status == "sent":
                log.warning("outbox %s was sent after its lease ran out; another sender may send it again", row.id)
            continue
        if outcome.status in ("retry", "released"):
            assert outcome.retry_at is not None
            released = outcome.status == "released"
            retry.append(outbox.Retry(row.id, outcome.retry_at, outcome.error, released, outcome.landed_by))
            continue
        if outcome.status == "failed":
            failed.append(outbox.Failed(row.id, outcome.error))
            continue
        channel, ts = outcome.channel, outcome.ts
        sent.append(outbox.Sent(row.id, channel, ts))
        if row.purpose == OutboxPurpose.REMINDER.value and channel and ts:
            await reminders.remember(session, str(row.payload.get("channel")), channel, ts, now)
        if row.purpose == OutboxPurpose.CARD.value and row.ticket_id is not None and channel and ts:
            cards[row.ticket_id] = (channel, ts)
    await outbox.record(session, now, sent, retry, failed)
    await ticket_rows.place_cards(session, cards)


class WaitingOutcomes:
    """Outcomes of handed-over rows not written yet, and the task that writes them after ``linger`` seconds.

    A transaction that takes them along (:meth:`take`, then :func:`record`) hands them back with :meth:`later`
    should it fail. Should they never be written (the process dies), the rows' leases run out and another sender
    takes them over, looking in Slack before it posts again: nothing is lost or sent twice, only late.
    """

    def __init__(self, db: Database, clock: Clock, linger: float) -> None:
        self.db = db
        self.clock = clock
        self.linger = linger
        self._outcomes: list[Outcome] = []
        self._writer: asyncio.Task[None] | None = None
        self._now = asyncio.Event()  # set when stopping: then written without lingering

    def __len__(self) -> int:
        return len(self._outcomes)

    def take(self) -> list[Outcome]:
        """All of them, for a transaction of the caller's own to write."""
        taken, self._outcomes = self._outcomes, []
        return taken

    def later(self, outcomes: list[Outcome]) -> None:
        """Write ``outcomes`` soon: with the next transaction that takes them, or on their own after the linger."""
        if not outcomes:
            return
        self._outcomes.extend(outcomes)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write(), name="outbox-outcomes")

    def write_now(self) -> None:
        """Stop lingering: the process is stopping."""
        self._now.set()

    async def written(self) -> None:
        """Return once the writer task (if any) has finished."""
        while self._writer is not None and not self._writer.done():
            await asyncio.wait({self._writer})

    async def _write(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._now.wait(), timeout=self.linger)
        while self._outcomes:
            outcomes = self.take()
            try:
                await self._record(outcomes)
            except Exception:
                log.exception("recording the outcomes of %s outbox rows failed; writing them one by one", len(outcomes))
                await self._record_apart(outcomes)

    async def _record(self, outcomes: list[Outcome]) -> None:
        async with self.db.transaction() as session:
            await record(session, outcomes, self.clock.now())

    async def _record_apart(self, outcomes: list[Outcome]) -> None:
        """Each outcome in a transaction of its own, so one at fault costs only its own row. Two failures in a row
        mean the database itself is away: the rest are left, and their rows are taken over once this sender
        stops or their lease runs out (then looked for in Slack before being posted again)."""
        failures_in_a_row = 0
        for index, outcome in enumerate(outcomes):
            try:
                await self._record([outcome])
                failures_in_a_row = 0
            except Exception as error:
                failures_in_a_row += 1
                log.warning("outbox %s: its outcome was not recorded (%s)", outcome.row.id, type(error).__name__)
                if failures_in_a_row >= 2:
                    log.error(
                        "the database refuses outcomes; %s outbox rows are retried when their lease runs out",
                        len(outcomes) - index - 1,
                    )
                    return
