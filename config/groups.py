"""The members of the Slack user groups a workspace file names (``S…`` owners and leads), as this process knows
them, and a department's people with every group replaced by its members.

The members themselves are read from Slack and kept in the database (``bot/people/groups.py``); this holder is what
every check in memory reads — the round robin, permissions, whom a lead's DM goes to — so none of them waits on a
query. Each running configuration has one (``config.live`` hands it on across a reload).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from config.ids import is_group_id


class GroupMembers:
    """User group id → its members, in Slack's order. A group never read counts as having no members."""

    def __init__(self, members: Mapping[str, Sequence[str]] | None = None) -> None:
        self._members: dict[str, tuple[str, ...]] = {g: tuple(m) for g, m in (members or {}).items()}

    def of(self, group_id: str) -> tuple[str, ...]:
        return self._members.get(group_id, ())

    def known(self) -> dict[str, tuple[str, ...]]:
        return dict(self._members)

    def replace(self, members: Mapping[str, Sequence[str]]) -> None:
        """Know exactly these groups (what the database holds now); one assignment, so no reader sees half."""
        self._members = {group: tuple(users) for group, users in members.items()}

    def set(self, group_id: str, members: Sequence[str]) -> None:
        self._members = {**self._members, group_id: tuple(members)}

    def expand(self, ids: Iterable[str]) -> list[str]:
        """``ids`` with each group replaced by its members: order kept, each person once (the first place wins)."""
        people: dict[str, None] = {}
        for value in ids:
            for person in self.of(value) if is_group_id(value) else (value,):
                people.setdefault(person, None)
        return list(people)
