"""Block Kit for satisfaction: the rating DM (five score buttons and *Add a comment*), the DM once answered, and the
alert a low rating sends with its *Reopen* button. Pure functions of text and a translator."""

from __future__ import annotations

from typing import Any

from bot.surfaces.cards import Block, settled_prompt
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import RATE_BUTTONS, ActionId, BlockId
from bot.surfaces.limits import SECTION_TEXT, clip


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_TEXT)}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _button(action: ActionId, label: str, value: str) -> Block:
    return {"type": "button", "action_id": action.value, "text": {"type": "plain_text", "text": label}, "value": value}


def rating_block_id(key: str) -> str:
    """The rating buttons' block: it names the ticket, since the buttons' values are the scores."""
    return f"{BlockId.RATING_ACTIONS.value}.{key}"


def rated_key(block_id: str) -> str | None:
    """The ticket key a rating button's block names; ``None`` for any other block."""
    prefix = f"{BlockId.RATING_ACTIONS.value}."
    return block_id[len(prefix) :] if block_id.startswith(prefix) else None


def rating_blocks(key: str, text: str, translator: Translator, *, commented: bool = False) -> list[Block]:
    """The rating DM: what was resolved, a score from 1 to 5 (the buttons' values), and *Add a comment* until one
    is added (then a line saying it is saved)."""
    t = translator.t
    buttons = [_button(action, t("rating.button.score", score=score), str(score)) for score, action in _scores()]
    if not commented:
        buttons.append(_button(ActionId.RATING_COMMENT, t("rating.button.comment"), key))
    note = t("rating.comment_saved") if commented else t("rating.scale")
    return [
        _section(text),
        {"type": "actions", "block_id": rating_block_id(key), "elements": buttons},
        _context(note),
    ]


def _scores() -> list[tuple[int, ActionId]]:
    return list(enumerate(RATE_BUTTONS, start=1))


def rated_message(text: str, score: int, translator: Translator, *, commented: bool = False) -> dict[str, Any]:
    """``text`` + ``blocks`` of the rating DM once answered: the question, "You rated 4/5 — thank you", no buttons."""
    outcome = translator.t("rating.thanks_commented" if commented else "rating.thanks", score=score)
    return settled_prompt(text, outcome)


def commented_message(key: str, text: str, translator: Translator) -> dict[str, Any]:
    """``text`` + ``blocks`` of the rating DM after a comment and before a score: the buttons stay, the comment's
    button gives way to a line saying it is saved."""
    return {"text": text, "blocks": rating_blocks(key, text, translator, commented=True)}


def low_rating_blocks(key: str, text: str, translator: Translator, *, reopen: bool = True) -> list[Block]:
    """The alert to the department lead and the account manager: who rated what, and *Reopen* (the reopen verb, with
    its permissions) for whoever may reopen it — a button that could only refuse is not shown."""
    if not reopen:
        return [_section(text)]
    button = _button(ActionId.REOPEN, translator.t("button.reopen"), key)
    return [_section(text), {"type": "actions", "block_id": BlockId.RATING_ALERT_ACTIONS.value, "elements": [button]}]
