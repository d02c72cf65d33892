"""Human durations such as ``90s``, ``15m``, ``4h``, ``1d`` or ``1h30m`` as used in the workspace file."""

from __future__ import annotations

import re
from datetime import timedelta

_PART = re.compile(r"(\d+)\s*([smhd])")
_WHOLE = re.compile(r"^\s*(?:\d+\s*[smhd]\s*)+$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    """Parse a duration; raise ``ValueError`` with a message an admin can act on.

    Units are ``s``, ``m``, ``h`` and ``d`` and may be combined (``1h30m``). A bare number is refused on
    purpose: ``15`` could mean minutes or seconds, and guessing wrong moves every deadline.
    """
    if not isinstance(text, str) or not _WHOLE.match(text):
        raise ValueError(f"bad duration {text!r}: write a number with a unit s, m, h or d, e.g. 90s, 15m, 4h, 1d")
    seconds = sum(int(amount) * _UNIT_SECONDS[unit] for amount, unit in _PART.findall(text))
    if seconds <= 0:
        raise ValueError(f"bad duration {text!r}: it must be longer than zero")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The inverse of :func:`parse_duration`, for messages and the example file."""
    seconds = int(value.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts) or "0s"
