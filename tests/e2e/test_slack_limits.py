"""A big workspace on day one: whatever it has (120 departments, a stand-up of 60, a ticket with 500 comments), what
the bot sends stays within Slack's limits, and what does not fit is counted or continued, never dropped silently."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bot.ids import ActionId, BlockId, CallbackId
from bot.sandbox import slack_requests
from bot.sandbox.slack_requests import options_of
from config.schema import Department, Standup, WorkspaceConfig
from storage import tickets as ticket_rows
from tests.support.harness import START, Harness, running_bot
from tests.support.slack_limits import assert_message_fits, assert_view_fits

ROOT = Path(__file__).resolve().parents[2]
FORM = "application/x-www-form-urlencoded"
MONDAY_0900 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, before the 09:30 stand-up


def big_workspace(workspace: WorkspaceConfig, departments: int = 120, standup_members: int = 0) -> WorkspaceConfig:
    """The example workspace grown to ``departments`` departments (names in no particular order) and, when asked,
    a Support stand-up of ``standup_members`` people."""
    extra = [
        Department(
            key=f"D{number:03d}",
            name=f"{('Zeta', 'Alpha', 'Mu', 'Kappa')[number % 4]} team {number:03d}",
            channel=f"C0D{number:03d}",
            lead=f"U0LEAD{number:03d}",
            owners=[f"U0OWN{number:03d}"],
        )
        for number in range(departments - len(workspace.departments))
    ]
    update: dict[str, Any] = {"departments": [*workspace.departments, *extra]}
    if standup_members:
        support = workspace.departments[0]
        members = [f"U0M{number:03d}" for number in range(standup_members - 1)]
        update["departments"][0] = support.model_copy(update={"owners": members, "lead": "U0LEADSUP"})
        update["standups"] = [Standup(department=support.key, at="09:30", post_at="10:30")]
    return WorkspaceConfig.model_validate({**workspace.model_dump(), **update})


def sent_messages(bot: Harness) -> list[dict[str, Any]]:
    """Every message the bot posted or updated, as it sent it."""
    methods = ("chat.postMessage", "chat.update", "chat.postEphemeral")
    return [call.args for call in bot.fake.calls if call.method in methods]


def with_blocks(call_args: dict[str, Any]) -> dict[str, Any]:
    blocks = call_args.get("blocks")
    return {**call_args, "blocks": json.loads(blocks) if isinstance(blocks, str) else blocks or []}


# ------------------------------------------------------------------------------------------- /ticket show


async def comment(bot: Harness, thread_ts: str, text: str) -> httpx.Response:
    reply = bot.fake.post_user_message("C0INTAKE", "U0ALICE", text, thread_ts=thread_ts)
    return await bot.event(
        slack_requests.message_event(channel="C0INTAKE", user="U0ALICE", text=text, ts=reply.ts, thread_ts=thread_ts)
    )


async def test_show_of_a_ticket_with_500_comments_lists_the_newest_and_counts_the_rest(
    database_url: str, workspace: WorkspaceConfig
) -> None:
    async with running_bot(database_url, workspace) as bot:
        ts, _ = await bot.intake_message("refund please for order 7")
        await bot.drain()
        essay = "The customer wrote again. " * 1_600  # 41,600 characters, cut by Slack's own limit below
        comments = [f"comment {n}" for n in range(1, 500)] + [essay[:40_000]]
        # The first 480 are written as the comment listener writes them, in one go (480 signed requests take
        # half a minute on a busy test machine); the newest 20 arrive through Slack's door, one after another.
        ticket = await bot.ticket("SUP-1")
        assert ticket.id is not None
        older = [
            ticket_rows.event_row(ticket.id, actor_id="U0ALICE", action="commented", at=START, note=text)
            for text in comments[:480]
        ]
        async with bot.services.db.transaction() as session:
            await ticket_rows.insert_events(session, older)
        for text in comments[480:]:
            assert (await comment(bot, ts, text)).status_code == 200

        response = await bot.command("show SUP-1", "U0ERIN")
        assert response.status_code == 200
        body = response.json()
        shown = body["text"]
        assert_message_fits(body)
        assert len(shown) <= 8_000  # well under Slack's 40,000: an answer to one person stays readable
        lines = shown.splitlines()
        history = lines.index("History:")
        # 501 entries (opened + 500 comments): the newest 20, then a count of the 481 before them.
        assert lines[history + 1].startswith("…and 481 earlier entries")
        assert "crossdesk export --history SUP-1" in lines[history + 1]
        entries = lines[history + 2 :]
        assert len(entries) == 20
        assert entries[0].endswith("commented: comment 481") and entries[-2].endswith("commented: comment 499")
        assert entries[-1].endswith("…") and len(entries[-1]) < 500  # the 40,000-character comment, cut

        # The whole history, the long comment in full, comes with ``crossdesk export --history``.
        export = await asyncio.create_subprocess_exec(
            sys.executable,
            *("-m", "bot.cli", "export", "--history", "sup-1", "--format", "json"),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "DATABASE_URL": database_url},
            cwd=ROOT,
        )
        stdout, stderr = await asyncio.wait_for(export.communicate(), 120)
        assert export.returncode == 0, stderr.decode()
        rows = json.loads(stdout)
        assert len(rows) == 501 and rows[0]["action"] == "created"
        assert rows[-1]["note"] == essay[:40_000] and rows[-1]["key"] == "SUP-1"


# ------------------------------------------------------------------------------------------- the department picker


def picker(view: dict[str, Any]) -> dict[str, Any]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == BlockId.FORM_DEPARTMENT]
    element: dict[str, Any] = block["element"]
    return element


async def test_the_department_picker_of_120_departments_offers_every_one(
    database_url: str, workspace: WorkspaceConfig
) -> None:
    config = big_workspace(workspace)
    async with running_bot(database_url, config) as bot:
        assert (await bot.command("", "U0ERIN")).status_code == 200
        form = bot.opened_view()
        assert_view_fits(form)
        menu = picker(form)
        assert "options" not in menu and len(menu["option_groups"]) == 2  # Slack's 100 per menu would leave out 20
        offered = [option["value"] for option in options_of(menu)]
        assert sorted(offered) == sorted(d.key for d in config.departments)
        assert menu["initial_option"]["value"] == "SUP"  # the routed (triage) department, preselected
        first, second = menu["option_groups"]
        assert first["label"]["text"] == "Alpha team 001 – Kappa team 115"
        assert second["label"]["text"].endswith("– Zeta team 116")

        # Choosing a department in the second group redraws the form with it chosen and who would get it.
        chosen = second["options"][-1]["value"]
        body = slack_requests.view_block_actions_body(
            view=form, action_id=ActionId.FORM_DEPARTMENT, block_id=BlockId.FORM_DEPARTMENT, value=chosen, user="U0ERIN"
        )
        assert (await bot.post(body, FORM)).status_code == 200
        redrawn = bot.opened_view()
        assert_view_fits(redrawn)
        assert picker(redrawn)["initial_option"]["value"] == chosen == "D116"
        assert "<@U0OWN116>" in json.dumps(redrawn["blocks"])
        submitted = await bot.submit(redrawn, "U0ERIN", {BlockId.FORM_TITLE: "Laptop for the new hire"})
        assert submitted.status_code == 200
        [ticket] = await bot.tickets()
        assert (ticket.key, ticket.owner_id) == ("D116-1", "U0OWN116")
        await bot.drain()

        # The hand-off form offers every department too, the ticket's own preselected.
        assert (await bot.click(ActionId.REASSIGN, "D116-1", "U0OWN116")).status_code == 200
        handoff = bot.opened_view()
        assert handoff["callback_id"] == CallbackId.REASSIGN
        assert_view_fits(handoff)
        assert len(options_of(picker(handoff))) == 120 and picker(handoff)["initial_option"]["value"] == "D116"
