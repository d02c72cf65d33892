"""What the page shows for one person: the sidebar, one conversation (and an open thread), their modal, App Home,
and the clock — read from the fake workspace as JSON, so the page is a plain view of Slack's state."""

from __future__ import annotations

from typing import Any

from bot.sandbox.fake_slack.models import FakeMessage, JsonDict
from bot.sandbox.fake_slack.workspace import SlackWorkspace
from bot.sandbox.people import People
from bot.sandbox.scene import Person
from bot.sandbox.time_control import TimeControl


def _message(message: FakeMessage, me: str) -> JsonDict:
    return {
        "ts": message.ts,
        "channel": message.channel,
        "user": message.user,
        "is_bot": message.bot_id is not None,
        "text": message.text,
        "blocks": message.blocks,
        "attachments": message.attachments,
        "files": [{"id": f.get("id"), "name": f.get("name"), "title": f.get("title")} for f in message.files or []],
        "thread_ts": message.thread_ts,
        "reply_count": message.reply_count,
        "reply_users": message.reply_users,
        "edited": message.edited is not None,
        "ephemeral": message.visible_to is not None,
        "subtype": message.subtype,
        "reactions": [
            {"name": name, "count": len(users), "mine": me in users, "users": users}
            for name, users in message.reactions.items()
        ],
    }


def _unread(workspace: SlackWorkspace, dm: str, read: str | None) -> int:
    """The app's messages in ``dm`` after ``read`` (the last ts the person saw there; the page remembers it)."""
    try:
        seen = float(read or 0)
    except ValueError:
        seen = 0.0
    return sum(1 for m in workspace.messages_in(dm) if m.bot_id is not None and float(m.ts) > seen)


def page_state(
    workspace: SlackWorkspace,
    people: People,
    cast: list[Person],
    clock: TimeControl,
    *,
    me: str,
    channel: str | None,
    thread_ts: str | None,
    intake_channels: list[str],
    reactions: dict[str, str],
    dm_read: str | None = None,
) -> JsonDict:
    dm = workspace.dm_channel_for(me)
    shown = channel if channel in workspace.channels else None
    if shown is not None and workspace.channels[shown].is_im and shown != dm:
        shown = dm  # another person's DM with the bot is not yours to read
    body: JsonDict = {
        "team": workspace.team_name,
        "bot": {"id": workspace.bot_user_id, "name": workspace.users[workspace.bot_user_id].real_name},
        "me": me,
        "people": [{"id": p.id, "name": p.name, "role": p.role, "department": p.department} for p in cast],
        "names": {user.id: user.real_name for user in workspace.users.values()},
        "channels": [
            {"id": c.id, "name": c.name, "intake": c.id in intake_channels}
            for c in workspace.channels.values()
            if not c.is_im and not c.is_mpim and me in c.members
        ],
        "dm": dm,
        "dm_unread": _unread(workspace, dm, dm_read),
        "channel": None,
        "messages": [],
        "thread": None,
        "modal": None,
        "home": workspace.home_view(me),
        "clock": clock.describe(),
        "reactions": reactions,
    }
    if shown is not None:
        info = workspace.channels[shown]
        body["channel"] = {"id": shown, "name": info.name, "is_im": info.is_im, "intake": shown in intake_channels}
        mine = [m for m in workspace.ephemeral_messages if m.visible_to == me and m.channel == shown]
        top = [*workspace.messages_in(shown), *(m for m in mine if not m.thread_ts)]
        body["messages"] = [_message(m, me) for m in sorted(top, key=lambda m: float(m.ts))]
        root = workspace.message(shown, thread_ts or "")
        if root is not None:
            replies = [*workspace.messages_in(shown, thread_ts=root.ts), *(m for m in mine if m.thread_ts == root.ts)]
            body["thread"] = {
                "ts": root.ts,
                "messages": [_message(m, me) for m in sorted(replies, key=lambda m: float(m.ts))],
            }
    stack = workspace.modal_stack(me)
    if stack:
        view: dict[str, Any] = stack[-1]
        body["modal"] = {"view": view, "errors": people.modals.errors.get(view["id"], {}), "depth": len(stack)}
    return body
