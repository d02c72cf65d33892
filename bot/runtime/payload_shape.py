"""The shape every Slack request has, checked before Bolt or a listener reads it.

Bolt reads envelope fields (``event``, ``actions``, ``view``, ``user``, …) with plain indexing and would
crash on a signed request of another shape; our listeners store and echo ids. A request that fails these
checks was not written by Slack as documented, and is refused with a 400 before anything runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Bounded as the columns that store them are (32 characters for ids, 64 for event ids): a longer value is not
# Slack's, and must be refused here rather than fail in the database as a 500.
USER_ID = re.compile(r"[UW][A-Z0-9]{2,31}")
CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{2,31}")
TS = re.compile(r"\d{1,12}\.\d{1,8}")
EVENT_ID = re.compile(r"Ev[A-Za-z0-9]{1,62}")
TEAM_ID = re.compile(r"T[A-Z0-9]{2,31}")
ENTERPRISE_ID = re.compile(r"E[A-Z0-9]{2,31}")
APP_ID = re.compile(r"A[A-Z0-9]{2,31}")
GROUP_ID = re.compile(r"S[A-Z0-9]{2,31}")
USER_OBJECT = "event's user"  # what a refusal calls user_status_changed's user object
# Workspace, organisation and app ids of the envelope: Bolt passes them on to Slack Web API calls (in the URL
# of a GET), so an outsized one would fail there instead of here.
_ENVELOPE_IDS = {"team_id": TEAM_ID, "enterprise_id": ENTERPRISE_ID, "api_app_id": APP_ID}
_INTERACTIONS = {"block_actions", "view_submission", "view_closed", "message_action", "shortcut"}
# Envelope fields Bolt looks into whenever the key is there: each must then be an object (``null`` too would
# crash it). ``enterprise`` is the one Slack does send as ``null``.
_OBJECTS = ("event", "view", "container", "message", "previous_message", "item")
# Slack's deepest payloads (rich text in a form's state, a message's attachments) nest about fifteen objects and
# lists deep. Far deeper is not Slack's, and every walk of the body — ours, Bolt's, a JSON encoder's — recurses:
# a few hundred levels would end in a RecursionError, a 500, instead of a clear refusal here.
MAX_DEPTH = 64


class BadShape(ValueError):
    """A signed request whose envelope or ids are not what Slack sends; the message names the field."""


def _object(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise BadShape(f"{name} must be an object")
    return value


def _ids(container: Mapping[str, Any], name: str, shapes: dict[str, re.Pattern[str]], required: str = "") -> None:
    """Each field of ``shapes`` that is there (not null) must be a string of that shape."""
    for field, shape in shapes.items():
        value = container.get(field)
        if value is None:
            if field == required:
                raise BadShape(f"missing {name}.{field}")
            continue
        if not isinstance(value, str) or not shape.fullmatch(value):
            raise BadShape(f"{name}.{field} is not a Slack id")


def _people_event(event: Mapping[str, Any]) -> None:
    """``event.user``: an id, except in ``user_status_changed`` (a whole user object, with its id); a user group's
    change names the group and lists the ids that joined and left."""
    if event.get("type") == "user_status_changed":
        user = _object(event.get("user"), USER_OBJECT)
        _ids(user, USER_OBJECT, {"id": USER_ID}, required="id")
        return
    _ids(event, "event", {"user": USER_ID})
    if event.get("type") == "subteam_members_changed":
        _ids(event, "event", {"subteam_id": GROUP_ID}, required="subteam_id")
        for name in ("added_users", "removed_users"):
            users = event.get(name) or []
            if not isinstance(users, list) or not all(isinstance(u, str) and USER_ID.fullmatch(u) for u in users):
                raise BadShape(f"event.{name} must be a list of Slack ids")


def check_depth(body: Any) -> None:
    """Raise :class:`BadShape` when objects and lists in ``body`` nest deeper than :data:`MAX_DEPTH`. Walked with a
    list, not by recursion, so the check itself cannot run out of stack."""
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        for child in children:
            if isinstance(child, dict | list):
                if depth >= MAX_DEPTH:
                    raise BadShape(f"nested more than {MAX_DEPTH} levels deep")
                stack.append((child, depth + 1))


def check_shape(body: Any) -> None:
    """Raise :class:`BadShape` unless ``body`` has the envelope and id shapes Slack documents (and a depth
    Slack's payloads have)."""
    body = _object(body, "body")
    check_depth(body)
    kind = body.get("type")
    if kind is not None and not isinstance(kind, str):
        raise BadShape("type must be a string")
    _ids(body, "body", _ENVELOPE_IDS)
    for name in _OBJECTS:
        if name in body:
            _object(body[name], name)
    if body.get("enterprise") is not None:
        _object(body["enterprise"], "enterprise")
    for name in ("authorizations", "actions"):
        value = body.get(name, [])
        if not (isinstance(value, list) and all(isinstance(v, Mapping) for v in value)):
            raise BadShape(f"{name} must be a list of objects")
    if "command" in body:
        _ids(body, "command", {"user_id": USER_ID, "channel_id": CHANNEL_ID}, required="user_id")
    elif kind == "event_callback":
        event = _object(body.get("event"), "event")
        if not isinstance(event.get("type"), str):
            raise BadShape("event.type must be a string")
        _ids(body, "body", {"event_id": EVENT_ID})
        _people_event(event)
        _ids(event, "event", {"channel": CHANNEL_ID, "ts": TS, "thread_ts": TS})
        for name in ("item", "message", "previous_message"):
            if event.get(name) is not None:
                _ids(_object(event[name], f"event.{name}"), f"event.{name}", {"channel": CHANNEL_ID, "ts": TS})
    elif kind in _INTERACTIONS:
        _ids(_object(body.get("user"), "user"), "user", {"id": USER_ID}, required="id")
        if body.get("team") is not None:
            _ids(_object(body["team"], "team"), "team", {"id": TEAM_ID})
        if body.get("channel") is not None:
            _ids(_object(body["channel"], "channel"), "channel", {"id": CHANNEL_ID})
        if body.get("container") is not None:
            _ids(body["container"], "container", {"channel_id": CHANNEL_ID, "message_ts": TS})
        if body.get("message") is not None:
            _ids(body["message"], "message", {"ts": TS})
        if kind == "block_actions" and not body.get("actions"):
            raise BadShape("block_actions without actions")
        for action in body.get("actions") or []:
            if not all(isinstance(action.get(name), str) for name in ("action_id", "block_id")):
                raise BadShape("each action needs a string action_id and block_id")
        view = body.get("view")
        if kind in ("view_submission", "view_closed") and not (
            isinstance(view, Mapping) and all(isinstance(view.get(name), str) for name in ("type", "callback_id"))
        ):
            raise BadShape("view.type and view.callback_id must be strings")
        if kind in ("message_action", "shortcut") and not isinstance(body.get("callback_id"), str):
            raise BadShape("callback_id must be a string")
