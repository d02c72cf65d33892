"""The fake Slack's in-memory workspace state: its members, conversations, messages and views, the queries tests
and the sandbox read them with, and what the Web API methods change. Recording calls, faults and Socket Mode come
from the mixins it is built of.

The methods (``methods``) are written against this state and ``workspace.SlackWorkspace`` names the methods, so the
state itself knows none of them: the import graph stays one way (methods -> state, workspace -> both).
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Awaitable, Callable, Iterable
from zoneinfo import ZoneInfo

from bot.runtime.clock import Clock, SystemClock
from bot.sandbox.fake_slack import block_rules
from bot.sandbox.fake_slack.calls import CallRecord
from bot.sandbox.fake_slack.faults import Faults
from bot.sandbox.fake_slack.models import (
    DEFAULT_TZ,
    FakeChannel,
    FakeFile,
    FakeMessage,
    FakeUser,
    FakeUserGroup,
    JsonDict,
    Trigger,
)
from bot.sandbox.fake_slack.socket_mode import SocketMode

# A trigger_id can be exchanged (views.open, views.push) once, within 3 seconds of the request that carried it.
TRIGGER_SECONDS = 3.0


class WorkspaceState(SocketMode, Faults, CallRecord):
    """The in-memory state behind the fake API: members, conversations, messages, views, files and calls.

    Tests and the sandbox build ``SlackWorkspace``, which adds the table of methods the fake answers.
    """

    def __init__(
        self,
        *,
        team_id: str = "T0CROSSDESK",
        team_name: str = "Crossdesk",
        domain: str = "crossdesk",
        bot_user_id: str = "U0CROSSBOT",
        bot_id: str = "B0CROSSBOT",
        bot_name: str = "crossdesk",
        app_id: str = "A0CROSSDESK",
        bot_token: str = "xoxb-test-token",  # noqa: S107 - a fixed fake token is the point
        app_token: str = "xapp-test-token",  # noqa: S107
        clock: Clock | None = None,
        record_calls: bool = True,
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.domain = domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.bot_token = bot_token
        self.app_token = app_token
        self.clock: Clock = clock or SystemClock()
        self.delay_seconds: float = 0.0
        # How the delay is waited out: real seconds for the sandbox and the benchmarks; a test swaps in a recorder.
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        # Tests read every call back; the benchmarks' Slack stand-in turns this off, because keeping the record
        # (and the copies that keep it apart from the stored state) costs more than answering.
        self.record_calls = record_calls

        self.users: dict[str, FakeUser] = {}
        self.channels: dict[str, FakeChannel] = {}
        self.messages: dict[str, list[FakeMessage]] = {}
        self.ephemeral_messages: list[FakeMessage] = []
        self.views: dict[str, JsonDict] = {}
        self.home_views: dict[str, str] = {}  # user id -> view id
        self.modal_stacks: dict[str, list[str]] = {}  # user id ("" when the trigger is unknown) -> view ids
        self.triggers: dict[str, Trigger] = {}
        self.files: dict[str, FakeFile] = {}
        self.user_groups: dict[str, FakeUserGroup] = {}

        self._index: dict[tuple[str, str], FakeMessage] = {}
        self._dm_by_user: dict[str, str] = {}
        self._mpims: dict[frozenset[str], str] = {}
        self._serial = itertools.count(1)
        self._last_ts_micros = 0
        self._init_calls()
        self._init_faults()
        self._init_socket_mode()

        self.add_user(bot_user_id, bot_name, bot_name, is_bot=True)

    @property
    def url(self) -> str:
        """The workspace URL, as ``auth.test`` reports it."""
        return f"https://{self.domain}.slack.com/"

    # -- setting the scene ---------------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str | None = None,
        real_name: str | None = None,
        *,
        tz: str = DEFAULT_TZ,
        is_bot: bool = False,
    ) -> FakeUser:
        """Add (or replace) a member; ``name`` defaults to the lower-cased id, ``real_name`` to ``name``."""
        if user_id[:1] not in {"U", "W"}:
            raise ValueError(f"Slack user ids start with U or W, not {user_id!r}")
        ZoneInfo(tz)  # fail here, not in the middle of users.info
        name = name or user_id.lower()
        user = FakeUser(id=user_id, name=name, real_name=real_name or name, tz=tz, is_bot=is_bot)
        self.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        name: str | None = None,
        *,
        members: Iterable[str] = (),
        is_private: bool = False,
    ) -> FakeChannel:
        """Add a channel (``C…`` or ``G…``) with ``members``. The bot is a member only once invited (``invite()``, or
        its id among ``members``): like Slack, the fake refuses to post or read where the bot is not."""
        if channel_id[:1] not in {"C", "G"}:
            raise ValueError(f"channel ids start with C or G (IMs come from dm_channel_for), not {channel_id!r}")
        channel = FakeChannel(
            id=channel_id,
            name=name or channel_id.lower(),
            members=set(members),
            is_private=is_private or channel_id.startswith("G"),
            created=int(self.clock.now().timestamp()),
        )
        self.channels[channel_id] = channel
        self.messages.setdefault(channel_id, [])
        return channel

    def add_user_group(self, group_id: str, handle: str, name: str, users: Iterable[str] = ()) -> FakeUserGroup:
        """Add (or replace) a user group (``S…``) with ``users``, who must be members already."""
        if group_id[:1] != "S":
            raise ValueError(f"user group ids start with S, not {group_id!r}")
        group = FakeUserGroup(id=group_id, handle=handle, name=name, users=self._known(users))
        self.user_groups[group_id] = group
        return group

    def set_group_members(self, group_id: str, users: Iterable[str]) -> tuple[list[str], list[str]]:
        """Make ``users`` the group's members, as an admin editing it in Slack; returns (added, removed), what
        ``subteam_members_changed`` tells. No event is sent (the sandbox and tests deliver it)."""
        group = self.user_groups[group_id]
        wanted = list(dict.fromkeys(self._known(users)))
        added = [user for user in wanted if user not in group.users]
        removed = [user for user in group.users if user not in wanted]
        group.users = wanted
        group.date_update = int(self.clock.now().timestamp())
        self.changed("user_groups")
        return added, removed

    def set_status(self, user_id: str, emoji: str, text: str, expiration: int = 0) -> FakeUser:
        """Set a member's status, as they would in Slack (``expiration``: epoch seconds, 0 = no end); no event."""
        user = self.users[user_id]
        user.status_emoji, user.status_text, user.status_expiration = emoji, text, expiration
        self.changed("status")
        return user

    def _known(self, users: Iterable[str]) -> list[str]:
        users = list(users)
        unknown = [user for user in users if user not in self.users]
        if unknown:
            raise KeyError(f"no user {unknown[0]!r} in the fake workspace; add_user() it first")
        return users

    def invite(self, channel_id: str, *user_ids: str) -> None:
        """Invite people, or the bot (``bot_user_id``), to a channel, as ``/invite`` does."""
        channel = self.channels.get(channel_id)
        if channel is None or channel.is_im or channel.is_mpim:
            raise KeyError(f"no channel {channel_id!r} to invite to; add_channel() it first")
        unknown = [user for user in user_ids if user not in self.users]
        if unknown:
            raise KeyError(f"no user {unknown[0]!r} in the fake workspace; add_user() it first")
        channel.members.update(user_ids)

    def invite_bot(self, *channel_ids: str) -> None:
        """Invite the bot to each channel: what an admin does when installing the app."""
        for channel_id in channel_ids:
            self.invite(channel_id, self.bot_user_id)

    def dm_channel_for(self, user_id: str) -> str:
        """The id of the bot's IM with ``user_id``, opened on first use; what ``conversations.open`` returns."""
        if user_id not in self.users:
            raise KeyError(f"no user {user_id!r} in the fake workspace; add_user() it first")
        existing = self._dm_by_user.get(user_id)
        if existing is not None:
            return existing
        channel_id = f"D{user_id[1:]}"
        if channel_id in self.channels:
            channel_id = self._new_id("D")
        self.channels[channel_id] = FakeChannel(
            id=channel_id,
            name=user_id,
            is_im=True,
            members={user_id, self.bot_user_id},
            is_private=True,
            user=user_id,
            created=int(self.clock.now().timestamp()),
        )
        self.messages.setdefault(channel_id, [])
        self._dm_by_user[user_id] = channel_id
        return channel_id

    def post_user_message(
        self, channel: str, user: str, text: str, thread_ts: str | None = None, *, blocks: list[JsonDict] | None = None
    ) -> FakeMessage:
        """Put a human's message into a channel (a ``U…`` id means their DM with the bot); no event is sent."""
        if user not in self.users:
            raise KeyError(f"no user {user!r} in the fake workspace; add_user() it first")
        channel_id = self._channel_id(channel)
        root_ts = self._thread_root(channel_id, thread_ts)
        if thread_ts is not None and root_ts is None:
            raise KeyError(f"no message {thread_ts} in {channel_id} to reply to")
        message = FakeMessage(
            channel=channel_id, ts=self.next_ts(), text=text, user=user, blocks=blocks, thread_ts=root_ts
        )
        self._add_message(message)
        self.changed("message")
        return message

    def new_trigger_id(self, user_id: str) -> str:
        """A trigger id for an interaction by ``user_id`` happening now (on the fake's clock), so the view it opens
        lands on that user's stack. It can be exchanged once, within ``TRIGGER_SECONDS``."""
        now = self.clock.now()
        trigger_id = f"{next(self._serial)}.{int(now.timestamp())}.{uuid.uuid4().hex[:12]}"
        self.triggers[trigger_id] = Trigger(user=user_id, issued_at=now)
        return trigger_id

    # -- reading the state ---------------------------------------------------------------------------------

    def messages_in(self, channel: str, thread_ts: str | None = None) -> list[FakeMessage]:
        """Oldest first: the top-level messages of ``channel``, or the parent and replies of one thread.

        ``channel`` may be a user id, meaning the bot's DM with them (empty when none was opened).
        """
        if channel[:1] in {"U", "W"} and channel in self.users:
            dm = self._dm_by_user.get(channel)
            if dm is None:
                return []
            channel = dm
        if channel not in self.channels:
            raise KeyError(f"no channel {channel!r} in the fake workspace")
        stored = self.messages.get(channel, [])
        if thread_ts is None:
            return [m for m in stored if not m.is_reply or m.subtype == "thread_broadcast"]
        return [m for m in stored if m.ts == thread_ts or m.thread_ts == thread_ts]

    def message(self, channel: str, ts: str) -> FakeMessage | None:
        return self._index.get((channel, ts))

    def permalink(self, channel: str, ts: str) -> str:
        """The message's permalink the way Slack builds it (a reply carries its thread and channel)."""
        link = f"https://{self.domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        message = self._index.get((channel, ts))
        if message is not None and message.is_reply:
            link += f"?thread_ts={message.thread_ts}&cid={channel}"
        return link

    def home_view(self, user_id: str) -> JsonDict | None:
        """The App Home view last published for ``user_id``."""
        view_id = self.home_views.get(user_id)
        return self.views.get(view_id) if view_id else None

    def modal_stack(self, user_id: str = "") -> list[JsonDict]:
        """The open modals of ``user_id``, bottom first (``""``: opened with a trigger the fake did not issue)."""
        return [self.views[view_id] for view_id in self.modal_stacks.get(user_id, [])]

    # -- internals shared with the method handlers ---------------------------------------------------------

    def next_ts(self) -> str:
        """A message ts from the clock, strictly later than every ts handed out before."""
        micros = max(int(self.clock.now().timestamp() * 1_000_000), self._last_ts_micros + 1)
        self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._serial):010d}"

    def _channel_id(self, channel: str) -> str:
        if channel[:1] in {"U", "W"} and channel in self.users:
            return self.dm_channel_for(channel)
        if channel not in self.channels:
            raise KeyError(f"no channel {channel!r} in the fake workspace; add_channel() it first")
        return channel

    def _thread_root(self, channel: str, ts: str | None) -> str | None:
        """The ts of the thread that ``ts`` belongs to (a reply's parent), ``None`` for an unknown message."""
        message = self._index.get((channel, ts or ""))
        if message is None:
            return None
        return message.thread_ts if message.is_reply else message.ts

    def _add_message(self, message: FakeMessage) -> None:
        self.messages.setdefault(message.channel, []).append(message)
        self._index[(message.channel, message.ts)] = message
        if message.is_reply and message.thread_ts is not None:
            parent = self._index[(message.channel, message.thread_ts)]
            parent.thread_ts = parent.ts
            message.parent_user_id = parent.user
            self._refresh_thread(parent)

    def _remove_message(self, message: FakeMessage) -> None:
        if message.reply_count and not message.is_reply:
            # Slack keeps a deleted parent as a tombstone so its thread stays reachable.
            message.subtype = "tombstone"
            message.text = "This message was deleted."
            message.blocks = message.attachments = message.files = None
            return
        self.messages[message.channel].remove(message)
        del self._index[(message.channel, message.ts)]
        if message.is_reply and message.thread_ts is not None:
            parent = self._index.get((message.channel, message.thread_ts))
            if parent is not None:
                self._refresh_thread(parent)

    def _refresh_thread(self, parent: FakeMessage) -> None:
        replies = [m for m in self.messages[parent.channel] if m.is_reply and m.thread_ts == parent.ts]
        parent.reply_count = len(replies)
        parent.reply_users = list(dict.fromkeys(m.user for m in replies if m.user))
        parent.latest_reply = replies[-1].ts if replies else None

    def _message_to_api(self, message: FakeMessage, *, include_metadata: bool = True) -> JsonDict:
        return message.to_api(self.team_id, app_id=self.app_id, include_metadata=include_metadata)

    def _mpim_for(self, user_ids: list[str]) -> tuple[str, bool]:
        key = frozenset({*user_ids, self.bot_user_id})
        existing = self._mpims.get(key)
        if existing is not None:
            return existing, True
        channel_id = self._new_id("G")
        names = sorted(self.users[u].name for u in key)
        self.channels[channel_id] = FakeChannel(
            id=channel_id,
            name=f"mpdm-{'--'.join(names)}-1",
            members=set(key),
            is_private=True,
            is_mpim=True,
            created=int(self.clock.now().timestamp()),
        )
        self.messages.setdefault(channel_id, [])
        self._mpims[key] = channel_id
        return channel_id, False

    def _store_view(
        self, view: JsonDict, *, view_id: str | None, root_id: str | None, previous_id: str | None
    ) -> JsonDict:
        view_id = view_id or self._new_id("V")
        stored: JsonDict = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view.get("type"),
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "blocks": block_rules.with_generated_ids(view.get("blocks", [])),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(self.clock.now().timestamp())}.{uuid.uuid4().hex[:8]}",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": root_id or view_id,
            "previous_view_id": previous_id,
            "app_id": self.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        self.views[view_id] = stored
        return stored
