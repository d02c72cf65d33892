"""Block Kit for the customer on a ticket's card: who it is for (stage, account manager, at risk), with *Customer*
(their own card) and *Change customer* (a wrong guess is one click to fix). Pure."""

from __future__ import annotations

from dataclasses import dataclass

from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId, BlockId
from bot.surfaces.limits import SECTION_TEXT, clip
from bot.surfaces.text import name_text

Block = dict[str, object]


@dataclass(frozen=True)
class CustomerLine:
    """The customer a card shows, as read when the card is drawn."""

    customer_id: int
    name: str  # plain text, as people wrote it
    stage: str | None = None
    manager_id: str | None = None
    at_risk: bool = False


def customer_text(line: CustomerLine, translator: Translator) -> str:
    t = translator.t
    stage = t("customers.card.stage", stage=t(f"stage.{line.stage}")) if line.stage else ""
    manager = t("customers.card.manager", manager=line.manager_id) if line.manager_id else ""
    risk = t("customers.card.at_risk") if line.at_risk else ""
    room = SECTION_TEXT - len(t("customers.card.line", customer="", stage=stage, manager=manager)) - len(risk)
    return t("customers.card.line", customer=clip(name_text(line.name), room), stage=stage, manager=manager) + risk


def customer_blocks(line: CustomerLine, key: str, translator: Translator) -> list[Block]:
    """The customer's line and its two buttons (their value is the ticket's key, as every card button's)."""
    t = translator.t
    return [
        {
            "type": "section",
            "block_id": BlockId.CARD_CUSTOMER.value,
            "text": {"type": "mrkdwn", "text": customer_text(line, translator)},
        },
        {
            "type": "actions",
            "block_id": BlockId.CARD_CUSTOMER_ACTIONS.value,
            "elements": [
                _button(ActionId.SHOW_CUSTOMER, t("customers.card.button.show"), key),
                _button(ActionId.CHANGE_CUSTOMER, t("customers.card.button.change"), key),
            ],
        },
    ]


def _button(action: ActionId, label: str, value: str) -> Block:
    return {"type": "button", "action_id": action.value, "text": {"type": "plain_text", "text": label}, "value": value}
