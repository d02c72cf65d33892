"""Departments and their members, mirrored from the workspace file into the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, text, update
from sqlalchemy import select as select_rows
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from config.ids import is_group_id
from config.schema import WorkspaceConfig
from storage import user_groups
from storage._prepared import Prepared, Statements
from storage.membership_models import DepartmentMember
from storage.models import Department, Member, table_of

_PG_SYNC_LOCK = 0x43524F5354  # the same for every replica; differs from the migration lock


async def sync_workspace(session: AsyncSession, workspace: WorkspaceConfig) -> None:
    """Make the department and membership rows match the file; counters and people's data are kept.

    Departments that vanished from the file stay (their tickets still point at them) but lose members. A user group
    the file names (``S…``) gets its row, to be read from Slack; its members become people once read.
    On PostgreSQL replicas starting together take turns (an advisory lock held until commit).
    """
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await (await session.connection()).execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_SYNC_LOCK})
    existing = {d.key: d for d in (await session.exec(select(Department))).all()}
    for department in workspace.departments:
        row = existing.get(department.key)
        if row is None:
            session.add(
                Department(
                    key=department.key,
                    name=department.name,
                    channel=department.channel,
                    lead=department.lead,
                )
            )
        else:
            row.name, row.channel, row.lead = (
                department.name,
                department.channel,
                department.lead,
            )
            session.add(row)
    await session.flush()
    await session.exec(delete(DepartmentMember))
    people: set[str] = set(workspace.admins)
    for department in workspace.departments:
        for position, owner in enumerate(department.owners):
            session.add(
                DepartmentMember(
                    department_key=department.key,
                    user_id=owner,
                    role="owner",
                    position=position,
                )
            )
        if department.lead and department.lead not in department.owners:
            session.add(
                DepartmentMember(
                    department_key=department.key,
                    user_id=department.lead,
                    role="lead",
                    position=-1,
                )
            )
        people.update(department.members)
    groups = {value for value in people if is_group_id(value)}
    people -= groups
    await user_groups.ensure_groups(session, groups)
    known = set((await session.exec(select(Member.user_id))).all())
    for user_id in sorted(people - known):
        session.add(Member(user_id=user_id))
    await session.flush()


@dataclass(frozen=True)
class OwnerProfile:
    """What routing needs of a person: ``away`` as they said with ``/ticket away``, their time zone, and their Slack
    status (emoji, text, until when) as last learnt (``bot/people/away.py`` judges it)."""

    away: bool
    tz: str | None
    status_emoji: str | None = None
    status_text: str | None = None
    status_until: datetime | None = None


_MEMBERS = table_of(Member)
_OWNER_PROFILES = Prepared(
    select_rows(
        _MEMBERS.c.user_id,
        _MEMBERS.c.away,
        _MEMBERS.c.tz,
        _MEMBERS.c.status_emoji,
        _MEMBERS.c.status_text,
        _MEMBERS.c.status_until,
    ).where(_MEMBERS.c.user_id.in_(bindparam("user_ids", expanding=True)))
)


async def owner_profiles(session: AsyncSession, user_ids: list[str]) -> dict[str, OwnerProfile]:
    """Whether each of ``user_ids`` is away, their time zone and Slack status, in one query (opening a ticket needs
    them all; a prepared statement, as every batch of new tickets asks)."""
    rows = await (await Statements.of(session)).rows(_OWNER_PROFILES, {"user_ids": list(user_ids)})
    return {
        user_id: OwnerProfile(bool(away), tz, emoji, text_, until) for user_id, away, tz, emoji, text_, until in rows
    }


async def away_members(session: AsyncSession, user_ids: list[str]) -> set[str]:
    """Those of ``user_ids`` who said ``/ticket away`` (Slack statuses aside)."""
    statement = select(Member.user_id).where(col(Member.user_id).in_(user_ids), col(Member.away).is_(True))
    return set((await session.exec(statement)).all())


async def set_status(
    session: AsyncSession,
    user_id: str,
    emoji: str | None,
    status_text: str | None,
    until: datetime | None,
    at: datetime,
) -> bool:
    """Record a person's Slack status; returns whether it was recorded (Slack tells every status change in the
    workspace; only the people the bot knows, every member of a department among them, are kept)."""
    values = {"status_emoji": emoji, "status_text": status_text, "status_until": until, "status_at": at}
    result = await session.exec(update(Member).where(col(Member.user_id) == user_id).values(**values))
    return bool(result.rowcount)


async def without_status(session: AsyncSession, user_ids: list[str]) -> list[str]:
    """Those of ``user_ids`` whose Slack status was never learnt."""
    statement = select(Member.user_id).where(col(Member.user_id).in_(user_ids), col(Member.status_at).is_(None))
    return sorted((await session.exec(statement)).all())


async def set_away(session: AsyncSession, user_id: str, away: bool) -> None:
    await session.exec(update(Member).where(col(Member.user_id) == user_id).values(away=away))


_DEPARTMENTS = table_of(Department)
_TAKE_NUMBERS = Prepared(
    update(_DEPARTMENTS)
    .where(_DEPARTMENTS.c.key == bindparam("department"))
    .values(last_number=_DEPARTMENTS.c.last_number + bindparam("count"))
    .returning(_DEPARTMENTS.c.last_number, _DEPARTMENTS.c.next_owner)
)
_SET_TURN = Prepared(
    update(_DEPARTMENTS).where(_DEPARTMENTS.c.key == bindparam("department")).values(next_owner=bindparam("turn"))
)


async def take_numbers_and_turn(session: AsyncSession, department_key: str, count: int = 1) -> tuple[int, int]:
    """Atomically take the department's next ``count`` ticket numbers, and read its round-robin turn.

    Returns the first of the numbers taken (they run on from it) and the turn. The ``UPDATE … RETURNING``
    holds the department's row lock until the transaction ends, so concurrent transactions (on PostgreSQL,
    in other processes) each get their own numbers, and each sees the turn the previous one left with
    :func:`set_next_turn`. Runs with every new ticket, so it is a prepared statement (:mod:`storage._prepared`).
    """
    statements = await Statements.of(session)
    found = await statements.rows(_TAKE_NUMBERS, {"department": department_key, "count": count})
    if not found:
        raise LookupError(f"department {department_key!r} is not in the database (is the workspace file synced?)")
    last_number, turn = found[0]
    return int(last_number) - count + 1, int(turn)


async def set_next_turn(session: AsyncSession, department_key: str, turn: int) -> None:
    """Where the round robin continues; called under the row lock taken by :func:`take_numbers_and_turn`."""
    await (await Statements.of(session)).run(_SET_TURN, [{"department": department_key, "turn": turn}])


async def current_turn(session: AsyncSession, department_key: str) -> int:
    """The round-robin position the next ticket would take, without taking it."""
    statement = select(Department.next_owner).where(col(Department.key) == department_key)
    return int((await session.exec(statement)).first() or 0)


async def member_tz(session: AsyncSession, user_id: str) -> str | None:
    """The member's own Slack time zone, once we have learnt it (``users.info``)."""
    return (await session.exec(select(Member.tz).where(col(Member.user_id) == user_id))).first()


async def members_without_tz(session: AsyncSession, limit: int = 50) -> list[str]:
    statement = select(Member.user_id).where(col(Member.tz).is_(None)).order_by(col(Member.user_id)).limit(limit)
    return list((await session.exec(statement)).all())


async def set_member_profile(session: AsyncSession, user_id: str, tz: str | None, display_name: str | None) -> None:
    await session.exec(
        update(Member).where(col(Member.user_id) == user_id).values(tz=tz or "", display_name=display_name)
    )


async def display_names(session: AsyncSession, user_ids: list[str]) -> dict[str, str]:
    """The names learnt with ``users.info`` for those of ``user_ids`` that have one."""
    if not user_ids:
        return {}
    statement = select(Member.user_id, Member.display_name).where(
        col(Member.user_id).in_(user_ids), col(Member.display_name).is_not(None), col(Member.display_name) != ""
    )
    return {user_id: str(name) for user_id, name in (await session.exec(statement)).all()}
