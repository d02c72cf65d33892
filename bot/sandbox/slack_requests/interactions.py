"""Slash commands and interactions as Slack posts them: button clicks and menu choices in messages, forms and
App Home (``block_actions``), form submissions (``view_submission``) and message shortcuts, with the state of
the inputs a person filled in."""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import urlencode

from bot.sandbox.slack_requests.common import TEAM_ID, load, next_trigger_id, next_ts


def slash_command_body(
    *,
    text: str,
    user: str,
    channel: str = "C0INTAKE",
    command: str = "/ticket",
    trigger_id: str | None = None,
    response_url: str | None = None,
    user_name: str | None = None,
    channel_name: str | None = None,
) -> str:
    """The form-encoded body of a slash command, as Slack posts it (a fresh trigger and the sample's response URL
    unless given: the sandbox hands out ones it can honour)."""
    fields = copy.deepcopy(load("slash_command.json"))
    fields.update(
        {
            "command": command,
            "text": text,
            "user_id": user,
            "channel_id": channel,
            "team_id": TEAM_ID,
            "trigger_id": trigger_id or next_trigger_id(),
        }
    )
    if response_url:
        fields["response_url"] = response_url
    if user_name:
        fields["user_name"] = user_name
    if channel_name:
        fields["channel_name"] = channel_name
    return urlencode(fields)


def form_body(payload: dict[str, Any]) -> str:
    """An interaction payload the way Slack posts every one: form-encoded ``payload=<json>``."""
    return urlencode({"payload": json.dumps(payload)})


def options_of(element: dict[str, Any]) -> list[dict[str, Any]]:
    """Every option of a menu, whether listed directly or in option groups."""
    groups = element.get("option_groups") or []
    return list(element.get("options") or []) + [option for group in groups for option in group.get("options", [])]


def block_action(element: dict[str, Any], block_id: str, *, choice: Any = None) -> dict[str, Any]:
    """One entry of ``actions`` for a person using ``element``: a button's value, a select's or overflow's
    chosen option (``choice`` is the option's value), a users select's chosen user."""
    kind = element["type"]
    action: dict[str, Any] = {
        "action_id": element.get("action_id", ""),
        "block_id": block_id,
        "type": kind,
        "action_ts": next_ts(),
    }
    if kind == "button":
        action["text"] = element.get("text", {"type": "plain_text", "text": ""})
        if "value" in element:
            action["value"] = element["value"]
        if "style" in element:
            action["style"] = element["style"]
    elif kind in {"static_select", "overflow", "radio_buttons"}:
        option = next((o for o in options_of(element) if o.get("value") == choice), None)
        if option is None:
            raise ValueError(f"{choice!r} is not one of the options of {element.get('action_id')!r}")
        action["selected_option"] = option
    elif kind == "users_select":
        action["selected_user"] = choice
    else:
        raise ValueError(f"no action shape for {kind}")
    return action


def block_actions_payload(
    *,
    user: str,
    action: dict[str, Any],
    trigger_id: str,
    message: dict[str, Any] | None = None,
    channel: str | None = None,
    is_ephemeral: bool = False,
    view: dict[str, Any] | None = None,
    response_url: str | None = None,
) -> dict[str, Any]:
    """``block_actions`` for a click in a message (``message`` and ``channel``) or in a view (``view``)."""
    payload = copy.deepcopy(load("block_actions.json"))
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID}
    payload["team"] = {"id": TEAM_ID, "domain": "crossdesk"}
    payload["trigger_id"] = trigger_id
    payload["actions"] = [action]
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload.pop("channel", None)
        payload.pop("message", None)
        payload.pop("response_url", None)
        payload["view"] = view
        payload["state"] = view.get("state", {"values": {}})
        return payload
    if message is None or channel is None:
        raise ValueError("a click in a message needs the message and its channel")
    payload["container"] = {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": channel,
        "is_ephemeral": is_ephemeral,
    }
    payload["channel"] = {"id": channel, "name": channel.lower()}
    payload["message"] = message
    if response_url:
        payload["response_url"] = response_url
    return payload


def block_actions_body(
    *,
    action_id: str,
    value: str,
    user: str,
    channel: str,
    message_ts: str,
    blocks: list[dict[str, Any]] | None = None,
    block_id: str = "crossdesk.card.actions",
    trigger_id: str | None = None,
) -> str:
    """A button click (``block_actions``) form-encoded as ``payload=<json>``, as Slack posts it."""
    payload = copy.deepcopy(load("block_actions.json"))
    payload["trigger_id"] = trigger_id or next_trigger_id()
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID}
    payload["team"] = {"id": TEAM_ID, "domain": "crossdesk"}
    payload["channel"] = {"id": channel, "name": "channel"}
    payload["container"] = {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False}
    payload["message"]["ts"] = message_ts
    if blocks is not None:
        payload["message"]["blocks"] = blocks
    payload["actions"] = [
        {
            "action_id": action_id,
            "block_id": block_id,
            "value": value,
            "type": "button",
            "text": {"type": "plain_text", "text": action_id},
            "action_ts": next_ts(),
        }
    ]
    return urlencode({"payload": json.dumps(payload)})


def _state_element(element: dict[str, Any], answer: Any) -> dict[str, Any]:
    """What Slack puts in ``view.state.values`` for one input, given what the person entered."""
    kind = element["type"]
    if kind == "plain_text_input":
        return {"type": kind, "value": answer}
    if kind == "static_select":
        option = next((o for o in options_of(element) if o["value"] == answer), None)
        return {"type": kind, "selected_option": option}
    if kind == "users_select":
        return {"type": kind, "selected_user": answer}
    if kind == "channels_select":
        return {"type": kind, "selected_channel": answer}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": list(answer or [])}
    if kind == "multi_channels_select":
        return {"type": kind, "selected_channels": list(answer or [])}
    if kind == "external_select":
        # The option comes from the app's own answer to a block_suggestion: given whole, or as the initial one's value.
        if isinstance(answer, dict) or answer is None:
            return {"type": kind, "selected_option": answer}
        initial = element.get("initial_option")
        if isinstance(initial, dict) and initial.get("value") == answer:
            return {"type": kind, "selected_option": initial}
        raise ValueError(f"choose an external_select option by the option Slack got from the app, not {answer!r}")
    if kind == "checkboxes":
        chosen = [o for o in element["options"] if o["value"] in (answer or [])]
        return {"type": kind, "selected_options": chosen}
    raise ValueError(f"no state shape for {kind}")


# What a select of people or channels starts with (a person, a channel, or lists of them).
_INITIAL_IDS = ("initial_user", "initial_channel", "initial_users", "initial_channels")


def view_state(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """``state.values`` for ``view`` given ``answers`` ({block_id: value}); other inputs keep their initial value."""
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        if block["block_id"] in answers:
            answer = answers[block["block_id"]]
        elif "initial_option" in element:
            answer = element["initial_option"]["value"]
        elif "initial_options" in element:
            answer = [o["value"] for o in element["initial_options"]]
        elif any(name in element for name in _INITIAL_IDS):
            answer = next(element[name] for name in _INITIAL_IDS if name in element)
        else:
            answer = element.get("initial_value")
        values[block["block_id"]] = {element["action_id"]: _state_element(element, answer)}
    return {"values": values}


def view_submission_body(
    *, view: dict[str, Any], user: str, answers: dict[str, Any], trigger_id: str | None = None
) -> str:
    """A form submission as Slack posts it: ``payload=<json>`` with the view and its state."""
    payload = copy.deepcopy(load("view_submission.json"))
    payload["trigger_id"] = trigger_id or next_trigger_id()
    payload["team"] = {"id": TEAM_ID, "domain": "crossdesk"}
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID}
    submitted = copy.deepcopy(view)
    submitted["state"] = view_state(view, answers)
    payload["view"] = submitted
    return urlencode({"payload": json.dumps(payload)})


def view_block_actions_body(
    *, view: dict[str, Any], action_id: str, block_id: str, value: str, user: str, trigger_id: str | None = None
) -> str:
    """A select changed inside an open form (``dispatch_action``): ``block_actions`` with a view container."""
    payload = copy.deepcopy(load("block_actions.json"))
    payload["trigger_id"] = trigger_id or next_trigger_id()
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID}
    payload["team"] = {"id": TEAM_ID, "domain": "crossdesk"}
    payload["container"] = {"type": "view", "view_id": view["id"]}
    payload.pop("channel", None)
    payload.pop("message", None)
    submitted = copy.deepcopy(view)
    submitted["state"] = view_state(view, {block_id: value})
    payload["view"] = submitted
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    option = next(o for o in options_of(block["element"]) if o["value"] == value)
    payload["actions"] = [
        {
            "action_id": action_id,
            "block_id": block_id,
            "type": "static_select",
            "selected_option": option,
            "action_ts": next_ts(),
        }
    ]
    return urlencode({"payload": json.dumps(payload)})


def block_suggestion_body(*, view: dict[str, Any], block_id: str, value: str, user: str) -> str:
    """What Slack posts while someone types into an ``external_select`` of an open view: ``block_suggestion`` with
    what they typed so far (``value``), asking the app for the menu's options."""
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    payload = copy.deepcopy(load("block_suggestion.json"))
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID}
    payload["team"] = {"id": TEAM_ID, "domain": "crossdesk"}
    payload["container"] = {"type": "view", "view_id": view["id"]}
    payload.update(action_id=block["element"]["action_id"], block_id=block_id, value=value)
    payload["view"] = {**payload["view"], **copy.deepcopy(view)}
    payload["view"].setdefault("state", {"values": {}})
    return form_body(payload)


def home_block_actions_body(
    *, action_id: str, value: str, user: str, view_id: str = "VHOME", trigger_id: str | None = None
) -> str:
    """A button clicked on App Home: the container is the home view, there is no channel."""
    payload = copy.deepcopy(load("block_actions.json"))
    payload["trigger_id"] = trigger_id or next_trigger_id()
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID}
    payload["team"] = {"id": TEAM_ID, "domain": "crossdesk"}
    payload["container"] = {"type": "view", "view_id": view_id}
    payload.pop("channel", None)
    payload.pop("message", None)
    payload["view"] = {
        "id": view_id,
        "type": "home",
        "blocks": [],
        "private_metadata": "",
        "callback_id": "",
        "state": {"values": {}},
        "hash": "1.home",
    }
    payload["actions"] = [
        {
            "action_id": action_id,
            "block_id": f"home.{value}",
            "value": value,
            "type": "button",
            "text": {"type": "plain_text", "text": action_id},
            "action_ts": next_ts(),
        }
    ]
    return urlencode({"payload": json.dumps(payload)})


def message_action_body(
    *, callback_id: str, channel: str, user: str, message: dict[str, Any], trigger_id: str | None = None
) -> str:
    """A message shortcut as Slack posts it (``message_action``)."""
    payload = copy.deepcopy(load("message_action.json"))
    payload["team"] = {"id": TEAM_ID, "domain": "crossdesk"}
    payload["user"] = {"id": user, "name": user.lower()}
    payload["channel"] = {"id": channel, "name": channel.lower()}
    payload["callback_id"] = callback_id
    payload["trigger_id"] = trigger_id or next_trigger_id()
    payload["message_ts"] = message["ts"]
    payload["message"] = {**payload["message"], **message}
    return urlencode({"payload": json.dumps(payload)})
