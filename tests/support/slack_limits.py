"""Every size limit Slack documents for what a bot sends, checked on a message or view as it was sent.

``problems(...)`` lists what breaks a limit (empty when all is well); ``assert_message_fits`` and
``assert_view_fits`` fail a test with that list. slack_sdk's own models check a few of these too and are run as
a second opinion; the walk below covers the limits they let through (options, buttons, inputs, fields).
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.surfaces import limits

JsonDict = dict[str, Any]


def _text_of(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text", ""))
    return str(value or "")


def _too_long(where: str, text: str, limit: int) -> list[str]:
    return [f"{where}: {len(text)} characters > {limit}"] if len(text) > limit else []


def _option_problems(where: str, option: JsonDict) -> list[str]:
    found = _too_long(f"{where}.text", _text_of(option.get("text")), limits.OPTION_TEXT)
    found += _too_long(f"{where}.value", str(option.get("value", "")), limits.OPTION_VALUE)
    return found


def _element_problems(where: str, element: JsonDict) -> list[str]:
    kind = element.get("type")
    found: list[str] = []
    if kind == "button":
        found += _too_long(f"{where}.text", _text_of(element.get("text")), limits.BUTTON_TEXT)
        found += _too_long(f"{where}.value", str(element.get("value", "")), 2_000)
    if kind in ("static_select", "overflow", "checkboxes", "radio_buttons"):
        options = element.get("options") or []
        groups = element.get("option_groups") or []
        if options and groups:
            found.append(f"{where}: both options and option_groups")
        if len(options) > limits.SELECT_OPTIONS:
            found.append(f"{where}.options: {len(options)} > {limits.SELECT_OPTIONS}")
        if len(groups) > limits.OPTION_GROUPS:
            found.append(f"{where}.option_groups: {len(groups)} > {limits.OPTION_GROUPS}")
        every = list(options)
        for index, group in enumerate(groups):
            label, grouped = _text_of(group.get("label")), group.get("options", [])
            found += _too_long(f"{where}.option_groups[{index}].label", label, limits.OPTION_TEXT)
            if len(grouped) > limits.SELECT_OPTIONS:
                found.append(f"{where}.option_groups[{index}].options: {len(grouped)} > {limits.SELECT_OPTIONS}")
            every += grouped
        for index, option in enumerate(every):
            found += _option_problems(f"{where}.options[{index}]", option)
        initial = element.get("initial_option")
        if initial is not None and initial not in every:
            found.append(f"{where}.initial_option is not one of the options")
    if kind == "plain_text_input":
        maximum = int(element.get("max_length", limits.INPUT_TEXT))
        if maximum > limits.INPUT_TEXT:
            found.append(f"{where}.max_length: {maximum} > {limits.INPUT_TEXT}")
        found += _too_long(f"{where}.initial_value", str(element.get("initial_value", "")), min(maximum, 3_000))
    return found


def block_problems(block: JsonDict, where: str = "block") -> list[str]:
    """What in one block breaks a limit."""
    kind = block.get("type")
    found: list[str] = []
    if kind == "section":
        found += _too_long(f"{where}.text", _text_of(block.get("text")), limits.SECTION_TEXT)
        fields = block.get("fields") or []
        if len(fields) > limits.SECTION_FIELDS:
            found.append(f"{where}.fields: {len(fields)} > {limits.SECTION_FIELDS}")
        for index, field in enumerate(fields):
            found += _too_long(f"{where}.fields[{index}]", _text_of(field), limits.FIELD_TEXT)
        if isinstance(block.get("accessory"), dict):
            found += _element_problems(f"{where}.accessory", block["accessory"])
    elif kind == "header":
        found += _too_long(f"{where}.text", _text_of(block.get("text")), limits.HEADER_TEXT)
    elif kind == "context":
        elements = block.get("elements") or []
        if len(elements) > limits.CONTEXT_ELEMENTS:
            found.append(f"{where}.elements: {len(elements)} > {limits.CONTEXT_ELEMENTS}")
        for index, element in enumerate(elements):
            found += _too_long(f"{where}.elements[{index}]", _text_of(element), limits.CONTEXT_TEXT)
    elif kind == "actions":
        elements = block.get("elements") or []
        if len(elements) > 25:
            found.append(f"{where}.elements: {len(elements)} > 25")
        for index, element in enumerate(elements):
            found += _element_problems(f"{where}.elements[{index}]", element)
    elif kind == "input":
        found += _too_long(f"{where}.label", _text_of(block.get("label")), 2_000)
        found += _element_problems(f"{where}.element", block.get("element") or {})
    if not found:
        try:
            Block.parse(block).validate_json()  # type: ignore[union-attr]
        except Exception as error:  # slack_sdk raises SlackObjectFormationError, or a KeyError on a bad shape
            found.append(f"{where}: slack_sdk refuses it: {error}")
    return found


def message_problems(payload: JsonDict) -> list[str]:
    """What in a chat.postMessage / chat.update / slash command answer breaks a limit."""
    found = _too_long("text", str(payload.get("text") or ""), limits.MESSAGE_TEXT)
    blocks = payload.get("blocks") or []
    if len(blocks) > limits.MESSAGE_BLOCKS:
        found.append(f"blocks: {len(blocks)} > {limits.MESSAGE_BLOCKS}")
    for index, block in enumerate(blocks):
        found += block_problems(block, f"blocks[{index}]")
    return found


def view_problems(view: JsonDict) -> list[str]:
    blocks = view.get("blocks") or []
    found: list[str] = []
    if len(blocks) > limits.VIEW_BLOCKS:
        found.append(f"view.blocks: {len(blocks)} > {limits.VIEW_BLOCKS}")
    if view.get("type") == "modal":
        for name in ("title", "submit", "close"):
            found += _too_long(f"view.{name}", _text_of(view.get(name)), limits.MODAL_TITLE)
    found += _too_long("view.private_metadata", str(view.get("private_metadata") or ""), limits.PRIVATE_METADATA)
    for index, block in enumerate(blocks):
        found += block_problems(block, f"view.blocks[{index}]")
    if not found:
        fields = ("type", "title", "submit", "close", "blocks", "private_metadata", "callback_id")
        try:
            View(**{name: view[name] for name in fields if name in view}).validate_json()
        except Exception as error:
            found.append(f"view: slack_sdk refuses it: {error}")
    return found


def assert_message_fits(payload: JsonDict) -> None:
    found = message_problems(payload)
    assert not found, found[:10]


def assert_view_fits(view: JsonDict) -> None:
    found = view_problems(view)
    assert not found, found[:10]
