"""The outbox as the rest of the bot sees it: a transaction that queues Slack calls, and a way to say it committed.

Services never call Slack. They write the calls a change causes as outbox rows in the change's own transaction,
and the outbox sends them once that transaction has committed. Two ways in, and nothing else:

- ``async with outbox.committing() as commit:`` — a transaction (``commit.session``) whose calls are queued
  with ``await commit.queue(calls, now, tickets)``. Once it commits, a sending outbox takes those rows over at
  once, without waiting for a pass (opening a ticket, the hot path, uses this). How the rows are leased, and
  which of the sender's own bookkeeping rides along in the same transaction, is decided in ``bot/outbox``.
- ``outbox.wake()`` — after any other transaction that queued rows (through ``storage.outbox.enqueue`` or the
  ticket messenger) committed: the rows are sent on the next pass, which starts now.

The app assembly also runs and stops the outbox (:meth:`Outbox.run`, :meth:`Outbox.stop`). :class:`QueueOnly` is
the outbox of a process that sends nothing itself — a CLI command, a unit test, a benchmark of the database
alone: rows are written pending, and whichever bot runs next sends them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from storage import outbox as outbox_rows
from storage.database import Database
from storage.models import Ticket
from storage.outbox import Call, OutboxRow


class Commit:
    """One transaction of :meth:`Outbox.committing`: its session, and the calls queued in it."""

    def __init__(
        self, session: AsyncSession, lease_until: datetime | None = None, leased_to: str | None = None
    ) -> None:
        self.session = session
        # Rows written already leased (until then, to ``leased_to``) are handed straight to this process's sender
        # after the commit.
        self._lease_until = lease_until
        self._leased_to = leased_to
        self.rows: list[OutboxRow] = []
        self.tickets: dict[int, Ticket] = {}

    async def queue(self, calls: Sequence[Call], now: datetime, tickets: Sequence[Ticket] = ()) -> None:
        """Queue ``calls`` in this transaction. ``tickets`` are the ones the calls are about, as this transaction
        writes them: a card posted straight after the commit is recorded on its ticket, so the DM after it links to
        it without reading the ticket again."""
        self.rows.extend(await outbox_rows.enqueue_calls(self.session, calls, now, self._lease_until, self._leased_to))
        self.tickets.update({ticket.id: ticket for ticket in tickets if ticket.id is not None})


class Outbox(Protocol):
    """What services (``committing``, ``wake``) and the app assembly (``run``, ``stop``) ask of the outbox."""

    def committing(self) -> AbstractAsyncContextManager[Commit]:
        """A transaction whose queued calls go out as soon as it commits; rolled back on any exception."""
        ...

    def wake(self) -> None:
        """A transaction that queued calls has committed: send them now rather than at the next poll."""
        ...

    async def run(self) -> None:
        """Send until :meth:`stop`; what was already taken over is still sent and recorded."""
        ...

    def stop(self) -> None: ...


class QueueOnly:
    """An outbox that only queues: rows are written pending for a running bot's sender to send."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @asynccontextmanager
    async def committing(self) -> AsyncIterator[Commit]:
        async with self.db.transaction() as session:
            yield Commit(session)

    def wake(self) -> None:
        """Nothing here sends; the rows wait for a bot's sender, which polls."""

    async def run(self) -> None:
        """Nothing to send: returns at once."""

    def stop(self) -> None:
        """Nothing runs."""
