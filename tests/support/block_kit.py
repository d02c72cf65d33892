"""Checks for Block Kit built by the bot's builders, the same way the fake Slack checks what it is sent.

Unit tests of a builder call these so that a builder the fake Web API would refuse fails its own test first:
``bot.sandbox.fake_slack.block_rules`` (what the fake Slack answers ``invalid_blocks`` for), slack_sdk's own models
(``Block.parse(...).to_dict()``, ``View(**view).validate_json()``) and Slack's documented size limits
(:mod:`tests.support.slack_limits`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.sandbox.fake_slack import block_rules
from tests.support.slack_limits import assert_message_fits, assert_view_fits

JsonDict = dict[str, Any]


def assert_blocks_valid(blocks: list[JsonDict]) -> None:
    """Every block parses with slack_sdk and dumps back unchanged in type; the fake Slack finds nothing to refuse."""
    assert blocks, "a message needs at least one block"
    for block in blocks:
        parsed = Block.parse(dict(block))
        assert parsed is not None, f"slack_sdk does not know this block: {block}"
        assert parsed.to_dict()["type"] == block["type"]  # to_dict() runs validate_json() at every level
    problems = block_rules.block_problems(blocks)
    assert not problems, problems


def assert_message_valid(message: JsonDict) -> None:
    """A chat.postMessage / chat.update payload (``text`` + ``blocks``)."""
    assert isinstance(message.get("text"), str) and message["text"], "a message with blocks needs a fallback text"
    assert_blocks_valid(message["blocks"])
    assert_message_fits(message)


def assert_view_valid(view: JsonDict, expected_type: str = "modal") -> None:
    """A view for views.open / views.update / views.publish."""
    problems = block_rules.view_problems(view, expected_type)
    assert not problems, problems
    View(**view).validate_json()
    for block in view["blocks"]:
        Block.parse(dict(block)).to_dict()  # type: ignore[union-attr]
    assert_view_fits(view)


def elements_of(blocks: list[JsonDict]) -> Iterator[JsonDict]:
    """Every interactive element: those of actions blocks, section accessories and input elements."""
    for block in blocks:
        if block.get("type") == "actions":
            yield from block["elements"]
        for slot in ("accessory", "element"):
            if isinstance(block.get(slot), dict):
                yield block[slot]


def action_ids(blocks: list[JsonDict]) -> list[str]:
    return [element["action_id"] for element in elements_of(blocks) if "action_id" in element]


def button(blocks: list[JsonDict], action_id: str) -> JsonDict:
    """The one element with ``action_id`` (fails when there is none or more than one)."""
    [found] = [element for element in elements_of(blocks) if element.get("action_id") == action_id]
    return found


def text_of(blocks: list[JsonDict]) -> str:
    """All of the blocks as one string, to look for a key or a mention anywhere in them."""
    return json.dumps(blocks, ensure_ascii=False)
