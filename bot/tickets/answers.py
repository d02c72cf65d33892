"""A requester's answer to a ticket that waits on them: whose answer counts, and which ticket a DM answers.

Pure: no database, no Slack. ``WorkflowService`` records the answer and resumes the ticket.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from bot.tickets.states import Status
from storage.models import Ticket

_KEY_IN_TEXT = re.compile(r"(?<![A-Za-z0-9-])([A-Za-z][A-Za-z0-9]{1,9})-(\d{1,9})(?![A-Za-z0-9])")


@dataclass(frozen=True)
class DmAnswer:
    """What became of a DM: the ticket it answered, or else the keys of the tickets waiting on its sender
    (several, or one the DM could not be tied to; none when nothing waits on them)."""

    ticket: Ticket | None = None
    waiting: list[str] = field(default_factory=list)


def waits_on(ticket: Ticket, user_id: str) -> bool:
    """Whether ``ticket`` waits for an answer from ``user_id``: only its requester's answer ends the wait."""
    return Status(ticket.status) == Status.WAITING and ticket.requester_id == user_id


def choose(
    waiting: Sequence[Ticket], text: str, prefixes: Collection[str], *, in_thread: bool, thread_about: int | None
) -> DmAnswer:
    """Which of the tickets ``waiting`` on the sender their DM answers:

    1. a reply in the thread of the bot's DM about one of them (``thread_about``) answers that one;
    2. else a DM that names exactly one of them by key (``SUP-12``) answers it;
    3. else a DM (not a thread reply) that names no ticket answers the only one waiting, if only one waits.

    Anything else is not guessed: the sender is asked which ticket they mean. ``prefixes`` are the department
    keys, so that "COVID-19" in a sentence is not taken for a ticket.
    """
    if thread_about is not None:
        return DmAnswer(ticket=next(ticket for ticket in waiting if ticket.id == thread_about))
    known = {prefix.upper() for prefix in prefixes}
    named = {
        f"{prefix.upper()}-{int(number)}" for prefix, number in _KEY_IN_TEXT.findall(text) if prefix.upper() in known
    }
    chosen = [ticket for ticket in waiting if ticket.key in named]
    if len(chosen) == 1:
        return DmAnswer(ticket=chosen[0])
    if not named and not in_thread and len(waiting) == 1:
        return DmAnswer(ticket=waiting[0])
    return DmAnswer(waiting=[ticket.key for ticket in waiting])


def quoted(text: str | None) -> str:
    """An answer quoted on lines of its own after the sentence it follows; nothing for an empty answer (a file)."""
    if not text:
        return ""
    return "\n" + "\n".join(f">{line}" for line in text.splitlines())
