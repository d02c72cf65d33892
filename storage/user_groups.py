"""The members of the Slack user groups the workspace file names, and when each was last read from Slack.

Every change to a group locks its row first (``FOR UPDATE`` on PostgreSQL), so an event and the hourly read
arriving together on two replicas take turns rather than interleave their deletes and inserts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.membership_models import UserGroup, UserGroupMember
from storage.models import Member


async def ensure_groups(session: AsyncSession, group_ids: Iterable[str]) -> None:
    """A row for each of ``group_ids`` not known yet (never read); called under the start-up lock."""
    wanted = set(group_ids)
    if not wanted:
        return
    known = set((await session.exec(select(UserGroup.group_id).where(col(UserGroup.group_id).in_(wanted)))).all())
    for group_id in sorted(wanted - known):
        session.add(UserGroup(group_id=group_id))
    await session.flush()


async def all_members(session: AsyncSession) -> dict[str, list[str]]:
    """Every group's members, in their order."""
    groups: dict[str, list[str]] = {g: [] for g in (await session.exec(select(UserGroup.group_id))).all()}
    rows = await session.exec(
        select(UserGroupMember.group_id, UserGroupMember.user_id).order_by(
            col(UserGroupMember.group_id), col(UserGroupMember.position)
        )
    )
    for group_id, user_id in rows.all():
        groups.setdefault(group_id, []).append(user_id)
    return groups


async def version(session: AsyncSession) -> tuple[int, int]:
    """How many groups there are and the sum of their versions: changes when any group's members change."""
    count, total = (await session.exec(select(func.count(), func.coalesce(func.sum(UserGroup.version), 0)))).one()
    return int(count), int(total)


async def never_read(session: AsyncSession, group_ids: Iterable[str]) -> list[str]:
    """Those of ``group_ids`` whose members were never read whole from Slack."""
    wanted = sorted(set(group_ids))
    if not wanted:
        return []
    statement = select(UserGroup.group_id).where(col(UserGroup.group_id).in_(wanted), col(UserGroup.read_at).is_(None))
    return sorted((await session.exec(statement)).all())


async def _locked(session: AsyncSession, group_id: str) -> UserGroup:
    group = (await session.exec(select(UserGroup).where(col(UserGroup.group_id) == group_id).with_for_update())).first()
    if group is None:
        group = UserGroup(group_id=group_id)
        session.add(group)
        await session.flush()
    return group


async def members_of(session: AsyncSession, group_id: str) -> list[str]:
    statement = (
        select(UserGroupMember.user_id)
        .where(col(UserGroupMember.group_id) == group_id)
        .order_by(col(UserGroupMember.position))
    )
    return list((await session.exec(statement)).all())


async def replace_members(
    session: AsyncSession, group_id: str, users: Sequence[str], now: datetime, by: str, *, read: bool
) -> list[str]:
    """Make ``users`` the group's members (in that order, each once); ``read``: a whole read from Slack, so the
    group counts as read now. Records the change (when, by what) and makes sure each member is a known person.
    Returns the members as stored."""
    group = await _locked(session, group_id)
    members = list(dict.fromkeys(users))
    before = await members_of(session, group_id)
    if members != before:
        await session.exec(delete(UserGroupMember).where(col(UserGroupMember.group_id) == group_id))
        session.add_all(UserGroupMember(group_id=group_id, user_id=u, position=i) for i, u in enumerate(members))
        group.version += 1
        group.changed_at, group.changed_by = now, by
    if read:
        group.read_at = now
    session.add(group)
    known = set((await session.exec(select(Member.user_id).where(col(Member.user_id).in_(members)))).all())
    session.add_all(Member(user_id=user_id) for user_id in members if user_id not in known)
    await session.flush()
    return members


async def change_members(
    session: AsyncSession, group_id: str, added: Sequence[str], removed: Sequence[str], now: datetime, by: str
) -> list[str]:
    """Apply a change Slack announced (``subteam_members_changed``): the removed leave, the added join at the end."""
    await _locked(session, group_id)
    gone = set(removed)
    current = [user_id for user_id in await members_of(session, group_id) if user_id not in gone]
    return await replace_members(session, group_id, [*current, *added], now, by, read=False)
