"""``away_statuses``: which Slack statuses mean a person is away (an emoji such as ``:palm_tree:``, or a text found
anywhere in the status text, in any case), checked as the workspace file is read."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

_STATUS_EMOJI = re.compile(r"^:[a-z0-9_+\-']+:$")
# Slack keeps at most 100 characters of a status text: a longer away text could never match.
MAX_STATUS_TEXT = 100
# Used when the file has no ``away_statuses``: a Slack status with one of these emoji, or whose text contains one of
# these words (any case), means the person is away (休假 on leave, 请假 asked for leave).
DEFAULT_AWAY_STATUSES: tuple[str, ...] = (
    ":palm_tree:",
    ":face_with_thermometer:",
    ":airplane:",
    "OOO",
    "out of office",
    "vacation",
    "休假",
    "请假",
)


def away_status(value: str) -> str:
    """``value`` if it can match a status: an emoji written ``:name:``, or a text of at most 100 characters."""
    if not value.strip():
        raise ValueError("an away status must not be empty or only spaces: it would match every status")
    if value.startswith(":") and value.endswith(":") and len(value) > 1 and not _STATUS_EMOJI.match(value):
        raise ValueError(f"away status {value!r} looks like an emoji but is not one: write it as :palm_tree:")
    if len(value) > MAX_STATUS_TEXT:
        raise ValueError(f"away status text is {len(value)} characters; Slack keeps at most {MAX_STATUS_TEXT}")
    return value


AwayStatus = Annotated[str, AfterValidator(away_status)]
