"""The outbox sender: delivers queued Slack calls after their transaction committed.

Retries live in the database, not in a sleeping coroutine: a 429 comes back after its Retry-After, a 5xx
or a dropped connection after an exponential backoff, and a restart or another replica picks up where
this one stopped. A row is leased while it is being sent, so two senders never send it at once.

This module is the run loop and the leases: passes that claim what is due, rows handed over straight after the
commit that queued them (:meth:`OutboxSender.committing`), rows of one ticket sent in order and different tickets
side by side. Each sender beats a heartbeat (:mod:`bot.runtime.heartbeat`); rows leased to a sender whose heartbeat
stopped are taken over by the next pass of another, and a sender that is stopping (SIGTERM) or cannot write its
heartbeat gives back every row it has not started sending, so another sender takes it at once. One row's call is
:mod:`bot.outbox.delivery`; what became of it is written by :mod:`bot.outbox.outcomes`. Every ``chat.postMessage``
carries message metadata naming its outbox row, so a sender that takes over a row whose outcome is unknown looks
for it before posting it again (:mod:`bot.outbox.slack_calls`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.outbox.delivery import PLACED, Delivery
from bot.outbox.interface import Commit
from bot.outbox.outcomes import Outcome, WaitingOutcomes, record
from bot.outbox.payloads import Cards, ReadRelations, tickets_for
from bot.outbox.slack_calls import SlackCalls
from bot.runtime.clock import Clock
from bot.runtime.heartbeat import Heartbeat, fresh_for, process_name
from bot.runtime.metrics import Metrics
from bot.runtime.slack_client import SLACK_CALL_TIMEOUT, SlackIdentity, TokenHealth
from bot.tickets.card_context import CardRelations
from config.settings import Settings
from storage import heartbeats, outbox, outbox_leases
from storage.database import Database
from storage.models import Ticket
from storage.outbox import OutboxRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SenderSettings:
    # Long enough for a whole batch even when every call runs into the client's 10 s timeout
    # (150 rows / 32 at a time × 10 s ≈ 50 s); a group of calls that runs longer renews its lease when half
    # of it is left (OutboxSender._hold), so a lease never runs out while its sender still works. It is
    # also how long a message waits when its sender dies mid-call (CROSSDESK_OUTBOX_LEASE_SECONDS).
    lease: timedelta = timedelta(minutes=5)
    # 32 calls in flight: at 8 the sender fell behind a few hundred new tickets a second and DMs waited
    # seconds (docs/benchmarks.md); Slack's own rate limits are answered with 429, which the sender honours.
    batch_size: int = 150
    concurrency: int = 32
    poll_interval: float = 1.0
    # How long the outcomes of handed-over rows wait to be written in a transaction of their own. On SQLite a
    # batch of new tickets written meanwhile takes them into its transaction (OutboxSender.committing):
    # under load that is nearly always, and one writer turn in two is saved (docs/benchmarks.md).
    outcome_linger: float = 0.025
    max_attempts: int = 50  # with the 5-minute cap, a Slack outage of about four hours loses nothing
    backoff_cap: timedelta = timedelta(minutes=5)
    # A sender whose heartbeat is older than this has its rows taken over at once (CROSSDESK_DEAD_SENDER_SECONDS);
    # it beats five times within it, so a late beat or two under load is no death.
    dead_after: timedelta = timedelta(seconds=15)

    @property
    def beat_every(self) -> float:
        return self.dead_after.total_seconds() / 5

    @property
    def straggle(self) -> timedelta:
        """How long after its last beat a sender may still have a call reach Slack: it starts calls only while that
        beat is younger than a third of ``dead_after`` (``heartbeat.fresh_for``), and a call lasts at most
        ``SLACK_CALL_TIMEOUT``: 15 s with the defaults, the moment its rows are taken over. The look before
        re-posting a dead sender's rows waits for that moment and reads up to it."""
        return fresh_for(self.dead_after) + timedelta(seconds=SLACK_CALL_TIMEOUT)

    def configured(self, settings: Settings) -> SenderSettings:
        """These settings with what the environment sets (``CROSSDESK_OUTBOX_LEASE_SECONDS``,
        ``CROSSDESK_DEAD_SENDER_SECONDS``)."""
        seconds = settings.outbox_lease_seconds
        lease = self.lease if seconds is None else timedelta(seconds=seconds)
        return replace(self, lease=lease, dead_after=timedelta(seconds=settings.dead_sender_seconds))


@dataclass(frozen=True)
class SlackAccess:
    """What sending needs of the running process: a Slack client of its own (without retry handlers: retries are
    rows), whether Slack still takes the token (shared with ``/healthz``), and the sender's settings."""

    client: AsyncWebClient
    token: TokenHealth
    settings: SenderSettings = field(default_factory=SenderSettings)
    process: str = field(default_factory=process_name)  # whose heartbeat and leases these are


class OutboxSender:
    """The outbox of a running bot (:class:`bot.outbox.interface.Outbox`): it queues, and it sends."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        identity: SlackIdentity,
        slack: SlackAccess,
        cards: Cards,
        metrics: Metrics,
        card_relations: ReadRelations | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = slack.settings
        self.delivery = Delivery(
            db,
            SlackCalls(slack.client, self.settings.backoff_cap),
            clock,
            identity,
            slack.token,
            cards,
            metrics,
            self.settings.max_attempts,
            may_start=lambda: not self._stopping and self.heartbeat.fresh(),
        )
        self.identity = identity
        self.token = slack.token
        self.process = slack.process
        every, dead_after = self.settings.beat_every, self.settings.dead_after
        self.heartbeat = Heartbeat(db, clock, slack.process, heartbeats.SENDER, every=every, dead_after=dead_after)
        # What a card shows besides its ticket (its consults, a consult's parent), read with a pass's tickets and
        # handed to the card with its ticket.
        self._card_relations = card_relations
        self._wakeup = asyncio.Event()
        self._stopping = False
        # Calls in flight, whether from a claimed pass or from rows handed over (shared, so the limit holds).
        self._limit = asyncio.Semaphore(self.settings.concurrency)
        self._handed: set[asyncio.Task[None]] = set()
        self._waiting = WaitingOutcomes(db, clock, self.settings.outcome_linger)

    # ------------------------------------------------------------------ the outbox, as services see it

    @contextlib.asynccontextmanager
    async def committing(self) -> AsyncIterator[Commit]:
        """A transaction whose rows are written leased to this sender and handed over once it commits.

        On SQLite, where every transaction waits its turn for the one writer, the outcomes of earlier handed-over
        rows that wait to be written go along in this one. On PostgreSQL they would hold outbox row locks together
        with whatever the caller locks (a department's counter), which another replica's sender may take in the
        other order. Should the transaction fail, those outcomes wait for the next one.
        """
        lease = self._lease_until()
        outcomes = self._waiting.take() if self.db.is_sqlite else []
        try:
            async with self.db.transaction() as session:
                commit = Commit(session, lease, self.process)
                yield commit
                await record(session, outcomes, self.clock.now())
        except BaseException:
            self._waiting.later(outcomes)
            raise
        if commit.rows and lease is not None:
            self._hand_over(commit.rows, commit.tickets)
        elif commit.rows:
            self.wake()

    def wake(self) -> None:
        """Ask for a pass now (called after a transaction that queued messages commits)."""
        self._wakeup.set()

    async def run(self) -> None:
        """Send until stopped; a failing database only delays delivery, it never ends the loop. When stopped, the
        calls already made are recorded, the rows not started are given back, and the heartbeat says so: whatever
        is still leased to this sender is then anyone's at once."""
        beating = asyncio.get_running_loop().create_task(self.heartbeat.run(), name="crossdesk-outbox-heartbeat")
        try:
            while not self._stopping:
                try:
                    while await self.send_due() and not self._stopping:
                        pass
                except Exception:
                    log.exception("outbox pass failed; retrying in %.1fs", self.settings.poll_interval)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=self.settings.poll_interval)
                self._wakeup.clear()
            while self._handed:
                await asyncio.wait(set(self._handed))
            await self._waiting.written()
        except BaseException:
            # Cancelled with calls still on their way to Slack: no word that it stopped, so its rows are taken over
            # only once the heartbeat is old — after any such call has landed, where the look in Slack finds it.
            self.heartbeat.stop()
            beating.cancel()
            raise
        self.heartbeat.stop()
        beating.cancel()
        await self.heartbeat.stopped()

    def stop(self) -> None:
        self._stopping = True
        self._wakeup.set()
        self._waiting.write_now()

    @property
    def outcomes_waiting(self) -> int:
        """How many outcomes of handed-over rows are not written yet."""
        return len(self._waiting)

    # ------------------------------------------------------------------ rows handed over after their commit

    def _lease_until(self) -> datetime | None:
        """The lease rows handed to this sender are written with; ``None`` once it is stopping: rows are then
        written pending, for whichever sender runs next to claim at once."""
        return None if self._stopping else self.clock.now() + self.settings.lease

    def _hand_over(self, rows: list[OutboxRow], tickets: dict[int, Ticket]) -> None:
        """Send rows this process has just committed, already leased to this sender, at once and without claiming
        them: a new ticket's card and DM go out without waiting for a pass.

        ``tickets`` are the rows' tickets as committed; posting a card records it on its ticket here too, so
        the DM that follows links to it. Should this process die first, another sender takes the rows over
        when the lease runs out, and looks in Slack before posting, as for any claimed row.
        """
        task = asyncio.get_running_loop().create_task(self._send_handed(rows, tickets), name="crossdesk-outbox-now")
        self._handed.add(task)
        task.add_done_callback(self._handed.discard)

    async def _send_handed(self, rows: list[OutboxRow], tickets: dict[int, Ticket]) -> None:
        try:
            outcomes = await self._send(rows, tickets)
        except Exception:
            log.exception(
                "sending %s handed-over outbox rows failed; they are retried when their lease runs out", len(rows)
            )
            return
        self._waiting.later(outcomes)

    # ------------------------------------------------------------------ passes

    async def send_due(self) -> int:
        """Claim what is due, send it, record the outcomes; again until nothing is due. Returns how many rows
        were claimed.

        Each pass's outcomes are written in the transaction that claims the next pass, which also reads the
        tickets the rows link to: one transaction per pass however many rows it sends. On SQLite every
        transaction waits its turn for the single writer behind the requests, and a row that waits for the
        one before it (a DM for its card) is claimed in the very transaction that records that row as sent.
        """
        claimed = 0
        outcomes: list[Outcome] = []
        while True:
            paused = not await self.delivery.token_works()
            try:
                claim = await self._record_and_claim(outcomes, paused)
            except Exception:
                # The calls were made: their outcomes are written on their own (and apart, should one be at fault).
                self._waiting.later(outcomes)
                raise
            if claim is None:
                return claimed
            rows, tickets, related = claim
            claimed += len(rows)
            outcomes = await self._send(rows, tickets, related)

    async def _record_and_claim(
        self, outcomes: list[Outcome], paused: bool
    ) -> tuple[list[OutboxRow], dict[int, Ticket], Mapping[int, CardRelations]] | None:
        """One transaction: the last pass's outcomes written, the next pass's rows claimed with their tickets
        (``None`` when nothing is due)."""
        async with self.db.transaction() as session:
            await record(session, outcomes, self.clock.now())
            if self._stopping or paused or not self.heartbeat.fresh():
                return None
            now = self.clock.now()
            rows = await outbox_leases.claim_due(
                session,
                now,
                self.settings.lease,
                self.settings.batch_size,
                sender=self.process,
                dead_before=now - self.settings.dead_after,
                straggle=self.settings.straggle,
            )
            if not rows:
                return None
            tickets, related = await tickets_for(session, rows, self._card_relations)
        return rows, tickets, related

    async def _send(
        self, rows: list[OutboxRow], tickets: dict[int, Ticket], related: Mapping[int, CardRelations] | None = None
    ) -> list[Outcome]:
        if not self.identity.known and self.token.ok:
            await self.identity.load(self.delivery.slack.client)
        # Rows of one ticket go in order (card, then its update), and so does a row claimed with the row it
        # waits for; different tickets go side by side.
        groups: dict[object, list[OutboxRow]] = defaultdict(list)
        group_of: dict[int | None, object] = {}
        places = await self._places(rows)
        for row in sorted(rows, key=lambda r: r.id or 0):
            key = group_of.get(row.depends_on_id) if row.depends_on_id in group_of else None
            if key is None:
                key = row.ticket_id if row.ticket_id is not None else ("row", row.id)
            group_of[row.id] = key
            groups[key].append(row)
        outcomes: list[Outcome] = []

        renewing = asyncio.Lock()  # one renewal at a time: the groups share the rows' lease

        async def send_group(group: list[OutboxRow]) -> None:
            async with self._limit:
                went: dict[int | None, Outcome] = {}
                for row in group:
                    before = went.get(row.depends_on_id) if row.depends_on_id is not None else None
                    if before is not None and before.status == "lost":
                        outcome = Outcome(row, "lost")
                    elif self._stopping or not self.heartbeat.fresh():
                        # Not started: given back for another sender to take at once (this one is stopping, or
                        # others may soon think it dead).
                        why = "stopping" if self._stopping else "heartbeat not written"
                        outcome = self.delivery.given_back(row, f"given back by a sender that was {why}")
                    elif not await self._hold(row, rows, renewing):
                        # Another sender may have taken it over: it is theirs to send now, not ours.
                        outcome = Outcome(row, "lost")
                    elif before is not None and before.status not in ("sent", "failed"):
                        # Claimed with the row it waits for, which did not go out: back to waiting for it.
                        # Given back as any row is: an uncertain earlier attempt of its own stays recorded, so it
                        # is still looked for before it is posted again.
                        outcome = self.delivery.given_back(
                            row, f"waiting for outbox {row.depends_on_id}", before.retry_at
                        )
                    else:
                        place = places.get(row.depends_on_id or 0) if row.purpose in PLACED else None
                        outcome = await self.delivery.deliver(row, tickets, place, related)
                    if outcome.status == "sent" and outcome.channel and outcome.ts:
                        places[row.id] = (outcome.channel, outcome.ts)  # a prompt update claimed with its prompt
                    went[row.id] = outcome
                    outcomes.append(outcome)

        # A group that fails unexpectedly leaves its unsent rows leased (taken over when the lease runs out);
        # what the other groups sent is still recorded, so it is not sent again.
        results = await asyncio.gather(*(send_group(group) for group in groups.values()), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                if outcomes:
                    async with self.db.transaction() as session:
                        await record(session, outcomes, self.clock.now())
                raise result
        return outcomes

    async def _hold(self, row: OutboxRow, rows: list[OutboxRow], renewing: asyncio.Lock) -> bool:
        """Whether ``row`` is still leased to this sender, renewing the lease of every row of ``rows`` (the pass or
        hand-over it came in, whose outcomes are written together once all are done) leased with it when less than
        half of it is left: slow calls (the card, then the DM, each taking seconds) must not let the lease run
        out, or a second sender takes the rows over — those not sent yet, and those sent but not yet recorded.
        Costs nothing while Slack answers quickly."""
        async with renewing:
            now = self.clock.now()
            if row.claimed_until is None or row.claimed_until - now > self.settings.lease / 2:
                return True
            renewed, until = now + self.settings.lease, row.claimed_until
            alike = [other for other in rows if other.claimed_until == until]
            async with self.db.transaction() as session:
                kept = await outbox_leases.renew(session, [other.id for other in alike], until, renewed, self.process)
            for other in alike:
                if other.id in kept:
                    other.claimed_until = renewed
            return row.id in kept

    async def _places(self, rows: list[OutboxRow]) -> dict[int, tuple[str, str]]:
        """Where Slack put the DMs that prompt updates among ``rows`` settle, and the messages that thread replies
        continue (recorded when each was sent, in an earlier pass); one sent in this pass is added as it goes out."""
        claimed = {row.id for row in rows}
        wanted = [
            row.depends_on_id
            for row in rows
            if row.purpose in PLACED and row.depends_on_id is not None and row.depends_on_id not in claimed
        ]
        if not wanted:
            return {}
        async with self.db.read() as session:
            return await outbox.places(session, wanted)
