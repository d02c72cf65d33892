"""Slack's rate limits honoured for every row, not only the one that was told: after a 429, the calls that share
its limit wait out the Retry-After instead of each asking Slack and each being refused.

Slack limits most Web API methods per method and workspace, and ``chat.postMessage`` (with the ephemeral post)
per channel as well: a 429 on a post holds back posts to that channel only, a 429 on any other method holds that
method back everywhere. The gate lives in one sender's memory; another replica learns the same from its own 429.
"""

from __future__ import annotations

from datetime import datetime

# Methods whose limit Slack counts per conversation.
PER_CHANNEL = frozenset({"chat.postMessage", "chat.postEphemeral"})

Limit = tuple[str, str | None]


def limit_of(method: str, channel: object) -> Limit:
    """The limit a call counts against: its method, and its channel for a post."""
    return (method, str(channel) if method in PER_CHANNEL and channel else None)


class RateGate:
    """When each limit Slack answered 429 for opens again."""

    def __init__(self) -> None:
        self._closed: dict[Limit, datetime] = {}

    def close(self, method: str, channel: object, until: datetime) -> None:
        """Slack said to wait until ``until`` (a 429's Retry-After) before the next such call."""
        limit = limit_of(method, channel)
        if until > self._closed.get(limit, until.min.replace(tzinfo=until.tzinfo)):
            self._closed[limit] = until

    def opens_at(self, method: str, channel: object, now: datetime) -> datetime | None:
        """When a call may go, if not now. Costs one dictionary look while no limit is closed."""
        if not self._closed:
            return None
        limit = limit_of(method, channel)
        until = self._closed.get(limit)
        if until is None:
            return None
        if until <= now:
            del self._closed[limit]
            return None
        return until

    def __len__(self) -> int:
        return len(self._closed)
