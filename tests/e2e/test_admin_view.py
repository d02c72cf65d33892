"""App Home's Admin view (``config_source: database``): admins edit departments, intake channels and SLA policies
and leads their own department's owners and keywords, through the forms; every change validated as check-config
validates a file, recorded with who and when and listed before → after; refused with who may, or read-only with
the reason under ``config_source: file``."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.runtime import cli
from bot.surfaces.ids import ActionId
from config.loader import load_workspace, parse_workspace
from config.schema import WorkspaceConfig
from tests.support.admin import (
    admin_view,
    database_workspace,
    dms_to,
    example_with,
    open_department,
    owner_of_next,
    records,
    submit,
    view_text,
)
from tests.support.harness import running_bot

SUPPORT = "Customer Support 客户支持"


async def test_an_admin_changes_owners_the_next_ticket_follows_and_the_audit_says_before_and_after(
    database_url: str,
) -> None:
    async with running_bot(database_url, database_workspace()) as bot:
        await bot.services.tickets.publish_home("U0ADMIN")
        await bot.drain()
        assert ActionId.ADMIN_OPEN.value in view_text(bot.fake.home_view("U0ADMIN") or {})
        form = await open_department(bot, "U0ADMIN", "SUP")
        assert {b["block_id"] for b in form["blocks"] if b["type"] == "input"} == {
            "name",
            "channel",
            "lead",
            "lead_group",
            "owners",
            "owner_groups",
            "keywords",
        }
        assert await submit(bot, form, "U0ADMIN", {"owners": ["U0BOB"]}) == {}
        assert bot.services.workspace.department("SUP").owners == ["U0BOB"]
        assert await owner_of_next(bot, "Customer wants a refund", "SUP-1") == "U0BOB"
        [*_, newest] = await records(bot)
        assert (newest.source, newest.actor_id) == ("database", "U0ADMIN")
        view = view_text(await admin_view(bot, "U0ADMIN"))
        assert f"{SUPPORT} · Owners: <@U0ALICE>, <@U0BOB> → <@U0BOB>" in view
        changes = view[view.index("*Changes*") :]
        assert changes.index("<@U0ADMIN> ·") < changes.index("Crossdesk · ")  # newest first
        assert "Crossdesk · " in view and "from the file" in view  # the seed: the file, recorded by the bot


async def test_a_lead_changes_their_own_owners_and_keywords_and_nothing_else(database_url: str) -> None:
    async with running_bot(database_url, database_workspace()) as bot:
        view = view_text(await admin_view(bot, "U0LEADSUP"))
        assert "`SUP`" in view and "`ENG`" not in view and ActionId.ADMIN_EDIT_SLA.value not in view
        form = await open_department(bot, "U0LEADSUP", "SUP")
        assert {b["block_id"] for b in form["blocks"] if b["type"] == "input"} == {"owners", "owner_groups", "keywords"}
        answers = {"owners": ["U0BOB", "U0ALICE"], "keywords": "refund, 退款, chargeback"}
        assert await submit(bot, form, "U0LEADSUP", answers) == {}
        support = bot.services.workspace.department("SUP")
        assert (support.owners, support.keywords) == (["U0BOB", "U0ALICE"], ["refund", "退款", "chargeback"])
        assert (support.name, support.lead, support.channel) == (SUPPORT, "U0LEADSUP", "C0SUPPORT")
        assert (await records(bot))[-1].actor_id == "U0LEADSUP"


async def test_a_lead_cannot_edit_another_department_and_is_told_who_may(database_url: str) -> None:
    async with running_bot(database_url, database_workspace()) as bot:
        before = len(await records(bot))
        response = await bot.click_on_home(ActionId.ADMIN_EDIT_DEPARTMENT, "ENG", "U0LEADSUP")
        assert response.status_code == 200
        await bot.drain()
        [refusal] = dms_to(bot, "U0LEADSUP")
        assert "<@U0ADMIN>" in refusal and "<@U0LEADENG>" in refusal and "Engineering" in refusal
        # A form of their own department sent back as another's (a forged private_metadata) is refused too.
        form = await open_department(bot, "U0LEADSUP", "SUP")
        forged = {**form, "private_metadata": '{"key": "ENG", "new": false}'}
        answer = await submit(bot, forged, "U0LEADSUP", {"owners": ["U0BOB"]})
        assert answer["response_action"] == "update" and "<@U0LEADENG>" in view_text(answer["view"])
        assert bot.services.workspace.department("ENG").owners == ["U0CAROL", "U0DAN"]
        assert len(await records(bot)) == before


async def test_an_invalid_edit_names_each_problem_on_its_field_and_changes_nothing(database_url: str) -> None:
    async with running_bot(database_url, database_workspace()) as bot:
        before = await records(bot)
        form = await open_department(bot, "U0ADMIN", "SUP")
        answer = await submit(bot, form, "U0ADMIN", {"lead": "alice", "channel": "general", "owners": []})
        assert answer["response_action"] == "errors"
        assert set(answer["errors"]) == {"lead", "channel", "owners"}
        assert "U" in answer["errors"]["lead"] and "C" in answer["errors"]["channel"]
        assert bot.services.workspace.department("SUP").owners == ["U0ALICE", "U0BOB"]
        assert [r.digest for r in await records(bot)] == [r.digest for r in before]


async def test_admins_add_a_department_and_change_intake_channels_and_sla(database_url: str) -> None:
    async with running_bot(database_url, database_workspace()) as bot:
        await bot.click_on_home(ActionId.ADMIN_ADD_DEPARTMENT, "admin", "U0ADMIN")
        form = bot.opened_view()
        taken = await submit(bot, form, "U0ADMIN", {"key": "SUP", "name": "Again", "owners": ["U0ERIN"]})
        assert taken["response_action"] == "errors" and "SUP" in taken["errors"]["key"]
        answers = {"key": "BIL", "name": "Billing 账务", "owners": ["U0ERIN"], "keywords": "billing, 账单"}
        assert await submit(bot, form, "U0ADMIN", answers) == {}
        assert await owner_of_next(bot, "A billing question", "BIL-1") == "U0ERIN"

        await bot.click_on_home(ActionId.ADMIN_EDIT_SLA, "admin", "U0ADMIN")
        sla_form = bot.opened_view()
        wrong = await submit(bot, sla_form, "U0ADMIN", {"sla.urgent.acknowledge": "soon"})
        assert wrong["response_action"] == "errors" and set(wrong["errors"]) == {"sla.urgent.acknowledge"}
        assert await submit(bot, sla_form, "U0ADMIN", {"sla.urgent.acknowledge": "30m"}) == {}
        assert bot.services.workspace.sla.urgent.acknowledge.total_seconds() == 1800

        await bot.click_on_home(ActionId.ADMIN_EDIT_INTAKE, "admin", "U0ADMIN")
        assert await submit(bot, bot.opened_view(), "U0ADMIN", {"intake_channels": ["C0INTAKE", "C0SALES"]}) == {}
        assert bot.services.workspace.intake_channels == ["C0INTAKE", "C0SALES"]
        view = view_text(await admin_view(bot, "U0ADMIN"))
        assert "Billing 账务 (`BIL`) added" in view
        assert "SLA Urgent · acknowledge: 15m → 30m" in view
        assert "Intake channels: <#C0INTAKE> → <#C0INTAKE>, <#C0SALES>" in view


async def test_with_the_file_as_source_the_admin_view_is_read_only_and_edits_are_refused(
    database_url: str, workspace: WorkspaceConfig
) -> None:
    async with running_bot(database_url, workspace) as bot:
        view = view_text(await admin_view(bot, "U0ADMIN"))
        assert "configured from its file (config_source: file)" in view
        assert ActionId.ADMIN_EDIT_DEPARTMENT.value not in view and "`SUP`" in view and "<#C0INTAKE>" in view
        await bot.click_on_home(ActionId.ADMIN_EDIT_DEPARTMENT, "SUP", "U0ADMIN")
        await bot.drain()
        assert any("send SIGHUP or wait a minute" in text for text in dms_to(bot, "U0ADMIN"))
        before = len(await records(bot))
        forged = {
            "type": "modal",
            "id": "VFORGED",
            "callback_id": "crossdesk.view.admin.department",
            "private_metadata": '{"key": "SUP", "new": false}',
            "blocks": [],
        }
        answer = await submit(bot, forged, "U0ADMIN", {})
        assert answer["response_action"] == "update" and "config_source: file" in view_text(answer["view"])
        assert len(await records(bot)) == before


async def test_the_admin_view_and_its_refusals_in_chinese(database_url: str) -> None:
    async with running_bot(database_url, database_workspace("zh")) as bot:
        view = view_text(await admin_view(bot, "U0ADMIN"))
        assert "变更记录" in view and "部门" in view and "首次记录的配置" in view
        form = await open_department(bot, "U0ADMIN", "SUP")
        assert await submit(bot, form, "U0ADMIN", {"owners": ["U0BOB"]}) == {}
        assert f"{SUPPORT} · 处理人：<@U0ALICE>, <@U0BOB> → <@U0BOB>" in view_text(await admin_view(bot, "U0ADMIN"))
        await bot.click_on_home(ActionId.ADMIN_EDIT_SLA, "admin", "U0LEADSUP")
        await bot.drain()
        assert any("只有工作区管理员（<@U0ADMIN>）" in text for text in dms_to(bot, "U0LEADSUP"))


async def test_a_restart_runs_the_recorded_configuration_not_a_changed_file(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(database_url, database_workspace()) as bot:
        form = await open_department(bot, "U0ADMIN", "SUP")
        assert await submit(bot, form, "U0ADMIN", {"owners": ["U0BOB"]}) == {}
    changed = parse_workspace(example_with(replace=("owners: [U0ALICE, U0BOB]", "owners: [U0ALICE]")))
    caplog.set_level(logging.INFO, logger="bot.runtime.config_watch")
    async with running_bot(database_url, changed) as bot:
        assert bot.services.workspace.department("SUP").owners == ["U0BOB"]
        assert "running the configuration recorded in the database" in caplog.text
        assert await owner_of_next(bot, "Customer wants a refund", "SUP-1") == "U0BOB"


async def test_export_config_after_a_slack_edit_passes_check_config(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_bot(database_url, database_workspace()) as bot:
        form = await open_department(bot, "U0ADMIN", "SUP")
        assert await submit(bot, form, "U0ADMIN", {"owners": ["U0BOB"], "keywords": "refund, 退款"}) == {}
        running = bot.services.workspace
    monkeypatch.setenv("DATABASE_URL", database_url)
    exported = tmp_path / "exported.yaml"
    assert await asyncio.to_thread(cli.main, ["export-config", "--output", str(exported)]) == 0
    assert cli.main(["check-config", str(exported)]) == 0
    again = load_workspace(exported)
    assert again.model_dump() == running.model_dump()
    assert (again.config_source, again.department("SUP").owners) == ("database", ["U0BOB"])
