"""Block Kit for choosing a customer: the type-ahead (an ``external_select`` whose options the bot loads as people
type, so any number of customers fits), its options, and the *Change customer* form. Pure."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId, BlockId, CallbackId
from bot.surfaces.limits import OPTION_TEXT, OPTION_VALUE, SELECT_OPTIONS, clip
from bot.surfaces.text import name_text

Block = dict[str, Any]
NEW = "new:"  # an option's value that makes a customer of the name after it


@dataclass(frozen=True)
class Choice:
    """A customer the type-ahead offers: its name, and why it matched when that was an alias (or its stage)."""

    customer_id: int
    name: str
    detail: str | None = None


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": _plain(clip(text, OPTION_TEXT)), "value": value[:OPTION_VALUE]}


def customer_options(translator: Translator, found: Sequence[Choice], typed: str) -> list[dict[str, Any]]:
    """The options for what was typed: the customers found, then — unless one is called that already — a new
    customer of that name."""
    t = translator.t
    options = [
        option(t("customers.form.option", name=c.name, detail=c.detail) if c.detail else c.name, str(c.customer_id))
        for c in found[: SELECT_OPTIONS - 1]
    ]
    name = " ".join(typed.split())
    exact = any(c.name.casefold() == name.casefold() for c in found)
    if name and not exact and len(NEW) + len(name) <= OPTION_VALUE:
        options.append(option(t("customers.form.new", name=name), NEW + name))
    return options


def chosen(value: str | None) -> tuple[int | None, str | None]:
    """An option's value → (a customer's id, or the name of a new one); (None, None) for no choice."""
    if not value:
        return None, None
    if value.startswith(NEW):
        return None, value[len(NEW) :].strip() or None
    return (int(value), None) if value.isdigit() else (None, None)


def customer_input(translator: Translator, initial: dict[str, Any] | None = None, *, hint: bool = True) -> Block:
    """The form's customer field: a type-ahead, optional."""
    t = translator.t
    element: dict[str, Any] = {
        "type": "external_select",
        "action_id": ActionId.CUSTOMER_SELECT.value,
        "placeholder": _plain(t("customers.form.placeholder")),
        "min_query_length": 1,  # one Chinese character is a good start of a name
    }
    if initial:
        element["initial_option"] = initial
    block: Block = {
        "type": "input",
        "block_id": BlockId.FORM_CUSTOMER.value,
        "label": _plain(t("customers.form.label")),
        "element": element,
        "optional": True,
    }
    if hint:
        block["hint"] = _plain(t("customers.form.hint"))
    return block


def change_customer_modal(translator: Translator, key: str, current: Choice | None) -> dict[str, Any]:
    """*Change customer* on a card: the customer now, the type-ahead to choose another; empty for none."""
    t = translator.t
    shown = f"*{name_text(current.name)}*" if current else t("customers.form.no_customer")
    initial = option(current.name, str(current.customer_id)) if current else None
    blocks: list[Block] = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": t("customers.form.change_intro", key=key, customer=shown)},
        },
        customer_input(translator, initial, hint=False),
    ]
    return {
        "type": "modal",
        "callback_id": CallbackId.CHANGE_CUSTOMER.value,
        "title": _plain(t("customers.form.change_title")[:24]),
        "submit": _plain(t("customers.form.change_submit")),
        "close": _plain(t("form.cancel")),
        "blocks": blocks,
        "private_metadata": json.dumps({"key": key}),
    }
