"""Slack member ids as the workspace file writes them (``U0123ABCD``), shared by every part of the file that names
a person: departments, admins, customers' account managers."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def user_id(value: str) -> str:
    """``value`` if it is a Slack member id, else ``ValueError`` saying what one looks like."""
    if not isinstance(value, str) or not _USER_ID.match(value):
        raise ValueError(f"user id {value!r} must be a Slack member id such as U0123ABCD (not a name or @mention)")
    return value


def is_user_id(value: object) -> bool:
    return isinstance(value, str) and _USER_ID.match(value) is not None


UserId = Annotated[str, AfterValidator(user_id)]
