"""App assembly: one running Crossdesk — database, Slack client, Bolt app, outbox sender, HTTP listener.

This is the only module of ``bot`` that imports ``handlers`` (to register them).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.outbox.sender import SenderSettings, SlackAccess
from bot.people.groups import named_groups
from bot.people.slack_reads import SlackPeopleReader
from bot.runtime import heap
from bot.runtime.clock import Clock, SystemClock
from bot.runtime.config_watch import ConfigWatch, starting_configuration
from bot.runtime.heartbeat import Heartbeat, process_name
from bot.runtime.metrics import Metrics
from bot.runtime.profiles import MemberProfiles
from bot.runtime.reload import ConfigReloader
from bot.runtime.server import Door, build_web_app
from bot.runtime.services import Services
from bot.runtime.slack_client import (
    SLACK_CALL_TIMEOUT,
    SlackIdentity,
    SlackUnavailable,
    TimedWebClient,
    TokenHealth,
    make_client,
)
from bot.schedule.jobs import scheduled_jobs
from bot.schedule.ticker import Ticker
from bot.schedule.turns import Turns
from config.schema import WorkspaceConfig
from config.settings import Settings
from handlers import register_all
from storage import customers as customer_rows
from storage import directory, user_groups
from storage.database import Database
from storage.heartbeats import SENDER, TICKER
from storage.migrate import upgrade

log = logging.getLogger(__name__)

# Slack's answers to a token that will never work, as opposed to a Slack that is briefly unwell.
_REJECTED_TOKEN = {
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "not_allowed_token_type",
    "missing_scope",
    "no_permission",
}


# Seconds a Slack call made before answering a request may take (Slack gives up on us after 3); any other call
# takes at most SLACK_CALL_TIMEOUT. slack_sdk ignores its own ``timeout`` on a session it was given: the one
# session carries the longer, and the clients of the request path bound each call to the shorter
# (``TimedWebClient``'s deadline).
REQUEST_SLACK_TIMEOUT = 2
# Seconds from SIGTERM (a rolling restart, ``docker stop``'s default grace period) to the process's exit; the last
# CLOSING_SECONDS of them close the listener, the Slack session and the database.
STOP_WITHIN = 10.0
CLOSING_SECONDS = 1.0


class StartupError(RuntimeError):
    """The bot cannot start with this configuration; the message says what to fix."""


def build_bolt_app(services: Services, client: AsyncWebClient) -> AsyncApp:
    """The Bolt app with every listener. Requests are answered only after the listener's work commits.

    Bolt's own signature check (``RequestVerification``) is off: the HTTP door (``bot.server``) checks every
    request's signature once, before it parses the body, and nothing reaches Bolt over HTTP any other way; Socket
    Mode requests carry no signature (they come over the app's own authenticated connection). Bolt's docs for
    ``request_verification_enabled`` allow exactly this: a check in front of the app, so the work is not done twice.

    Authorization is ours rather than Bolt's built-in single-team one: that one answers 200 when its
    ``auth.test`` fails, which would acknowledge — and so lose — an event Slack should deliver again.
    Ours raises ``SlackUnavailable`` instead, which becomes a 503.

    With a :class:`TimedWebClient`, the clients Bolt hands listeners are timed copies of it (``handlers.middleware``).
    """
    token = client.token

    async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        identity = services.identity
        if not identity.known and not await identity.load(client):
            raise SlackUnavailable("auth.test failed; cannot tell which bot this is yet")
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=identity.team_id or team_id,
            bot_token=token,
            bot_id=identity.bot_id,
            bot_user_id=identity.bot_user_id,
        )

    # Without a token of its own Bolt uses ``authorize``; each request's client gets the token from it.
    # (Bolt still reads SLACK_BOT_TOKEN from the environment and warns that the client wins; it does.)
    tokenless = (
        client.for_request(token=None, team_id=None)
        if isinstance(client, TimedWebClient)
        else AsyncWebClient(
            base_url=client.base_url,
            session=client.session,
            timeout=client.timeout,
            retry_handlers=client.retry_handlers,
        )
    )
    app = AsyncApp(
        client=tokenless,
        authorize=authorize,
        request_verification_enabled=False,  # checked once, in front: see above
        process_before_response=True,
        raise_error_for_unhandled_request=True,  # handlers.errors drops the replay key of a request nobody took
        logger=_bolt_logger(),
    )
    register_all(app, services)
    return app


class _DropTokenUnusedWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger("crossdesk.bolt")
    if not any(isinstance(f, _DropTokenUnusedWarning) for f in logger.filters):
        logger.addFilter(_DropTokenUnusedWarning())
    return logger


def _log_reload_failure(task: asyncio.Task[bool]) -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("reloading the workspace file failed; the running configuration stays", exc_info=error)


@dataclass
class Crossdesk:
    """A bot process's moving parts, started and stopped together."""

    settings: Settings
    workspace: WorkspaceConfig
    clock: Clock = field(default_factory=SystemClock)
    sender_settings: SenderSettings = field(default_factory=SenderSettings)
    services: Services | None = None
    bolt: AsyncApp | None = None
    metrics: Metrics = field(default_factory=Metrics)
    port: int | None = None
    tick_seconds: float | None = None  # None: CROSSDESK_TICK_SECONDS (default 15 s)
    ticker: Ticker | None = None
    token: TokenHealth | None = None  # whether Slack still takes the bot token (set by start)
    process: str = field(default_factory=process_name)  # this process's name in heartbeats and outbox leases
    reloader: ConfigReloader | None = None  # applies a changed workspace file (config_source: file)
    config_watch: ConfigWatch | None = None  # follows the newest recorded configuration (config_source: database)
    _http: aiohttp.ClientSession | None = None  # the one session of every Slack call
    _runner: web.AppRunner | None = None
    _sender_task: asyncio.Task[None] | None = None
    _door: Door = field(default_factory=Door)  # closed first when the process stops
    _socket: AsyncSocketModeHandler | None = None
    _db: Database | None = None

    async def start(self, *, migrate: bool = True) -> None:
        settings = self.settings
        self._door = Door()
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
        self._db = db = Database(
            settings.database_url,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            connect_timeout=settings.database_connect_timeout,
            sqlite_fast_path=settings.sqlite_fast_path,
        )
        if migrate:
            before, after = await upgrade(db)
            if before != after:
                log.info("database migrated from %s to %s", before or "empty", after)
        if self.workspace.config_source == "database":
            self.workspace = await starting_configuration(db, self.workspace, self.clock)
        async with db.transaction() as session:
            await directory.sync_workspace(session, self.workspace)  # holds the replicas' start-up lock until commit
            seeded = await customer_rows.seed(session, self.workspace.customers, self.clock.now())
        if seeded:
            log.info("the workspace file made or updated %s customer(s)", seeded)
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=SLACK_CALL_TIMEOUT))
        timed = self.metrics.slack_call
        client = make_client(token, settings.api_url, self._http, on_call=timed)
        identity = SlackIdentity()
        await self._check_tokens(client, identity)
        self.token = token_health = TokenHealth()
        # The sender's own client: no retry handlers, since a retry is the row's (after Retry-After, in the database).
        sender_settings = self.sender_settings.configured(settings)
        sending = SlackAccess(
            make_client(token, settings.api_url, self._http, retry_handlers=[], on_call=timed),
            token_health,
            sender_settings,
            self.process,
        )
        # The jobs that speak to people run on one replica per tick of CROSSDESK_TICK_SECONDS (the setting, not a
        # test's own ticker period: every replica must cut time the same way).
        turns = Turns(settings.tick_seconds, self.process)
        self.services = services = Services.build(
            self.workspace, db, self.clock, identity, self.metrics, slack=sending, turns=turns
        )
        await services.customers.directory.load(db)  # before the first request: new tickets are linked by their text
        # User groups as owners or leads: what the database knows, then (best effort) those never read from Slack.
        people_reader = SlackPeopleReader(db, client, services.people, self.clock, token_health)
        await services.people.load()
        async with db.read() as session:
            never_read = await user_groups.never_read(session, named_groups(self.workspace))
        await people_reader.read_groups(never_read)
        # Recorded before the first tick: on a new database, work whose time already passed today never runs.
        first_started = await services.catch_up.first_started()
        log.info("scheduled work counts from %s, when this database first ran the bot", first_started.isoformat())
        self._sender_task = asyncio.create_task(services.outbox.run(), name="crossdesk-outbox")
        tick_seconds = self.tick_seconds or settings.tick_seconds
        # The ticker's heartbeat is for operators (/metrics counts the live tickers): it beats once per tick.
        ticking = Heartbeat(
            db, self.clock, self.process, TICKER, every=tick_seconds, dead_after=sender_settings.dead_after
        )
        jobs = {
            "heartbeat": ticking.beat,
            "profiles": MemberProfiles(db, client, self.clock, token_health).refresh,
            "slack_people": people_reader.tick,
            **scheduled_jobs(services),
        }
        if self.workspace.config_source == "file":
            self.reloader = ConfigReloader(
                settings.workspace_path(), services.live, db, self.clock, services.outbox, services.translator
            )
            await self.reloader.record_running()
            # First on every tick: a changed file is noticed within one tick, and the work after it uses it.
            jobs = {"config": self.reloader.tick, **jobs}
        else:
            # An edit from Slack on any replica is the newest record: every replica takes it within one tick.
            self.config_watch = ConfigWatch(services.live, db)
            jobs = {"config": self.config_watch.tick, **jobs}
        self.ticker = Ticker(jobs, tick_seconds, self.metrics)
        self.ticker.start()
        signing_secret = None
        if not settings.socket_mode and settings.slack_signing_secret is not None:
            signing_secret = settings.slack_signing_secret.get_secret_value()
        # Calls made while Slack waits for our answer (auth.test, reading a reacted-to message, opening a form)
        # get a short deadline and no retries, so a slow Slack cannot hold an answer past Slack's 3 seconds.
        request_client = make_client(
            token,
            settings.api_url,
            self._http,
            timeout=REQUEST_SLACK_TIMEOUT,
            retry_handlers=[],
            on_call=timed,
            deadline=REQUEST_SLACK_TIMEOUT,
        )
        self.bolt = build_bolt_app(services, request_client)
        web_app = build_web_app(
            None if settings.socket_mode else self.bolt,
            db,
            self.metrics,
            signing_secret,
            self.clock,
            metrics_token=settings.metrics_bearer,
            token=token_health,
            handoffs=services.digest.handoffs,
            door=self._door,
            # A ticker beats once a tick: it counts as live for two ticks past the senders' limit.
            live_within={
                SENDER: sender_settings.dead_after,
                TICKER: sender_settings.dead_after + timedelta(seconds=2 * tick_seconds),
            },
        )
        # Requests still inside when the listener closes were waited for already (stop): no long shutdown_timeout.
        self._runner = web.AppRunner(web_app, access_log=None, handle_signals=False, shutdown_timeout=CLOSING_SECONDS)
        await self._runner.setup()
        site = web.TCPSite(self._runner, settings.host, settings.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1]) if self._runner.addresses else None
        log.info("listening on http://%s:%s (Slack Web API at %s)", settings.host, self.port, settings.api_url)
        if settings.socket_mode and settings.slack_app_token is not None:
            self._socket = AsyncSocketModeHandler(self.bolt, settings.slack_app_token.get_secret_value())
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
            log.info("connected to Slack in Socket Mode")

    async def _check_tokens(self, client: AsyncWebClient, identity: SlackIdentity) -> None:
        """Refuse to start with a token Slack rejects; start anyway (and retry later) when Slack is unreachable.

        slack_sdk's Socket Mode client retries a rejected app token forever, so without this check a
        revoked ``SLACK_APP_TOKEN`` would leave a bot that looks healthy and never receives anything.
        """
        checks: list[tuple[str, Callable[[], Awaitable[object]]]] = [
            ("SLACK_BOT_TOKEN", lambda: identity.check(client))
        ]
        app_token = self.settings.slack_app_token.get_secret_value() if self.settings.slack_app_token else ""
        if self.settings.socket_mode:
            checks.append(("SLACK_APP_TOKEN", lambda: client.apps_connections_open(app_token=app_token)))
        for name, check in checks:
            try:
                await check()
            except SlackApiError as error:
                code = error.response.get("error") if isinstance(error.response.data, dict) else None
                if code in _REJECTED_TOKEN:
                    raise StartupError(f"{name} was rejected by Slack ({code}); check the token and the app") from None
                log.warning("could not check %s with Slack (%s); going on", name, code or error.response.status_code)
            except (aiohttp.ClientError, TimeoutError, OSError) as error:
                log.warning("Slack is unreachable (%s); going on, calls will be retried", type(error).__name__)
                return

    async def stop(self) -> None:
        """Stop within ``STOP_WITHIN`` seconds, losing nothing: the door closes (new Slack requests get 503 and are
        delivered again, to another replica; ``/healthz`` says ``stopping``), the ticker and the sender take nothing
        new, the requests inside finish and commit, the Slack calls in flight finish and are recorded, and every
        message not started is given back for another replica to send at once. Then everything closes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STOP_WITHIN - CLOSING_SECONDS
        self._door.close()
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
        if self.ticker is not None:
            self.ticker.shutdown()
        if self.services is not None:
            self.services.outbox.stop()
        if not await self._door.emptied(deadline - loop.time()):
            log.warning("requests still unanswered at the stop deadline; Slack delivers them again")
        if self.ticker is not None:
            # A tick in flight commits what it claimed (its messages go out from another replica, or after a restart).
            try:
                await asyncio.wait_for(self.ticker.wait_idle(), timeout=max(0.0, deadline - loop.time()))
            except TimeoutError:
                log.warning("a scheduler tick was still running at the stop deadline; stopping without it")
        if self._sender_task is not None and not self._sender_task.done():
            try:
                await asyncio.wait_for(self._sender_task, timeout=max(0.1, deadline - loop.time()))
            except TimeoutError:
                # Cancelled (by wait_for): its heartbeat just ends, so another replica takes its unrecorded calls
                # over after CROSSDESK_DEAD_SENDER_SECONDS — late enough that a call still on its way has landed,
                # and found by the look in Slack, not posted twice.
                log.warning("Slack calls still unanswered at the stop deadline; another replica takes them over")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._http is not None:
            await self._http.close()
        if self._db is not None:
            await self._db.dispose()

    async def serve_forever(self) -> None:
        """Run until SIGINT or SIGTERM (``docker stop``, a rolling restart), then stop within ``STOP_WITHIN``
        seconds (:meth:`stop`). ``SIGHUP`` re-reads the workspace file (``config_source: file``)."""
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopping.set)
        reloads: set[asyncio.Task[bool]] = set()

        def reload() -> None:
            if self.config_watch is not None:
                self.config_watch.reload()
            if self.reloader is not None:
                task = asyncio.create_task(self.reloader.reload(), name="crossdesk-reload")
                reloads.add(task)
                task.add_done_callback(reloads.discard)
                task.add_done_callback(_log_reload_failure)

        loop.add_signal_handler(signal.SIGHUP, reload)
        try:
            await self.start()
            heap.settle_after_startup()
            await stopping.wait()
            log.info("stopping")
        finally:
            await self.stop()
