"""Periodic work that must happen once per period, however many replicas tick; whose turn a tick's job is; and when
the database first ran the bot (scheduled work from before that moment never runs)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import JobRun, JobTurn, Ticket

# The (job, period) row whose ``started_at`` is the moment this database first ran the bot.
FIRST_START = ("crossdesk", "first-start")


async def claim_period(session: AsyncSession, job: str, period: str, now: datetime) -> bool:
    """Insert the (job, period) row; ``True`` for the one caller whose insert took, ``False`` for the rest.

    ``INSERT … ON CONFLICT DO NOTHING`` makes the claim atomic on both SQLite and PostgreSQL: two replicas
    racing for the same period cannot both win, and a restart finds the period already done.
    """
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    values = {"job": job, "period": period, "started_at": now}
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(JobRun).values(**values)
    result = await session.exec(statement.on_conflict_do_nothing(index_elements=["job", "period"]))
    return bool(result.rowcount)


async def take_turn(session: AsyncSession, job: str, turn_start: datetime, by: str, now: datetime) -> bool:
    """Take ``job``'s turn that starts at ``turn_start``: ``True`` for the one caller that moves the job's row to it,
    ``False`` for every other (the turn is taken, or a later one already was).

    One upsert whose update only applies to an earlier turn. On PostgreSQL a replica racing for the same turn
    waits for the winner's transaction (the row is locked until it commits) and then finds the turn taken; should
    the winner roll back, the turn is free again. SQLite has one writer, so the question never arises there.
    """
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    values = {"job": job, "turn_start": turn_start, "taken_by": by, "taken_at": now}
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(JobTurn).values(**values)
    upsert = statement.on_conflict_do_update(
        index_elements=["job"],
        set_={"turn_start": turn_start, "taken_by": by, "taken_at": now},
        where=col(JobTurn.turn_start) < turn_start,
    )
    result = await session.exec(upsert)
    return bool(result.rowcount)


async def finish(session: AsyncSession, job: str, period: str, now: datetime) -> None:
    await session.exec(
        update(JobRun).where(col(JobRun.job) == job, col(JobRun.period) == period).values(finished_at=now)
    )


async def first_started(session: AsyncSession, now: datetime) -> datetime:
    """When this database first ran the bot; the first caller records it, every later one reads the same moment.

    A database that already has job runs or tickets (one from before this record existed) counts from its
    oldest row, so an upgrade is not mistaken for a first start. Replicas starting together insert with ON
    CONFLICT DO NOTHING and then read whichever moment won.
    """
    job, period = FIRST_START
    found = await _first_start(session)
    if found is not None:
        return found
    oldest_run = (await session.exec(select(func.min(JobRun.started_at)))).one()
    oldest_ticket = (await session.exec(select(func.min(Ticket.created_at)))).one()
    moment = min(m for m in (now, oldest_run, oldest_ticket) if m is not None)
    await claim_period(session, job, period, moment)
    found = await _first_start(session)
    assert found is not None, "inserted by this caller or by the replica that won"
    return found


async def _first_start(session: AsyncSession) -> datetime | None:
    job, period = FIRST_START
    statement = select(JobRun.started_at).where(col(JobRun.job) == job, col(JobRun.period) == period)
    return (await session.exec(statement)).first()
