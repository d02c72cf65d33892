"""The fake Slack's records: members, conversations, messages, files, trigger ids and the calls it received,
each able to render itself the way Slack's Web API answers with it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Shanghai"

JsonDict = dict[str, Any]


@dataclass
class FakeUser:
    """A member of the fake workspace."""

    id: str
    name: str
    real_name: str
    tz: str = DEFAULT_TZ
    is_bot: bool = False
    status_emoji: str = ""
    status_text: str = ""
    status_expiration: int = 0  # epoch seconds; 0 = no end

    def profile(self, team_id: str) -> JsonDict:
        """The profile as ``users.profile.get`` returns it (and inside ``users.info``)."""
        return {
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": self.name,
            "display_name_normalized": self.name,
            "status_text": self.status_text,
            "status_emoji": self.status_emoji,
            "status_emoji_display_info": [],
            "status_expiration": self.status_expiration,
            "team": team_id,
        }

    def to_api(self, team_id: str) -> JsonDict:
        """The user object as ``users.info`` and ``users.list`` return it."""
        now = datetime.now(ZoneInfo(self.tz))
        offset = now.utcoffset()
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": False,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": now.tzname() or self.tz,
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "is_admin": False,
            "is_owner": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "profile": self.profile(team_id),
        }


@dataclass
class FakeUserGroup:
    """A user group (``S…``): its handle (``@support``), name and members in order."""

    id: str
    handle: str
    name: str
    users: list[str] = field(default_factory=list)
    date_update: int = 1_700_000_000

    def to_api(self, team_id: str, *, with_users: bool) -> JsonDict:
        """The group as ``usergroups.list`` returns it."""
        group: JsonDict = {
            "id": self.id,
            "team_id": team_id,
            "is_usergroup": True,
            "is_subteam": True,
            "name": self.name,
            "description": "",
            "handle": self.handle,
            "is_external": False,
            "date_create": 1_700_000_000,
            "date_update": self.date_update,
            "date_delete": 0,
            "auto_type": None,
            "created_by": "",
            "updated_by": "",
            "deleted_by": None,
            "prefs": {"channels": [], "groups": []},
            "user_count": len(self.users),
        }
        if with_users:
            group["users"] = list(self.users)
        return group


@dataclass
class FakeChannel:
    """A conversation: a public or private channel, an IM (``D…``) or a group DM."""

    id: str
    name: str
    is_im: bool = False
    members: set[str] = field(default_factory=set)
    is_private: bool = False
    is_mpim: bool = False
    user: str | None = None  # the other member of an IM
    created: int = 1_700_000_000

    def to_api(self, bot_user_id: str) -> JsonDict:
        """The conversation object as ``conversations.info`` returns it."""
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_im": True,
                "is_org_shared": False,
                "user": self.user,
                "is_user_deleted": False,
                "priority": 0,
            }
        # Private channels made before 2021 have G ids and report is_group instead of is_channel.
        is_group = self.is_private and not self.is_mpim and self.id.startswith("G")
        empty_topic = {"value": "", "creator": "", "last_set": 0}
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "created": self.created,
            "is_channel": not is_group and not self.is_mpim,
            "is_group": is_group,
            "is_im": False,
            "is_mpim": self.is_mpim,
            "is_private": self.is_private,
            "is_archived": False,
            "is_general": False,
            "is_shared": False,
            "is_org_shared": False,
            "is_ext_shared": False,
            "is_member": bot_user_id in self.members,
            "topic": dict(empty_topic),
            "purpose": dict(empty_topic),
        }


@dataclass
class FakeMessage:
    """A message in a channel (top level or in a thread), or an ephemeral one (``visible_to`` set)."""

    channel: str
    ts: str
    text: str
    user: str | None = None
    bot_id: str | None = None
    blocks: list[JsonDict] | None = None
    thread_ts: str | None = None
    metadata: JsonDict | None = None
    reply_count: int = 0
    reply_users: list[str] = field(default_factory=list)
    latest_reply: str | None = None
    parent_user_id: str | None = None
    attachments: list[JsonDict] | None = None
    subtype: str | None = None
    edited: dict[str, str] | None = None
    reactions: dict[str, list[str]] = field(default_factory=dict)
    files: list[JsonDict] | None = None
    visible_to: str | None = None

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def to_api(self, team_id: str, *, app_id: str | None = None, include_metadata: bool = True) -> JsonDict:
        """The message object as ``conversations.history`` and ``chat.postMessage`` return it."""
        body: JsonDict = {"type": "message"}
        if self.subtype:
            body["subtype"] = self.subtype
        body.update({"ts": self.ts, "text": self.text})
        if self.user:
            body["user"] = self.user
        if self.bot_id:
            body["bot_id"] = self.bot_id
            if app_id:
                body["app_id"] = app_id
        body["team"] = team_id
        if self.blocks is not None:
            body["blocks"] = self.blocks
        if self.attachments is not None:
            body["attachments"] = self.attachments
        if self.files is not None:
            body["files"] = self.files
        if self.thread_ts is not None:
            body["thread_ts"] = self.thread_ts
        if self.is_reply and self.parent_user_id:
            body["parent_user_id"] = self.parent_user_id
        if self.reply_count:
            body.update(
                {
                    "reply_count": self.reply_count,
                    "reply_users_count": len(self.reply_users),
                    "latest_reply": self.latest_reply,
                    "reply_users": list(self.reply_users),
                }
            )
        if self.edited is not None:
            body["edited"] = dict(self.edited)
        if self.reactions:
            body["reactions"] = [
                {"name": name, "users": list(users), "count": len(users)} for name, users in self.reactions.items()
            ]
        if include_metadata and self.metadata is not None:
            body["metadata"] = self.metadata
        return body


@dataclass
class FakeFile:
    """A file uploaded through ``files.getUploadURLExternal`` and the upload URL."""

    id: str
    name: str
    length: int
    title: str = ""
    alt_txt: str | None = None
    content: bytes | None = None
    channels: list[str] = field(default_factory=list)
    completed: bool = False


@dataclass
class RecordedCall:
    """One Web API call the fake received, and how it answered.

    ``args`` merges query, form and JSON arguments (the token is left out); JSON-valued arguments stay as sent
    (a string from a form, a list or dict from a JSON body); ``json_arg`` and ``blocks`` parse them either way.
    """

    method: str
    args: JsonDict
    ok: bool
    error: str | None
    status: int
    http_verb: str = "POST"
    response: JsonDict = field(default_factory=dict)
    injected: bool = False  # the answer was a fault from ``fail_next``, not the fake's own judgement
    # What the call did although it was answered with a fault injected after doing it (``after_doing_it``): the
    # message it posted is in the workspace all the same, as after Slack's half-succeeded ``internal_error``.
    done_anyway: JsonDict | None = None

    def json_arg(self, name: str) -> Any:
        """The argument ``name`` decoded when it was sent as a JSON string; ``None`` when absent."""
        value = self.args.get(name)
        if isinstance(value, str):
            return json.loads(value)
        return value

    @property
    def blocks(self) -> list[JsonDict] | None:
        blocks = self.json_arg("blocks")
        return blocks if isinstance(blocks, list) else None

    @property
    def view(self) -> JsonDict | None:
        view = self.json_arg("view")
        return view if isinstance(view, dict) else None


@dataclass
class Trigger:
    """A trigger_id the fake handed out with an interaction: whose it is, when, and whether it was exchanged."""

    user: str
    issued_at: datetime
    exchanged: bool = False
