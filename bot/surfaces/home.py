"""App Home: a person's queue — tickets they own, were offered, asked for, and their department's
unacknowledged or overdue ones; the questions other departments asked theirs, and their tickets waiting on other
departments' answers — with the same buttons as the card; and for an account manager, their customers' open
tickets in every department."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.surfaces.admin_view import admin_entry
from bot.surfaces.cards import Block, card_buttons, handoff_blocks
from bot.surfaces.consult_card import ConsultLine, consult_line, status_key
from bot.surfaces.ids import ActionId
from bot.surfaces.limits import CONTEXT_TEXT, clip
from bot.surfaces.text import name_text
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
    # Consults: asked of the viewer's departments, oldest first (``None``: the viewer is in no department), and the
    # viewer's tickets that wait on other departments, with their open consults and the asked ones' parents.
    asked: Sequence[Ticket] | None = None
    waiting: Sequence[Ticket] = ()
    consults: Mapping[int, Sequence[Ticket]] = field(default_factory=dict)  # parent id -> its open consults
    parents: Mapping[int, Ticket] = field(default_factory=dict)  # id -> a parent of an asked consult
    # "Your customers": the open tickets of the customers the viewer is the account manager of, and how many
    # customers that is (0: not an account manager, no section).
    customers: Sequence[Ticket] = ()
    managed: int = 0


def _due(ticket: Ticket, messages: TicketMessenger, now: datetime) -> tuple[str, str]:
    """The deadline that counts now, and the overdue mark when it passed."""
    due = ticket.ack_due_at if ticket.status == "open" else ticket.resolve_due_at
    overdue = messages.t("command.list.overdue_mark") if due is not None and due <= now else ""
    return messages.date(due), overdue


def _status(ticket: Ticket, messages: TicketMessenger) -> str:
    return messages.t(status_key(ticket.status, ticket.blocked_on_id is not None))


def _line(ticket: Ticket, messages: TicketMessenger, now: datetime) -> str:
    t = messages.t
    due, overdue = _due(ticket, messages, now)
    return t(
        "home.line",
        key=ticket.key,
        title=ticket.title,
        owner=ticket.owner_id,
        status=_status(ticket, messages),
        priority=t(f"priority.{ticket.priority}"),
        due=due,
        overdue=overdue,
    )


def _customer_line(ticket: Ticket, messages: TicketMessenger, now: datetime) -> str:
    """A line of "Your customers": whose ticket, what, where, who has it, by when."""
    due, overdue = _due(ticket, messages, now)
    return messages.t(
        "customers.home.line",
        customer=name_text(ticket.customer_name or ""),
        key=ticket.key,
        title=ticket.title,
        department=messages.department_name(ticket.department_key),
        owner=ticket.owner_id,
        status=_status(ticket, messages),
        due=due,
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
    ActionId.ASK_CONSULT.value: Action.ASK,
    ActionId.ANSWER_CONSULT.value: Action.ANSWER,
    ActionId.DECLINE_CONSULT.value: Action.ANSWER,
}


def _with_buttons(
    ticket: Ticket, messages: TicketMessenger, now: datetime, viewer: str, place: str, line: str | None = None
) -> list[Block]:
    text = line if line is not None else _line(ticket, messages, now)
    blocks: list[Block] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
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


def _consult_line(consult: Ticket, parent: Ticket, messages: TicketMessenger) -> ConsultLine:
    return ConsultLine(
        key=consult.key,
        department_name=messages.department_name(consult.department_key),
        owner_id=consult.owner_id,
        status=consult.status,
        ack_due_at=consult.ack_due_at,
        resolve_due_at=consult.resolve_due_at,
        waited_for=consult.id == parent.blocked_on_id,
    )


def home_view(queue: HomeQueue, user_id: str, messages: TicketMessenger, now: datetime) -> dict[str, Any]:
    t = messages.t
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": t("home.title")}},
        *admin_entry(messages.workspace, user_id, t),
    ]

    def section(
        title_key: str, tickets: Sequence[Ticket], render: Callable[[Ticket], list[Block]], empty_key: str
    ) -> None:
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

    def asked(consult: Ticket) -> list[Block]:
        """A question to the viewer's department: from whom, about what, and Answer / Decline for who may."""
        parent = queue.parents.get(consult.parent_id or 0)
        due, overdue = _due(consult, messages, now)
        line = t(
            "consult.home.asked_line",
            key=consult.key,
            title=consult.title,
            department=messages.department_name(parent.department_key) if parent else "—",
            parent=parent.key if parent else "—",
            owner=consult.owner_id,
            status=_status(consult, messages),
            due=due,
            overdue=overdue,
        )
        return _with_buttons(consult, messages, now, user_id, "asked", line)

    def waiting(ticket: Ticket) -> list[Block]:
        """One of the viewer's tickets and each open question it waits on, with who has it and by when."""
        lines = [
            consult_line(_consult_line(consult, ticket, messages), messages.translator, messages.date)
            for consult in queue.consults.get(ticket.id or 0, [])
        ]
        head = t("consult.home.waiting_line", key=ticket.key, title=ticket.title, status=_status(ticket, messages))
        blocks: list[Block] = [{"type": "section", "text": {"type": "mrkdwn", "text": head}}]
        if lines:
            text = clip("\n".join(lines), CONTEXT_TEXT)
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
        return blocks

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
    if queue.asked is not None:
        section("consult.home.asked", queue.asked, asked, "consult.home.asked_empty")
        section("consult.home.waiting", queue.waiting, waiting, "consult.home.waiting_empty")
    section("home.requested", queue.requested, requested, "home.requested_empty")
    if queue.managed:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*{t('customers.home.title')}*"}})
        lines = [_customer_line(ticket, messages, now) for ticket in list(queue.customers)[:PER_SECTION]]
        text = clip("\n".join(lines), CONTEXT_TEXT) if lines else t("customers.home.empty", count=queue.managed)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
    if len(blocks) > MAX_BLOCKS:
        blocks = [
            *blocks[: MAX_BLOCKS - 1],
            {"type": "context", "elements": [{"type": "mrkdwn", "text": t("home.truncated")}]},
        ]
    return {"type": "home", "blocks": blocks}
