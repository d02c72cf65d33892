"""``config_source: database`` as operators see it: SIGHUP does not read the file (the log says why), and a newest
record that does not validate is not swapped in — the running configuration stays."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.runtime.reload import digest_of
from bot.sandbox.fake_slack.server import SlackApiServer
from bot.sandbox.polling import eventually
from bot.sandbox.slack_requests import SIGNING_SECRET
from storage import workspace_configs
from tests.e2e.test_live_config import fake_slack  # noqa: F401  (the fixture)
from tests.e2e.test_secrets_and_logs import free_port, wait_healthy
from tests.support.admin import database_workspace, example_with
from tests.support.harness import BOT_TOKEN, running_bot


async def test_sighup_with_the_database_as_source_leaves_the_file_unread(
    fake_slack: SlackApiServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = tmp_path / "crossdesk.yaml"
    path.write_text(example_with(), encoding="utf-8")
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'crossdesk.db'}",
        "HOST": "127.0.0.1",
        "PORT": str(port := free_port()),
        "CROSSDESK_CONFIG": str(path),
        "CROSSDESK_TICK_SECONDS": "3600",
    }
    env.pop("SLACK_APP_TOKEN", None)
    command = [sys.executable, "-c", "import sys; from bot.runtime.cli import main; sys.exit(main(['run']))"]
    log_file = tmp_path / "crossdesk.log"
    with log_file.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(*command, env=env, cwd=tmp_path, stdout=sink, stderr=sink)
    try:
        await wait_healthy(f"http://127.0.0.1:{port}", process)
        path.write_text(example_with(replace=("owners: [U0ALICE, U0BOB]", "owners: [U0BOB]")), encoding="utf-8")
        process.send_signal(signal.SIGHUP)

        async def logged() -> bool:
            return "SIGHUP ignored: config_source is database" in log_file.read_text(encoding="utf-8")

        await eventually(logged, timeout=15, interval=0.05, failure="SIGHUP was not answered in the log")
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=30)
    log = log_file.read_text(encoding="utf-8")
    assert "the workspace file seeds the database" in log
    assert "applied the changed workspace file" not in log
    assert process.returncode == 0, log[-2000:]


async def test_a_newest_record_that_does_not_validate_is_not_swapped_in(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.runtime.config_watch")
    async with running_bot(database_url, database_workspace()) as bot:
        broken = example_with(replace=("owners: [U0ALICE, U0BOB]", "owners: [alice]"))
        async with bot.services.db.transaction() as session:
            await workspace_configs.record_applied(
                session, digest_of(broken), broken, "database", "U0ADMIN", bot.clock.now()
            )
        assert bot.bot.ticker is not None
        await bot.bot.ticker.tick()
        await bot.bot.ticker.tick()
        assert bot.services.workspace.department("SUP").owners == ["U0ALICE", "U0BOB"]
        assert caplog.text.count("the newest recorded configuration is not valid") == 1
