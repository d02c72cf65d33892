"""``crossdesk sandbox``: the fake workspace, its page and the real bot, started and stopped together.

One port (default 8080) serves the page and the fake Web API (``/api/<method>``). The bot is the unchanged
``Crossdesk`` app in HTTP mode on a port of its own, pointed at that API with a token and signing secret made up
for this run; everything a person does on the page reaches it as a signed HTTP request.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.runtime.app import Crossdesk
from bot.runtime.clock import ShiftableClock
from bot.sandbox import snapshot
from bot.sandbox.delivery import Delivery
from bot.sandbox.fake_slack.server import build_slack_api_app
from bot.sandbox.fake_slack.workspace import SlackWorkspace
from bot.sandbox.live import LiveFeed
from bot.sandbox.people import People
from bot.sandbox.response_urls import ResponseUrls
from bot.sandbox.scene import build_workspace, cast
from bot.sandbox.teams import TeamEdits, page_labels
from bot.sandbox.time_control import TimeControl
from bot.sandbox.web import Page
from config.schema import WorkspaceConfig
from config.settings import Settings

log = logging.getLogger(__name__)

DATA_DIR = Path(".sandbox")
DATABASE_FILE = "crossdesk.db"


def reset(data_dir: Path) -> None:
    """Forget everything the sandbox stored: the database, SQLite's journal files and the workspace snapshot."""
    names = (DATABASE_FILE, f"{DATABASE_FILE}-wal", f"{DATABASE_FILE}-shm", f"{DATABASE_FILE}-journal")
    for name in (*names, snapshot.FILE_NAME):
        (data_dir / name).unlink(missing_ok=True)


class Sandbox:
    """A running sandbox; ``start()`` then ``stop()``, or ``serve_forever()`` until Ctrl-C."""

    def __init__(
        self,
        config: WorkspaceConfig,
        *,
        port: int = 8080,
        host: str = "127.0.0.1",
        data_dir: Path = DATA_DIR,
        clean: bool = False,
        tick_seconds: float | None = None,
    ) -> None:
        self.config = config
        self.host, self.port = host, port
        self.data_dir = data_dir
        self.clean = clean
        self.tick_seconds = tick_seconds
        self.clock = ShiftableClock()
        # Made up per run: they only have to match between the sandbox and the bot it starts.
        self.bot_token = f"xoxb-sandbox-{secrets.token_hex(12)}"
        self.signing_secret = secrets.token_hex(24)
        self.workspace: SlackWorkspace = build_workspace(config, self.clock, bot_token=self.bot_token)
        self.response_urls = ResponseUrls(self.workspace)
        self.delivery = Delivery("", self.signing_secret)  # the bot's URL is known once it listens
        self.people = People(self.workspace, self.delivery, self.response_urls)
        self.live = LiveFeed(self.workspace)
        self.time = TimeControl(self.clock, ZoneInfo(config.timezone), self.run_due_work, workspace=config)
        self.saver = snapshot.Saver(data_dir / snapshot.FILE_NAME, self.workspace, lambda: self.clock.offset)
        self.bot: Crossdesk | None = None
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.data_dir / DATABASE_FILE}"

    def secrets(self) -> list[str]:
        """What the log redactor must hide."""
        return [self.bot_token, self.signing_secret]

    async def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.clean:
            reset(self.data_dir)
        saved = snapshot.load(self.saver.path)
        if saved is not None:
            try:
                self.clock.advance(snapshot.restore(self.workspace, saved))
            except (ValueError, TypeError, KeyError) as error:
                log.warning("could not restore the sandbox's conversations (%s); --reset starts clean", error)
        self.workspace.add_listener(self.saver.changed)
        app = build_slack_api_app(self.workspace)
        self.response_urls.add_routes(app)
        page = Page(
            self.people,
            cast(self.config),
            self.time,
            self.live,
            intake_channels=list(self.config.intake_channels),
            reactions={"ticket": self.config.reactions.ticket, "escalate": self.config.reactions.escalate},
            teams=TeamEdits(self.workspace, self.delivery),
            labels=page_labels(self.config.language),
        )
        page.add_routes(app)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self.host, self.port).start()
            self.port = int(self._runner.addresses[0][1])
            self.response_urls.base_url = f"http://{self.host}:{self.port}"
            await self._start_bot()
        except BaseException:
            await self.stop()
            raise

    async def _start_bot(self) -> None:
        settings = Settings.model_validate(
            {
                "SLACK_BOT_TOKEN": self.bot_token,
                "SLACK_SIGNING_SECRET": self.signing_secret,
                "SLACK_API_URL": f"http://{self.host}:{self.port}/api/",
                "DATABASE_URL": self.database_url,
                "HOST": "127.0.0.1",
                "PORT": 0,
            }
        )
        self.bot = Crossdesk(settings, self.config, clock=self.clock, tick_seconds=self.tick_seconds)
        await self.bot.start()
        self.delivery.request_url = f"http://127.0.0.1:{self.bot.port}/slack/events"

    async def run_due_work(self) -> None:
        """Run the ticker's jobs now (after a clock jump) and let the outbox send what they queued."""
        bot = self.bot
        if bot is None or bot.ticker is None:
            return
        await bot.ticker.tick()
        if bot.services is not None:
            bot.services.outbox.wake()

    async def stop(self) -> None:
        """Stop the page's streams, then the bot (its last outbox pass still reaches the API), then the server."""
        self.live.close()
        bot, self.bot = self.bot, None
        try:
            if bot is not None:
                await bot.stop()
        finally:
            await self.delivery.close()
            if self._runner is not None:
                await self.saver.close()
            runner, self._runner = self._runner, None
            if runner is not None:
                await runner.cleanup()

    async def serve_forever(self, announce: bool = True) -> None:
        """Run until SIGINT (Ctrl-C) or SIGTERM, then stop everything this sandbox started."""
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopping.set)
        try:
            await self.start()
            if announce:
                print(f"Crossdesk sandbox: open {self.url} (Ctrl-C stops it)", flush=True)
            await stopping.wait()
            log.info("stopping the sandbox")
        finally:
            await self.stop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
