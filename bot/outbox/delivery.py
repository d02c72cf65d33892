"""Sending one outbox row and saying what became of it: sent, to retry, failed for good, or paused.

Everything particular to a row's kind happens here, once it is its turn: its payload filled in
(:mod:`bot.outbox.payloads`), a prompt update or thread reply put where its earlier message went, a post whose
earlier attempt may have reached Slack looked for first, and the fallbacks when Slack refuses (an ephemeral note
by DM, a card in the department's channel). A bot token Slack stopped taking pauses sending instead of failing
message after message: the rows go back to pending, one error is logged, and ``auth.test`` is asked again now and
then until Slack takes the token.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.outbox.outcomes import Outcome
from bot.outbox.payloads import Cards, card_fallback, place_card, prepare
from bot.outbox.rate_gate import RateGate
from bot.outbox.slack_calls import (
    OUTBOX_EVENT_TYPE,
    Fail,
    Retry,
    SlackCalls,
    TokenRejected,
    dm_instead,
    look_not_before,
    was_uncertain,
)
from bot.runtime.clock import Clock
from bot.runtime.metrics import Metrics
from bot.runtime.slack_client import DEAD_TOKEN_ERRORS, SlackIdentity, TokenHealth
from bot.surfaces.ids import OutboxPurpose
from bot.tickets.card_context import CardRelations
from storage.database import Database
from storage.models import Ticket
from storage.outbox import OutboxRow

log = logging.getLogger(__name__)

# Rows placed by the message their ``depends_on`` row posted: a prompt's update, a thread reply.
PLACED = frozenset({OutboxPurpose.PROMPT_UPDATE.value, OutboxPurpose.THREAD_REPLY.value})


class Delivery:
    """Delivers rows one at a time; shared by every pass and hand-over of one sender."""

    def __init__(
        self,
        db: Database,
        slack: SlackCalls,
        clock: Clock,
        identity: SlackIdentity,
        token: TokenHealth,
        cards: Cards,
        metrics: Metrics,
        max_attempts: int,
        may_start: Callable[[], bool] = lambda: True,
    ) -> None:
        self.db = db
        self.slack = slack
        self.clock = clock
        self.identity = identity
        self.token = token
        self.cards = cards
        self.metrics = metrics
        self.max_attempts = max_attempts
        # Whether this sender may still start a call (its heartbeat fresh, not stopping): checked again after the
        # look in Slack, which can take a while, because other senders take rows over once the heartbeat is old
        # and count on no call of ours starting later than that (``SenderSettings.straggle``).
        self.may_start = may_start
        self.gate = RateGate()

    async def token_works(self) -> bool:
        """Whether to send: yes while Slack takes the token; once it rejected it, only after an ``auth.test``
        (one every ``TokenHealth.recheck_every``) succeeds again."""
        if self.token.ok:
            return True
        if not self.token.recheck_due(self.clock.now()):
            return False
        try:
            await self.identity.check(self.slack.client)
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

    def paused(self, row: OutboxRow) -> Outcome:
        """Given back (:meth:`given_back`): it goes out when Slack takes the token again."""
        return self.given_back(row, f"paused: {self.token.problem()}")

    def given_back(self, row: OutboxRow, why: str, due: datetime | None = None) -> Outcome:
        """Back to pending with its attempt given back, due at ``due`` (at once by default), for whichever sender
        claims next. An uncertain earlier attempt stays recorded, so the post is looked for before it is sent."""
        error = row.last_error if was_uncertain(row) and row.last_error else why
        return Outcome(row, "released", retry_at=due or self.clock.now(), error=error)

    async def deliver(
        self,
        row: OutboxRow,
        tickets: dict[int, Ticket],
        place: tuple[str, str] | None,
        related: Mapping[int, CardRelations] | None = None,
    ) -> Outcome:
        """Send ``row``. ``place`` is where the message its ``depends_on`` row posted went (channel, ts), for a
        prompt update or a thread reply; ``None`` when that message was never posted. ``related``: what the pass's
        cards show besides their tickets."""
        assert row.id is not None
        if not self.token.ok:  # another row of this pass found the token rejected: do not ask Slack again
            return self.paused(row)
        if row.purpose == OutboxPurpose.PROMPT_UPDATE.value and place is None:
            # The DM it would settle failed for good: there is no message to update.
            log.info("outbox %s: the DM it settles was never posted; nothing to update", row.id)
            return self.sent(row, {}, tickets)
        # A thread reply without a place goes on its own in the same channel: the rest of a digest whose first
        # message failed for good is better there than nowhere.
        payload: dict[str, Any] = {}
        try:
            payload = prepare(row, tickets, self.cards, self.identity.url, related)
            if place is not None:
                where = "thread_ts" if row.purpose == OutboxPurpose.THREAD_REPLY.value else "ts"
                payload["channel"], payload[where] = place
            opens_at = self.gate.opens_at(row.method, payload.get("channel"), self.clock.now())
            if opens_at is not None:
                # Another call under the same limit was answered 429: asking now would only be refused again.
                return self.given_back(row, f"held back: Slack rate-limits {row.method} here", opens_at)
            if row.method == "chat.postMessage" and "metadata" not in payload:
                payload["metadata"] = {"event_type": OUTBOX_EVENT_TYPE, "event_payload": {"outbox_id": row.id}}
            wait_until = look_not_before(row)
            if wait_until is not None and self.clock.now() < wait_until:
                # Taken from a sender that stopped beating: its last call could still be on its way until then.
                return self.given_back(row, "waiting until its earlier attempt could have landed", wait_until)
            found = await self.slack.already_posted(row, payload)
            if found is not None:
                log.info("outbox %s was in Slack although its outcome was unknown; recording it, not resending", row.id)
                return self.sent(row, found, tickets)
            if not self.may_start():
                return self.given_back(row, "given back: the look in Slack outlasted the sender's heartbeat")
            response = await self._call_or_fall_back(row, payload, tickets)
        except Retry as retry:
            if row.attempts >= self.max_attempts:
                log.error(
                    "outbox %s (%s) failed for good after %s attempts: %s",
                    row.id,
                    row.method,
                    row.attempts,
                    retry.reason,
                )
                self.metrics.outbox_failed.labels(row.method).inc()
                return Outcome(row, "failed", error=retry.reason)
            self.metrics.outbox_retries.labels(row.method).inc()
            if retry.rate_limited:
                self.gate.close(row.method, payload.get("channel"), self.clock.now() + retry.after)
            log.warning(
                "outbox %s (%s) will retry in %ss: %s", row.id, row.method, retry.after.total_seconds(), retry.reason
            )
            now = self.clock.now()
            landed_by = now if retry.may_have_landed else None
            return Outcome(row, "retry", retry_at=now + retry.after, error=retry.reason, landed_by=landed_by)
        except TokenRejected as rejected:
            if self.token.rejected(rejected.code, self.clock.now()):
                # Once, not once per message: every queued message would fail the same way.
                log.error(
                    "%s; sending resumes by itself once Slack takes the token again "
                    "(reinstall the app, or set a working SLACK_BOT_TOKEN and restart)",
                    self.token.problem(),
                )
            return self.paused(row)
        except Fail as failure:
            if row.method == "chat.delete" and failure.code == "message_not_found":
                # Already gone (a newer reminder's delete got there first): what the row asked for is true.
                log.info("outbox %s: the message to delete was already gone", row.id)
                return self.sent(row, {}, tickets)
            log.error("outbox %s (%s) failed: %s", row.id, row.method, failure)
            self.metrics.outbox_failed.labels(row.method).inc()
            return Outcome(row, "failed", error=str(failure))
        return self.sent(row, response, tickets)

    async def _call_or_fall_back(
        self, row: OutboxRow, payload: dict[str, Any], tickets: dict[int, Ticket]
    ) -> dict[str, Any]:
        try:
            return await self.slack.call(row.method, payload, row.attempts)
        except Fail as failure:
            dm = dm_instead(row, payload, failure)
            if dm is not None:
                return await self.slack.call("chat.postMessage", dm, row.attempts)
            fallback = await card_fallback(self.db, self.cards, row, payload, failure, tickets)
            if fallback is None:
                raise
            return await self.slack.call(row.method, fallback, row.attempts)

    def sent(self, row: OutboxRow, response: dict[str, Any], tickets: dict[int, Ticket]) -> Outcome:
        channel = response.get("channel")
        ts = response.get("ts") or response.get("message_ts")
        self.metrics.outbox_sent.labels(row.method).inc()
        ticket = tickets.get(row.ticket_id) if row.ticket_id is not None else None
        if row.purpose == OutboxPurpose.CARD.value and ticket is not None and channel and ts:
            place_card(ticket, channel, ts)  # later rows of this ticket in the same pass link to it
        return Outcome(row, "sent", channel=channel, ts=ts)
