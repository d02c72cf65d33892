"""Reading fields out of Slack payloads, refusing malformed ones with a reason instead of a KeyError."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot.runtime.services import Services
from bot.surfaces.commands import KEY_PATTERN
from bot.surfaces.text import escape
from bot.tickets.prompts import PromptRef


class MalformedPayload(Exception):
    """A signed request whose payload lacks a field we need or has the wrong type for it."""


def services_of(context: AsyncBoltContext) -> Services:
    services = context.get("services")
    if not isinstance(services, Services):
        raise RuntimeError("the services middleware did not run")
    return services


def mapping(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedPayload(f"{name} must be an object")
    return value


def text(container: Any, name: str, *, required: bool = True, default: str = "") -> str:
    value = mapping(container, "payload").get(name)
    if value is None:
        if required:
            raise MalformedPayload(f"missing {name}")
        return default
    if not isinstance(value, str):
        raise MalformedPayload(f"{name} must be a string")
    return value


def optional_text(container: Any, name: str) -> str | None:
    value = mapping(container, "payload").get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedPayload(f"{name} must be a string")
    return value


_PRIVATE_CHANNEL_TYPES = frozenset({"group", "im", "mpim"})  # a message event's channel_type
_PRIVATE_CHANNEL_NAMES = frozenset({"directmessage", "privategroup"})  # a slash command's or shortcut's channel_name


def is_private_conversation(
    channel_id: str | None, *, channel_type: str | None = None, channel_name: str | None = None
) -> bool:
    """Whether only its members can read the conversation a request came from: a private channel, a DM or a group
    DM. Message events say so in ``channel_type``; slash commands and shortcuts in ``channel_name``
    ("directmessage", "privategroup", "mpdm-…"); DM ids start with D, and private channels and group DMs made
    before 2021 have G ids (a reaction's item carries nothing but the id)."""
    if channel_type in _PRIVATE_CHANNEL_TYPES:
        return True
    if channel_name is not None and (channel_name in _PRIVATE_CHANNEL_NAMES or channel_name.startswith("mpdm-")):
        return True
    return bool(channel_id) and str(channel_id)[:1] in ("D", "G")


# Multi-selects of people and channels: where Slack puts what was chosen.
_MULTI_SELECTS = {"multi_users_select": "selected_users", "multi_channels_select": "selected_channels"}


def form_values(view: Any, *, as_typed: bool = False) -> dict[str, Any]:
    """Flatten a modal's ``state.values`` to ``{block_id: value}``, whatever the input type.

    Text inputs give a string (or ``None``), selects the chosen option's value, a user select the user id,
    checkboxes the list of chosen values. What people typed arrives raw (Slack escapes message text, not form
    input), so text inputs come back as Slack text, escaped (:mod:`bot.surfaces.text`): the bot keeps and posts only
    Slack text, and a masked link typed into a form must reach mrkdwn as the characters typed. ``as_typed``
    gives them back exactly as typed, for drawing the same form again.
    """
    state = mapping(mapping(view, "view").get("state") or {}, "view.state")
    values = mapping(state.get("values") or {}, "view.state.values")
    flat: dict[str, Any] = {}
    for block_id, actions in values.items():
        for element in mapping(actions, f"state of {block_id}").values():
            element = mapping(element, f"input {block_id}")
            kind = element.get("type")
            if kind is not None and not isinstance(kind, str):
                raise MalformedPayload(f"the type of input {block_id} must be text")
            if kind in ("static_select", "external_select"):
                option = element.get("selected_option")
                value = option.get("value") if isinstance(option, Mapping) else None
            elif kind == "users_select":
                value = element.get("selected_user")
            elif kind == "channels_select":
                value = element.get("selected_channel")
            elif kind in _MULTI_SELECTS:
                chosen = element.get(_MULTI_SELECTS[kind]) or []
                if not isinstance(chosen, list) or not all(isinstance(item, str) for item in chosen):
                    raise MalformedPayload(f"the choices of {block_id} must be a list of ids")
                flat[block_id] = chosen
                continue
            elif kind == "checkboxes":
                options = element.get("selected_options") or []
                if not isinstance(options, list):
                    raise MalformedPayload(f"selected_options of {block_id} must be a list")
                flat[block_id] = [o.get("value") for o in options if isinstance(o, Mapping)]
                if not all(isinstance(chosen, str) for chosen in flat[block_id]):
                    raise MalformedPayload(f"an option of {block_id} is not text")
                continue
            else:  # plain_text_input and anything else that carries a value
                value = element.get("value")
            if value is not None and not isinstance(value, str):
                raise MalformedPayload(f"the value of {block_id} must be text")
            typed = kind not in ("static_select", "external_select", "users_select", "channels_select")
            flat[block_id] = escape(value) if typed and value is not None and not as_typed else value
    return flat


def selected_option(view: Any, block_id: str) -> dict[str, Any] | None:
    """The option chosen in a select of a form (text and value), to draw the form again with it chosen."""
    values = mapping(mapping(view, "view").get("state") or {}, "view.state").get("values") or {}
    for element in mapping(values, "view.state.values").get(block_id, {}).values():
        option = element.get("selected_option") if isinstance(element, Mapping) else None
        if (
            isinstance(option, Mapping)
            and isinstance(option.get("value"), str)
            and isinstance(option.get("text"), dict)
        ):
            return {"text": dict(option["text"]), "value": option["value"]}
    return None


def metadata(view: Any) -> dict[str, Any]:
    """The JSON we put in ``private_metadata`` when the form was opened."""
    raw = mapping(view, "view").get("private_metadata") or "{}"
    try:
        data = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise MalformedPayload("private_metadata is not ours")
    return data


def clicked_in(body: Mapping[str, Any]) -> tuple[str | None, str | None, bool]:
    """(channel, message ts, from App Home) of the surface a button was clicked on."""
    container = body.get("container") if isinstance(body.get("container"), Mapping) else {}
    assert isinstance(container, Mapping)
    channel_info = body.get("channel")
    channel = channel_info.get("id") if isinstance(channel_info, Mapping) else container.get("channel_id")
    view = body.get("view")
    from_home = isinstance(view, Mapping) and view.get("type") == "home"
    ts = container.get("message_ts")
    return (channel if isinstance(channel, str) else None, ts if isinstance(ts, str) else None, from_home)


def clicked_ticket(body: Mapping[str, Any]) -> tuple[str, str]:
    """(ticket key from the button's value, the person who clicked)."""
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        raise MalformedPayload("block_actions without actions")
    key = text(mapping(actions[0], "action"), "value")
    if not KEY_PATTERN.match(key):
        raise MalformedPayload("button value is not a ticket key")
    return key.upper(), text(mapping(body.get("user"), "user"), "id")


def with_origin(raw: str, channel: str | None, ts: str | None, from_home: bool) -> str:
    """A form's ``private_metadata`` with where its button was, so the form's outcome can be shown there."""
    data = json.loads(raw)
    data.update({"channel": channel, "message_ts": ts, "home": from_home})
    return json.dumps(data, ensure_ascii=False)


def dm_prompt(channel: object, ts: object, from_home: bool) -> PromptRef | None:
    """The DM a button was clicked on, from :func:`clicked_in`'s answer (or a form's remembered origin); ``None``
    for a channel (the card) or App Home, which always show the ticket as it is."""
    if isinstance(channel, str) and channel.startswith("D") and isinstance(ts, str) and ts and not from_home:
        return PromptRef(channel, ts)
    return None
