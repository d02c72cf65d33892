"""Events API requests (``event_callback``): messages (new, threaded, edited, deleted, from bots), reactions and
App Home being opened, each in the envelope of a real sample."""

from __future__ import annotations

import copy
import time
from typing import Any

from bot.sandbox.slack_requests.common import TEAM_ID, load, next_event_id, next_ts


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


def app_home_opened_event(*, user: str, tab: str = "home") -> dict[str, Any]:
    return _envelope(
        "event_app_home_opened.json", {"user": user, "tab": tab, "channel": f"D{user[1:]}", "event_ts": next_ts()}, None
    )


def subteam_members_changed_event(*, subteam: str, added: list[str], removed: list[str]) -> dict[str, Any]:
    """A user group's members changed: only the change (who joined, who left), as Slack sends it."""
    now = next_ts()
    changes = {
        "subteam_id": subteam,
        "team_id": TEAM_ID,
        "date_update": int(float(now)),
        "added_users": list(added),
        "added_users_count": str(len(added)),
        "removed_users": list(removed),
        "removed_users_count": str(len(removed)),
        "event_ts": now,
    }
    return _envelope("event_subteam_members_changed.json", changes, None)


def user_status_changed_event(*, user: str, emoji: str, text: str, expiration: int = 0) -> dict[str, Any]:
    """A member's Slack status changed (``expiration``: epoch seconds when it ends; 0 = no end)."""
    payload = _envelope("event_user_status_changed.json", {"event_ts": next_ts()}, None)
    person = payload["event"]["user"]
    person.update({"id": user, "team_id": TEAM_ID, "name": user.lower()})
    person["profile"].update({"status_emoji": emoji, "status_text": text, "status_expiration": expiration})
    return payload
