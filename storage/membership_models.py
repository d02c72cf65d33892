"""Who belongs to what: the departments' members as the workspace file names them, and the members of the Slack
user groups it names for owners or leads (people themselves, with their Slack statuses, are ``storage.models``)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.models import _utc_column


class DepartmentMember(SQLModel, table=True):
    """Membership of a person in a department; ``position`` keeps the file's order for the round robin."""

    __tablename__ = "department_members"

    department_key: str = Field(primary_key=True, foreign_key="departments.key", max_length=10)
    user_id: str = Field(primary_key=True, max_length=32)
    role: str = Field(max_length=16)  # owner | lead
    position: int = Field(default=0)


class UserGroup(SQLModel, table=True):
    """A Slack user group the workspace file names for owners or a lead. ``read_at``: when its members were last
    read whole from Slack (None: never); ``version`` grows with every change, so each replica sees that the
    groups changed with one small query; ``changed_at``/``changed_by``: the last change and what made it."""

    __tablename__ = "user_groups"

    group_id: str = Field(primary_key=True, max_length=32)
    read_at: datetime | None = _utc_column()
    version: int = Field(default=0)
    changed_at: datetime | None = _utc_column()
    changed_by: str = Field(default="", max_length=64)


class UserGroupMember(SQLModel, table=True):
    """A member of a user group; ``position`` keeps Slack's order, which the round robin follows."""

    __tablename__ = "user_group_members"

    group_id: str = Field(primary_key=True, foreign_key="user_groups.group_id", max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    position: int = Field(default=0)
