"""A process's heartbeat: its outbox sender (and its ticker) saying every few seconds that they are alive.

Another replica's sender takes over the rows leased to a sender whose heartbeat is older than
``CROSSDESK_DEAD_SENDER_SECONDS`` (or that stopped) at once, instead of waiting out the lease; ``/metrics`` counts
the live senders and tickers. A sender that cannot write its own heartbeat for a third of that limit (its database
is cut off, its loop is stuck) starts no more calls, so that how late one of its calls can still reach Slack is
known (:func:`fresh_for`, and ``SenderSettings.straggle``): the sender that takes its rows over looks for them in
Slack once that moment has passed.

Beats carry the bot's clock, which is the one every replica compares them with (the leases do the same); how long
a sender has gone without a beat it measures in real time, so a test moving a ``ManualClock`` never makes a sender
doubt itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from datetime import timedelta

from bot.runtime.clock import Clock
from storage import heartbeats
from storage.database import Database

log = logging.getLogger(__name__)

# Heartbeats of processes silent for longer than this are forgotten (no lease lasts a day: Settings caps it).
FORGET_AFTER = timedelta(days=2)


def process_name() -> str:
    """A name for this process, new at every start: host, pid and a few random characters (a restarted container
    often gets the same pid)."""
    host = socket.gethostname().split(".")[0][:40] or "host"
    return f"{host}-{os.getpid()}-{secrets.token_hex(4)}"


def fresh_for(dead_after: timedelta) -> timedelta:
    """How long after its last beat a sender still starts calls: a third of the limit, so with a beat every fifth of
    it one late beat does not stop the sender; with the default 15 s limit its last call starts 10 s (one call's
    timeout) before others take its rows over, so it has landed by then."""
    return dead_after / 3


class Heartbeat:
    """One part of one process beating: ``run`` beats every ``every`` seconds until ``stop``; ``beat`` beats once."""

    def __init__(
        self, db: Database, clock: Clock, process: str, part: str, *, every: float, dead_after: timedelta
    ) -> None:
        self.db = db
        self.clock = clock
        self.process = process
        self.part = part
        self.every = every
        self.dead_after = dead_after
        # Real time of the last beat written (its start): fresh for the first moments, before the first beat.
        self._last_written = time.monotonic()
        self._stopping = asyncio.Event()

    def fresh(self) -> bool:
        """Whether the last beat written is recent enough (:func:`fresh_for`) for this sender to start a call."""
        return time.monotonic() - self._last_written < fresh_for(self.dead_after).total_seconds()

    async def beat(self) -> bool:
        """Write one beat; ``False`` (and a warning) when the database did not take it."""
        started = time.monotonic()
        try:
            async with self.db.transaction() as session:
                await heartbeats.beat(session, self.process, self.part, self.clock.now())
        except Exception as error:
            log.warning("%s heartbeat not written (%s); retrying in %.1fs", self.part, type(error).__name__, self.every)
            return False
        self._last_written = max(self._last_written, started)
        return True

    async def run(self) -> None:
        """Beat until :meth:`stop`; the first beat also forgets processes gone for days."""
        with contextlib.suppress(Exception):
            async with self.db.transaction() as session:
                await heartbeats.forget_before(session, self.clock.now() - FORGET_AFTER)
        while not self._stopping.is_set():
            await self.beat()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self.every)

    def stop(self) -> None:
        self._stopping.set()

    async def stopped(self) -> None:
        """Record that this part stopped on purpose: whatever it still holds is anyone's at once."""
        try:
            async with self.db.transaction() as session:
                await heartbeats.stop(session, self.process, self.part, self.clock.now())
        except Exception as error:
            log.warning("could not record that the %s stopped (%s)", self.part, type(error).__name__)
