"""Starting the bot: tokens Slack rejects stop it at once; a Slack that is briefly unreachable does not."""

from __future__ import annotations

import httpx
import pytest

from bot.runtime.app import Crossdesk, StartupError
from bot.runtime.clock import ManualClock
from bot.sandbox.slack_api import SlackApiServer, SlackWorkspace
from config.schema import WorkspaceConfig
from config.settings import Settings
from tests.support.harness import BOT_TOKEN, START


def settings(database_url: str, api_url: str, **extra: str) -> Settings:
    values = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": "0",
        **extra,
    }
    if "SLACK_APP_TOKEN" not in extra:
        values.setdefault("SLACK_SIGNING_SECRET", "secret")
    return Settings.model_validate(values)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-revoked"}, "SLACK_BOT_TOKEN was rejected by Slack (invalid_auth)"),
        ({"SLACK_APP_TOKEN": "xapp-wrong"}, "SLACK_APP_TOKEN was rejected by Slack (invalid_auth)"),
    ],
)
async def test_rejected_tokens_stop_the_start(
    database_url: str, workspace: WorkspaceConfig, extra: dict[str, str], message: str
) -> None:
    async with SlackApiServer(SlackWorkspace(bot_token=BOT_TOKEN)) as slack:
        bot = Crossdesk(settings(database_url, slack.url, **extra), workspace, clock=ManualClock(START))
        with pytest.raises(StartupError, match=message.replace("(", r"\(").replace(")", r"\)")):
            await bot.start()
        await bot.stop()


async def test_unreachable_slack_at_start_is_not_fatal(database_url: str, workspace: WorkspaceConfig) -> None:
    bot = Crossdesk(settings(database_url, "http://127.0.0.1:9/api/"), workspace, clock=ManualClock(START))
    await bot.start()
    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{bot.port}/healthz")
        assert response.status_code == 200
    finally:
        await bot.stop()
