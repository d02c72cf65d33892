"""A running bot (real Bolt app over real HTTP) wired to the fake Slack Web API, for end-to-end tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlmodel import col, func, select

from bot.outbox.sender import OutboxSender, SenderSettings
from bot.runtime.app import Crossdesk
from bot.runtime.clock import ManualClock
from bot.sandbox import slack_requests
from bot.sandbox.fake_slack.server import SlackApiServer
from bot.sandbox.fake_slack.workspace import SlackWorkspace
from bot.sandbox.polling import eventually
from bot.sandbox.scene import populate
from bot.sandbox.slack_requests import SIGNING_SECRET
from config.schema import WorkspaceConfig
from config.settings import Settings
from storage.models import OutboxMessage, Ticket

BOT_TOKEN = "xoxb-test-token"
# Monday 30 Nov 2026, 10:00 in Shanghai: inside working hours, so SLA clocks run from the start.
START = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


# Who the tests need besides the people the workspace file names: a requester, and someone in no department.
EXTRA_PEOPLE = ("U0ERIN", "U0STRANGER")


# What the fake Slack refuses only when the bot built something wrong: every e2e test fails on one, whatever it was
# looking at. Not a channel the bot was not invited to (it copes), nor a spent or bad trigger_id (that is the
# request's, and a redelivered or hostile request may carry one).
BOT_MISTAKES = frozenset({"invalid_blocks", "invalid_blocks_format", "invalid_arguments", "msg_too_long"})


def assert_no_mistakes(workspace: SlackWorkspace) -> None:
    """Fail the test if the bot sent anything the fake Slack refused as Slack would (the record says what)."""
    mistakes = [call for call in workspace.rejected_calls() if call.error in BOT_MISTAKES]
    details = [f"{c.method}: {c.error} {c.response.get('response_metadata', '')}" for c in mistakes]
    assert not mistakes, "the fake Slack refused what the bot sent:\n" + "\n".join(details)


class Harness:
    def __init__(self, slack: SlackApiServer, bot: Crossdesk, http: httpx.AsyncClient, clock: ManualClock) -> None:
        self.slack = slack
        self.fake: SlackWorkspace = slack.workspace
        self.bot = bot
        self.http = http
        self.clock = clock

    @property
    def services(self) -> Any:
        assert self.bot.services is not None
        return self.bot.services

    @property
    def sender(self) -> OutboxSender:
        """The running bot's outbox, which sends (its passes and its bookkeeping, for tests that look inside)."""
        outbox = self.services.outbox
        assert isinstance(outbox, OutboxSender)
        return outbox

    # -- sending requests the way Slack does --------------------------------------------------------------

    async def post(
        self,
        body: str | bytes,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        signed: bool = True,
        timestamp: int | None = None,
    ) -> httpx.Response:
        raw = body if isinstance(body, bytes) else body.encode()
        signature = slack_requests.sign(raw, timestamp=timestamp) if signed else {}
        all_headers = {"Content-Type": content_type, **signature, **(headers or {})}
        return await self.http.post("/slack/events", content=raw, headers=all_headers)

    async def event(self, payload: dict[str, Any], *, retry_num: int | None = None) -> httpx.Response:
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num else {}
        return await self.post(json.dumps(payload), "application/json", headers=headers)

    def trigger(self, user: str) -> str:
        """A trigger id from the fake Slack, as Slack puts one in each interaction: usable once, for 3 seconds."""
        return self.fake.new_trigger_id(user)

    async def command(
        self, text: str, user: str, channel: str = "C0INTAKE", *, command: str = "/ticket"
    ) -> httpx.Response:
        body = slack_requests.slash_command_body(
            text=text, user=user, channel=channel, command=command, trigger_id=self.trigger(user)
        )
        return await self.post(body, "application/x-www-form-urlencoded")

    async def click(self, action_id: str, key: str, user: str) -> httpx.Response:
        ticket = await self.ticket(key)
        assert ticket.card_channel and ticket.card_ts, f"{key} has no card yet"
        body = slack_requests.block_actions_body(
            action_id=action_id,
            value=key,
            user=user,
            channel=ticket.card_channel,
            message_ts=ticket.card_ts,
            trigger_id=self.trigger(user),
        )
        return await self.post(body, "application/x-www-form-urlencoded")

    async def click_in_dm(self, action_id: str, key: str, user: str) -> httpx.Response:
        """Click a button on the newest bot DM to ``user`` that carries ``action_id`` for ``key``."""
        channel = self.fake.dm_channel_for(user)
        for message in reversed(self.fake.messages_in(channel)):
            if message.blocks and action_id in json.dumps(message.blocks) and key in json.dumps(message.blocks):
                body = slack_requests.block_actions_body(
                    action_id=action_id,
                    value=key,
                    user=user,
                    channel=channel,
                    message_ts=message.ts,
                    blocks=message.blocks,
                    trigger_id=self.trigger(user),
                )
                return await self.post(body, "application/x-www-form-urlencoded")
        raise AssertionError(f"no DM to {user} with {action_id} for {key}")

    async def click_on_home(self, action_id: str, key: str, user: str) -> httpx.Response:
        body = slack_requests.home_block_actions_body(
            action_id=action_id, value=key, user=user, trigger_id=self.trigger(user)
        )
        return await self.post(body, "application/x-www-form-urlencoded")

    def opened_view(self) -> dict[str, Any]:
        """The form the bot opened last, as the fake Slack holds it now (after any ``views.update``)."""
        calls = [c for c in self.fake.calls_to("views.open") if c.ok]
        assert calls, "the bot opened no form"
        view_id = calls[-1].response["view"]["id"]
        view: dict[str, Any] = self.fake.views[view_id]
        return view

    async def submit(self, view: dict[str, Any], user: str, answers: dict[str, Any]) -> httpx.Response:
        body = slack_requests.view_submission_body(view=view, user=user, answers=answers, trigger_id=self.trigger(user))
        return await self.post(body, "application/x-www-form-urlencoded")

    async def type_into(self, view: dict[str, Any], block_id: str, typed: str, user: str) -> list[dict[str, Any]]:
        """Type ``typed`` into the ``external_select`` of ``view``: the options the bot answers Slack's
        ``block_suggestion`` with."""
        body = slack_requests.block_suggestion_body(view=view, block_id=block_id, value=typed, user=user)
        response = await self.post(body, "application/x-www-form-urlencoded")
        assert response.status_code == 200, response.text
        options: list[dict[str, Any]] = response.json()["options"]
        return options

    async def intake_message(
        self, text: str, user: str = "U0ERIN", channel: str = "C0INTAKE"
    ) -> tuple[str, httpx.Response]:
        """Post ``text`` in the fake workspace and deliver its ``message`` event; returns (ts, response)."""
        message = self.fake.post_user_message(channel, user, text)
        response = await self.event(slack_requests.message_event(channel=channel, user=user, text=text, ts=message.ts))
        return message.ts, response

    # -- looking at the results ---------------------------------------------------------------------------

    async def ticket(self, key: str) -> Ticket:
        async with self.services.db.read() as session:
            ticket = (await session.exec(select(Ticket).where(col(Ticket.key) == key))).first()
        assert ticket is not None, f"no ticket {key}"
        return ticket

    async def tickets(self) -> list[Ticket]:
        async with self.services.db.read() as session:
            return list((await session.exec(select(Ticket).order_by(col(Ticket.id)))).all())

    async def outbox_rows(self) -> int:
        async with self.services.db.read() as session:
            return int((await session.exec(select(func.count()).select_from(OutboxMessage))).one())

    async def unsent(self) -> int:
        async with self.services.db.read() as session:
            statement = select(func.count()).where(col(OutboxMessage.status).in_(["pending", "sending"]))
            return int((await session.exec(statement)).one())

    async def settle(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until no outbox row is mid-send, so its outcome (sent, retry, failed) is in the database."""

        async def nothing_sending() -> bool:
            async with self.services.db.read() as session:
                statement = select(func.count()).where(col(OutboxMessage.status) == "sending")
                return not int((await session.exec(statement)).one())

        await eventually(
            nothing_sending, timeout=timeout, interval=0.01, failure=f"outbox rows still being sent after {timeout}s"
        )

    async def drain(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the outbox sender has delivered everything that is due (it runs in the background)."""
        left = 0

        async def delivered() -> bool:
            nonlocal left
            left = await self.unsent()
            if left:
                self.services.outbox.wake()
            return not left

        await eventually(
            delivered,
            timeout=timeout,
            interval=0.01,
            failure=lambda: f"outbox not drained after {timeout}s: {left} unsent",
        )


@asynccontextmanager
async def running_bot(
    database_url: str,
    config: WorkspaceConfig,
    *,
    slack: SlackApiServer | None = None,
    clock: ManualClock | None = None,
    sender: SenderSettings | None = None,
    env: dict[str, str] | None = None,
) -> AsyncIterator[Harness]:
    """Start the fake Slack (unless given) and a bot on a free port; stop both afterwards. ``env``: more
    environment settings (``METRICS_TOKEN``, say).

    A fake Slack started here keeps the bot's clock, so its 3-second trigger ids expire only when a test moves time.
    """
    own_slack = slack is None
    clock = clock or ManualClock(START)
    server = slack or SlackApiServer(SlackWorkspace(bot_token=BOT_TOKEN, clock=clock))
    if own_slack:
        populate(server.workspace, config, extra_people=EXTRA_PEOPLE)
        await server.start()
    settings = Settings.model_validate(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": server.url,
            "DATABASE_URL": database_url,
            "HOST": "127.0.0.1",
            "PORT": 0,
            **(env or {}),
        }
    )
    # The ticker runs only when a test calls ``bot.bot.ticker.tick()``: a tick on its own schedule could
    # otherwise fire between a test's steps after it moved the clock.
    bot = Crossdesk(
        settings, config, clock=clock, sender_settings=sender or SenderSettings(poll_interval=0.05), tick_seconds=3600
    )
    await bot.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{bot.port}", timeout=10) as http:
            yield Harness(server, bot, http, clock)
        assert_no_mistakes(server.workspace)
    finally:
        await bot.stop()
        if own_slack:
            await server.stop()


@asynccontextmanager
async def running_replicas(
    database_url: str,
    config: WorkspaceConfig,
    count: int = 2,
    *,
    clock: ManualClock | None = None,
    sender: SenderSettings | None = None,
    env: dict[str, str] | None = None,
) -> AsyncIterator[list[Harness]]:
    """``count`` bots on one database (PostgreSQL: replicas share nothing else), one fake Slack and one clock, as
    replicas of one deployment; each has its own HTTP port, sender, ticker and heartbeat. ``env``: more environment
    settings, the same for each."""
    clock = clock or ManualClock(START)
    server = SlackApiServer(SlackWorkspace(bot_token=BOT_TOKEN, clock=clock))
    populate(server.workspace, config, extra_people=EXTRA_PEOPLE)
    await server.start()
    try:
        async with AsyncExitStack() as stack:
            yield [
                await stack.enter_async_context(
                    running_bot(database_url, config, slack=server, clock=clock, sender=sender, env=env)
                )
                for _ in range(count)
            ]
    finally:
        await server.stop()
