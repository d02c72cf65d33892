"""The running workspace configuration as the database knows it: recorded when a bot starts or reloads, read by
``crossdesk export-config``; and the once-only claim that lets one replica, not all, tell admins of a bad file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import jobs
from storage.models import WorkspaceConfigRecord

_EDIT_LOCK = 0x43524F5345  # the same for every replica; differs from the migration and department locks
SYSTEM_ACTOR = "crossdesk"  # the actor of what the bot recorded itself: a file it started with or reloaded


async def latest(session: AsyncSession) -> WorkspaceConfigRecord | None:
    """The configuration put into use last, if any bot recorded one."""
    statement = select(WorkspaceConfigRecord).order_by(col(WorkspaceConfigRecord.id).desc()).limit(1)
    return (await session.exec(statement)).first()


async def latest_for_edit(session: AsyncSession) -> WorkspaceConfigRecord | None:
    """:func:`latest`, for an edit that will record the configuration it derives from it: on PostgreSQL two edits
    take turns (an advisory lock held until commit), so neither builds on a configuration the other replaces."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await (await session.connection()).execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _EDIT_LOCK})
    return await latest(session)


async def record_applied(
    session: AsyncSession, digest: str, text: str, source: str, actor_id: str, now: datetime
) -> bool:
    """Record ``text`` as the running configuration unless it already is; ``True`` when a row was written."""
    newest = await latest(session)
    if newest is not None and newest.digest == digest:
        return False
    row = WorkspaceConfigRecord(digest=digest, source=source, actor_id=actor_id, text=text, applied_at=now)
    session.add(row)
    await session.flush()
    return True


async def claim_refusal(session: AsyncSession, refused: str, running: str, now: datetime) -> bool:
    """``True`` for the one replica that tells the admins a file (digest ``refused``) was refused while the
    configuration ``running`` stays; every other replica, and this one on its next look, gets ``False``."""
    return await jobs.claim_period(session, "config-refused", f"{refused[:19]}:{running[:19]}", now)


async def newest(session: AsyncSession, limit: int) -> list[WorkspaceConfigRecord]:
    """The ``limit`` configurations put into use last, newest first (the Admin view's list of changes)."""
    statement = select(WorkspaceConfigRecord).order_by(col(WorkspaceConfigRecord.id).desc()).limit(limit)
    return list((await session.exec(statement)).all())
