"""Block Kit for a customer's own card (``/customer``, and the *Customer* button on a ticket's card): stage, account
manager, the at-risk flag, open tickets in every department with owners and due times, the last finished ones,
complaints in the last 90 days, satisfaction. Pure: built from :class:`bot.customers.view.CustomerCard`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.customers.view import COMPLAINT_DAYS, CustomerCard
from bot.surfaces.consult_card import status_key
from bot.surfaces.ids import CallbackId
from bot.surfaces.limits import FIELD_TEXT, HEADER_TEXT, SECTION_TEXT, clip, fit_lines
from bot.surfaces.text import name_text
from storage.models import Ticket

if TYPE_CHECKING:
    from bot.tickets.notices import TicketMessenger

Block = dict[str, Any]
FINISHED = ("resolved", "closed")


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _due(ticket: Ticket, messages: TicketMessenger, now: datetime) -> str:
    due = ticket.ack_due_at if ticket.status == "open" else ticket.resolve_due_at
    late = messages.t("command.list.overdue_mark") if due is not None and due <= now else ""
    return messages.date(due) + late


def _open_line(ticket: Ticket, messages: TicketMessenger, now: datetime) -> str:
    return messages.t(
        "customers.page.open_line",
        key=ticket.key,
        title=ticket.title,
        department=messages.department_name(ticket.department_key),
        owner=ticket.owner_id,
        status=messages.t(status_key(ticket.status, ticket.blocked_on_id is not None)),
        due=_due(ticket, messages, now),
    )


def _finished_line(ticket: Ticket, messages: TicketMessenger) -> str:
    return messages.t(
        "customers.page.finished_line",
        key=ticket.key,
        title=ticket.title,
        department=messages.department_name(ticket.department_key),
        status=messages.t(f"status.{ticket.status}"),
        at=messages.date(ticket.closed_at or ticket.resolved_at or ticket.updated_at),
    )


def _list(
    title: str, lines: Sequence[str], empty: str, messages: TicketMessenger, hidden: int = 0, unseen: int = 0
) -> Block:
    """A titled list that stays within a section: as many lines as fit, a count of the rest (and of the ``unseen``
    ones never read), then how many the viewer may not see (private tickets)."""
    head = f"*{title}*\n"
    tail = "\n" + messages.t("customers.page.not_shown", count=hidden) if hidden > 0 else ""
    if not lines and not unseen:
        return _section(head + (tail.strip() or empty))
    room = SECTION_TEXT - len(head) - len(tail)
    more = fit_lines(lines, room, lambda n: messages.t("customers.page.more", count=n), unseen=unseen)
    return _section(head + more + tail)


def customer_page(card: CustomerCard, messages: TicketMessenger, now: datetime) -> list[Block]:
    t = messages.t
    customer = card.customer
    rule = messages.workspace.customers_at_risk

    def field(label: str, value: str) -> Block:
        return {"type": "mrkdwn", "text": clip(f"*{label}*\n{value}", FIELD_TEXT)}

    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(customer.name, HEADER_TEXT)}},
        {
            "type": "section",
            "fields": [
                field(t("customers.page.stage"), t(f"stage.{customer.stage}") if customer.stage else t("word.none")),
                field(
                    t("customers.page.manager"), f"<@{customer.manager_id}>" if customer.manager_id else t("word.none")
                ),
                field(t("customers.page.aliases"), name_text(", ".join(customer.aliases)) or t("word.none")),
                field(t("customers.page.external_id"), name_text(customer.external_id or "") or t("word.none")),
            ],
        },
    ]
    if customer.at_risk_since is not None:
        risk = t("customers.page.at_risk", since=messages.date(customer.at_risk_since), days=rule.days)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": clip(risk, SECTION_TEXT)}]})
    open_lines = [_open_line(ticket, messages, now) for ticket in card.open]
    unseen = card.open_total - len(card.open) - card.open_hidden  # more than the card reads
    blocks.append(
        _list(
            t("customers.page.open", count=card.open_total),
            open_lines,
            t("customers.page.open_empty"),
            messages,
            card.open_hidden,
            unseen,
        )
    )
    finished = [_finished_line(ticket, messages) for ticket in card.finished]
    blocks.append(_list(t("customers.page.finished"), finished, t("customers.page.finished_empty"), messages))
    complaints = [
        _finished_line(ticket, messages) if ticket.status in FINISHED else _open_line(ticket, messages, now)
        for ticket in card.complaints
    ]
    total = len(card.complaints) + card.complaints_hidden
    blocks.append(
        _list(
            t("customers.page.complaints", count=total, days=COMPLAINT_DAYS),
            complaints,
            t("customers.page.complaints_empty", days=COMPLAINT_DAYS),
            messages,
            card.complaints_hidden,
        )
    )
    rated = card.satisfaction
    score = (
        t("customers.page.satisfaction_score", average=f"{rated.average:.1f}", count=rated.answered)
        if rated.average is not None
        else t("customers.page.satisfaction_none")
    )
    blocks.append(_section(f"*{t('customers.page.satisfaction')}*\n{score}"))
    return blocks


def customer_message(card: CustomerCard, messages: TicketMessenger, now: datetime) -> dict[str, Any]:
    """``text`` + ``blocks``: the answer to ``/customer``."""
    fallback = messages.t("customers.page.fallback", customer=name_text(card.customer.name), count=card.open_total)
    return {"text": fallback, "blocks": customer_page(card, messages, now)}


def customer_modal(card: CustomerCard, messages: TicketMessenger, now: datetime) -> dict[str, Any]:
    """The same card in a modal, opened from a ticket's card (read-only: no submit)."""
    return {
        "type": "modal",
        "callback_id": CallbackId.CUSTOMER.value,
        "title": {"type": "plain_text", "text": messages.t("customers.page.title")[:24]},
        "close": {"type": "plain_text", "text": messages.t("customers.page.close")},
        "blocks": customer_page(card, messages, now),
        "private_metadata": json.dumps({"customer": card.customer.id}),
    }
