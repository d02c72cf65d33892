"""App Home: a person's queue — tickets they own, were offered, asked for, and their department's
unacknowledged or overdue ones — with the same buttons as the card."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.surfaces.cards import Block, card_buttons, handoff_blocks
from bot.surfaces.ids import ActionId
from bot.tickets.permissions import Action, TicketParties, may
from storage.models import Ticket

if TYPE_CHECKING:
    from bot.tickets.notices import TicketMessenger

MAX_BLOCKS = 100  # Slack's limit for a Home tab view
PER_SECTION = 12


@dataclass(frozen=True)
class HomeQueue:
    owned: Sequence[Ticket]
    requested: Sequence[Ticket]
    offered: Sequence[Ticket]
    department: Sequence[Ticket]


def _line(ticket: Ticket, messages: TicketMessenger, now: datetime) -> str:
    t = messages.t
    overdue = ""
    due = ticket.ack_due_at if ticket.status == "open" else ticket.resolve_due_at
    if due is not None and due <= now:
        overdue = t("command.list.overdue_mark")
    return t(
        "home.line",
        key=ticket.key,
        title=ticket.title,
        owner=ticket.owner_id,
        status=t(f"status.{ticket.status}"),
        priority=t(f"priority.{ticket.priority}"),
        due=messages.date(due),
        overdue=overdue,
    )


# Which permission each button needs, so App Home only offers what this person may actually do.
_BUTTON_ACTION = {
    ActionId.ACKNOWLEDGE.value: Action.ACKNOWLEDGE,
    ActionId.REASSIGN.value: Action.ASSIGN,
    ActionId.ESCALATE.value: Action.ESCALATE,
    ActionId.RESOLVE.value: Action.RESOLVE,
    ActionId.CONFIRM.value: Action.CLOSE,
    ActionId.REOPEN.value: Action.REOPEN,
    ActionId.RESUME.value: Action.RESUME,
    ActionId.PAUSE.value: Action.PAUSE,
}


def _with_buttons(ticket: Ticket, messages: TicketMessenger, now: datetime, viewer: str, place: str) -> list[Block]:
    blocks: list[Block] = [{"type": "section", "text": {"type": "mrkdwn", "text": _line(ticket, messages, now)}}]
    parties = TicketParties(
        ticket.key, ticket.department_key, ticket.owner_id, ticket.requester_id, ticket.pending_owner_id
    )
    buttons = [
        button
        for button in card_buttons(messages.card_data(ticket), messages.translator)
        if may(viewer, _BUTTON_ACTION[button["action_id"]], parties, messages.workspace)
    ]
    if buttons:
        # block ids must be unique in a view, and a ticket can be both yours and one you asked for
        blocks.append({"type": "actions", "block_id": f"home.{place}.{ticket.key}", "elements": buttons})
    return blocks


def home_view(queue: HomeQueue, user_id: str, messages: TicketMessenger, now: datetime) -> dict[str, Any]:
    t = messages.t
    blocks: list[Block] = [{"type": "header", "text": {"type": "plain_text", "text": t("home.title")}}]

    def section(title_key: str, tickets: Sequence[Ticket], render: Any, empty_key: str) -> None:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*{t(title_key)}*"}})
        if not tickets:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(empty_key)}]})
        for ticket in list(tickets)[:PER_SECTION]:
            blocks.extend(render(ticket))
        blocks.append({"type": "divider"})

    def offered(ticket: Ticket) -> list[Block]:
        text = t(
            "home.offered_line",
            key=ticket.key,
            title=ticket.title,
            actor=ticket.pending_by_id or ticket.owner_id,
            reason=f" — {ticket.pending_reason}" if ticket.pending_reason else "",
        )
        rendered = handoff_blocks(ticket.key, text, messages.translator)
        rendered[1] = {**rendered[1], "block_id": f"home.offer.{ticket.key}"}
        return rendered

    def requested(ticket: Ticket) -> list[Block]:
        if ticket.status == "resolved":  # waiting for the requester: offer Confirm / Reopen right here
            return _with_buttons(ticket, messages, now, user_id, "requested")
        return [{"type": "context", "elements": [{"type": "mrkdwn", "text": _line(ticket, messages, now)}]}]

    if queue.offered:
        section("home.offered", queue.offered, offered, "home.empty")
    section(
        "home.owned",
        queue.owned,
        lambda ticket: _with_buttons(ticket, messages, now, user_id, "owned"),
        "home.owned_empty",
    )
    others = [ticket for ticket in queue.department if ticket.owner_id != user_id]
    section(
        "home.department",
        others,
        lambda ticket: _with_buttons(ticket, messages, now, user_id, "department"),
        "home.department_empty",
    )
    section("home.requested", queue.requested, requested, "home.requested_empty")
    if len(blocks) > MAX_BLOCKS:
        blocks = [
            *blocks[: MAX_BLOCKS - 1],
            {"type": "context", "elements": [{"type": "mrkdwn", "text": t("home.truncated")}]},
        ]
    return {"type": "home", "blocks": blocks}
