"""Heartbeats: each process's sender and ticker saying, every few seconds, that they are alive.

The outbox reads them to take over at once the rows of a sender that stopped beating
(``storage.outbox_leases.claim_due``); ``/metrics`` counts the live ones. One row per (process, part); a process
gets a new name at every start, so rows of processes long gone are forgotten now and then (:func:`forget_before`).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql import Select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Heartbeat

SENDER, TICKER = "sender", "ticker"


async def beat(session: AsyncSession, process: str, part: str, now: datetime) -> None:
    """Record that ``process``'s ``part`` is alive at ``now`` (its first beat also records when it started)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    values = {"process": process, "part": part, "started_at": now, "beat_at": now, "stopped_at": None}
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(Heartbeat).values(**values)
    upsert = statement.on_conflict_do_update(index_elements=["process", "part"], set_={"beat_at": now})
    await session.exec(upsert)


async def stop(session: AsyncSession, process: str, part: str, now: datetime) -> None:
    """``process``'s ``part`` stopped on purpose: whatever it still holds is anyone's at once."""
    statement = (
        update(Heartbeat)
        .where(col(Heartbeat.process) == process, col(Heartbeat.part) == part)
        .values(stopped_at=now, beat_at=now)
    )
    await session.exec(statement)


def dead(part: str, beaten_before: datetime, *, other_than: str | None = None) -> Select[tuple[str]]:
    """The processes whose ``part`` stopped, or last beat before ``beaten_before`` — for use inside a query
    (``claim_due`` takes over their rows); ``other_than`` is left out whatever its heartbeat says."""
    statement = select(Heartbeat.process).where(
        col(Heartbeat.part) == part,
        or_(col(Heartbeat.stopped_at).is_not(None), col(Heartbeat.beat_at) < beaten_before),
    )
    if other_than is not None:
        statement = statement.where(col(Heartbeat.process) != other_than)
    return statement  # type: ignore[return-value]


async def live(session: AsyncSession, beaten_since: dict[str, datetime]) -> Counter[str]:
    """How many processes of each part (the keys of ``beaten_since``) have beaten since the moment given for it
    and not stopped."""
    found: Counter[str] = Counter({part: 0 for part in beaten_since})
    statement = select(Heartbeat.part, Heartbeat.beat_at).where(
        col(Heartbeat.part).in_(sorted(beaten_since)), col(Heartbeat.stopped_at).is_(None)
    )
    for part, beat_at in (await session.exec(statement)).all():
        if beat_at >= beaten_since[part]:
            found[part] += 1
    return found


async def forget_before(session: AsyncSession, before: datetime) -> int:
    """Forget processes that have not beaten since ``before`` (long gone: a lease never lasts that long)."""
    result = await session.exec(delete(Heartbeat).where(col(Heartbeat.beat_at) < before))
    return int(result.rowcount or 0)
