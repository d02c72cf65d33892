"""Every Slack id Crossdesk owns: action ids, callback ids, block ids. Builders and listeners import these."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    ACKNOWLEDGE = "crossdesk.ticket.acknowledge"
    REASSIGN = "crossdesk.ticket.reassign"
    ESCALATE = "crossdesk.ticket.escalate"
    RESOLVE = "crossdesk.ticket.resolve"


class BlockId(StrEnum):
    CARD_SUMMARY = "crossdesk.card.summary"
    CARD_FIELDS = "crossdesk.card.fields"
    CARD_ACTIONS = "crossdesk.card.actions"
    CARD_CONTEXT = "crossdesk.card.context"


class Command(StrEnum):
    TICKET = "/ticket"
    STANDUP = "/standup"
    DIGEST = "/digest"


class OutboxPurpose(StrEnum):
    """What an outbox row is for; decides how the sender fills in and uses it."""

    CARD = "card"  # the ticket card; its channel/ts become the ticket's card (and thread, if none)
    CARD_UPDATE = "card_update"  # chat.update of the card; channel/ts filled from the ticket at send time
    THREAD_NOTE = "thread_note"  # a line in the ticket's thread; channel/thread_ts filled at send time
    NOTICE = "notice"  # anything else: DMs, department channel posts
