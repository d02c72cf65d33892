"""The last reminder DM each person got, so the next one replaces it instead of piling up."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ReminderMessage


async def last_reminders(session: AsyncSession, user_ids: list[str]) -> dict[str, ReminderMessage]:
    statement = select(ReminderMessage).where(col(ReminderMessage.user_id).in_(user_ids))
    return {row.user_id: row for row in (await session.exec(statement)).all()}


async def remember(session: AsyncSession, user_id: str, channel: str, ts: str, at: datetime) -> None:
    row = await session.get(ReminderMessage, user_id)
    if row is None:
        session.add(ReminderMessage(user_id=user_id, channel=channel, ts=ts, sent_at=at))
    else:
        row.channel, row.ts, row.sent_at = channel, ts, at
        session.add(row)
