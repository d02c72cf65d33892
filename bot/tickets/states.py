"""The ticket state machine: which status may follow which, and nothing else.

``open`` waits for its owner; ``waiting`` (on the requester) and ``blocked`` are side states of an
acknowledged ticket that pause its SLA clock; ``reopen`` takes a resolved or closed ticket back to open. Work
closed without being resolved (a consult its department declines, a ticket closed as a duplicate of another) closes
from any active status.
"""

from __future__ import annotations

from enum import StrEnum

from bot.errors import InvalidTransition


class Status(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    WAITING = "waiting"
    BLOCKED = "blocked"
    RESOLVED = "resolved"
    CLOSED = "closed"


ACTIVE_STATUSES = frozenset({Status.OPEN, Status.ACKNOWLEDGED, Status.WAITING, Status.BLOCKED})
# Statuses whose SLA clock is running: only these can become overdue (waiting and blocked are paused).
CLOCK_RUNNING = frozenset({Status.OPEN, Status.ACKNOWLEDGED})

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.OPEN: frozenset({Status.ACKNOWLEDGED}),
    Status.ACKNOWLEDGED: frozenset({Status.WAITING, Status.BLOCKED, Status.RESOLVED}),
    Status.WAITING: frozenset({Status.ACKNOWLEDGED, Status.RESOLVED}),
    Status.BLOCKED: frozenset({Status.ACKNOWLEDGED, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.OPEN}),
    Status.CLOSED: frozenset({Status.OPEN}),
}


def can_move(current: Status | str, target: Status | str) -> bool:
    return Status(target) in TRANSITIONS[Status(current)]


def check_move(current: Status | str, target: Status | str, *, key: str, declined: bool = False) -> Status:
    """Return the target status, or raise ``InvalidTransition`` naming what is allowed instead.

    ``declined``: work closed without being resolved — a consult its department turns down
    (``bot.tickets.consults``), a ticket closed as a duplicate (``bot.tickets.links``) — closes from any active
    status; nothing was answered or resolved, so it never counts as resolved.
    """
    current, target = Status(current), Status(target)
    if declined and target == Status.CLOSED and current in ACTIVE_STATUSES:
        return target
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(key=key, current=current.value, target=target.value)
    return target
