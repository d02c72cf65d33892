"""Whether a person is away: they said so (``/ticket away``), or their Slack status is one of ``away_statuses``
and has not ended yet. Pure: the status is judged against the clock's now, so a test moves time and a status that
ran out stops counting without anyone telling the bot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from storage.directory import OwnerProfile


def is_emoji(status: str) -> bool:
    return len(status) > 2 and status.startswith(":") and status.endswith(":")


def status_means_away(emoji: str | None, text: str | None, away_statuses: Sequence[str]) -> bool:
    """An emoji of ``away_statuses`` is the status's emoji exactly; a text is found anywhere in the status text,
    in any case (``OOO`` finds "ooo until Monday")."""
    folded = (text or "").casefold()
    for status in away_statuses:
        if is_emoji(status):
            if emoji == status:
                return True
        elif status.casefold() in folded:
            return True
    return False


def is_away(profile: OwnerProfile, away_statuses: Sequence[str], now: datetime) -> bool:
    if profile.away:
        return True
    if profile.status_until is not None and profile.status_until <= now:
        return False  # the status ran out (Slack clears it then, and may tell us late or never)
    return status_means_away(profile.status_emoji, profile.status_text, away_statuses)


def away_among(profiles: Mapping[str, OwnerProfile], away_statuses: Sequence[str], now: datetime) -> set[str]:
    """Who of ``profiles`` is away now."""
    return {user_id for user_id, profile in profiles.items() if is_away(profile, away_statuses, now)}
