"""The DMs sent about a ticket, as the outbox recorded them: what each asked and of whom, where Slack put it
(``result_channel``/``result_ts``, written when it was sent), and whether a later update settled it.

Every query here is narrowed by the ticket (the outbox's ``ticket_id`` index): a ticket has a handful of rows,
however large the outbox grows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import OutboxMessage


@dataclass(frozen=True)
class SentPrompt:
    """A DM with buttons about a ticket, and whether an update has settled it (taken its buttons away)."""

    row: OutboxMessage
    settled: bool

    @property
    def id(self) -> int:
        assert self.row.id is not None
        return self.row.id

    @property
    def purpose(self) -> str:
        return self.row.purpose

    @property
    def recipient(self) -> str:
        """Whom it was sent to: the user id it was addressed to."""
        return str(self.row.payload.get("channel") or "")

    @property
    def text(self) -> str:
        return str(self.row.payload.get("text") or "")

    def is_at(self, channel: str, ts: str) -> bool:
        """Whether Slack put it at (channel, ts)."""
        return self.row.result_channel == channel and self.row.result_ts == ts


async def prompts_of(
    session: AsyncSession, ticket_id: int, purposes: Sequence[str], update_purpose: str
) -> list[SentPrompt]:
    """The ticket's rows of ``purposes``, oldest first, each settled when a row of ``update_purpose`` waits for it.

    Rows queued earlier in the caller's transaction are included (the session flushes before it reads).
    """
    statement = (
        select(OutboxMessage)
        .where(col(OutboxMessage.ticket_id) == ticket_id, col(OutboxMessage.purpose).in_([*purposes, update_purpose]))
        .order_by(col(OutboxMessage.id))
    )
    rows = (await session.exec(statement)).all()
    settled = {row.depends_on_id for row in rows if row.purpose == update_purpose}
    return [SentPrompt(row, row.id in settled) for row in rows if row.purpose != update_purpose]


async def ticket_messaged_at(session: AsyncSession, ticket_ids: Sequence[int], channel: str, ts: str) -> int | None:
    """Which of these tickets the bot's message at (channel, ts) is about, if it is about one of them."""
    if not ticket_ids:
        return None
    statement = select(OutboxMessage.ticket_id).where(
        col(OutboxMessage.ticket_id).in_(sorted(set(ticket_ids))),
        col(OutboxMessage.result_channel) == channel,
        col(OutboxMessage.result_ts) == ts,
    )
    return (await session.exec(statement)).first()


async def last_update_of(session: AsyncSession, ticket_id: int, prompt_id: int, update_purpose: str) -> int | None:
    """The newest update queued for the prompt row ``prompt_id``, so a further one waits for it and Slack shows the
    last one however the sends are retried. Each update waits for the one before it, so the chain is followed from
    the prompt (its place, channel and ts, is the prompt's all along: ``chat.update`` answers with the same)."""
    statement = select(OutboxMessage.id, OutboxMessage.depends_on_id).where(
        col(OutboxMessage.ticket_id) == ticket_id, col(OutboxMessage.purpose) == update_purpose
    )
    next_of = {depends_on: row_id for row_id, depends_on in (await session.exec(statement)).all() if depends_on}
    last = None
    while (following := next_of.get(last or prompt_id)) is not None:
        last = following
    return last
