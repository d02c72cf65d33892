"""Stand-up entries: one row per member, department and day, whose insert is the claim to ask them.

Every write that starts Slack work is a claim that only one caller can win — the entry's INSERT … ON
CONFLICT DO NOTHING for the question DM, a guarded UPDATE for the nudge — so replicas and restarts ask
and nudge each member once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import JobRun, Member, OutboxMessage, StandupEntry


async def insert_entry(
    session: AsyncSession, department_key: str, user_id: str, day: str, asked_at: datetime | None
) -> bool:
    """Insert the (department, user, day) entry; ``True`` only for the one caller whose insert took."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    values = {"department_key": department_key, "user_id": user_id, "day": day, "asked_at": asked_at, "skipped": False}
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(StandupEntry).values(**values)
    result = await session.exec(statement.on_conflict_do_nothing(index_elements=["department_key", "user_id", "day"]))
    return bool(result.rowcount)


async def claim_nudge(session: AsyncSession, entry_id: int, now: datetime) -> bool:
    """Mark the entry nudged unless it was nudged, answered or skipped already; ``True`` for the winner."""
    result = await session.exec(
        update(StandupEntry)
        .where(
            col(StandupEntry.id) == entry_id,
            col(StandupEntry.nudged_at).is_(None),
            col(StandupEntry.answered_at).is_(None),
            col(StandupEntry.skipped).is_(False),
        )
        .values(nudged_at=now)
    )
    return bool(result.rowcount)


def save(session: AsyncSession, entry: StandupEntry) -> None:
    """Write the changes made to an entry loaded in ``session`` (:func:`entry`, :func:`by_id`) with the
    transaction; an entry from elsewhere is refused, as its changes would be lost."""
    if entry not in session:
        raise ValueError(f"stand-up entry {entry.id} was not loaded in this session; load it before changing it")
    session.add(entry)


async def entry(
    session: AsyncSession, department_key: str, user_id: str, day: str, *, for_update: bool = False
) -> StandupEntry | None:
    statement = select(StandupEntry).where(
        col(StandupEntry.department_key) == department_key,
        col(StandupEntry.user_id) == user_id,
        col(StandupEntry.day) == day,
    )
    if for_update:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def by_id(session: AsyncSession, entry_id: int) -> StandupEntry | None:
    return await session.get(StandupEntry, entry_id)


async def entries_on(session: AsyncSession, department_key: str, days: Iterable[str]) -> Sequence[StandupEntry]:
    statement = (
        select(StandupEntry)
        .where(col(StandupEntry.department_key) == department_key, col(StandupEntry.day).in_(list(days)))
        .order_by(col(StandupEntry.id))
    )
    return (await session.exec(statement)).all()


async def anyone_asked(session: AsyncSession, department_key: str, day: str) -> bool:
    """Whether the stand-up question went out to at least one member of the department on ``day``."""
    statement = select(StandupEntry.id).where(
        col(StandupEntry.department_key) == department_key,
        col(StandupEntry.day) == day,
        col(StandupEntry.asked_at).is_not(None),
    )
    return (await session.exec(statement.limit(1))).first() is not None


async def time_zones(session: AsyncSession, user_ids: Iterable[str]) -> dict[str, str]:
    """The Slack time zone of each member who has one recorded."""
    statement = select(Member.user_id, Member.tz).where(
        col(Member.user_id).in_(list(user_ids)), col(Member.tz).is_not(None)
    )
    return {user_id: tz for user_id, tz in (await session.exec(statement)).all() if tz}


async def sent_prompt(session: AsyncSession, purpose: str, user_id: str, queued_at: datetime) -> tuple[str, str] | None:
    """(channel, ts) of the question DM queued for ``user_id`` at ``queued_at``, once Slack has it.

    The DM is queued in the same transaction as its entry, with the entry's ``asked_at`` as its creation
    time, so (purpose, creation time, recipient) finds it without a link column.
    """
    statement = select(OutboxMessage).where(
        col(OutboxMessage.purpose) == purpose,
        col(OutboxMessage.created_at) == queued_at,
        col(OutboxMessage.result_ts).is_not(None),
    )
    for row in (await session.exec(statement)).all():
        if row.payload.get("channel") == user_id and row.result_channel and row.result_ts:
            return row.result_channel, row.result_ts
    return None


async def period_claimed(session: AsyncSession, job: str, period: str) -> bool:
    """Whether the (job, period) run was already started, e.g. the day's summary already went out."""
    statement = select(JobRun.job).where(col(JobRun.job) == job, col(JobRun.period) == period)
    return (await session.exec(statement)).first() is not None
