"""What Slack checks in the Block Kit an app sends, for the fake Web API; and the ids Slack fills in.

Every block goes through slack_sdk's own models (``Block.parse`` and ``to_dict()``, which runs ``validate_json()`` at
every level). Those models are lenient where Slack is not: they skip unknown types and fields, take a string where
Slack wants a text object, and do not look across blocks. So what parsing lost is reported too, as are empty texts,
option counts and duplicate ids. Problems are worded as Slack words them in ``response_metadata.messages``:
``[ERROR] <what> [json-pointer:/blocks/3/text]``.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Callable, Iterable
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3_000
# Checkboxes and radio buttons take at most 10 options; slack_sdk checks the selects (100) and overflow (2-5).
MAX_CHOICE_OPTIONS = 10
CHOICE_ELEMENTS = frozenset({"checkboxes", "radio_buttons"})
TEXT_OBJECTS = frozenset({"plain_text", "mrkdwn"})
# Where a block keeps its interactive elements: Slack wants their action_ids unique within the block.
_ELEMENT_SLOTS = ("accessory", "element")
_GENERATED_ID_ALPHABET = string.ascii_letters + string.digits
_MISSING_ARGUMENTS = re.compile(r"missing \d+ required (?:keyword-only |positional )?arguments?: (.+)$")

JsonDict = dict[str, Any]


def problem(message: str, pointer: str) -> str:
    return f"[ERROR] {message} [json-pointer:{pointer}]"


# --------------------------------------------------------------------------------------------------------------
# blocks


def block_problems(blocks: Any, *, pointer: str = "/blocks", limit: int = MAX_MESSAGE_BLOCKS) -> list[str]:
    """Everything Slack would refuse in a list of blocks (a message's, or a view's with ``pointer="/view/blocks"``)."""
    if not isinstance(blocks, list):
        return [problem("must be an array", pointer)]
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(problem(f"no more than {limit} items allowed", pointer))
    seen_block_ids: dict[str, int] = {}
    for index, block in enumerate(blocks):
        here = f"{pointer}/{index}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            problems.append(problem("missing required field: type", here))
            continue
        problems += _one_block_problems(block, here)
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            if block_id in seen_block_ids:
                problems.append(problem(f"duplicate block_id {block_id!r}", f"{here}/block_id"))
            seen_block_ids.setdefault(block_id, index)
    return problems


def _one_block_problems(block: JsonDict, pointer: str) -> list[str]:
    try:
        parsed = Block.parse(dict(block))
    except TypeError as error:
        return [problem(_constructor_complaint(error), pointer)]
    except (AttributeError, KeyError, ValueError) as error:
        return [problem(f"invalid block: {error}", pointer)]
    if parsed is None:
        return [problem(f"unsupported type: {block['type']}", f"{pointer}/type")]
    try:
        dumped = parsed.to_dict()
    except SlackObjectFormationError as error:
        return [problem(str(error), pointer)]
    except (AttributeError, TypeError, KeyError, ValueError) as error:
        return [problem(f"invalid block: {error}", pointer)]
    problems = _lost_in_parsing(block, parsed, dumped, pointer)
    problems += _duplicate_action_ids(block, pointer)
    problems += _option_counts(block, pointer)
    return problems


def _constructor_complaint(error: TypeError) -> str:
    """``InputBlock.__init__() missing 1 required keyword-only argument: 'label'`` → Slack's wording."""
    found = _MISSING_ARGUMENTS.search(str(error))
    if found is None:
        return f"invalid block: {error}"
    names = re.findall(r"'([^']+)'", found.group(1))
    return "missing required field: " + ", ".join(names)


def _lost_in_parsing(original: Any, model: Any, dumped: Any, pointer: str) -> list[str]:
    """What slack_sdk's models dropped or reshaped, which Slack refuses: unknown fields and element types, strings
    where objects belong, and empty values. ``model`` is the parsed object (its ``attributes`` are the fields it
    knows), ``dumped`` its ``to_dict()``, which leaves out what the model dropped."""
    if isinstance(original, dict):
        if not isinstance(dumped, dict):
            return [_unsupported(original, pointer) if dumped is None else problem("must be an object", pointer)]
        known = model.attributes if isinstance(model, JsonObject) else set(dumped)
        problems: list[str] = []
        for key, value in original.items():
            here = f"{pointer}/{key}"
            if value is None:
                continue
            if key not in known and key not in dumped:
                problems.append(problem(f"unknown field: {key}", here))
            elif key not in dumped:
                problems.append(_dropped(value, here))
            elif key == "type" and value != dumped[key]:  # an unknown text type is read as mrkdwn
                problems.append(problem(f"unsupported type: {value}", here))
            else:
                child = getattr(model, key, None) if isinstance(model, JsonObject) else None
                problems += _lost_in_parsing(value, child, dumped[key], here)
        return problems
    if isinstance(original, list):
        if not isinstance(dumped, list) or len(dumped) != len(original):
            return [problem("contains an item of an unsupported type", pointer)]
        models = model if isinstance(model, list) and len(model) == len(original) else [None] * len(original)
        return [
            found
            for index, (item, item_model, item_dumped) in enumerate(zip(original, models, dumped, strict=True))
            for found in _lost_in_parsing(item, item_model, item_dumped, f"{pointer}/{index}")
        ]
    if isinstance(original, str) and isinstance(dumped, dict):
        return [problem("must be an object, not a string", pointer)]
    return []


def _dropped(value: Any, pointer: str) -> str:
    """A known field the model left out: empty, or an element of a type it does not know."""
    if value == "":
        return problem("must be more than 0 characters", pointer)
    if isinstance(value, dict) and value:
        return _unsupported(value, pointer)
    return problem("must not be empty", pointer)


def _unsupported(value: Any, pointer: str) -> str:
    kind = value.get("type") if isinstance(value, dict) else None
    return problem(f"unsupported type: {kind}" if kind else "missing required field: type", pointer)


def _elements(block: JsonDict) -> Iterable[tuple[str, JsonDict]]:
    """(pointer suffix, element) for every interactive element a block holds."""
    for slot in _ELEMENT_SLOTS:
        element = block.get(slot)
        if isinstance(element, dict):
            yield f"/{slot}", element
    if block.get("type") in {"actions", "context_actions"}:
        for index, element in enumerate(block.get("elements") or []):
            if isinstance(element, dict):
                yield f"/elements/{index}", element


def _duplicate_action_ids(block: JsonDict, pointer: str) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for where, element in _elements(block):
        action_id = element.get("action_id")
        if not isinstance(action_id, str):
            continue
        if action_id in seen:
            problems.append(problem(f"duplicate action_id {action_id!r}", f"{pointer}{where}/action_id"))
        seen.add(action_id)
    return problems


def _option_counts(block: JsonDict, pointer: str) -> list[str]:
    problems: list[str] = []
    for where, element in _elements(block):
        options = element.get("options")
        if element.get("type") in CHOICE_ELEMENTS and isinstance(options, list) and len(options) > MAX_CHOICE_OPTIONS:
            message = f"no more than {MAX_CHOICE_OPTIONS} items allowed"
            problems.append(problem(message, f"{pointer}{where}/options"))
    return problems


# --------------------------------------------------------------------------------------------------------------
# views


def view_problems(view: JsonDict, expected_type: str) -> list[str]:
    """What Slack would refuse in a view for views.open/push/update/publish."""
    problems: list[str] = []
    if view.get("type") != expected_type:
        problems.append(problem(f"must be '{expected_type}' here", "/view/type"))
    blocks = view.get("blocks")
    if blocks is None:
        problems.append(problem("missing required field: blocks", "/view/blocks"))
    else:
        problems += block_problems(blocks, pointer="/view/blocks", limit=MAX_VIEW_BLOCKS)
    if expected_type == "modal":
        problems += _modal_problems(view, blocks if isinstance(blocks, list) else [])
    if len(str(view.get("private_metadata", ""))) > MAX_PRIVATE_METADATA:
        problems.append(problem(f"must be less than {MAX_PRIVATE_METADATA + 1} characters", "/view/private_metadata"))
    if not problems:
        problems += _model_problems(view)
    return problems


def _modal_problems(view: JsonDict, blocks: list[Any]) -> list[str]:
    problems: list[str] = []
    for name in ("title", "submit", "close"):
        label = view.get(name)
        if label is None:
            if name == "title":
                problems.append(problem("missing required field: title", "/view/title"))
            continue
        if not isinstance(label, dict) or label.get("type") != "plain_text":
            problems.append(problem("must be a plain_text text object", f"/view/{name}"))
        elif not str(label.get("text", "")):
            problems.append(problem("must be more than 0 characters", f"/view/{name}/text"))
        elif len(str(label.get("text", ""))) > MAX_VIEW_TITLE:
            problems.append(problem(f"must be less than {MAX_VIEW_TITLE + 1} characters", f"/view/{name}/text"))
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if has_input and view.get("submit") is None:
        problems.append(problem("must provide submit for views with input blocks", "/view/submit"))
    return problems


def _model_problems(view: JsonDict) -> list[str]:
    """The view-level rules of slack_sdk's ``View`` (its blocks were checked one by one already)."""
    try:
        model = View(**view)
        model.validate_json()
    except SlackObjectFormationError as error:
        return [problem(str(error), "/view")]
    except (TypeError, AttributeError, ValueError) as error:
        return [problem(f"invalid view: {error}", "/view")]
    return []


# --------------------------------------------------------------------------------------------------------------
# what Slack fills in


def generated_id(taken: set[str], new_id: Callable[[], str] | None = None) -> str:
    """A short random id like the ones Slack makes (``"Xy3bQ"``), not in ``taken``; the new id is added to it."""
    make = new_id or (lambda: "".join(secrets.choice(_GENERATED_ID_ALPHABET) for _ in range(5)))
    while (candidate := make()) in taken:
        pass
    taken.add(candidate)
    return candidate


def with_generated_ids(blocks: list[JsonDict]) -> list[JsonDict]:
    """``blocks`` as Slack stores them: a ``block_id`` on every block and an ``action_id`` on every interactive
    element that had none. Blocks are copied where something is added; the app's own lists stay as sent."""
    taken = {b["block_id"] for b in blocks if isinstance(b, dict) and isinstance(b.get("block_id"), str)}
    filled: list[JsonDict] = []
    for block in blocks:
        if isinstance(block, dict):
            block = dict(block)
            if not isinstance(block.get("block_id"), str):
                block["block_id"] = generated_id(taken)
            _fill_action_ids(block)
        filled.append(block)
    return filled


def _fill_action_ids(block: JsonDict) -> None:
    taken = {e["action_id"] for _, e in _elements(block) if isinstance(e.get("action_id"), str)}
    for slot in _ELEMENT_SLOTS:
        element = block.get(slot)
        if isinstance(element, dict) and _is_interactive(element) and "action_id" not in element:
            block[slot] = {**element, "action_id": generated_id(taken)}
    if block.get("type") in {"actions", "context_actions"} and isinstance(block.get("elements"), list):
        block["elements"] = [
            {**e, "action_id": generated_id(taken)}
            if isinstance(e, dict) and _is_interactive(e) and "action_id" not in e
            else e
            for e in block["elements"]
        ]


def _is_interactive(element: JsonDict) -> bool:
    """Images and texts sit in the same slots as buttons and inputs, and get no action_id."""
    return element.get("type") not in {"image", *TEXT_OBJECTS}
