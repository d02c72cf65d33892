"""The last reminder DM each person got, so the next one replaces it instead of piling up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ReminderMessage


async def last_reminders(session: AsyncSession, user_ids: list[str]) -> dict[str, ReminderMessage]:
    statement = select(ReminderMessage).where(col(ReminderMessage.user_id).in_(user_ids))
    return {row.user_id: row for row in (await session.exec(statement)).all()}


async def remember(session: AsyncSession, user_id: str, channel: str, ts: str, at: datetime) -> None:
    """Remember the reminder DM ``user_id`` got at ``at``, unless a later one is remembered already.

    One statement (an upsert): two replicas' senders may record reminders for the same person at the same moment,
    and a read-then-insert would fail one of them on the key — and with it the other outcomes written in that
    transaction."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(ReminderMessage).values(
        user_id=user_id, channel=channel, ts=ts, sent_at=at
    )
    newer = statement.excluded
    upsert = statement.on_conflict_do_update(
        index_elements=["user_id"],
        set_={"channel": newer.channel, "ts": newer.ts, "sent_at": newer.sent_at},
        where=col(ReminderMessage.sent_at) <= newer.sent_at,
    )
    await session.exec(upsert)
