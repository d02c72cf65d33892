"""Build correctly signed Slack requests from the real payload shapes in ``bot/sandbox/payloads``.

The sandbox delivers what people do in the browser with these, the tests send them, and the load
generators of ``make bench`` and ``make reliability`` too: one way to speak Slack's side of the protocol.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

PAYLOADS = Path(__file__).resolve().parent / "payloads"
# The signing secret the sandbox and the tests share with the bot they start; it guards nothing real.
SIGNING_SECRET = "test-signing-secret-0123456789"  # noqa: S105
TEAM_ID = "T0CROSSDESK"

_event_counter = itertools.count(1)
# Event ids must differ between runs too: the bot remembers the ids it handled (a restarted sandbox keeps its database).
_RUN = secrets.token_hex(3).upper()
_ts_counter = itertools.count(1)


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))
    return data


def next_ts() -> str:
    """A message ts that no other test message has."""
    return f"{1_790_000_000 + next(_ts_counter)}.{next(_ts_counter):06d}"


def next_event_id() -> str:
    return f"Ev0{_RUN}{next(_event_counter):06d}"


def next_trigger_id() -> str:
    """A trigger id in Slack's shape that no other request has, in this process or another: the fake Slack lets each
    be exchanged once. (The sandbox and the test harness ask the fake for one instead, which it also dates.)"""
    return f"{next(_event_counter)}.{next(_event_counter)}.{_RUN.lower()}"


def sign(body: str | bytes, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The two headers Slack adds: ``v0=`` + HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    raw = body if isinstance(body, bytes) else body.encode()
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + raw, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def _envelope(sample: str, event_changes: dict[str, Any], event_id: str | None) -> dict[str, Any]:
    payload = copy.deepcopy(load(sample))
    payload["team_id"] = TEAM_ID
    payload["event_id"] = event_id or next_event_id()
    payload["event_time"] = int(time.time())
    event = payload["event"]
    event.update(event_changes)
    for name, value in list(event.items()):
        if value is None:
            del event[name]
    return payload


def message_event(
    *,
    channel: str,
    user: str,
    text: str,
    ts: str | None = None,
    thread_ts: str | None = None,
    event_id: str | None = None,
    channel_type: str | None = None,
) -> dict[str, Any]:
    """A human ``message`` event (``message.channels``); a reply when ``thread_ts`` is given.

    ``channel_type`` (``im`` for a DM with the bot, ``group`` for a private channel) defaults to the sample's.
    """
    ts = ts or next_ts()
    if channel_type:
        return _with_channel_type(
            message_event(channel=channel, user=user, text=text, ts=ts, thread_ts=thread_ts, event_id=event_id),
            channel_type,
        )
    if thread_ts:
        changes: dict[str, Any] = {
            "channel": channel,
            "user": user,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "thread_ts": thread_ts,
            "parent_user_id": user,
        }
        return _envelope("event_message_thread_reply.json", changes, event_id)
    changes = {
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": "b1",
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
            }
        ],
    }
    return _envelope("event_message_channel.json", changes, event_id)


def _with_channel_type(payload: dict[str, Any], channel_type: str) -> dict[str, Any]:
    payload["event"]["channel_type"] = channel_type
    return payload


def bot_message_event(*, channel: str, text: str, classic: bool = False) -> dict[str, Any]:
    sample = "event_message_bot_message_subtype.json" if classic else "event_message_bot.json"
    ts = next_ts()
    return _envelope(sample, {"channel": channel, "text": text, "ts": ts, "event_ts": ts}, None)


def message_changed_event(*, channel: str, user: str, text: str, ts: str) -> dict[str, Any]:
    payload = _envelope("event_message_changed.json", {"channel": channel}, None)
    payload["event"]["message"].update({"user": user, "text": text, "ts": ts})
    payload["event"]["previous_message"].update({"user": user, "ts": ts})
    return payload


def message_deleted_event(*, channel: str, ts: str) -> dict[str, Any]:
    """``message_deleted`` keeps the envelope of a message event; the deleted message's ts is ``deleted_ts``."""
    now = next_ts()
    payload = _envelope("event_message_channel.json", {"channel": channel, "ts": now, "event_ts": now}, None)
    event = payload["event"]
    for name in ("user", "text", "blocks", "client_msg_id"):
        event.pop(name, None)
    event.update({"subtype": "message_deleted", "hidden": True, "deleted_ts": ts})
    return payload


def reaction_added_event(*, channel: str, ts: str, user: str, reaction: str, item_user: str) -> dict[str, Any]:
    changes = {
        "user": user,
        "reaction": reaction,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": next_ts(),
    }
    return _envelope("event_reaction_added_bolt.json", changes, None)


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
    if kind == "checkboxes":
        chosen = [o for o in element["options"] if o["value"] in (answer or [])]
        return {"type": kind, "selected_options": chosen}
    raise ValueError(f"no state shape for {kind}")


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


def app_home_opened_event(*, user: str, tab: str = "home") -> dict[str, Any]:
    return _envelope(
        "event_app_home_opened.json", {"user": user, "tab": tab, "channel": f"D{user[1:]}", "event_ts": next_ts()}, None
    )
