"""Block Kit for the ticket card and the ticket's messages. Pure functions of a ticket and a translator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.surfaces.consult_card import ConsultLine, ParentRef, consults_section, question_blocks, status_text
from bot.surfaces.customer_card import CustomerLine, customer_blocks
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId, BlockId
from bot.surfaces.limits import FIELD_TEXT, OPTION_TEXT, clip
from bot.surfaces.link_card import NOTHING, LinkedWork, requested_by, work_block
from bot.tickets.states import Status

Block = dict[str, Any]


@dataclass(frozen=True)
class CardData:
    """What a card shows; built from a ticket row by the service so this module never touches storage."""

    key: str
    title: str
    department_name: str
    owner_id: str
    requester_id: str
    priority: str
    status: str
    source: str
    ack_due_at: datetime | None
    resolve_due_at: datetime | None
    pending_owner_id: str | None = None
    bounce_count: int = 0
    escalation_level: int = 0
    consult: bool = False  # a question from another department (``bot.tickets.consults``)
    question: str = ""  # a consult's question, in full
    parent: ParentRef | None = None  # a consult's ticket, when known
    consults: tuple[ConsultLine, ...] = ()  # a ticket's open consults, when known
    blocked_on_consult: bool = False  # blocked waiting on one of its consults
    links: LinkedWork = NOTHING  # related tickets, duplicates, the other requesters (``bot.surfaces.link_card``)
    customer: CustomerLine | None = None  # the customer it is for (``bot.surfaces.customer_card``), when known

    @property
    def waiting_on(self) -> ConsultLine | None:
        """The consult this ticket waits for, when its line is known."""
        return next((line for line in self.consults if line.waited_for), None)

    def status_text(self, translator: Translator) -> str:
        return status_text(self.status, translator, waiting_on=self.waiting_on, on=self.blocked_on_consult)


def slack_date(moment: datetime | None, tz: ZoneInfo, translator: Translator) -> str:
    """A date Slack shows in each reader's own time zone, with the workspace's time as the fallback text."""
    if moment is None:
        return translator.t("word.none")
    local = moment.astimezone(tz)
    # ``2026-11-30 10:00 CST``: the same text as strftime's "%Y-%m-%d %H:%M %Z" at less than half the cost (a
    # reminder writes one of these per overdue line).
    fallback = f"{local.isoformat(' ', 'minutes')[:16]} {local.tzname() or ''}".rstrip()
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _button(action: ActionId, label: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action.value,
        "text": {"type": "plain_text", "text": label},
    }
    button["value"] = value
    if style:
        button["style"] = style
    return button


def _field(label: str, value: str) -> Block:
    """A labelled field; a value longer than the field holds (a department's name: the file does not bound it) is
    cut, so the card stays one Slack accepts."""
    head = f"*{label}*\n"
    return {"type": "mrkdwn", "text": head + clip(value, FIELD_TEXT - len(head))}


def card_buttons(card: CardData, translator: Translator) -> list[Block]:
    """The buttons that make sense for the ticket's status; each has a ``/ticket`` subcommand twin."""
    t = translator.t
    status = Status(card.status)
    if status == Status.RESOLVED:
        return [
            _button(ActionId.CONFIRM, t("card.button.close"), card.key, "primary"),
            _button(ActionId.REOPEN, t("card.button.reopen"), card.key),
        ]
    if status == Status.CLOSED:
        return [_button(ActionId.REOPEN, t("card.button.reopen"), card.key)]
    buttons: list[Block] = []
    if status == Status.OPEN:
        buttons.append(_button(ActionId.ACKNOWLEDGE, t("card.button.acknowledge"), card.key, "primary"))
    if status in (Status.WAITING, Status.BLOCKED):
        buttons.append(_button(ActionId.RESUME, t("card.button.resume"), card.key, "primary"))
    if card.consult:  # a question is finished by answering it, or declining it with a reason
        answer_style = None if status == Status.OPEN else "primary"  # acknowledging comes first
        buttons.append(_button(ActionId.ANSWER_CONSULT, t("consult.card.button.answer"), card.key, answer_style))
        buttons.append(_button(ActionId.DECLINE_CONSULT, t("consult.card.button.decline"), card.key))
    buttons.append(_button(ActionId.REASSIGN, t("card.button.reassign"), card.key))
    buttons.append(_button(ActionId.ESCALATE, t("card.button.escalate"), card.key, "danger"))
    if not card.consult:
        buttons.append(_button(ActionId.RESOLVE, t("card.button.resolve"), card.key))
        buttons.append(_button(ActionId.ASK_CONSULT, t("consult.card.button.ask"), card.key))
    if status in (Status.OPEN, Status.ACKNOWLEDGED):
        buttons.append(_pause_menu(card, translator))
    return buttons


def _pause_menu(card: CardData, translator: Translator) -> Block:
    """Waiting on the requester, blocked, or — for each open consult, up to Slack's five options — waiting for
    that consult's answer (``consult:KEY:CONSULT``)."""
    t = translator.t

    def option(text: str, value: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": clip(text, OPTION_TEXT)}, "value": value}

    options = [option(t(f"card.pause.{kind}"), f"{kind}:{card.key}") for kind in (Status.WAITING, Status.BLOCKED)]
    for line in card.consults[:3]:
        label = t("consult.card.pause", consult=line.key, department=line.department_name)
        options.append(option(label, f"consult:{card.key}:{line.key}"))
    return {"type": "overflow", "action_id": ActionId.PAUSE.value, "options": options}


def ticket_card(card: CardData, translator: Translator, tz: ZoneInfo) -> list[Block]:
    t = translator.t
    context = [requested_by(card.requester_id, card.links, t("source." + card.source), translator)]
    if card.pending_owner_id:
        context.append(t("card.pending_handoff", owner=card.pending_owner_id))
    if card.bounce_count:
        context.append(t("card.bounces", count=card.bounce_count))
    if card.escalation_level:
        context.append(t("card.escalations", count=card.escalation_level))
    resolve_label = "consult.card.answer_due" if card.consult else "card.resolve_due"
    blocks: list[Block] = [
        {
            "type": "section",
            "block_id": BlockId.CARD_SUMMARY.value,
            "text": {"type": "mrkdwn", "text": f"*{card.key}* {card.title}"},
        },
        {
            "type": "section",
            "block_id": BlockId.CARD_FIELDS.value,
            "fields": [
                _field(t("card.department"), card.department_name),
                {"type": "mrkdwn", "text": f"*{t('card.owner')}*\n<@{card.owner_id}>"},
                {
                    "type": "mrkdwn",
                    "text": f"*{t('card.priority')}*\n{t('priority.' + card.priority)}",
                },
                _field(t("card.status"), card.status_text(translator)),
                {
                    "type": "mrkdwn",
                    "text": f"*{t('card.ack_due')}*\n{slack_date(card.ack_due_at, tz, translator)}",
                },
                {
                    "type": "mrkdwn",
                    "text": f"*{t(resolve_label)}*\n{slack_date(card.resolve_due_at, tz, translator)}",
                },
            ],
        },
    ]
    if card.customer is not None:
        blocks.extend(customer_blocks(card.customer, card.key, translator))
    if card.consult and card.parent is not None:
        blocks.extend(question_blocks(card.parent, card.question, card.requester_id, translator))
    if card.consults:
        blocks.append(consults_section(card.consults, translator, lambda moment: slack_date(moment, tz, translator)))
    linked = work_block(card.links, translator)
    if linked is not None:
        blocks.append(linked)
    blocks.append(
        {
            "type": "context",
            "block_id": BlockId.CARD_CONTEXT.value,
            "elements": [{"type": "mrkdwn", "text": " · ".join(context)}],
        }
    )
    buttons = card_buttons(card, translator)
    if buttons:
        blocks.append(
            {
                "type": "actions",
                "block_id": BlockId.CARD_ACTIONS.value,
                "elements": buttons,
            }
        )
    return blocks


def card_fallback(card: CardData, translator: Translator) -> str:
    """The notification text shown where blocks cannot be (push notifications, screen readers)."""
    return translator.t(
        "card.fallback",
        key=card.key,
        title=card.title,
        owner=card.owner_id,
        status=card.status_text(translator),
    )


def card_message(card: CardData, translator: Translator, tz: ZoneInfo) -> dict[str, Any]:
    """``text`` + ``blocks`` for chat.postMessage / chat.update."""
    return {
        "text": card_fallback(card, translator),
        "blocks": ticket_card(card, translator, tz),
    }


def _prompt(key: str, text: str, buttons: list[Block]) -> list[Block]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "block_id": BlockId.PROMPT_ACTIONS.value, "elements": buttons},
    ]


def handoff_blocks(key: str, text: str, translator: Translator) -> list[Block]:
    """The DM asking someone to take a ticket over: Accept / Decline."""
    return _prompt(
        key,
        text,
        [
            _button(ActionId.ACCEPT_HANDOFF, translator.t("button.accept"), key, "primary"),
            _button(ActionId.DECLINE_HANDOFF, translator.t("button.decline"), key),
        ],
    )


def resolution_blocks(key: str, text: str, translator: Translator) -> list[Block]:
    """The DM telling the requester their ticket is resolved: Confirm / Reopen."""
    return _prompt(
        key,
        text,
        [
            _button(ActionId.CONFIRM, translator.t("button.confirm"), key, "primary"),
            _button(ActionId.REOPEN, translator.t("button.reopen"), key),
        ],
    )


def settled_prompt(text: str, outcome: str) -> dict[str, Any]:
    """``text`` + ``blocks`` for a prompt whose question is settled: what it asked, then what happened, and no
    buttons left to click."""
    return {
        "text": f"{text}\n{outcome}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": outcome}]},
        ],
    }
