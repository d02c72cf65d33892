"""The members of the file's Slack user groups and people's Slack statuses, as every replica sees them.

Both are kept in the database: a change Slack announces (``subteam_members_changed``, ``user_status_changed``) is
written there by the replica that receives it, and each replica reads the groups back into memory
(:class:`config.groups.GroupMembers`, which the round robin and permissions read) at start and whenever their
version moved, checked on every tick. Reading from Slack itself is :mod:`bot.people.slack_reads`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.runtime.clock import Clock
from config.live import LiveWorkspace
from config.schema import WorkspaceConfig
from storage import directory, user_groups
from storage.database import Database

log = logging.getLogger(__name__)

# Who changed a group's members, as its row records it.
BY_EVENT = "slack:subteam_members_changed"
BY_READ = "slack:usergroups.users.list"


def named_groups(workspace: WorkspaceConfig) -> list[str]:
    """Every user group id the workspace file gives as owners or a lead, each once."""
    return list(dict.fromkeys(group for department in workspace.departments for group in department.groups))


def status_end(expiration: object) -> datetime | None:
    """Slack's ``status_expiration`` (epoch seconds; 0 = no end) as a moment, or ``None``."""
    if isinstance(expiration, bool) or not isinstance(expiration, int | float) or expiration <= 0:
        return None
    return datetime.fromtimestamp(expiration, UTC)


class PeopleService:
    """User groups' members and Slack statuses: written when Slack tells, read back into every replica's memory."""

    def __init__(self, db: Database, workspace: LiveWorkspace, clock: Clock) -> None:
        self.db = db
        self.live = workspace
        self.clock = clock
        self._version: tuple[int, int] | None = None

    @property
    def workspace(self) -> WorkspaceConfig:
        return self.live.current

    async def load(self) -> bool:
        """Read every group's members into memory if they changed since last read; returns whether they did."""
        async with self.db.read() as session:
            version = await user_groups.version(session)
            if version == self._version:
                return False
            members = await user_groups.all_members(session)
        self.live.groups.replace(members)
        self._version = version
        return True

    async def store_read(self, group_id: str, members: Sequence[str]) -> None:
        """A whole read of a group from Slack (``usergroups.users.list``)."""
        async with self.db.transaction() as session:
            stored = await user_groups.replace_members(session, group_id, members, self.clock.now(), BY_READ, read=True)
        self.live.groups.set(group_id, stored)

    async def members_changed(self, group_id: str, added: Sequence[str], removed: Sequence[str]) -> bool:
        """Slack said who joined and left ``group_id``; kept only for groups the file names. Returns whether kept."""
        if group_id not in named_groups(self.workspace):
            return False
        async with self.db.transaction() as session:
            stored = await user_groups.change_members(session, group_id, added, removed, self.clock.now(), BY_EVENT)
        self.live.groups.set(group_id, stored)
        log.info("user group %s: %s joined, %s left (%s now)", group_id, len(added), len(removed), len(stored))
        return True

    async def status_changed(self, user_id: str, emoji: str, text: str, expiration: object) -> bool:
        """Slack told a person's new status; kept for people the bot knows (every member of a department is one).
        Returns whether it was kept."""
        async with self.db.transaction() as session:
            kept = await directory.set_status(
                session, user_id, emoji or None, text or None, status_end(expiration), self.clock.now()
            )
        return kept
