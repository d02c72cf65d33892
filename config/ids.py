"""Slack member ids as the workspace file writes them (``U0123ABCD``), shared by every part of the file that names
a person: departments, admins, customers' account managers; and user group ids (``S0123ABCD``), which a department
may give for its owners or its lead, meaning the group's members."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")


def user_id(value: str) -> str:
    """``value`` if it is a Slack member id, else ``ValueError`` saying what one looks like."""
    if not isinstance(value, str) or not _USER_ID.match(value):
        raise ValueError(f"user id {value!r} must be a Slack member id such as U0123ABCD (not a name or @mention)")
    return value


def is_user_id(value: object) -> bool:
    return isinstance(value, str) and _USER_ID.match(value) is not None


def is_group_id(value: object) -> bool:
    """Whether ``value`` is a Slack user group id (``S…``), which stands for the group's members."""
    return isinstance(value, str) and _GROUP_ID.match(value) is not None


def user_or_group_id(value: str) -> str:
    """``value`` if it is a member id or a user group id, else ``ValueError`` saying what either looks like."""
    if is_user_id(value) or is_group_id(value):
        return value
    raise ValueError(
        f"id {value!r} must be a Slack member id such as U0123ABCD or a user group id such as S0123ABCD "
        "(not a name, an @mention or a @handle)"
    )


UserId = Annotated[str, AfterValidator(user_id)]
UserOrGroupId = Annotated[str, AfterValidator(user_or_group_id)]
