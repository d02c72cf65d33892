"""A changed workspace file is applied without a restart (the ticker notices it; SIGHUP forces a look); an invalid
one is refused with check-config's messages, DMed to the admins once, and the running configuration stays."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.runtime import cli
from bot.sandbox import slack_requests
from bot.sandbox.fake_slack.server import SlackApiServer
from bot.sandbox.fake_slack.workspace import SlackWorkspace
from bot.sandbox.polling import eventually
from bot.sandbox.scene import populate
from bot.sandbox.slack_requests import SIGNING_SECRET
from config.export import to_yaml
from config.loader import EXAMPLE_PATH, load_workspace, parse_workspace
from config.schema import WorkspaceConfig
from tests.e2e.test_secrets_and_logs import free_port, wait_healthy
from tests.support.harness import BOT_TOKEN, EXTRA_PEOPLE, Harness, running_bot

ORIGINAL = EXAMPLE_PATH.read_text(encoding="utf-8")
# Support's owners become Bob alone: the next refund goes to him, not to Alice (first in the rotation).
BOB_ONLY = ORIGINAL.replace("owners: [U0ALICE, U0BOB]", "owners: [U0BOB]")
BROKEN = ORIGINAL.replace("owners: [U0ALICE, U0BOB]", "owners: [alice]")


def refused_dms(bot: Harness) -> list[str]:
    return [
        str(call.args.get("text"))
        for call in bot.fake.calls_to("chat.postMessage")
        if call.args.get("channel") == "U0ADMIN" and "was refused" in str(call.args.get("text"))
    ]


async def owner_of_next_refund(bot: Harness, key: str) -> str:
    await bot.intake_message(f"Customer wants a refund ({key})")
    await bot.drain()
    return (await bot.ticket(key)).owner_id


def written(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


async def test_a_changed_file_routes_the_next_ticket_on_the_next_tick(
    database_url: str, workspace: WorkspaceConfig, tmp_path: Path
) -> None:
    assert "owners: [U0ALICE, U0BOB]" in ORIGINAL  # the replacements above change something
    path = tmp_path / "crossdesk.yaml"
    written(path, ORIGINAL)
    async with running_bot(database_url, workspace, env={"CROSSDESK_CONFIG": str(path)}) as bot:
        assert await owner_of_next_refund(bot, "SUP-1") == "U0ALICE"
        written(path, BOB_ONLY + "\n# edited\n")
        await bot.bot.ticker.tick()
        assert bot.services.workspace.department("SUP").owners == ["U0BOB"]
        assert bot.services.tickets.workspace is bot.services.workspace  # no service keeps the old one
        assert await owner_of_next_refund(bot, "SUP-2") == "U0BOB"
        assert await owner_of_next_refund(bot, "SUP-3") == "U0BOB"


async def test_an_invalid_file_is_refused_and_the_running_configuration_stays(
    database_url: str, workspace: WorkspaceConfig, tmp_path: Path
) -> None:
    path = tmp_path / "crossdesk.yaml"
    written(path, ORIGINAL)
    async with running_bot(database_url, workspace, env={"CROSSDESK_CONFIG": str(path)}) as bot:
        written(path, BROKEN)
        await bot.bot.ticker.tick()
        await bot.drain()
        assert bot.services.workspace.department("SUP").owners == ["U0ALICE", "U0BOB"]
        [dm] = refused_dms(bot)
        # check-config's own message for the same problem, with its line
        assert "departments[SUP].owners[0]" in dm and "must be a Slack member id" in dm
        assert await owner_of_next_refund(bot, "SUP-1") == "U0ALICE"
        # Noticed once: another look at the same file (the ticker, or SIGHUP) tells nobody again.
        await bot.bot.ticker.tick()
        assert bot.bot.reloader is not None and not await bot.bot.reloader.reload()
        await bot.drain()
        assert len(refused_dms(bot)) == 1
        # Fixed and saved again: applied (SIGHUP forces the look even if the file's time did not move).
        written(path, BOB_ONLY)
        assert await bot.bot.reloader.reload()
        assert await owner_of_next_refund(bot, "SUP-2") == "U0BOB"


async def test_a_chinese_workspace_is_told_in_chinese_and_switches_language_on_reload(
    database_url: str, workspace: WorkspaceConfig, tmp_path: Path
) -> None:
    path = tmp_path / "crossdesk.yaml"
    chinese = ORIGINAL.replace("language: en", "language: zh")
    assert chinese != ORIGINAL
    written(path, ORIGINAL)
    async with running_bot(database_url, workspace, env={"CROSSDESK_CONFIG": str(path)}) as bot:
        written(path, chinese)
        await bot.bot.ticker.tick()
        assert bot.services.translator.language == "zh"
        written(path, chinese.replace("owners: [U0ALICE, U0BOB]", "owners: [alice]"))
        await bot.bot.ticker.tick()
        await bot.drain()
        [dm] = [
            str(call.args.get("text"))
            for call in bot.fake.calls_to("chat.postMessage")
            if call.args.get("channel") == "U0ADMIN"
        ]
        assert "未被采用" in dm and "departments[SUP].owners[0]" in dm


async def test_export_config_writes_the_running_configuration_check_config_accepts(
    database_url: str,
    workspace: WorkspaceConfig,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "crossdesk.yaml"
    written(path, ORIGINAL)
    async with running_bot(database_url, workspace, env={"CROSSDESK_CONFIG": str(path)}) as bot:
        written(path, BOB_ONLY)
        await bot.bot.ticker.tick()
        running = bot.services.workspace
    written(path, BROKEN)  # edited since, and wrong: the running configuration is still what is exported
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CROSSDESK_CONFIG", str(path))
    exported = tmp_path / "exported.yaml"
    # The command runs its own event loop, as it does from a shell: in a thread of its own here.
    assert await asyncio.to_thread(cli.main, ["export-config", "--output", str(exported)]) == 0
    assert cli.main(["check-config", str(exported)]) == 0
    assert "OK" in capsys.readouterr().out
    assert load_workspace(exported).model_dump() == running.model_dump()
    assert running.department("SUP").owners == ["U0BOB"]


def test_every_key_survives_load_export_load() -> None:
    workspace = load_workspace(EXAMPLE_PATH)
    text = to_yaml(workspace)
    assert parse_workspace(text).model_dump() == workspace.model_dump()
    assert "resolve: 4h" not in text  # defaults are left out, as a person writing the file would
    assert "95%" in text and "2026-10-01" in text


@pytest.fixture
async def fake_slack(workspace: WorkspaceConfig) -> AsyncIterator[SlackApiServer]:
    server = SlackApiServer(SlackWorkspace(bot_token=BOT_TOKEN))
    populate(server.workspace, workspace, extra_people=EXTRA_PEOPLE)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def start_process(
    fake_slack: SlackApiServer, tmp_path: Path, path: Path
) -> tuple[asyncio.subprocess.Process, Path, str]:
    """``crossdesk run`` in its own process (SQLite in ``tmp_path``, the ticker an hour away) on the workspace file
    at ``path``: (the process, its log, its base URL); the caller waits for it to be healthy and stops it."""
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'crossdesk.db'}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "CROSSDESK_CONFIG": str(path),
        "CROSSDESK_TICK_SECONDS": "3600",
    }
    env.pop("SLACK_APP_TOKEN", None)
    command = [sys.executable, "-c", "import sys; from bot.runtime.cli import main; sys.exit(main(['run']))"]
    log_file = tmp_path / "crossdesk.log"
    with log_file.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(*command, env=env, cwd=tmp_path, stdout=sink, stderr=sink)
    return process, log_file, f"http://127.0.0.1:{port}"


async def test_sighup_to_a_running_process_applies_the_changed_file(
    fake_slack: SlackApiServer, workspace: WorkspaceConfig, tmp_path: Path
) -> None:
    """The real door: ``crossdesk run`` in its own process, the file edited, ``kill -HUP``; the next ticket goes to
    the new owner (with the ticker an hour away, only the signal can have applied it)."""
    path = tmp_path / "crossdesk.yaml"
    written(path, ORIGINAL)
    process, log_file, base = await start_process(fake_slack, tmp_path, path)
    try:
        await wait_healthy(base, process)
        written(path, BOB_ONLY)
        process.send_signal(signal.SIGHUP)

        async def applied() -> bool:
            return "applied the changed workspace file" in log_file.read_text(encoding="utf-8")

        await eventually(applied, timeout=15, interval=0.05, failure="SIGHUP did not apply the file")
        message = fake_slack.workspace.post_user_message("C0INTAKE", "U0ERIN", "refund please")
        event = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text=message.text, ts=message.ts)
        body = json.dumps(event)
        async with httpx.AsyncClient(base_url=base) as client:
            headers = {"Content-Type": "application/json", **slack_requests.sign(body)}
            assert (await client.post("/slack/events", content=body, headers=headers)).status_code == 200
        await fake_slack.workspace.wait_for_calls("chat.postMessage", count=2, timeout=15)
        posted = json.dumps([call.args for call in fake_slack.workspace.calls_to("chat.postMessage")])
        assert "U0BOB" in posted and "U0ALICE" not in posted
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=30)
    assert process.returncode == 0, log_file.read_text(encoding="utf-8")[-2000:]
