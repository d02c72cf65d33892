"""A fake Slack Web API: an in-memory workspace served over HTTP to the bot's real ``AsyncWebClient``.

Tests, the browser sandbox and the benchmarks point ``SLACK_API_URL`` at it. Every call is recorded, answers use
Slack's field and error names, and faults (rate limits, 5xx, error bodies) can be injected per method. It refuses
what Slack refuses: Block Kit that fails Slack's rules (``block_rules``), a channel the bot was not invited to, a
trigger_id used twice or after 3 seconds.

It also plays Slack's side of Socket Mode: ``apps.connections.open`` hands out a single-use ``ws://…/socket?ticket=…``
URL, the WebSocket there greets the client with ``hello``, and ``SlackWorkspace.socket_send`` delivers an envelope
and waits for the client's acknowledgement.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import copy
import itertools
import json
import re
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from aiohttp import WSCloseCode, WSMsgType, web

from bot.runtime.clock import Clock, SystemClock
from bot.sandbox import block_rules

DEFAULT_TZ = "Asia/Shanghai"
# Limits Slack enforces; a bot that breaks them in production should break here first. Block Kit's are in block_rules.
MAX_TEXT_LENGTH = 40_000
MAX_VIEW_STACK = 3
# A trigger_id can be exchanged (views.open, views.push) once, within 3 seconds of the request that carried it.
TRIGGER_SECONDS = 3.0
# What Slack's trigger ids look like ("12345.98765.abcd2358fdea"); anything else is invalid_trigger_id.
TRIGGER_SHAPE = re.compile(r"^\d+\.\d+\.[0-9A-Za-z]+$")
# Methods an app-level token (xapp-) may call; everything else needs the bot token, and vice versa.
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
# What the Socket Mode server calls itself in ``hello`` and ``disconnect`` (Slack's look like applink-7fc4fdbb64-4x5xq).
SOCKET_HOST = "applink-fake-0"
SOCKET_CONNECTION_SECONDS = 18_060  # ``approximate_connection_time`` in ``hello``
# How long closing a socket waits for the client's close frame before dropping the connection.
SOCKET_CLOSE_TIMEOUT = 1.0

JsonDict = dict[str, Any]
_T = TypeVar("_T")


# --------------------------------------------------------------------------------------------------------------
# workspace objects


@dataclass
class FakeUser:
    """A member of the fake workspace."""

    id: str
    name: str
    real_name: str
    tz: str = DEFAULT_TZ
    is_bot: bool = False

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
            "profile": {
                "real_name": self.real_name,
                "real_name_normalized": self.real_name,
                "display_name": self.name,
                "display_name_normalized": self.name,
                "team": team_id,
            },
        }


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
class _Trigger:
    """A trigger_id the fake handed out with an interaction: whose it is, when, and whether it was exchanged."""

    user: str
    issued_at: datetime
    exchanged: bool = False


@dataclass(frozen=True)
class _Fault:
    status: int
    error: str
    retry_after: int | None
    after_doing_it: bool = False  # the call takes effect, then fails: Slack's half-succeeded internal_error


@dataclass(eq=False)
class _SocketConnection:
    """One open Socket Mode WebSocket and the loop serving it (the server may run in another thread)."""

    ws: web.WebSocketResponse
    loop: asyncio.AbstractEventLoop
    app: web.Application
    ticket: str


# --------------------------------------------------------------------------------------------------------------
# the workspace


class SlackWorkspace:
    """The in-memory state behind the fake API: members, conversations, messages, views, files and calls."""

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
        self.triggers: dict[str, _Trigger] = {}
        self.files: dict[str, FakeFile] = {}
        self.calls: list[RecordedCall] = []
        # Socket Mode: every envelope sent and every acknowledgement (a frame with an envelope_id) received.
        self.socket_envelopes: list[JsonDict] = []
        self.socket_acks: list[JsonDict] = []

        self._index: dict[tuple[str, str], FakeMessage] = {}
        self._dm_by_user: dict[str, str] = {}
        self._mpims: dict[frozenset[str], str] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._rejected_tokens: dict[str, str] = {}  # token -> the error every call with it answers
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
        self._serial = itertools.count(1)
        self._last_ts_micros = 0
        self._socket_tickets: set[str] = set()
        self._sockets: list[_SocketConnection] = []
        self._listeners: list[Callable[[str], None]] = []

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
        self.triggers[trigger_id] = _Trigger(user=user_id, issued_at=now)
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

    def calls_to(self, method: str) -> list[RecordedCall]:
        """Every recorded call of ``method``, failed ones included, oldest first."""
        return [call for call in self.calls if call.method == method]

    def rejected_calls(self) -> list[RecordedCall]:
        """Every call the fake refused on its own judgement (bad blocks, no such channel, an expired trigger…),
        not the faults ``fail_next`` injected: what Slack would have refused too."""
        return [call for call in self.calls if not call.ok and not call.injected]

    def clear_calls(self) -> None:
        self.calls.clear()

    # -- faults and waiting --------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        after_doing_it: bool = False,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail, before they change anything (``after_doing_it``:
        after, as Slack's ``internal_error`` and 5xx may).

        ``status=429`` answers ``ratelimited`` with a ``Retry-After`` header (``retry_after``, default 1);
        ``status>=500`` answers that status; ``status=200`` needs ``error`` and answers ``{"ok": false, …}``.
        """
        if method not in _METHODS:
            raise ValueError(f"the fake does not implement {method!r}; known: {', '.join(sorted(_METHODS))}")
        if times < 1:
            raise ValueError("times must be at least 1")
        if status == 200 and not error:
            raise ValueError("a failure with status 200 needs an error name, e.g. error='channel_not_found'")
        if status == 429:
            error = error or "ratelimited"
            retry_after = 1 if retry_after is None else retry_after
        elif status >= 500:
            error = error or "internal_error"
        fault = _Fault(
            status=status, error=error or "request_failed", retry_after=retry_after, after_doing_it=after_doing_it
        )
        self._faults.setdefault(method, deque()).extend([fault] * times)

    def reject_token(self, token: str, error: str = "token_revoked") -> None:
        """Answer every call made with ``token`` with ``error`` (``token_revoked``, ``account_inactive``, …), as
        Slack does once a token is revoked, until :meth:`accept_token`."""
        self._rejected_tokens[token] = error

    def accept_token(self, token: str) -> None:
        self._rejected_tokens.pop(token, None)

    # A test helper whose whole job is a deadline, so it takes ``timeout`` rather than asking callers for one.
    async def wait_for_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[RecordedCall]:  # noqa: ASYNC109
        """Wait until ``method`` was called at least ``count`` times (failed calls count); return all its calls."""

        def enough() -> list[RecordedCall] | None:
            calls = self.calls_to(method)
            return calls if len(calls) >= count else None

        return await self._wait_for(enough, timeout, lambda: self._describe_missing_calls(method, count, timeout))

    def _describe_missing_calls(self, method: str, count: int, timeout: float) -> str:
        got = len(self.calls_to(method))
        if self.calls:
            recorded = ", ".join(call.method if call.ok else f"{call.method} ({call.error})" for call in self.calls)
        else:
            recorded = "none"
        return f"expected {count} call(s) to {method} within {timeout}s, got {got}; calls recorded: {recorded}"

    def _record(self, call: RecordedCall) -> None:
        if self.record_calls:
            self.calls.append(call)
        self._notify_waiters()
        if call.ok:
            self.changed(call.method)

    # -- listeners (the browser sandbox redraws when the workspace changes) ---------------------------------

    def add_listener(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(what)`` after every change: a successful Web API call (its method) or ``changed()``."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[str], None]) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    def changed(self, what: str) -> None:
        """Tell the listeners that ``what`` changed (people's messages and reactions come through here)."""
        for listener in list(self._listeners):
            listener(what)

    def _notify_waiters(self) -> None:
        """Wake every ``wait_for_*`` so it looks again (calls, sockets and acks all go through here)."""
        try:
            current: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        for loop, event in list(self._waiters):
            if loop is current:
                event.set()
            elif not loop.is_closed():
                # The server may run in another thread (the browser sandbox); Events are not thread-safe.
                loop.call_soon_threadsafe(event.set)

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        return queue.popleft() if queue else None

    async def _wait_for(self, check: Callable[[], _T | None], timeout: float, failure: Callable[[], str]) -> _T:  # noqa: ASYNC109
        """Wait until ``check()`` returns something other than ``None``; raise ``AssertionError(failure())`` if not."""
        loop = asyncio.get_running_loop()
        event = asyncio.Event()
        waiter = (loop, event)
        self._waiters.append(waiter)
        deadline = loop.time() + timeout
        try:
            while True:
                event.clear()
                found = check()
                if found is not None:
                    return found
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise AssertionError(failure())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
        finally:
            self._waiters.remove(waiter)

    # -- Socket Mode -----------------------------------------------------------------------------------------

    @property
    def socket_connections(self) -> int:
        """How many Socket Mode WebSockets are open (each one was greeted with ``hello``)."""
        return len(self._live_sockets())

    async def wait_for_socket(self, timeout: float = 5.0) -> int:  # noqa: ASYNC109
        """Wait until a Socket Mode client is connected; return how many are."""
        await self._wait_for(self._newest_socket, timeout, lambda: self._describe_no_socket(timeout))
        return self.socket_connections

    async def socket_send(
        self,
        payload_type: str,
        payload: JsonDict,
        *,
        accepts_response_payload: bool = False,
        timeout: float = 5.0,  # noqa: ASYNC109 - the deadline is the point of this helper
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> JsonDict:
        """Deliver ``payload`` in a Socket Mode envelope and return the client's acknowledgement.

        ``payload_type`` is ``events_api``, ``slash_commands`` or ``interactive``; ``payload`` is what Slack would
        POST over HTTP (the Events API wrapper, the slash command's fields as a dict, the interaction payload).
        Waits up to ``timeout`` in all for a connected client and its ack (``{"envelope_id": …, "payload": …?}``).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        purpose = f"to send a {payload_type} envelope"
        connection = await self._wait_for(
            self._newest_socket, timeout, lambda: self._describe_no_socket(timeout, purpose)
        )
        envelope_id = str(uuid.uuid4())
        envelope: JsonDict = {
            "envelope_id": envelope_id,
            "type": payload_type,
            "accepts_response_payload": accepts_response_payload,
            "payload": copy.deepcopy(payload),
        }
        if payload_type == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        self.socket_envelopes.append(envelope)
        await self._socket_deliver(connection, envelope)

        def ack() -> JsonDict | None:
            return next((a for a in self.socket_acks if a.get("envelope_id") == envelope_id), None)

        def missing() -> str:
            acked = [str(a.get("envelope_id")) for a in self.socket_acks] or ["none"]
            return (
                f"no acknowledgement of the {payload_type} envelope {envelope_id} within {timeout}s "
                f"(Slack would retry after 3s); envelope ids acknowledged so far: {', '.join(acked)}"
            )

        return await self._wait_for(ack, max(deadline - loop.time(), 0.0), missing)

    async def socket_disconnect(self, reason: str = "refresh_requested") -> int:
        """Send Slack's ``disconnect`` message on every open socket (clients then reconnect); returns how many."""
        message: JsonDict = {"type": "disconnect", "reason": reason, "debug_info": {"host": SOCKET_HOST}}
        live = self._live_sockets()
        for connection in live:
            await self._socket_deliver(connection, message)
        return len(live)

    def _issue_socket_ticket(self) -> str:
        ticket = str(uuid.uuid4())
        self._socket_tickets.add(ticket)
        return ticket

    def _redeem_socket_ticket(self, ticket: str) -> bool:
        """Tickets are single use, as Slack's WebSocket URLs are."""
        if ticket not in self._socket_tickets:
            return False
        self._socket_tickets.discard(ticket)
        return True

    def _live_sockets(self) -> list[_SocketConnection]:
        return [connection for connection in self._sockets if not connection.ws.closed]

    def _newest_socket(self) -> _SocketConnection | None:
        live = self._live_sockets()
        return live[-1] if live else None

    def _describe_no_socket(self, timeout: float, purpose: str = "") -> str:
        opened = self.calls_to("apps.connections.open")
        failed = [call.error for call in opened if not call.ok]
        return (
            f"no Socket Mode client connected within {timeout}s{' ' + purpose if purpose else ''}; "
            f"apps.connections.open was called {len(opened)} time(s)" + (f", failing with {failed}" if failed else "")
        )

    async def _socket_deliver(self, connection: _SocketConnection, message: JsonDict) -> None:
        data = json.dumps(message)
        try:
            if connection.loop is asyncio.get_running_loop():
                await connection.ws.send_str(data)
            else:
                future = asyncio.run_coroutine_threadsafe(connection.ws.send_str(data), connection.loop)
                await asyncio.wrap_future(future)
        except (ConnectionError, RuntimeError) as error:
            raise AssertionError(
                f"the Socket Mode connection closed before {message.get('type')!r} could be sent: {error}"
            ) from error

    def _hello(self) -> JsonDict:
        started = self.clock.now().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        return {
            "type": "hello",
            "num_connections": self.socket_connections + 1,
            "debug_info": {
                "host": SOCKET_HOST,
                "started": started,
                "build_number": 1,
                "approximate_connection_time": SOCKET_CONNECTION_SECONDS,
            },
            "connection_info": {"app_id": self.app_id},
        }

    def _socket_opened(self, connection: _SocketConnection) -> None:
        self._sockets.append(connection)
        self._notify_waiters()

    def _socket_closed(self, connection: _SocketConnection) -> None:
        with contextlib.suppress(ValueError):
            self._sockets.remove(connection)
        self._notify_waiters()

    def _socket_received(self, raw: str) -> None:
        """A text frame from a client: an acknowledgement is recorded; anything else is ignored, as Slack does."""
        try:
            frame = json.loads(raw)
        except ValueError:
            return
        if isinstance(frame, dict) and isinstance(frame.get("envelope_id"), str):
            self.socket_acks.append(frame)
            self._notify_waiters()

    # -- internals shared with the method handlers ---------------------------------------------------------

    def next_ts(self) -> str:
        """A message ts from the clock, strictly later than every ts handed out before."""
        micros = max(int(self.clock.now().timestamp() * 1_000_000), self._last_ts_micros + 1)
        self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _exchange_trigger(self, trigger_id: str) -> str:
        """Use up a trigger for views.open/push; returns whose it is ("" for one the fake did not issue).

        A well-formed trigger the fake never issued (a payload a test or the load generator built by hand) cannot
        be dated, so only its single use is checked: it is recorded here at its first exchange.
        """
        if not TRIGGER_SHAPE.match(trigger_id):
            raise _ApiError("invalid_trigger_id")
        trigger = self.triggers.get(trigger_id)
        if trigger is None:
            self.triggers[trigger_id] = _Trigger(user="", issued_at=self.clock.now(), exchanged=True)
            return ""
        if trigger.exchanged:
            raise _ApiError("exchanged_trigger_id")
        if (self.clock.now() - trigger.issued_at).total_seconds() > TRIGGER_SECONDS:
            raise _ApiError("expired_trigger_id")
        trigger.exchanged = True
        return trigger.user

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


# --------------------------------------------------------------------------------------------------------------
# request plumbing


class _ApiError(Exception):
    """A Slack error answer: HTTP 200 with ``{"ok": false, "error": …}``."""

    def __init__(self, error: str, *, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages

    @classmethod
    def missing(cls, name: str) -> _ApiError:
        return cls("invalid_arguments", messages=[f"[ERROR] missing required field: {name}"])

    def body(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


@dataclass
class _ApiRequest:
    method: str
    args: JsonDict
    origin: str  # scheme://host:port the client reached us on, for URLs we hand out

    def text(self, name: str) -> str | None:
        value = self.args.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, dict | list):
            return json.dumps(value)
        return str(value)

    def required(self, name: str) -> str:
        value = self.text(name)
        if not value:
            raise _ApiError.missing(name)
        return value

    def flag(self, name: str) -> bool:
        value = self.args.get(name)
        if isinstance(value, bool):
            return value
        return value is not None and str(value).strip().lower() in {"1", "true"}

    def integer(self, name: str, default: int) -> int:
        value = self.args.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise _ApiError("invalid_arguments", messages=[f"[ERROR] {name} must be an integer"]) from None

    def decoded(self, name: str, *, error: str) -> Any:
        """A JSON-valued argument, whether it came as a string (form, query) or already decoded (JSON body)."""
        value = self.args.get(name)
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise _ApiError(error) from None
        return value


Handler = Callable[[SlackWorkspace, _ApiRequest], JsonDict]
_METHODS: dict[str, Handler] = {}


def _api_method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _METHODS[name] = handler
        return handler

    return register


def _ts_micros(ts: str) -> int | None:
    """A ts as an integer of microseconds, for ordering; ``None`` when it is not a Slack ts."""
    seconds, _, fraction = ts.strip().partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()) or len(fraction) > 6:
        return None
    return int(seconds) * 1_000_000 + int(fraction.ljust(6, "0") or 0)


def _encode_cursor(kind: str, value: str) -> str:
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def _page(
    items: list[_T], key: Callable[[_T], str], request: _ApiRequest, *, kind: str, default_limit: int, max_limit: int
) -> tuple[list[_T], str]:
    """One page of ``items`` after ``cursor``, and the cursor of the next page ("" on the last one)."""
    limit = request.integer("limit", default_limit)
    limit = max_limit if limit <= 0 else min(limit, max_limit)
    start = 0
    cursor = request.text("cursor")
    if cursor:
        try:
            found_kind, _, value = base64.b64decode(cursor, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise _ApiError("invalid_cursor") from None
        keys = [key(item) for item in items]
        if found_kind != kind or value not in keys:
            raise _ApiError("invalid_cursor")
        start = keys.index(value)
    page = items[start : start + limit]
    following = items[start + limit : start + limit + 1]
    return page, _encode_cursor(kind, key(following[0])) if following else ""


def _channel(workspace: SlackWorkspace, channel_id: str | None) -> FakeChannel:
    channel = workspace.channels.get(channel_id or "")
    if channel is None:
        raise _ApiError("channel_not_found")
    return channel


def _postable_channel(workspace: SlackWorkspace, value: str | None) -> FakeChannel:
    """Where chat.postMessage posts: a conversation id, a ``#name``, or a user id (the app's DM with them)."""
    value = value or ""
    if value[:1] in {"U", "W"} and value in workspace.users:
        return workspace.channels[workspace.dm_channel_for(value)]
    if value.startswith("#"):
        for channel in workspace.channels.values():
            if channel.name == value[1:] and not channel.is_im:
                return channel
    return _channel(workspace, value)


def _joined(workspace: SlackWorkspace, channel: FakeChannel) -> FakeChannel:
    """``channel`` if the bot is in it. A private channel it is not in does not exist for it (channel_not_found);
    a public one needs an invitation (not_in_channel: the app has chat:write, not chat:write.public)."""
    if workspace.bot_user_id in channel.members:
        return channel
    raise _ApiError("channel_not_found" if channel.is_private else "not_in_channel")


def _message(workspace: SlackWorkspace, channel: FakeChannel, ts: str | None) -> FakeMessage:
    message = workspace.message(channel.id, ts or "")
    if message is None:
        raise _ApiError("message_not_found")
    return message


def _blocks(request: _ApiRequest) -> list[JsonDict] | None:
    """The message's blocks, checked as Slack checks them, with the block and action ids Slack fills in."""
    blocks = request.decoded("blocks", error="invalid_blocks_format")
    if blocks is None:
        return None
    if not isinstance(blocks, list):
        raise _ApiError("invalid_blocks_format")
    problems = block_rules.block_problems(blocks)
    if problems:
        raise _ApiError("invalid_blocks", messages=problems)
    return block_rules.with_generated_ids(blocks)


def _attachments(request: _ApiRequest) -> list[JsonDict] | None:
    attachments = request.decoded("attachments", error="invalid_attachments")
    if attachments is not None and not isinstance(attachments, list):
        raise _ApiError("invalid_attachments")
    return attachments


def _metadata(request: _ApiRequest) -> JsonDict | None:
    metadata = request.decoded("metadata", error="invalid_metadata_format")
    if metadata is None:
        return None
    if (
        not isinstance(metadata, dict)
        or not isinstance(metadata.get("event_type"), str)
        or not isinstance(metadata.get("event_payload"), dict)
    ):
        raise _ApiError("invalid_metadata_format")
    return metadata


def _message_content(request: _ApiRequest) -> tuple[str, list[JsonDict] | None, list[JsonDict] | None]:
    text = request.text("text") or ""
    blocks = _blocks(request)
    attachments = _attachments(request)
    if not text and not blocks and not attachments:
        raise _ApiError("no_text")
    if len(text) > MAX_TEXT_LENGTH:
        raise _ApiError("msg_too_long")
    return text, blocks, attachments


def _time_window(request: _ApiRequest) -> Callable[[FakeMessage], bool]:
    """conversations.history/replies: ``oldest``/``latest`` bounds, exclusive unless ``inclusive``."""
    inclusive = request.flag("inclusive")
    latest_text, oldest_text = request.text("latest"), request.text("oldest")
    latest = _ts_micros(latest_text) if latest_text else None
    oldest = _ts_micros(oldest_text) if oldest_text else 0
    if latest_text and latest is None:
        raise _ApiError("invalid_ts_latest")
    if oldest is None:
        raise _ApiError("invalid_ts_oldest")

    def within(message: FakeMessage) -> bool:
        ts = _ts_micros(message.ts) or 0
        if latest is not None and (ts > latest or (ts == latest and not inclusive)):
            return False
        return ts > oldest or (ts == oldest and inclusive)

    return within


# --------------------------------------------------------------------------------------------------------------
# Web API methods


@_api_method("auth.test")
def _auth_test(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    return {
        "url": workspace.url,
        "team": workspace.team_name,
        "user": workspace.users[workspace.bot_user_id].name,
        "team_id": workspace.team_id,
        "user_id": workspace.bot_user_id,
        "bot_id": workspace.bot_id,
        "is_enterprise_install": False,
    }


@_api_method("chat.postMessage")
def _chat_post_message(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    channel = _joined(workspace, _postable_channel(workspace, request.text("channel")))
    text, blocks, attachments = _message_content(request)
    metadata = _metadata(request)
    # Slack threads a reply-to-a-reply under the parent, and posts to the channel when the ts is unknown.
    thread_ts = workspace._thread_root(channel.id, request.text("thread_ts"))
    broadcast = thread_ts is not None and request.flag("reply_broadcast")
    message = FakeMessage(
        channel=channel.id,
        ts=workspace.next_ts(),
        text=text,
        user=workspace.bot_user_id,
        bot_id=workspace.bot_id,
        blocks=blocks,
        thread_ts=thread_ts,
        metadata=metadata,
        attachments=attachments,
        subtype="thread_broadcast" if broadcast else None,
    )
    workspace._add_message(message)
    return {"channel": channel.id, "ts": message.ts, "message": workspace._message_to_api(message)}


@_api_method("chat.postEphemeral")
def _chat_post_ephemeral(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    channel = _joined(workspace, _channel(workspace, request.text("channel")))
    user = request.text("user")
    if not user or user not in workspace.users:
        raise _ApiError("user_not_found")
    if user not in channel.members:
        raise _ApiError("user_not_in_channel")
    text, blocks, attachments = _message_content(request)
    message = FakeMessage(
        channel=channel.id,
        ts=workspace.next_ts(),
        text=text,
        user=workspace.bot_user_id,
        bot_id=workspace.bot_id,
        blocks=blocks,
        attachments=attachments,
        thread_ts=request.text("thread_ts") or None,
        subtype="ephemeral",
        visible_to=user,
    )
    workspace.ephemeral_messages.append(message)
    return {"message_ts": message.ts}


@_api_method("chat.update")
def _chat_update(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    channel = _joined(workspace, _channel(workspace, request.text("channel")))
    message = _message(workspace, channel, request.text("ts"))
    if message.bot_id != workspace.bot_id:
        raise _ApiError("cant_update_message")
    blocks = _blocks(request) if "blocks" in request.args else message.blocks
    attachments = _attachments(request) if "attachments" in request.args else message.attachments
    text = request.text("text") if "text" in request.args else message.text
    if not text and not blocks and not attachments:
        raise _ApiError("no_text")
    if len(text or "") > MAX_TEXT_LENGTH:
        raise _ApiError("msg_too_long")
    if "metadata" in request.args:
        message.metadata = _metadata(request)
    message.text, message.blocks, message.attachments = text or "", blocks, attachments
    message.edited = {"user": workspace.bot_user_id, "ts": workspace.next_ts()}
    return {
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": workspace._message_to_api(message),
    }


@_api_method("chat.delete")
def _chat_delete(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    channel = _channel(workspace, request.text("channel"))
    message = _message(workspace, channel, request.text("ts"))
    if message.bot_id != workspace.bot_id:
        raise _ApiError("cant_delete_message")
    workspace._remove_message(message)
    return {"channel": channel.id, "ts": message.ts}


@_api_method("chat.getPermalink")
def _chat_get_permalink(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    channel = _channel(workspace, request.text("channel"))
    message = _message(workspace, channel, request.text("message_ts"))
    return {"channel": channel.id, "permalink": workspace.permalink(channel.id, message.ts)}


@_api_method("conversations.open")
def _conversations_open(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    channel_id = request.text("channel")
    if channel_id:
        channel = _channel(workspace, channel_id)
        already_open = True
    else:
        user_ids = [u.strip() for u in (request.text("users") or "").split(",") if u.strip()]
        if not user_ids:
            raise _ApiError("users_list_not_supplied")
        if any(u not in workspace.users for u in user_ids):
            raise _ApiError("user_not_found")
        others = [u for u in dict.fromkeys(user_ids) if u != workspace.bot_user_id] or [workspace.bot_user_id]
        if len(others) > 8:
            raise _ApiError("too_many_users")
        if len(others) == 1:
            already_open = others[0] in workspace._dm_by_user
            channel = workspace.channels[workspace.dm_channel_for(others[0])]
        else:
            mpim_id, already_open = workspace._mpim_for(others)
            channel = workspace.channels[mpim_id]
    body: JsonDict = {}
    if already_open:
        body.update({"no_op": True, "already_open": True})
    body["channel"] = channel.to_api(workspace.bot_user_id) if request.flag("return_im") else {"id": channel.id}
    return body


@_api_method("conversations.info")
def _conversations_info(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    channel = _channel(workspace, request.text("channel"))
    info = channel.to_api(workspace.bot_user_id)
    if request.flag("include_num_members") and not channel.is_im:
        info["num_members"] = len(channel.members)
    return {"channel": info}


@_api_method("conversations.history")
def _conversations_history(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    channel = _joined(workspace, _channel(workspace, request.text("channel")))
    within = _time_window(request)
    newest_first = [m for m in reversed(workspace.messages_in(channel.id)) if within(m)]
    page, next_cursor = _page(newest_first, lambda m: m.ts, request, kind="next_ts", default_limit=100, max_limit=999)
    include_metadata = request.flag("include_all_metadata")
    body: JsonDict = {
        "messages": [workspace._message_to_api(m, include_metadata=include_metadata) for m in page],
        "has_more": bool(next_cursor),
        "pin_count": 0,
    }
    if next_cursor:
        body["response_metadata"] = {"next_cursor": next_cursor}
    return body


@_api_method("conversations.replies")
def _conversations_replies(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    channel = _joined(workspace, _channel(workspace, request.text("channel")))
    message = workspace.message(channel.id, request.required("ts"))
    if message is None:
        raise _ApiError("thread_not_found")
    # Any ts in a thread names the whole thread; an unthreaded message is a thread of one. Like Slack, the
    # parent comes first whatever oldest/latest say, and only the first page carries it.
    root_ts = message.thread_ts or message.ts
    within = _time_window(request)
    parent, *replies = workspace.messages_in(channel.id, thread_ts=root_ts)
    thread = [parent, *(m for m in replies if within(m))]
    page, next_cursor = _page(thread, lambda m: m.ts, request, kind="next_ts", default_limit=1000, max_limit=1000)
    include_metadata = request.flag("include_all_metadata")
    body: JsonDict = {
        "messages": [workspace._message_to_api(m, include_metadata=include_metadata) for m in page],
        "has_more": bool(next_cursor),
    }
    if next_cursor:
        body["response_metadata"] = {"next_cursor": next_cursor}
    return body


@_api_method("users.info")
def _users_info(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    user = workspace.users.get(request.text("user") or "")
    if user is None:
        raise _ApiError("user_not_found")
    return {"user": user.to_api(workspace.team_id)}


@_api_method("users.list")
def _users_list(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    users = list(workspace.users.values())
    page, next_cursor = _page(users, lambda u: u.id, request, kind="user", default_limit=0, max_limit=1000)
    return {
        "members": [user.to_api(workspace.team_id) for user in page],
        "cache_ts": int(workspace.clock.now().timestamp()),
        "response_metadata": {"next_cursor": next_cursor},
    }


def _view(request: _ApiRequest, *, expected_type: str) -> JsonDict:
    view = request.decoded("view", error="invalid_arguments")
    if view is None:
        raise _ApiError.missing("view")
    if not isinstance(view, dict):
        raise _ApiError("invalid_arguments", messages=["[ERROR] view must be an object [json-pointer:/view]"])
    problems = block_rules.view_problems(view, expected_type)
    if problems:
        raise _ApiError("invalid_arguments", messages=problems)
    return view


def _check_external_id(workspace: SlackWorkspace, view: JsonDict, own_id: str | None) -> None:
    external_id = view.get("external_id")
    if external_id and any(v["external_id"] == external_id and v["id"] != own_id for v in workspace.views.values()):
        raise _ApiError("duplicate_external_id")


def _trigger(request: _ApiRequest) -> str:
    trigger_id = request.text("trigger_id") or request.text("interactivity_pointer")
    if not trigger_id:
        raise _ApiError.missing("trigger_id")
    return trigger_id


@_api_method("views.open")
def _views_open(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    trigger_id = _trigger(request)
    view = _view(request, expected_type="modal")
    _check_external_id(workspace, view, None)
    user = workspace._exchange_trigger(trigger_id)
    stored = workspace._store_view(view, view_id=None, root_id=None, previous_id=None)
    workspace.modal_stacks[user] = [stored["id"]]
    return {"view": stored}


@_api_method("views.push")
def _views_push(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    trigger_id = _trigger(request)
    view = _view(request, expected_type="modal")
    issued = workspace.triggers.get(trigger_id)
    stack = workspace.modal_stacks.setdefault(issued.user if issued else "", [])
    if len(stack) >= MAX_VIEW_STACK:
        raise _ApiError("push_limit_reached")
    _check_external_id(workspace, view, None)
    workspace._exchange_trigger(trigger_id)
    root_id = workspace.views[stack[0]]["id"] if stack else None
    stored = workspace._store_view(view, view_id=None, root_id=root_id, previous_id=stack[-1] if stack else None)
    stack.append(stored["id"])
    return {"view": stored}


@_api_method("views.update")
def _views_update(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    view_id, external_id = request.text("view_id"), request.text("external_id")
    if not view_id and not external_id:
        raise _ApiError("invalid_arguments", messages=["[ERROR] either view_id or external_id is required"])
    current = workspace.views.get(view_id or "")
    if current is None and external_id:
        current = next((v for v in workspace.views.values() if v["external_id"] == external_id), None)
    if current is None:
        raise _ApiError("not_found")
    expected_hash = request.text("hash")
    if expected_hash and expected_hash != current["hash"]:
        raise _ApiError("hash_conflict")
    view = _view(request, expected_type=str(current["type"]))
    _check_external_id(workspace, view, current["id"])
    stored = workspace._store_view(
        view, view_id=current["id"], root_id=current["root_view_id"], previous_id=current["previous_view_id"]
    )
    return {"view": stored}


@_api_method("views.publish")
def _views_publish(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    user_id = request.text("user_id")
    if not user_id or user_id not in workspace.users:
        raise _ApiError("invalid_arguments", messages=["invalid `user_id`"])
    current_id = workspace.home_views.get(user_id)
    expected_hash = request.text("hash")
    if expected_hash and current_id and expected_hash != workspace.views[current_id]["hash"]:
        raise _ApiError("hash_conflict")
    view = _view(request, expected_type="home")
    _check_external_id(workspace, view, current_id)
    stored = workspace._store_view(view, view_id=current_id, root_id=None, previous_id=None)
    workspace.home_views[user_id] = stored["id"]
    return {"view": stored}


@_api_method("reactions.add")
def _reactions_add(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    channel = _joined(workspace, _channel(workspace, request.text("channel")))
    message = _message(workspace, channel, request.text("timestamp"))
    name = request.text("name") or ""
    if not name or ":" in name or " " in name:
        raise _ApiError("invalid_name")
    users = message.reactions.setdefault(name, [])
    if workspace.bot_user_id in users:
        raise _ApiError("already_reacted")
    users.append(workspace.bot_user_id)
    return {}


@_api_method("files.getUploadURLExternal")
def _files_get_upload_url_external(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    filename = request.required("filename")
    length = request.integer("length", -1)
    if length < 0:
        raise _ApiError.missing("length")
    file = FakeFile(id=workspace._new_id("F"), name=filename, length=length, alt_txt=request.text("alt_txt"))
    workspace.files[file.id] = file
    return {"upload_url": f"{request.origin}/upload/{file.id}", "file_id": file.id}


@_api_method("files.completeUploadExternal")
def _files_complete_upload_external(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    entries = request.decoded("files", error="invalid_arguments")
    if not isinstance(entries, list) or not entries:
        raise _ApiError.missing("files")
    files: list[FakeFile] = []
    for entry in entries:
        file = workspace.files.get(str(entry.get("id"))) if isinstance(entry, dict) else None
        if file is None or file.content is None:
            raise _ApiError("file_not_found")
        file.title = str(entry.get("title") or file.name)
        files.append(file)
    targets = [c.strip() for c in (request.text("channels") or "").split(",") if c.strip()]
    if request.text("channel_id"):
        targets.insert(0, request.required("channel_id"))
    channels = [_joined(workspace, _postable_channel(workspace, target)) for target in targets]
    thread_ts = request.text("thread_ts") or None
    created = int(workspace.clock.now().timestamp())
    shared = [
        {
            "id": f.id,
            "created": created,
            "name": f.name,
            "title": f.title,
            "user": workspace.bot_user_id,
            "size": len(f.content or b""),
            "url_private": f"{request.origin}/files/{f.id}",
        }
        for f in files
    ]
    for channel in channels:
        for file in files:
            file.channels.append(channel.id)
            file.completed = True
        workspace._add_message(
            FakeMessage(
                channel=channel.id,
                ts=workspace.next_ts(),
                text=request.text("initial_comment") or "",
                user=workspace.bot_user_id,
                bot_id=workspace.bot_id,
                thread_ts=workspace._thread_root(channel.id, thread_ts),
                files=shared,
            )
        )
    for file in files:
        file.completed = True
    return {"files": shared}


@_api_method("apps.connections.open")
def _apps_connections_open(workspace: SlackWorkspace, request: _ApiRequest) -> JsonDict:
    host = request.origin.split("://", 1)[-1]
    return {"url": f"ws://{host}/socket?ticket={workspace._issue_socket_ticket()}&app_id={workspace.app_id}"}


# --------------------------------------------------------------------------------------------------------------
# HTTP


WORKSPACE_KEY = web.AppKey("workspace", SlackWorkspace)


async def _read_arguments(request: web.Request) -> tuple[JsonDict, str | None]:
    """Query, form or JSON arguments merged, and the token (Authorization header first, then ``token``)."""
    args: JsonDict = dict(request.query)
    if request.method == "POST" and request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise _ApiError("invalid_json") from None
            if not isinstance(body, dict):
                raise _ApiError("invalid_json")
            args.update(body)
        elif request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            form = await request.post()
            for name, value in form.items():
                args[name] = value if isinstance(value, str) else f"<file {getattr(value, 'filename', name)}>"
    token = args.pop("token", None)
    authorization = request.headers.get("Authorization", "")
    if authorization.startswith("Bearer "):
        token = authorization.removeprefix("Bearer ").strip()
    return args, str(token) if token else None


def _answer(
    workspace: SlackWorkspace, method: str, args: JsonDict, token: str | None, origin: str
) -> tuple[int, JsonDict, dict[str, str], bool]:
    """(HTTP status, body, headers, whether the answer is an injected fault) for one call."""
    handler = _METHODS.get(method)
    if handler is None:
        return 404, {"ok": False, "error": "unknown_method"}, {}, False
    if not token:
        return 200, {"ok": False, "error": "not_authed"}, {}, False
    if token not in {workspace.bot_token, workspace.app_token}:
        return 200, {"ok": False, "error": "invalid_auth"}, {}, False
    if token in workspace._rejected_tokens:  # a revoked token, as a test or the sandbox asked (injected)
        return 200, {"ok": False, "error": workspace._rejected_tokens[token]}, {}, True
    if (token == workspace.app_token) != (method in APP_TOKEN_METHODS):
        return 200, {"ok": False, "error": "not_allowed_token_type"}, {}, False
    fault = workspace._take_fault(method)
    if fault is not None and not fault.after_doing_it:
        return fault.status, {"ok": False, "error": fault.error}, _fault_headers(fault), True
    try:
        # The handler gets its own copy: state it stores must not share lists with the recorded call.
        own_args = copy.deepcopy(args) if workspace.record_calls else args
        done = handler(workspace, _ApiRequest(method, own_args, origin))
    except _ApiError as error:
        return 200, error.body(), {}, False
    if fault is not None:
        return fault.status, {"ok": False, "error": fault.error}, _fault_headers(fault), True
    return 200, {"ok": True, **done}, {}, False


def _fault_headers(fault: _Fault) -> dict[str, str]:
    return {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}


async def _handle_api(request: web.Request) -> web.Response:
    headers: dict[str, str]
    workspace = request.app[WORKSPACE_KEY]
    method = request.match_info["method"]
    if workspace.delay_seconds > 0:
        await asyncio.sleep(workspace.delay_seconds)
    try:
        args, token = await _read_arguments(request)
    except _ApiError as error:
        args = {}
        status, body, headers, injected = 200, error.body(), {}, False
    else:
        origin = f"{request.scheme}://{request.host}"
        status, body, headers, injected = _answer(workspace, method, args, token, origin)
    workspace._record(
        RecordedCall(
            method=method,
            args=args,
            ok=bool(body["ok"]),
            error=body.get("error"),
            status=status,
            http_verb=request.method,
            response=copy.deepcopy(body) if workspace.record_calls else body,
            injected=injected,
        )
    )
    return web.json_response(body, status=status, headers=headers)


async def _handle_upload(request: web.Request) -> web.Response:
    """The upload URL from files.getUploadURLExternal; Slack answers it in plain text."""
    workspace = request.app[WORKSPACE_KEY]
    file = workspace.files.get(request.match_info["file_id"])
    if file is None:
        return web.Response(status=404, text="file not found", content_type="text/plain")
    file.content = await request.read()
    return web.Response(text=f"OK - {len(file.content)}", content_type="text/plain")


async def _handle_socket(request: web.Request) -> web.WebSocketResponse:
    """The Socket Mode WebSocket: ``hello`` first, then whatever ``socket_send`` delivers; acks are recorded."""
    workspace = request.app[WORKSPACE_KEY]
    ws = web.WebSocketResponse(timeout=SOCKET_CLOSE_TIMEOUT)
    await ws.prepare(request)
    ticket = request.query.get("ticket", "")
    if not workspace._redeem_socket_ticket(ticket):
        # Close rather than refuse the upgrade: slack_sdk answers a close by asking apps.connections.open again.
        await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"invalid or already used ticket")
        return ws
    connection = _SocketConnection(ws=ws, loop=asyncio.get_running_loop(), app=request.app, ticket=ticket)
    await ws.send_json(workspace._hello())
    workspace._socket_opened(connection)
    try:
        async for message in ws:
            if message.type is WSMsgType.TEXT:
                workspace._socket_received(message.data)
    finally:
        workspace._socket_closed(connection)
    return ws


async def _close_sockets(app: web.Application) -> None:
    """On shutdown: close this app's open sockets, so stopping the server does not wait on them."""
    workspace = app[WORKSPACE_KEY]
    live = [c for c in workspace._live_sockets() if c.app is app]
    await asyncio.gather(
        *(c.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down") for c in live),
        return_exceptions=True,
    )


def build_slack_api_app(workspace: SlackWorkspace) -> web.Application:
    """The aiohttp app serving ``/api/{method}`` (GET and POST), the file upload URLs and the Socket Mode socket."""
    app = web.Application()
    app[WORKSPACE_KEY] = workspace
    app.router.add_post("/api/{method}", _handle_api)
    app.router.add_get("/api/{method}", _handle_api)
    app.router.add_post("/upload/{file_id}", _handle_upload)
    app.router.add_get("/socket", _handle_socket)
    app.on_shutdown.append(_close_sockets)
    return app


class SlackApiServer:
    """Serves a ``SlackWorkspace`` on 127.0.0.1 (an ephemeral port by default); use as ``async with``."""

    def __init__(self, workspace: SlackWorkspace | None = None, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.workspace = workspace if workspace is not None else SlackWorkspace()
        self.host = host
        self._requested_port = port
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the fake Slack API server is not running")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``, for the upload URLs and anything outside ``/api/``."""
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """What ``SLACK_API_URL`` / ``AsyncWebClient(base_url=…)`` should be."""
        return f"{self.base_url}/api/"

    async def start(self) -> SlackApiServer:
        runner = web.AppRunner(build_slack_api_app(self.workspace), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self._requested_port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        runner, self._runner, self._port = self._runner, None, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> SlackApiServer:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.stop()
