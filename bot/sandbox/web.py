"""The sandbox page's HTTP side: the static page, its JSON state, what a person does, the clock, the live stream.

Everything here sits beside the fake Web API (``/api/<method>``) on the same port; ``/sandbox/…`` is the page's.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from aiohttp import web

from bot.sandbox.live import LiveFeed
from bot.sandbox.page_state import page_state
from bot.sandbox.people import Outcome, People
from bot.sandbox.scene import Person
from bot.sandbox.teams import TeamEdits
from bot.sandbox.time_control import ClockError, TimeControl

STATIC = resources.files("bot.sandbox") / "static"
Action = Callable[[dict[str, Any], str], Awaitable["Outcome"]]  # (request body, acting person) -> outcome
_CONTENT_TYPES = {".html": "text/html", ".js": "application/javascript", ".css": "text/css", ".svg": "image/svg+xml"}


@dataclass
class Page:
    people: People
    cast: list[Person]
    clock: TimeControl
    live: LiveFeed
    intake_channels: list[str]
    reactions: dict[str, str]
    teams: TeamEdits | None = None  # user groups' members and statuses, edited on the page
    labels: dict[str, str] = field(default_factory=dict)  # the page's words in the workspace's language

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/", self.index)
        app.router.add_get("/static/{name}", self.static)
        app.router.add_get("/sandbox/state", self.state)
        app.router.add_get("/sandbox/events", self.live.handle)
        app.router.add_get("/sandbox/files/{file_id}", self.file)
        for name, handler in {
            "message": self.message,
            "reaction": self.reaction,
            "shortcut": self.shortcut,
            "click": self.click,
            "submit": self.submit,
            "close": self.close,
            "options": self.options,
            "home": self.home,
            "clock": self.move_clock,
            "faults": self.fault,
            "group": self.edit_group,
            "status": self.set_status,
        }.items():
            app.router.add_post(f"/sandbox/{name}", handler)

    async def index(self, _request: web.Request) -> web.Response:
        return web.Response(text=(STATIC / "index.html").read_text(encoding="utf-8"), content_type="text/html")

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        suffix = name[name.rfind(".") :] if "." in name else ""
        asset = STATIC / name
        if "/" in name or name.startswith(".") or suffix not in _CONTENT_TYPES or not asset.is_file():
            raise web.HTTPNotFound()
        return web.Response(text=asset.read_text(encoding="utf-8"), content_type=_CONTENT_TYPES[suffix])

    async def file(self, request: web.Request) -> web.Response:
        """A file the bot uploaded (the digest's chart), so the page can show it."""
        file = self.people.workspace.files.get(request.match_info["file_id"])
        if file is None or file.content is None:
            raise web.HTTPNotFound()
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return web.Response(body=file.content, content_type=kind)

    def _me(self, value: Any) -> str:
        """The person acting: ``as`` when it names someone in the cast, else the first (the requester)."""
        ids = {p.id for p in self.cast}
        return value if isinstance(value, str) and value in ids else self.cast[0].id

    async def state(self, request: web.Request) -> web.Response:
        query = request.query
        body = page_state(
            self.people.workspace,
            self.people,
            self.cast,
            self.clock,
            me=self._me(query.get("as")),
            channel=query.get("channel") or None,
            thread_ts=query.get("thread") or None,
            intake_channels=self.intake_channels,
            reactions=self.reactions,
            dm_read=query.get("read") or None,
        )
        if self.teams is not None:
            body.update(self.teams.describe())
        body["labels"] = self.labels
        return web.json_response(body)

    async def _act(
        self, request: web.Request, action: Callable[[dict[str, Any], str], Awaitable[Outcome]]
    ) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"ok": False, "error": "send JSON"}, status=400)
        if not isinstance(body, dict):
            return web.json_response({"ok": False, "error": "send a JSON object"}, status=400)
        acting = body.get("as")
        if acting is not None and acting not in {p.id for p in self.cast}:
            return web.json_response({"ok": False, "error": f"no person {acting!r} in this workspace"}, status=400)
        try:
            outcome = await action(body, self._me(acting))
        except (KeyError, TypeError) as error:
            return web.json_response({"ok": False, "error": f"missing or bad field {error}"}, status=400)
        return web.json_response(outcome.to_json(), status=200 if outcome.ok else 422)

    async def message(self, request: web.Request) -> web.Response:
        return await self._act(
            request, lambda b, me: self.people.post(me, str(b["channel"]), str(b["text"]), b.get("thread_ts") or None)
        )

    async def reaction(self, request: web.Request) -> web.Response:
        return await self._act(
            request, lambda b, me: self.people.react(me, str(b["channel"]), str(b["ts"]), str(b["name"]))
        )

    async def shortcut(self, request: web.Request) -> web.Response:
        return await self._act(request, lambda b, me: self.people.shortcut(me, str(b["channel"]), str(b["ts"])))

    async def click(self, request: web.Request) -> web.Response:
        def run(b: dict[str, Any], me: str) -> Awaitable[Outcome]:
            block_id, action_id, choice = str(b["block_id"]), str(b["action_id"]), b.get("choice")
            if b.get("view_id"):
                answers = b.get("answers") if isinstance(b.get("answers"), dict) else None
                return self.people.click_in_view(me, str(b["view_id"]), block_id, action_id, choice, answers)
            return self.people.click_in_message(me, str(b["channel"]), str(b["ts"]), block_id, action_id, choice)

        return await self._act(request, run)

    async def submit(self, request: web.Request) -> web.Response:
        def run(b: dict[str, Any], me: str) -> Awaitable[Outcome]:
            answers = b.get("answers")
            return self.people.submit(me, str(b["view_id"]), answers if isinstance(answers, dict) else {})

        return await self._act(request, run)

    async def options(self, request: web.Request) -> web.Response:
        def run(b: dict[str, Any], me: str) -> Awaitable[Outcome]:
            return self.people.options(me, str(b["view_id"]), str(b["block_id"]), str(b.get("value") or ""))

        return await self._act(request, run)

    async def close(self, request: web.Request) -> web.Response:
        async def run(b: dict[str, Any], me: str) -> Outcome:
            return self.people.close(me, str(b["view_id"]))

        return await self._act(request, run)

    async def home(self, request: web.Request) -> web.Response:
        return await self._act(request, lambda _b, me: self.people.open_home(me))

    async def edit_group(self, request: web.Request) -> web.Response:
        """A user group's members, as a workspace admin sets them in Slack: ``{"group": "S0ONCALL", "members":
        ["U0…", …]}``; the bot is told with ``subteam_members_changed``."""

        async def run(b: dict[str, Any], _me: str) -> Outcome:
            members = b["members"]
            if self.teams is None or not isinstance(members, list):
                return Outcome(ok=False, error="members must be a list of member ids")
            return await self.teams.edit_group(str(b["group"]), members)

        return await self._act(request, run)

    async def set_status(self, request: web.Request) -> web.Response:
        """The acting person's Slack status: ``{"emoji": ":palm_tree:", "text": "…", "minutes": 60}`` (0: no end);
        the bot is told with ``user_status_changed``."""

        async def run(b: dict[str, Any], me: str) -> Outcome:
            if self.teams is None:
                return Outcome(ok=False, error="statuses are not modelled here")
            try:
                minutes = int(b.get("minutes") or 0)
            except (TypeError, ValueError):
                return Outcome(ok=False, error="minutes must be a whole number")
            return await self.teams.set_status(me, str(b.get("emoji") or ""), str(b.get("text") or ""), minutes)

        return await self._act(request, run)

    async def fault(self, request: web.Request) -> web.Response:
        """Make the fake Slack fail the bot's next calls of a method: ``{"method": "chat.postMessage", "status": 429,
        "retry_after": 2, "times": 3}`` simulates rate limits (``fail_next`` answers, as in the test suite)."""

        async def run(b: dict[str, Any], _me: str) -> Outcome:
            retry_after = b.get("retry_after")
            try:
                self.people.workspace.fail_next(
                    str(b["method"]),
                    status=int(b.get("status", 429)),
                    error=b.get("error"),
                    retry_after=None if retry_after is None else int(retry_after),
                    times=int(b.get("times", 1)),
                )
            except ValueError as error:
                return Outcome(ok=False, error=str(error))
            return Outcome()

        return await self._act(request, run)

    async def move_clock(self, request: web.Request) -> web.Response:
        async def run(b: dict[str, Any], _me: str) -> Outcome:
            try:
                if "minutes" in b:
                    await self.clock.advance(int(b["minutes"]))
                else:
                    await self.clock.jump_to(str(b["to"]))
            except (ClockError, ValueError) as error:
                return Outcome(ok=False, error=str(error))
            self.people.workspace.changed("clock")
            return Outcome()

        return await self._act(request, run)
