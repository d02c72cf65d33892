"""``config_source: database`` as operators see it: SIGHUP does not read the file (the log says why), and a newest
record that does not validate is not swapped in — the running configuration stays."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

import pytest

from bot.runtime.reload import digest_of
from bot.sandbox.fake_slack.server import SlackApiServer
from bot.sandbox.polling import eventually
from storage import workspace_configs
from tests.e2e.test_live_config import fake_slack, start_process  # noqa: F401  (the fixture)
from tests.e2e.test_secrets_and_logs import wait_healthy
from tests.support.admin import database_workspace, example_with
from tests.support.harness import running_bot


async def test_sighup_with_the_database_as_source_leaves_the_file_unread(
    fake_slack: SlackApiServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = tmp_path / "crossdesk.yaml"
    path.write_text(example_with(), encoding="utf-8")
    process, log_file, base = await start_process(fake_slack, tmp_path, path)
    try:
        await wait_healthy(base, process)
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
