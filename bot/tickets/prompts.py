"""DMs with buttons about a ticket ("prompts"): whether one still asks a live question.

A prompt stands while its question is open: a hand-off offer while the ticket is still offered to the person
it was sent to, a request to confirm a resolution while the ticket is still resolved. Only the newest prompt of
its kind can stand, since a newer offer or resolution asks the question again. Every change of a ticket settles
the prompts that no longer stand (``TicketMessenger.settle_prompts``: their buttons give way to what happened),
and a click on a prompt that no longer stands changes nothing (``WorkflowService``). Pure: no database, no Slack.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.surfaces.ids import OutboxPurpose
from bot.tickets.states import Status
from storage.models import Ticket
from storage.prompts import SentPrompt

PROMPT_PURPOSES = (OutboxPurpose.HANDOFF_PROMPT.value, OutboxPurpose.RESOLUTION_PROMPT.value)
# Audit actions that change nothing a prompt asks about: not "what happened" to a clicker of an old button.
QUIET_ACTIONS = ("commented", "reminded", "rated", "rating_commented")


@dataclass(frozen=True)
class PromptRef:
    """Where a button was clicked on a DM: the conversation and the message's ts."""

    channel: str
    ts: str


def stands(prompt: SentPrompt, prompts: Sequence[SentPrompt], ticket: Ticket) -> bool:
    """Whether ``prompt`` (one of the ticket's ``prompts``) still asks a question its buttons may answer."""
    newest = max(p.id for p in prompts if p.purpose == prompt.purpose)
    if prompt.id != newest:
        return False
    if prompt.purpose == OutboxPurpose.HANDOFF_PROMPT.value:
        return ticket.pending_owner_id == prompt.recipient
    if prompt.purpose == OutboxPurpose.RESOLUTION_PROMPT.value:
        return Status(ticket.status) == Status.RESOLVED
    return False


def to_settle(prompts: Sequence[SentPrompt], ticket: Ticket) -> list[SentPrompt]:
    """The prompts still showing buttons although their question is no longer open."""
    return [prompt for prompt in prompts if not prompt.settled and not stands(prompt, prompts, ticket)]


def clicked(prompts: Sequence[SentPrompt], where: PromptRef) -> SentPrompt | None:
    """The prompt Slack put at ``where``; ``None`` for any other message (the card posted in a DM, say)."""
    return next((prompt for prompt in prompts if prompt.is_at(where.channel, where.ts)), None)
