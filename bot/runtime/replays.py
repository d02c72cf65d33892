"""Replays of signed slash commands and interactions: the same signed request sent again is not acted on twice.

Slack never sends a command or a click twice (it does not retry them, and every new one has its own timestamp,
trigger id and action ts), so a second request with the same body and the same timestamp is somebody replaying
what they captured; its signature stays good for five minutes. Events need none of this: their event id is
stored with their effects.

Each request's key is recorded before its listener runs, in the database so that every replica agrees; the keys
that arrive together are written in one transaction (:class:`GroupCommit`). Keys older than the signature's five
minutes can never match again and are deleted as they go stale.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence

from bot.runtime.clock import Clock
from bot.runtime.group_commit import GroupCommit
from storage import events
from storage.database import Database

# How long Slack's signature is good for (slack_sdk's verifier allows a timestamp five minutes off), and a
# margin for the clocks of the replicas that share the database.
SIGNATURE_WINDOW = 5 * 60
_KEEP = SIGNATURE_WINDOW + 60
_FORGET_EVERY = 60  # seconds between deletions of stale keys, per process


class RequestReplays:
    def __init__(self, db: Database, clock: Clock, wall_clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.clock = clock  # the time recorded with each key, as with event ids
        self._wall_clock = wall_clock  # the signature check's clock, which says when a key can match no more
        self._forgotten_at = 0.0
        self._claims: GroupCommit[tuple[str, str], bool] = GroupCommit(self._claim_batch)

    @staticmethod
    def key(timestamp: str, body: str) -> str:
        """The key of a signed request: ``X-Slack-Request-Timestamp`` and the raw body, exactly as Slack signs them."""
        digest = hashlib.sha256(f"v0:{timestamp}:".encode() + body.encode()).hexdigest()
        return events.request_key(int(timestamp), digest)

    async def first_time(self, key: str, kind: str) -> bool:
        """Record the request's :meth:`key`; ``False`` when it was recorded before (a replay), by any replica."""
        return await self._claims.submit((key, kind))

    async def forget(self, key: str) -> None:
        """Drop a request's key again: the request was refused as malformed, and a refused request changes nothing
        (sent again, it is refused again)."""
        async with self.db.transaction() as session:
            await events.forget_request(session, key)

    async def _claim_batch(self, items: list[tuple[str, str]]) -> Sequence[bool]:
        now = self._wall_clock()
        async with self.db.transaction() as session:
            if now - self._forgotten_at >= _FORGET_EVERY:
                await events.forget_requests_before(session, int(now) - _KEEP)
                self._forgotten_at = now
            new = await events.claim_requests(session, items, self.clock.now())
        # A key twice in one batch (a replay racing its original) is new only the first time.
        outcomes: list[bool] = []
        for key, _ in items:
            outcomes.append(key in new)
            new.discard(key)
        return outcomes
