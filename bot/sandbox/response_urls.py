"""``response_url``: the sandbox hands one out with every slash command and message click, and honours posts to it.

Like Slack's, each URL answers where it came from — ephemeral to the person by default, ``in_channel`` for
everyone, ``replace_original`` / ``delete_original`` for the message that was clicked — and works five times.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.sandbox.fake_slack import block_rules
from bot.sandbox.fake_slack.models import FakeMessage
from bot.sandbox.fake_slack.workspace import SlackWorkspace

MAX_USES = 5
PATH = "/sandbox/response/{token}"


@dataclass
class _Origin:
    channel: str
    user: str
    thread_ts: str | None
    message_ts: str | None  # the message clicked, for replace_original / delete_original
    uses: int = 0


class ResponseUrls:
    """Issues response URLs and applies what is posted to them to the workspace."""

    def __init__(self, workspace: SlackWorkspace) -> None:
        self.workspace = workspace
        self.base_url = ""  # set once the server knows its port
        self._origins: dict[str, _Origin] = {}

    def issue(self, *, channel: str, user: str, thread_ts: str | None = None, message_ts: str | None = None) -> str:
        token = secrets.token_urlsafe(12)
        self._origins[token] = _Origin(channel, user, thread_ts, message_ts)
        return f"{self.base_url}/sandbox/response/{token}"

    def apply(self, token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Do what ``body`` asks; (HTTP status, answer) as Slack gives them."""
        origin = self._origins.get(token)
        if origin is None:
            return 404, {"ok": False, "error": "expired_url"}
        if origin.uses >= MAX_USES:
            return 404, {"ok": False, "error": "used_url"}
        text, blocks = body.get("text"), body.get("blocks")
        if not body.get("delete_original") and not text and not blocks:
            return 400, {"ok": False, "error": "no_text"}
        if blocks is not None:
            problems = block_rules.block_problems(blocks)
            if problems:
                return 400, {"ok": False, "error": "invalid_blocks", "response_metadata": {"messages": problems}}
            blocks = block_rules.with_generated_ids(blocks)
        origin.uses += 1
        original = self._original(origin)
        if body.get("delete_original"):
            if original is not None:
                self._delete(original)
            return 200, {"ok": True}
        if body.get("replace_original") and original is not None:
            original.text, original.blocks = str(text or ""), blocks
            self.workspace.changed("response_url")
            return 200, {"ok": True}
        thread_ts = body.get("thread_ts") or origin.thread_ts
        message = FakeMessage(
            channel=origin.channel,
            ts=self.workspace.next_ts(),
            text=str(text or ""),
            user=self.workspace.bot_user_id,
            bot_id=self.workspace.bot_id,
            blocks=blocks,
            thread_ts=str(thread_ts) if thread_ts else None,
        )
        if body.get("response_type") == "in_channel":
            message.thread_ts = self.workspace._thread_root(origin.channel, message.thread_ts)
            self.workspace._add_message(message)
        else:
            message.subtype, message.visible_to = "ephemeral", origin.user
            self.workspace.ephemeral_messages.append(message)
        self.workspace.changed("response_url")
        return 200, {"ok": True}

    def _original(self, origin: _Origin) -> FakeMessage | None:
        if origin.message_ts is None:
            return None
        found = self.workspace.message(origin.channel, origin.message_ts)
        if found is not None:
            return found
        return next(
            (
                m
                for m in self.workspace.ephemeral_messages
                if m.channel == origin.channel and m.ts == origin.message_ts and m.visible_to == origin.user
            ),
            None,
        )

    def _delete(self, message: FakeMessage) -> None:
        if message.visible_to is not None:
            self.workspace.ephemeral_messages.remove(message)
        else:
            self.workspace._remove_message(message)
        self.workspace.changed("response_url")

    async def handle(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"ok": False, "error": "invalid_json"}, status=400)
        if not isinstance(body, dict):
            return web.json_response({"ok": False, "error": "invalid_json"}, status=400)
        status, answer = self.apply(request.match_info["token"], body)
        return web.json_response(answer, status=status)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post(PATH, self.handle)
