"""The outbox sender: delivers queued Slack calls after their transaction committed.

Retries live in the database, not in a sleeping coroutine: a 429 comes back after its Retry-After, a 5xx
or a dropped connection after an exponential backoff, and a restart or another replica picks up where
this one stopped. A row is leased while it is being sent, so two senders never send it at once.

Every ``chat.postMessage`` carries message metadata naming its outbox row. A sender that takes over a row
whose outcome is unknown (the previous sender's lease ran out, the call timed out on the way, or Slack answered
a 5xx, ``internal_error`` or ``fatal_error``, which it says may come after part of the work was done) first
looks in the target conversation for a message with that metadata, and records it as sent instead of
posting it a second time.

A bot token Slack stops taking while the bot runs pauses sending: the rows stay pending, one error is logged,
``/healthz`` says so, and sending resumes by itself once ``auth.test`` succeeds again.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import re
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.runtime.clock import Clock
from bot.runtime.metrics import Metrics
from bot.runtime.slack_client import DEAD_TOKEN_ERRORS, SlackIdentity, TokenHealth, retry_after_seconds
from bot.surfaces.ids import OutboxPurpose
from bot.surfaces.text import message_link
from bot.tickets.notices import CARD_LINK
from storage import outbox, reminders
from storage import tickets as ticket_rows
from storage.database import Database
from storage.models import Ticket
from storage.outbox import OutboxRow

log = logging.getLogger(__name__)

# Slack errors that mean "try again later" rather than "this call can never succeed".
TRANSIENT_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})
# Of those, the ones Slack documents as possibly coming after part of the call succeeded (as may any 5xx): the
# message may be posted already, so the next attempt looks for it first.
UNCERTAIN_ERRORS = frozenset({"internal_error", "fatal_error"})
_MAY_HAVE_WORKED = "Slack may have done it"
_LINK_MARKUP = re.compile(r"<" + re.escape(CARD_LINK) + r"\|[^>]*>")
# Message metadata on every post: ``{"event_type": OUTBOX_EVENT_TYPE, "event_payload": {"outbox_id": id}}``.
OUTBOX_EVENT_TYPE = "crossdesk_outbox"
# Reasons a previous attempt may have reached Slack although nobody recorded it.
_UNCERTAIN = (outbox.LEASE_RAN_OUT, "cannot reach Slack", _MAY_HAVE_WORKED)
# How far back (before the row was queued) and how many pages of a conversation a look goes.
_LOOK_MARGIN = timedelta(minutes=5)
_LOOK_PAGES = 5


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
    # batch of new tickets written meanwhile takes them into its transaction (OutboxSender.take_outcomes):
    # under load that is nearly always, and one writer turn in two is saved (docs/benchmarks.md).
    outcome_linger: float = 0.025
    max_attempts: int = 50  # with the 5-minute cap, a Slack outage of about four hours loses nothing
    backoff_cap: timedelta = timedelta(minutes=5)


class _Retry(Exception):
    def __init__(self, after: timedelta, reason: str) -> None:
        super().__init__(reason)
        self.after = after
        self.reason = reason


class _TokenRejected(Exception):
    """Slack rejects the bot token itself (``DEAD_TOKEN_ERRORS``): no call can work until it takes one again."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class _Fail(Exception):
    def __init__(self, reason: str, code: str | None = None) -> None:
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True)
class _Outcome:
    """What became of one row in a pass, written with the rest of the pass in one transaction."""

    row: OutboxRow
    status: Literal["sent", "retry", "failed", "released", "lost"]  # lost: the lease ran out before it was sent
    channel: str | None = None
    ts: str | None = None
    retry_at: datetime | None = None
    error: str = ""


# Reads what the cards of a pass show besides their tickets' own rows (ticket id → it, for ``render_card``).
CardExtras = Callable[[AsyncSession, Sequence[Ticket]], Awaitable[Mapping[int, Any]]]


# Rows placed by the message their ``depends_on`` row posted: a prompt's update, a thread reply.
_PLACED = frozenset({OutboxPurpose.PROMPT_UPDATE.value, OutboxPurpose.THREAD_REPLY.value})
# Errors that mean the bot cannot post in that conversation at all.
_UNREACHABLE_CHANNEL = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})


def _dm_instead(row: OutboxRow, payload: dict[str, Any], failure: _Fail) -> dict[str, Any] | None:
    """An ephemeral note that cannot be shown where it was meant goes to the person by DM instead: the bot is not
    in that channel (a shortcut or a command used anywhere), or the person is not (they only preview it)."""
    if row.method != "chat.postEphemeral" or failure.code not in {*_UNREACHABLE_CHANNEL, "user_not_in_channel"}:
        return None
    user = payload.get("user")
    if not isinstance(user, str) or not user:
        return None
    channel = payload.get("channel")
    log.warning("outbox %s: no ephemeral note in %s (%s); sending it by DM", row.id, channel, failure.code)
    kept = {key: value for key, value in payload.items() if key not in {"channel", "user", "thread_ts"}}
    return {**kept, "channel": user}


class OutboxSender:
    def __init__(
        self,
        db: Database,
        client: AsyncWebClient,
        clock: Clock,
        identity: SlackIdentity,
        settings: SenderSettings | None = None,
        render_card: Callable[[Ticket, Any], dict[str, Any]] | None = None,
        card_home: Callable[[Ticket], str] | None = None,
        metrics: Metrics | None = None,
        token: TokenHealth | None = None,
        card_extras: CardExtras | None = None,
    ) -> None:
        self.db = db
        self.metrics = metrics or Metrics()
        self.token = token or TokenHealth()
        self.client = client
        self.clock = clock
        self.identity = identity
        self.settings = settings or SenderSettings()
        # A card update shows the ticket as it is when the update is sent, not as it was when queued:
        # a delayed (rate-limited, retried) update can then never leave an older state on the card.
        self._render_card = render_card
        self._card_home = card_home
        # What a card shows besides its ticket (linked work), read with the pass's tickets for ``render_card``.
        self._card_extras = card_extras
        self._wakeup = asyncio.Event()
        self._stopping = False
        # Calls in flight, whether from a claimed pass or from rows handed over (shared, so the limit holds).
        self._limit = asyncio.Semaphore(self.settings.concurrency)
        self._handed: set[asyncio.Task[None]] = set()
        # Outcomes of handed-over rows not yet written, and the task that writes them (see outcome_linger).
        self._unrecorded: list[_Outcome] = []
        self._recorder: asyncio.Task[None] | None = None
        self._record_now = asyncio.Event()  # set when stopping: outcomes are then written without lingering

    def wake(self) -> None:
        """Ask for a pass now (called after a transaction that queued messages commits)."""
        self._wakeup.set()

    async def run(self) -> None:
        """Send until stopped; a failing database only delays delivery, it never ends the loop. When stopped,
        the rows already handed over are still sent and recorded."""
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
        while self._recorder is not None and not self._recorder.done():
            await asyncio.wait({self._recorder})

    def lease_until(self) -> datetime | None:
        """The lease rows handed to this sender are written with (see :meth:`hand_over`); ``None`` once it is
        stopping: rows are then written pending, for whichever sender runs next to claim at once."""
        return None if self._stopping else self.clock.now() + self.settings.lease

    def hand_over(self, rows: list[OutboxRow], tickets: dict[int, Ticket]) -> None:
        """Send rows this process has just committed, already leased to this sender (:meth:`lease_until`),
        at once and without claiming them: a new ticket's card and DM go out without waiting for a pass.

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
        self.record_later(outcomes)

    def take_outcomes(self) -> list[_Outcome]:
        """The outcomes of handed-over rows not yet written, for the caller to write with :meth:`record_outcomes`
        in a transaction of its own making; should that transaction fail, the caller hands them back with
        :meth:`record_later`."""
        taken, self._unrecorded = self._unrecorded, []
        return taken

    def record_later(self, outcomes: list[_Outcome]) -> None:
        """Outcomes to write soon: a batch of new tickets committed within ``outcome_linger`` takes them along
        (on SQLite), or else they are written in a transaction of their own."""
        if not outcomes:
            return
        self._unrecorded.extend(outcomes)
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.get_running_loop().create_task(self._record_unrecorded(), name="outbox-outcomes")

    async def record_outcomes(self, session: AsyncSession, outcomes: list[_Outcome]) -> None:
        """Write ``outcomes`` (from :meth:`take_outcomes`) in ``session``'s transaction."""
        await self._record(session, outcomes)

    @property
    def outcomes_waiting(self) -> int:
        """How many outcomes of handed-over rows are not written yet."""
        return len(self._unrecorded)

    async def _record_unrecorded(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._record_now.wait(), timeout=self.settings.outcome_linger)
        while self._unrecorded:
            outcomes = self.take_outcomes()
            try:
                async with self.db.transaction() as session:
                    await self._record(session, outcomes)
            except Exception:
                log.exception(
                    "recording the outcomes of %s outbox rows failed; they are retried when their lease runs out",
                    len(outcomes),
                )

    def stop(self) -> None:
        self._stopping = True
        self._wakeup.set()
        self._record_now.set()

    async def send_due(self) -> int:
        """Claim what is due, send it, record the outcomes; again until nothing is due. Returns how many rows
        were claimed.

        Each pass's outcomes are written in the transaction that claims the next pass, which also reads the
        tickets the rows link to: one transaction per pass however many rows it sends. On SQLite every
        transaction waits its turn for the single writer behind the requests, and a row that waits for the
        one before it (a DM for its card) is claimed in the very transaction that records that row as sent.
        """
        claimed = 0
        outcomes: list[_Outcome] = []
        while True:
            paused = not await self._token_works()
            async with self.db.transaction() as session:
                if outcomes:
                    await self._record(session, outcomes)
                rows: list[OutboxRow] = []
                if not (self._stopping or paused):
                    now = self.clock.now()
                    rows = list(await outbox.claim_due(session, now, self.settings.lease, self.settings.batch_size))
                tickets, extras = await self._tickets_for(session, rows) if rows else ({}, {})
            if not rows:
                return claimed
            claimed += len(rows)
            outcomes = await self._send(rows, tickets, extras)

    async def _token_works(self) -> bool:
        """Whether to send: yes while Slack takes the token; once it rejected it, only after an ``auth.test``
        (one every ``TokenHealth.recheck_every``) succeeds again."""
        if self.token.ok:
            return True
        if not self.token.recheck_due(self.clock.now()):
            return False
        try:
            await self.identity.check(self.client)
        except SlackApiError as error:
            code = str(error.response.get("error", "")) if isinstance(error.response.data, dict) else ""
            if code in DEAD_TOKEN_ERRORS:
                self.token.rejected(code, self.clock.now())
            return False
        except (aiohttp.ClientError, TimeoutError, OSError):
            return False
        if self.token.accepted():
            log.warning("Slack takes SLACK_BOT_TOKEN again; the queued messages are sent now")
        return True

    def _token_rejected(self, code: str) -> None:
        if self.token.rejected(code, self.clock.now()):
            # Once, not once per message: every queued message would fail the same way.
            log.error(
                "%s; sending resumes by itself once Slack takes the token again "
                "(reinstall the app, or set a working SLACK_BOT_TOKEN and restart)",
                self.token.problem(),
            )

    def _paused(self, row: OutboxRow) -> _Outcome:
        """Back to pending with its attempt given back, due at once: it goes out when Slack takes the token again.
        An uncertain earlier attempt stays recorded, so the post is looked for before it is sent."""
        uncertain = (row.last_error or "").startswith(_UNCERTAIN)
        error = row.last_error if uncertain and row.last_error else f"paused: {self.token.problem()}"
        return _Outcome(row, "released", retry_at=self.clock.now(), error=error)

    async def _send(
        self, rows: list[OutboxRow], tickets: dict[int, Ticket], extras: Mapping[int, Any] | None = None
    ) -> list[_Outcome]:
        if not self.identity.known and self.token.ok:
            await self.identity.load(self.client)
        # Rows of one ticket go in order (card, then its update), and so does a row claimed with the row it
        # waits for; different tickets go side by side.
        groups: dict[object, list[OutboxRow]] = defaultdict(list)
        group_of: dict[int | None, object] = {}
        places = await self._prompt_places(rows)
        for row in sorted(rows, key=lambda r: r.id or 0):
            key = group_of.get(row.depends_on_id) if row.depends_on_id in group_of else None
            if key is None:
                key = row.ticket_id if row.ticket_id is not None else ("row", row.id)
            group_of[row.id] = key
            groups[key].append(row)
        outcomes: list[_Outcome] = []

        async def send_group(group: list[OutboxRow]) -> None:
            async with self._limit:
                went: dict[int | None, _Outcome] = {}
                for index, row in enumerate(group):
                    before = went.get(row.depends_on_id) if row.depends_on_id is not None else None
                    if (before is not None and before.status == "lost") or not await self._hold(group[index:]):
                        # Another sender may have taken it over: it is theirs to send now, not ours.
                        outcome = _Outcome(row, "lost")
                    elif before is not None and before.status not in ("sent", "failed"):
                        # Claimed with the row it waits for, which did not go out: back to waiting for it.
                        outcome = _Outcome(
                            row, "released", retry_at=before.retry_at, error=f"waiting for outbox {row.depends_on_id}"
                        )
                    else:
                        outcome = await self._deliver(row, tickets, places, extras)
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
                        await self._record(session, outcomes)
                raise result
        return outcomes

    async def _hold(self, rows: list[OutboxRow]) -> bool:
        """Whether ``rows[0]`` is still leased to this sender, renewing the lease of ``rows`` (the rest of its
        group) when less than half of it is left: a group whose calls are slow (the card, then the DM, each
        taking seconds) must not outlive its lease, or a second sender takes the rows over and posts them
        again. Costs nothing while Slack answers quickly."""
        row = rows[0]
        now = self.clock.now()
        if row.claimed_until is None or row.claimed_until - now > self.settings.lease / 2:
            return True
        renewed = now + self.settings.lease
        async with self.db.transaction() as session:
            kept = await outbox.renew(session, [r.id for r in rows], row.claimed_until, renewed)
        for other in rows:
            if other.id in kept:
                other.claimed_until = renewed
        return row.id in kept

    async def _tickets_for(
        self, session: AsyncSession, rows: list[OutboxRow]
    ) -> tuple[dict[int, Ticket], Mapping[int, Any]]:
        """The tickets the rows' payloads are filled in from (card, thread, link), read in one statement, and what
        the card updates among the rows show besides them. A new card needs nothing more: whatever is linked to its
        ticket queued an update of it, sent once the card is."""
        wanted = {row.ticket_id for row in rows if row.ticket_id is not None and self._needs_ticket(row)}
        if not wanted:
            return {}, {}
        found = (await session.exec(select(Ticket).where(col(Ticket.id).in_(wanted)))).all()
        tickets = {ticket.id: ticket for ticket in found if ticket.id is not None}
        updated = {row.ticket_id for row in rows if row.purpose == OutboxPurpose.CARD_UPDATE.value}
        extras: Mapping[int, Any] = {}
        if self._card_extras is not None and updated:
            extras = await self._card_extras(session, [ticket for i, ticket in tickets.items() if i in updated])
        return tickets, extras

    @staticmethod
    def _needs_ticket(row: OutboxRow) -> bool:
        return (
            row.purpose in (OutboxPurpose.CARD_UPDATE.value, OutboxPurpose.THREAD_NOTE.value)
            or _renders_card(row)
            or _links_card(row, row.payload)
        )

    async def _prompt_places(self, rows: list[OutboxRow]) -> dict[int, tuple[str, str]]:
        """Where Slack put the DMs that prompt updates among ``rows`` settle, and the messages that thread replies
        continue (recorded when each was sent, in an earlier pass); one sent in this pass is added as it goes out."""
        claimed = {row.id for row in rows}
        wanted = [
            row.depends_on_id
            for row in rows
            if row.purpose in _PLACED and row.depends_on_id is not None and row.depends_on_id not in claimed
        ]
        if not wanted:
            return {}
        async with self.db.reading() as session:
            return await outbox.places(session, wanted)

    async def _deliver(
        self,
        row: OutboxRow,
        tickets: dict[int, Ticket],
        places: dict[int, tuple[str, str]] | None = None,
        extras: Mapping[int, Any] | None = None,
    ) -> _Outcome:
        assert row.id is not None
        if not self.token.ok:  # another row of this pass found the token rejected: do not ask Slack again
            return self._paused(row)
        place = None
        if row.purpose == OutboxPurpose.PROMPT_UPDATE.value:
            place = (places or {}).get(row.depends_on_id or 0)
            if place is None:
                # The DM it would settle failed for good: there is no message to update.
                log.info("outbox %s: the DM it settles was never posted; nothing to update", row.id)
                return self._sent(row, {}, tickets)
        elif row.purpose == OutboxPurpose.THREAD_REPLY.value:
            # In the thread of the message it continues; should that message have failed for good, on its own in
            # the same channel: the rest of a digest is better there than nowhere.
            place = (places or {}).get(row.depends_on_id or 0)
        try:
            payload = self._prepare(row, tickets, extras or {})
            if place is not None:
                where = "thread_ts" if row.purpose == OutboxPurpose.THREAD_REPLY.value else "ts"
                payload["channel"], payload[where] = place
            if row.method == "chat.postMessage" and "metadata" not in payload:
                payload["metadata"] = {"event_type": OUTBOX_EVENT_TYPE, "event_payload": {"outbox_id": row.id}}
            found = await self._already_posted(row, payload)
            if found is not None:
                log.info("outbox %s was in Slack although its outcome was unknown; recording it, not resending", row.id)
                return self._sent(row, found, tickets)
            try:
                response = await self._call(row.method, payload, row.attempts)
            except _Fail as failure:
                dm = _dm_instead(row, payload, failure)
                if dm is not None:
                    response = await self._call("chat.postMessage", dm, row.attempts)
                else:
                    fallback = await self._card_fallback(row, payload, failure, tickets)
                    if fallback is None:
                        raise
                    response = await self._call(row.method, fallback, row.attempts)
        except _Retry as retry:
            if row.attempts >= self.settings.max_attempts:
                log.error(
                    "outbox %s (%s) failed for good after %s attempts: %s",
                    row.id,
                    row.method,
                    row.attempts,
                    retry.reason,
                )
                self.metrics.outbox_failed.labels(row.method).inc()
                return _Outcome(row, "failed", error=retry.reason)
            self.metrics.outbox_retries.labels(row.method).inc()
            log.warning(
                "outbox %s (%s) will retry in %ss: %s", row.id, row.method, retry.after.total_seconds(), retry.reason
            )
            return _Outcome(row, "retry", retry_at=self.clock.now() + retry.after, error=retry.reason)
        except _TokenRejected as rejected:
            self._token_rejected(rejected.code)
            return self._paused(row)
        except _Fail as failure:
            if row.method == "chat.delete" and failure.code == "message_not_found":
                # Already gone (a newer reminder's delete got there first): what the row asked for is true.
                log.info("outbox %s: the message to delete was already gone", row.id)
                return self._sent(row, {}, tickets)
            log.error("outbox %s (%s) failed: %s", row.id, row.method, failure)
            self.metrics.outbox_failed.labels(row.method).inc()
            return _Outcome(row, "failed", error=str(failure))
        return self._sent(row, response, tickets)

    def _sent(self, row: OutboxRow, response: dict[str, Any], tickets: dict[int, Ticket]) -> _Outcome:
        channel = response.get("channel")
        ts = response.get("ts") or response.get("message_ts")
        self.metrics.outbox_sent.labels(row.method).inc()
        ticket = tickets.get(row.ticket_id) if row.ticket_id is not None else None
        if row.purpose == OutboxPurpose.CARD.value and ticket is not None and channel and ts:
            # Later rows of this ticket in the same pass link to the card just posted.
            _place_card(ticket, channel, ts)
        return _Outcome(row, "sent", channel=channel, ts=ts)

    async def _record(self, session: AsyncSession, outcomes: list[_Outcome]) -> None:
        """Write a pass's outcomes, a statement per kind of outcome. Each row is written only while this sender
        still holds its lease; a row another sender took over keeps that sender's outcome (and its side effects)."""
        now = self.clock.now()
        kept = await outbox.held(session, [(o.row.id, o.row.claimed_until) for o in outcomes if o.row.id is not None])
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
                retry.append(outbox.Retry(row.id, outcome.retry_at, outcome.error, outcome.status == "released"))
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

    async def _already_posted(self, row: OutboxRow, payload: dict[str, Any]) -> dict[str, Any] | None:
        """``{"channel", "ts"}`` of the message an earlier attempt of ``row`` posted, if one did.

        Only asked when that attempt's outcome is unknown. A conversation we cannot read (a missing
        scope, say) answers ``None``: the message is then sent, at least once, as before.
        """
        if row.method != "chat.postMessage" or row.attempts <= 1 or not (row.last_error or "").startswith(_UNCERTAIN):
            return None
        target = str(payload.get("channel") or "")
        thread_ts = payload.get("thread_ts")
        oldest = f"{(row.created_at - _LOOK_MARGIN).timestamp():.6f}"
        try:
            if target[:1] in ("U", "W"):  # a DM addressed by user id: find the IM's own id
                opened = await self.client.conversations_open(users=target)
                target = str((opened.get("channel") or {}).get("id") or "")
            cursor: str | None = None
            for _ in range(_LOOK_PAGES):
                common: dict[str, Any] = {
                    "channel": target,
                    "oldest": oldest,
                    "include_all_metadata": True,
                    "limit": 200,
                    "cursor": cursor,
                }
                if thread_ts:
                    page = await self.client.conversations_replies(ts=str(thread_ts), **common)
                else:
                    page = await self.client.conversations_history(**common)
                for message in page.get("messages") or []:
                    metadata = message.get("metadata") or {}
                    if (
                        metadata.get("event_type") == OUTBOX_EVENT_TYPE
                        and (metadata.get("event_payload") or {}).get("outbox_id") == row.id
                    ):
                        return {"channel": target, "ts": message.get("ts")}
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    return None
        except SlackApiError as error:
            status = error.response.status_code
            code = str(error.response.get("error", "")) if isinstance(error.response.data, dict) else ""
            if code in DEAD_TOKEN_ERRORS:
                raise _TokenRejected(code) from None
            if status == 429 or status >= 500 or code in TRANSIENT_ERRORS:
                raise _Retry(self._backoff(row.attempts), f"cannot reach Slack to look for outbox {row.id}") from None
            log.warning("cannot look for outbox %s in %s (%s); sending it again", row.id, target, code or status)
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise _Retry(self._backoff(row.attempts), f"cannot reach Slack: {type(error).__name__}") from None
        return None

    async def _card_fallback(
        self, row: OutboxRow, payload: dict[str, Any], failure: _Fail, tickets: dict[int, Ticket]
    ) -> dict[str, Any] | None:
        """Where a card goes when its thread cannot be reached (the bot is not in that channel, or it is a DM
        Slack offered a shortcut in): the department's channel. The ticket then lives in the card's own thread."""
        if row.purpose != OutboxPurpose.CARD.value or failure.code not in _UNREACHABLE_CHANNEL:
            return None
        if self._card_home is None or row.ticket_id is None:
            return None
        async with self.db.transaction() as session:
            ticket = await session.get(Ticket, row.ticket_id)
            if ticket is None:
                return None
            home = self._card_home(ticket)
            if home == payload.get("channel"):
                return None
            ticket.thread_channel = ticket.thread_ts = None  # the card's own thread becomes the ticket's thread
            session.add(ticket)
        tickets[row.ticket_id] = ticket
        log.warning(
            "card for %s could not go to %s (%s); posting it in %s",
            ticket.key,
            payload.get("channel"),
            failure.code,
            home,
        )
        fallback = {key: value for key, value in payload.items() if key != "thread_ts"}
        fallback["channel"] = home
        return fallback

    def _prepare(self, row: OutboxRow, tickets: dict[int, Ticket], extras: Mapping[int, Any]) -> dict[str, Any]:
        """Fill in what was unknown when the row was queued: a new card's text and blocks (rendered from the ticket
        as it is now), the card's channel and ts, its link.

        ``tickets`` were read when the pass claimed its rows; a row that needs its card waits (``depends_on``)
        until the card went out, earlier in the same pass or in an earlier one, so they already hold it."""
        payload = dict(row.payload)
        needs_link = _links_card(row, payload)
        fills_in = row.purpose in (OutboxPurpose.CARD_UPDATE.value, OutboxPurpose.THREAD_NOTE.value)
        renders = _renders_card(row)
        if not (needs_link or fills_in or renders) or row.ticket_id is None:
            return payload
        ticket = tickets.get(row.ticket_id)
        if ticket is None:
            raise _Fail(f"ticket {row.ticket_id} no longer exists")
        if renders:
            if self._render_card is None:
                raise _Fail("this sender cannot render cards")
            payload.update(self._render_card(ticket, extras.get(row.ticket_id)))
        elif row.purpose == OutboxPurpose.CARD_UPDATE.value:
            if not (ticket.card_channel and ticket.card_ts):
                raise _Fail(f"{ticket.key} has no card to update (posting it failed)")
            payload["channel"], payload["ts"] = ticket.card_channel, ticket.card_ts
            if self._render_card is not None:
                payload.update(self._render_card(ticket, extras.get(row.ticket_id)))
        elif row.purpose == OutboxPurpose.THREAD_NOTE.value:
            channel, thread_ts = ticket.thread_channel or ticket.card_channel, ticket.thread_ts or ticket.card_ts
            if not (channel and thread_ts):
                raise _Fail(f"{ticket.key} has no thread to write in")
            payload["channel"], payload["thread_ts"] = channel, thread_ts
        if needs_link:
            payload = self._with_link(payload, ticket)
        return payload

    def _with_link(self, payload: dict[str, Any], ticket: Ticket) -> dict[str, Any]:
        link = None
        if self.identity.url and ticket.card_channel and ticket.card_ts:
            link = message_link(self.identity.url, ticket.card_channel, ticket.card_ts, ticket.thread_ts)
        filled: dict[str, Any] = _filled_link(payload, link)
        return filled

    async def _call(self, method: str, payload: dict[str, Any], attempts: int) -> dict[str, Any]:
        try:
            if method == "files_upload_v2":
                # slack_sdk's three steps: files.getUploadURLExternal, a POST of the bytes to the URL it
                # gave, files.completeUploadExternal (which shares the file in the channel). A retry starts over.
                try:
                    content = base64.b64decode(payload["content_b64"], validate=True)
                    channel, filename, title = payload["channel"], payload["filename"], payload.get("title")
                except (KeyError, ValueError) as error:
                    raise _Fail(f"malformed {method} row: {type(error).__name__}") from None
                response = await self.client.files_upload_v2(
                    channel=channel, file=content, filename=filename, title=title
                )
            else:
                response = await self.client.api_call(method, json=payload)
        except SlackApiError as error:
            status = error.response.status_code
            code = str(error.response.get("error", "")) if isinstance(error.response.data, dict) else ""
            if status == 429 or code == "ratelimited":
                retry_after = retry_after_seconds(error.response.headers)
                raise _Retry(timedelta(seconds=retry_after), f"rate limited (Retry-After {retry_after}s)") from None
            if code in DEAD_TOKEN_ERRORS:
                raise _TokenRejected(code) from None
            if status >= 500 or code in UNCERTAIN_ERRORS:
                reason = f"{_MAY_HAVE_WORKED}: it answered {status} {code}".strip()
                raise _Retry(self._backoff(attempts), reason) from None
            if code in TRANSIENT_ERRORS:
                raise _Retry(self._backoff(attempts), f"Slack answered {status} {code}") from None
            raise _Fail(f"Slack refused {method}: {code or status}", code or None) from None
        except SlackRequestError as error:
            # Only the upload POST raises this; slack_sdk puts its HTTP status in the message alone.
            found = re.search(r"status: (\d+)", str(error))
            status = int(found.group(1)) if found else 0
            if 400 <= status < 500 and status != 429:
                raise _Fail(f"Slack refused the file upload: {status}") from None
            raise _Retry(self._backoff(attempts), f"file upload failed: {status or error}") from None
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise _Retry(self._backoff(attempts), f"cannot reach Slack: {type(error).__name__}") from None
        data: dict[str, Any] = dict(response.data) if isinstance(response.data, dict) else {}
        return data

    def _backoff(self, attempts: int) -> timedelta:
        """1s, 2s, 4s, … up to the cap; ``attempts`` counts this one (the claim bumped it)."""
        return min(self.settings.backoff_cap, timedelta(seconds=2 ** min(max(attempts - 1, 0), 16)))


def _renders_card(row: OutboxRow) -> bool:
    """A new ticket's card is queued as where it goes; its text and blocks come from the ticket when it is sent
    (a row queued by an older version carries them already, and is sent as it is)."""
    return row.purpose == OutboxPurpose.CARD.value and "blocks" not in row.payload


def _links_card(row: OutboxRow, payload: dict[str, Any]) -> bool:
    """Whether the payload carries the card-link placeholder (in its text, or anywhere in its blocks). The card
    itself never links to itself, and its blocks are the largest there are, so they are not searched."""
    if row.purpose in (OutboxPurpose.CARD.value, OutboxPurpose.CARD_UPDATE.value):
        return False
    return _mentions_link(payload.get("text")) or _mentions_link(payload.get("blocks"))


def _mentions_link(value: Any) -> bool:
    if isinstance(value, str):
        return CARD_LINK in value
    if isinstance(value, dict):
        return any(_mentions_link(item) for item in value.values())
    if isinstance(value, list):
        return any(_mentions_link(item) for item in value)
    return False


def _filled_link(value: Any, link: str | None) -> Any:
    """``value`` with the card-link placeholder replaced by ``link`` in every string; without a link (the card
    could not be posted) the "<link|Open the ticket>" markup is dropped entirely. A copy where anything
    changes: the row's payload stays as it was queued."""
    if isinstance(value, str):
        if CARD_LINK not in value:
            return value
        return value.replace(CARD_LINK, link) if link else _LINK_MARKUP.sub("", value)
    if isinstance(value, dict):
        return {key: _filled_link(item, link) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled_link(item, link) for item in value]
    return value


def _place_card(ticket: Ticket, channel: str, ts: str) -> None:
    """The card is posted: it is the ticket's card, and its thread unless the ticket already had one."""
    ticket.card_channel, ticket.card_ts = channel, ts
    if ticket.thread_ts is None:
        ticket.thread_channel, ticket.thread_ts = channel, ts
