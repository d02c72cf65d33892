"""Block Kit for the ticket card and the ticket's messages. Pure functions of a ticket and a translator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId, BlockId
from bot.surfaces.limits import FIELD_TEXT, clip
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
    links: LinkedWork = NOTHING  # related tickets, duplicates, the other requesters (``bot.surfaces.link_card``)


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
    buttons.append(_button(ActionId.REASSIGN, t("card.button.reassign"), card.key))
    buttons.append(_button(ActionId.ESCALATE, t("card.button.escalate"), card.key, "danger"))
    buttons.append(_button(ActionId.RESOLVE, t("card.button.resolve"), card.key))
    if status in (Status.OPEN, Status.ACKNOWLEDGED):
        buttons.append(
            {
                "type": "overflow",
                "action_id": ActionId.PAUSE.value,
                "options": [
                    {"text": {"type": "plain_text", "text": t(f"card.pause.{kind}")}, "value": f"{kind}:{card.key}"}
                    for kind in (Status.WAITING.value, Status.BLOCKED.value)
                ],
            }
        )
    return buttons


def ticket_card(card: CardData, translator: Translator, tz: ZoneInfo) -> list[Block]:
    t = translator.t
    context = [requested_by(card.requester_id, card.links, t("source." + card.source), translator)]
    if card.pending_owner_id:
        context.append(t("card.pending_handoff", owner=card.pending_owner_id))
    if card.bounce_count:
        context.append(t("card.bounces", count=card.bounce_count))
    if card.escalation_level:
        context.append(t("card.escalations", count=card.escalation_level))
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
                {
                    "type": "mrkdwn",
                    "text": f"*{t('card.status')}*\n{t('status.' + card.status)}",
                },
                {
                    "type": "mrkdwn",
                    "text": f"*{t('card.ack_due')}*\n{slack_date(card.ack_due_at, tz, translator)}",
                },
                {
                    "type": "mrkdwn",
                    "text": f"*{t('card.resolve_due')}*\n{slack_date(card.resolve_due_at, tz, translator)}",
                },
            ],
        },
    ]
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
        status=translator.t("status." + card.status),
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
