"""Periodic work that must happen once per period, however many replicas tick."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import JobRun


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


async def finish(session: AsyncSession, job: str, period: str, now: datetime) -> None:
    await session.exec(
        update(JobRun).where(col(JobRun.job) == job, col(JobRun.period) == period).values(finished_at=now)
    )
