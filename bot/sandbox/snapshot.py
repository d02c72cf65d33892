"""Keep the sandbox's Slack side across restarts, beside its database: the conversations, App Home views, user
groups' members, people's statuses and how far the clock was moved. Without it a restarted sandbox would hold tickets
whose cards and threads are gone.

Written as JSON to ``.sandbox/workspace.json`` after changes (at most every ``SAVE_DELAY`` seconds, off the event
loop) and once more when the sandbox stops; ``--reset`` deletes it with the database.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.sandbox.fake_slack import block_rules
from bot.sandbox.fake_slack.models import FakeMessage, JsonDict
from bot.sandbox.fake_slack.workspace import SlackWorkspace

log = logging.getLogger(__name__)

FILE_NAME = "workspace.json"
SAVE_DELAY = 0.5
VERSION = 1


def dump(workspace: SlackWorkspace, offset: timedelta) -> JsonDict:
    """What a restart needs: messages by channel (DMs by their person), App Home views, the clock's offset."""
    dms = {channel_id: user for user, channel_id in workspace._dm_by_user.items()}
    channels: dict[str, list[JsonDict]] = {}
    for channel_id, messages in workspace.messages.items():
        key = f"dm:{dms[channel_id]}" if channel_id in dms else channel_id
        if messages:  # group DMs are skipped on restore: a fresh workspace has none
            channels[key] = [dataclasses.asdict(m) for m in messages]
    homes = {user: workspace.views[view_id] for user, view_id in workspace.home_views.items()}
    return {
        "version": VERSION,
        "clock_offset_seconds": offset.total_seconds(),
        "last_ts_micros": workspace._last_ts_micros,
        "channels": channels,
        "homes": homes,
        "user_groups": {group.id: list(group.users) for group in workspace.user_groups.values()},
        "statuses": {
            u.id: [u.status_emoji, u.status_text, u.status_expiration]
            for u in workspace.users.values()
            if u.status_emoji or u.status_text
        },
    }


def restore(workspace: SlackWorkspace, saved: JsonDict) -> timedelta:
    """Put ``saved`` back into a freshly built workspace; returns the clock offset to resume from.

    Channels or people the workspace file no longer has are skipped, so an edited file never stops a start.
    """
    if saved.get("version") != VERSION:
        raise ValueError(f"unknown snapshot version {saved.get('version')!r}")
    fields = {f.name for f in dataclasses.fields(FakeMessage)}
    for key, messages in saved.get("channels", {}).items():
        if key.startswith("dm:"):
            user = key.removeprefix("dm:")
            if user not in workspace.users:
                continue
            channel_id = workspace.dm_channel_for(user)
        elif key in workspace.channels:
            channel_id = key
        else:
            continue
        for stored in messages:
            message = FakeMessage(**{name: value for name, value in stored.items() if name in fields})
            message.channel = channel_id
            if isinstance(message.blocks, list):  # saved before the fake filled in block ids as Slack does
                message.blocks = block_rules.with_generated_ids(message.blocks)
            if message.is_reply and workspace.message(channel_id, message.thread_ts or "") is None:
                continue  # its parent was skipped
            workspace._add_message(message)
    for user, view in saved.get("homes", {}).items():
        if user in workspace.users and isinstance(view, dict) and "id" in view:
            workspace.views[view["id"]] = view
            workspace.home_views[user] = view["id"]
    for group_id, users in saved.get("user_groups", {}).items():
        if group_id in workspace.user_groups and isinstance(users, list):
            workspace.user_groups[group_id].users = [u for u in users if u in workspace.users]
    for user, status in saved.get("statuses", {}).items():
        if user in workspace.users and isinstance(status, list) and len(status) == 3:
            found = workspace.users[user]
            found.status_emoji, found.status_text, found.status_expiration = (
                str(status[0]),
                str(status[1]),
                int(status[2]),
            )
    workspace._last_ts_micros = max(workspace._last_ts_micros, int(saved.get("last_ts_micros", 0)))
    return timedelta(seconds=max(float(saved.get("clock_offset_seconds", 0)), 0.0))


def load(path: Path) -> JsonDict | None:
    """The snapshot at ``path``; ``None`` when there is none or it cannot be read (the sandbox then starts empty)."""
    if not path.exists():
        return None
    try:
        saved: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        log.warning("ignoring the sandbox snapshot %s: %s", path, error)
        return None
    return saved if isinstance(saved, dict) else None


def write(path: Path, data: JsonDict) -> None:
    """Write atomically: a crash mid-write leaves the previous snapshot, never half of one."""
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


class Saver:
    """Saves the workspace shortly after it changes, one write at a time, off the event loop."""

    def __init__(self, path: Path, workspace: SlackWorkspace, offset: Any) -> None:
        self.path = path
        self.workspace = workspace
        self._offset = offset  # a callable returning the clock's current offset
        self._pending: asyncio.TimerHandle | None = None
        self._writing: asyncio.Task[None] | None = None

    def changed(self, _what: str) -> None:
        if self._pending is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return
            self._pending = loop.call_later(SAVE_DELAY, self._start_write)

    def _start_write(self) -> None:
        self._pending = None
        if self._writing is not None and not self._writing.done():
            self.changed("again")  # one write at a time; this change is picked up by the next
            return
        self._writing = asyncio.ensure_future(self._write())

    async def _write(self) -> None:
        data = dump(self.workspace, self._offset())
        try:
            await asyncio.to_thread(write, self.path, data)
        except OSError as error:
            log.warning("could not save the sandbox snapshot %s: %s", self.path, error)

    async def close(self) -> None:
        """Cancel the pending save and write the final state."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        if self._writing is not None:
            await self._writing
        await self._write()
