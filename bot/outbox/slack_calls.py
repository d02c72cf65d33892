"""One Slack call for one outbox row, its failure sorted into what to do next, and the look before a re-post.

Every failure ends as one of three exceptions, so the sender decides only once what happens to the row:
:class:`Retry` (a 429 after its Retry-After, a 5xx or a dropped connection after an exponential backoff),
:class:`TokenRejected` (no call can work until Slack takes the token again: sending pauses) and :class:`Fail`
(this call can never succeed). A post whose earlier attempt may have reached Slack although nobody recorded it is
looked for by its metadata first (:meth:`SlackCalls.already_posted`), so it is not posted twice.

The look reads the conversation between a little before the row was queued and the moment the earlier attempt could
last have landed (``OutboxRow.uncertain_until``), all of it: how many messages came after that moment does not
matter, so a busy channel cannot hide the post. What it read is kept (:class:`ConversationReads`), so the many rows
of one dead sender in one channel cost one read of it, not one each.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.slack_client import DEAD_TOKEN_ERRORS, TRANSIENT_ERRORS, retry_after_seconds
from storage import outbox
from storage.outbox import OutboxRow

log = logging.getLogger(__name__)

# Of the TRANSIENT_ERRORS, those Slack documents as possibly coming after part of the call succeeded (as may any
# 5xx): the message may be posted already, so the next attempt looks for it first.
UNCERTAIN_ERRORS = frozenset({"internal_error", "fatal_error"})
# Errors that mean the bot cannot post in that conversation at all.
UNREACHABLE_CHANNEL = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})
# Message metadata on every post: ``{"event_type": OUTBOX_EVENT_TYPE, "event_payload": {"outbox_id": id}}``.
OUTBOX_EVENT_TYPE = "crossdesk_outbox"
_MAY_HAVE_WORKED = "Slack may have done it"
# Reasons a previous attempt may have reached Slack although nobody recorded it (a row's ``last_error``).
UNCERTAIN = (outbox.LEASE_RAN_OUT, outbox.SENDER_STOPPED, "cannot reach Slack", _MAY_HAVE_WORKED)
# How far before the row was queued and after its attempt's last moment a look reads: Slack's clock and ours may
# differ by this much (NTP keeps them within a second; a call that timed out may still be done a little later).
LOOK_MARGIN = timedelta(seconds=30)
# At most this many pages of 200 messages per read; a window holding more is read in part (and the post may be sent
# again, logged): real Slack paces posts to about one a second per conversation, so this is hours of a channel.
LOOK_PAGES = 100


class Retry(Exception):
    """Try the row again after ``after``; ``rate_limited`` when Slack said so (a 429), which holds back every
    call that shares the limit (:mod:`bot.outbox.rate_gate`); ``may_have_landed`` when the call may have worked
    (a 5xx, a dropped connection): it had landed by now, if it did."""

    def __init__(
        self, after: timedelta, reason: str, *, rate_limited: bool = False, may_have_landed: bool = False
    ) -> None:
        super().__init__(reason)
        self.after = after
        self.reason = reason
        self.rate_limited = rate_limited
        self.may_have_landed = may_have_landed


class TokenRejected(Exception):
    """Slack rejects the bot token itself (``DEAD_TOKEN_ERRORS``): no call can work until it takes one again."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Fail(Exception):
    """The call can never succeed as it is; ``code`` is Slack's error, when it gave one."""

    def __init__(self, reason: str, code: str | None = None) -> None:
        super().__init__(reason)
        self.code = code


def was_uncertain(row: OutboxRow) -> bool:
    """Whether an earlier attempt of ``row`` may have reached Slack although its outcome was never recorded."""
    return (row.last_error or "").startswith(UNCERTAIN)


def needs_look(row: OutboxRow) -> bool:
    """Whether ``row`` is a post whose earlier attempt may have reached Slack: it is looked for before posting."""
    return row.method == "chat.postMessage" and row.attempts > 1 and was_uncertain(row)


def look_not_before(row: OutboxRow) -> datetime | None:
    """When the look for ``row``'s earlier attempt may run: not before that attempt could last have landed
    (``uncertain_until``), or a post still on its way when the look reads would be missed and made again. ``None``:
    at once (no look needed, or no bound known, when the look reads up to its own moment)."""
    return row.uncertain_until if needs_look(row) else None


def _error_code(error: SlackApiError) -> str:
    return str(error.response.get("error", "")) if isinstance(error.response.data, dict) else ""


class SlackCalls:
    """Makes the calls of outbox rows with the sender's own client (no retry handlers: retries are rows)."""

    def __init__(self, client: AsyncWebClient, backoff_cap: timedelta) -> None:
        self.client = client
        self.backoff_cap = backoff_cap
        self.reads = ConversationReads()
        self._ims: dict[str, str] = {}  # user id -> their DM's id, as conversations.open answered

    def backoff(self, attempts: int) -> timedelta:
        """1s, 2s, 4s, … up to the cap; ``attempts`` counts this one (the claim bumped it)."""
        return min(self.backoff_cap, timedelta(seconds=2 ** min(max(attempts - 1, 0), 16)))

    async def call(self, method: str, payload: dict[str, Any], attempts: int) -> dict[str, Any]:
        """Slack's answer to ``method``; raises :class:`Retry`, :class:`TokenRejected` or :class:`Fail`."""
        try:
            if method == "files_upload_v2":
                # slack_sdk's three steps: files.getUploadURLExternal, a POST of the bytes to the URL it
                # gave, files.completeUploadExternal (which shares the file in the channel). A retry starts over.
                try:
                    content = base64.b64decode(payload["content_b64"], validate=True)
                    channel, filename, title = payload["channel"], payload["filename"], payload.get("title")
                except (KeyError, ValueError) as error:
                    raise Fail(f"malformed {method} row: {type(error).__name__}") from None
                # A thread reply's row (the hand-off map under the digest) has the thread filled in when it is sent.
                response = await self.client.files_upload_v2(
                    channel=channel, file=content, filename=filename, title=title, thread_ts=payload.get("thread_ts")
                )
            else:
                response = await self.client.api_call(method, json=payload)
        except SlackApiError as error:
            status = error.response.status_code
            code = _error_code(error)
            if status == 429 or code == "ratelimited":
                retry_after = retry_after_seconds(error.response.headers)
                reason = f"rate limited (Retry-After {retry_after}s)"
                raise Retry(timedelta(seconds=retry_after), reason, rate_limited=True) from None
            if code in DEAD_TOKEN_ERRORS:
                raise TokenRejected(code) from None
            if status >= 500 or code in UNCERTAIN_ERRORS:
                reason = f"{_MAY_HAVE_WORKED}: it answered {status} {code}".strip()
                raise Retry(self.backoff(attempts), reason, may_have_landed=True) from None
            if code in TRANSIENT_ERRORS:
                raise Retry(self.backoff(attempts), f"Slack answered {status} {code}") from None
            raise Fail(f"Slack refused {method}: {code or status}", code or None) from None
        except SlackRequestError as error:
            # Only the upload POST raises this; slack_sdk puts its HTTP status in the message alone.
            found = re.search(r"status: (\d+)", str(error))
            status = int(found.group(1)) if found else 0
            if 400 <= status < 500 and status != 429:
                raise Fail(f"Slack refused the file upload: {status}") from None
            raise Retry(self.backoff(attempts), f"file upload failed: {status or error}") from None
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            reason = f"cannot reach Slack: {type(error).__name__}"
            raise Retry(self.backoff(attempts), reason, may_have_landed=True) from None
        data: dict[str, Any] = dict(response.data) if isinstance(response.data, dict) else {}
        return data

    async def already_posted(self, row: OutboxRow, payload: dict[str, Any]) -> dict[str, Any] | None:
        """``{"channel", "ts"}`` of the message an earlier attempt of ``row`` posted, if one did.

        Only asked when that attempt's outcome is unknown. A conversation we cannot read (a missing
        scope, say) answers ``None``: the message is then sent, at least once, as before.
        """
        if not needs_look(row):
            return None
        target = str(payload.get("channel") or "")
        thread_ts = payload.get("thread_ts")
        oldest = row.created_at - LOOK_MARGIN
        latest = row.uncertain_until + LOOK_MARGIN if row.uncertain_until is not None else None
        try:
            if target[:1] in ("U", "W"):  # a DM addressed by user id: find the IM's own id
                target = await self._im_of(target)
            found = await self.reads.find(self.client, target, str(thread_ts) if thread_ts else None, oldest, latest)
        except SlackApiError as error:
            status = error.response.status_code
            code = _error_code(error)
            if code in DEAD_TOKEN_ERRORS:
                raise TokenRejected(code) from None
            if status == 429 or status >= 500 or code in TRANSIENT_ERRORS:
                raise Retry(self.backoff(row.attempts), f"cannot reach Slack to look for outbox {row.id}") from None
            log.warning("cannot look for outbox %s in %s (%s); sending it again", row.id, target, code or status)
            return None
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise Retry(self.backoff(row.attempts), f"cannot reach Slack: {type(error).__name__}") from None
        ts = found.posts.get(row.id)
        if ts is not None:
            return {"channel": target, "ts": ts}
        if found.cut_short:
            log.warning(
                "outbox %s: %s holds more than %s messages since it was queued; it was not among those read, so it is "
                "sent again",
                row.id,
                target,
                LOOK_PAGES * 200,
            )
        return None

    async def _im_of(self, user: str) -> str:
        known = self._ims.get(user)
        if known is None:
            opened = await self.client.conversations_open(users=user)
            known = self._ims[user] = str((opened.get("channel") or {}).get("id") or "")
        return known


@dataclass
class ConversationRead:
    """What one read of a conversation (or thread) found: the outbox posts in it between ``oldest`` and ``latest``
    (``None``: up to when it was read) by outbox id, and whether it stopped at ``LOOK_PAGES`` before ``oldest``
    (reading it again would stop there too)."""

    oldest: datetime
    latest: datetime | None
    posts: dict[int, str] = field(default_factory=dict)
    cut_short: bool = False

    def covers(self, oldest: datetime, latest: datetime | None) -> bool:
        """Whether this read holds every post of the window: a read up to "now" covers no later question."""
        return latest is not None and self.latest is not None and self.oldest <= oldest and latest <= self.latest


class ConversationReads:
    """The reads the looks made, newest kept per conversation (at most ``keep`` conversations): rows whose windows
    one read covers are answered from it, and looks at one conversation wait for each other instead of reading it
    side by side. A read up to "now" covers only windows that ended by then, so nothing is answered from a read
    older than the question."""

    def __init__(self, keep: int = 256) -> None:
        self.keep = keep
        self._reads: OrderedDict[tuple[str, str | None], ConversationRead] = OrderedDict()
        self._locks: dict[tuple[str, str | None], asyncio.Lock] = {}

    async def find(
        self,
        client: AsyncWebClient,
        channel: str,
        thread_ts: str | None,
        oldest: datetime,
        latest: datetime | None,
    ) -> ConversationRead:
        key = (channel, thread_ts)
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                known = self._reads.get(key)
                if known is not None and known.covers(oldest, latest):
                    return known
                read = await _read(client, channel, thread_ts, oldest, latest)
                self._reads[key] = read
                self._reads.move_to_end(key)
                while len(self._reads) > self.keep:
                    gone, _ = self._reads.popitem(last=False)
                    self._locks.pop(gone, None)
                return read
        finally:
            # A read that failed keeps nothing: its lock goes too, so conversations Slack would not let us read
            # do not pile up locks (a look waiting on it still holds it and reads after).
            if key not in self._reads and self._locks.get(key) is lock:
                del self._locks[key]


async def _read(
    client: AsyncWebClient, channel: str, thread_ts: str | None, oldest: datetime, latest: datetime | None
) -> ConversationRead:
    """Every outbox post in ``channel`` (or the thread) between ``oldest`` and ``latest``, up to ``LOOK_PAGES``."""
    common: dict[str, Any] = {"channel": channel, "oldest": _ts(oldest), "include_all_metadata": True, "limit": 200}
    if latest is not None:
        common["latest"] = _ts(latest)
    found = ConversationRead(oldest, latest)
    cursor: str | None = None
    for _ in range(LOOK_PAGES):
        if thread_ts:
            page = await client.conversations_replies(ts=thread_ts, cursor=cursor, **common)
        else:
            page = await client.conversations_history(cursor=cursor, **common)
        for message in page.get("messages") or []:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") != OUTBOX_EVENT_TYPE:
                continue
            outbox_id = (metadata.get("event_payload") or {}).get("outbox_id")
            if isinstance(outbox_id, int) and message.get("ts"):
                found.posts[outbox_id] = str(message["ts"])
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            break
    else:
        found.cut_short = True
    return found


def _ts(moment: datetime) -> str:
    return f"{moment.timestamp():.6f}"


def dm_instead(row: OutboxRow, payload: dict[str, Any], failure: Fail) -> dict[str, Any] | None:
    """An ephemeral note that cannot be shown where it was meant goes to the person by DM instead: the bot is not
    in that channel (a shortcut or a command used anywhere), or the person is not (they only preview it)."""
    if row.method != "chat.postEphemeral" or failure.code not in {*UNREACHABLE_CHANNEL, "user_not_in_channel"}:
        return None
    user = payload.get("user")
    if not isinstance(user, str) or not user:
        return None
    channel = payload.get("channel")
    log.warning("outbox %s: no ephemeral note in %s (%s); sending it by DM", row.id, channel, failure.code)
    kept = {key: value for key, value in payload.items() if key not in {"channel", "user", "thread_ts"}}
    return {**kept, "channel": user}
