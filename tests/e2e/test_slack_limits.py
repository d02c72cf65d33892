"""A big workspace on day one: whatever it has (120 departments, a stand-up of 60, a ticket with 500 comments), what
the bot sends stays within Slack's limits, and what does not fit is counted or continued, never dropped silently."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bot.runtime.clock import ManualClock
from bot.sandbox import slack_requests
from bot.sandbox.slack_requests import options_of
from bot.surfaces.ids import ActionId, BlockId, CallbackId, Command, OutboxPurpose
from bot.surfaces.standup_views import answer_block_id
from config.schema import Department, Standup, WorkspaceConfig
from storage import audit, outbox
from storage.audit import EventRecord
from storage.outbox import OutboxRow
from tests.e2e.test_standup import shows, standup_command, tick_at
from tests.support.goal_fixture import without_goals
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
            keywords=[f"kw{number:03d}"],
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
            EventRecord(ticket.id, actor_id="U0ALICE", action="commented", at=START, note=text)
            for text in comments[:480]
        ]
        async with bot.services.db.transaction() as session:
            await audit.record(session, older)
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
        assert lines[history + 1].startswith("…and 481 earlier entries — every comment is in the ticket's thread")
        assert "crossdesk export --history SUP-1" in lines[history + 1]
        entries = lines[history + 2 :]
        assert len(entries) == 20
        assert entries[0].endswith("commented: comment 481") and entries[-2].endswith("commented: comment 499")
        assert entries[-1].endswith("…") and len(entries[-1]) < 500  # the 40,000-character comment, cut

        # The whole history, the long comment in full, comes with ``crossdesk export --history``.
        export = await asyncio.create_subprocess_exec(
            sys.executable,
            *("-m", "bot.runtime.cli", "export", "--history", "sup-1", "--format", "json"),
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


# ------------------------------------------------------------------------------------------- the daily digest


DEPARTMENT_HEADING = re.compile(r"\(([A-Z][A-Z0-9]{1,9})\)$")


def department_keys(blocks: list[dict[str, Any]]) -> list[str]:
    """The department keys of a digest's department sections, in order."""
    keys: list[str] = []
    for block in blocks:
        heading = block.get("text", {}).get("text", "") if block.get("type") == "section" else ""
        found = DEPARTMENT_HEADING.search(heading)
        if block.get("fields") and found:
            keys.append(found.group(1))
    return keys


async def test_the_digest_of_120_departments_continues_in_its_thread(
    database_url: str, workspace: WorkspaceConfig
) -> None:
    config = big_workspace(without_goals(workspace))  # the digest without goals (with them: test_scorecard.py)
    async with running_bot(database_url, config) as bot:
        assert (await bot.command("kw116 the badge printer is jammed", "U0ERIN")).status_code == 200
        assert (await bot.command("refund for order 7", "U0ERIN")).status_code == 200
        await bot.drain()
        bot.clock.set(START + timedelta(hours=8, minutes=5))  # 18:05: both unacknowledged past their 4 h
        assert bot.bot.ticker is not None
        await bot.bot.ticker.tick()
        await bot.drain()

        digest, chart = bot.fake.messages_in("C0MGMT")
        assert chart.files is not None  # the chart still follows the numbers
        thread = [m for m in bot.fake.messages_in("C0MGMT", thread_ts=digest.ts) if m.ts != digest.ts]
        assert len(thread) == 2
        for message in (digest, *thread):
            assert_message_fits({"text": message.text, "blocks": message.blocks})
        assert digest.blocks is not None and len(digest.blocks) == 50
        first = department_keys(digest.blocks)
        # The departments with overdue work come first, then the others in the file's order.
        assert first[:2] == ["SUP", "D116"] and first[2:4] == ["ENG", "SALES"]
        assert "…and 76 more departments, in this message's thread." in json.dumps(digest.blocks, ensure_ascii=False)
        rest = [key for message in thread for key in department_keys(message.blocks or [])]
        assert sorted(first + rest) == sorted(d.key for d in config.departments)  # each one, once
        assert thread[0].text == "Crossdesk daily digest — 2026-11-30, continued (2/3)"
        assert thread[1].text.endswith("continued (3/3)")

        asked = slack_requests.slash_command_body(text="", user="U0LEADENG", command=Command.DIGEST)
        answer = (await bot.post(asked, FORM)).json()
        assert_message_fits(answer)
        assert len(department_keys(answer["blocks"])) == 44
        assert "…and 76 more departments: the daily digest lists every one in its thread." in json.dumps(
            answer["blocks"], ensure_ascii=False
        )


# ------------------------------------------------------------------------------------------- continued in a thread


async def queue(bot: Harness, text: str, after: OutboxRow | None = None) -> OutboxRow:
    """A post to C0SUPPORT; with ``after``, a reply in the thread of the message that row posts."""
    purpose = (OutboxPurpose.THREAD_REPLY if after else OutboxPurpose.NOTICE).value
    call = outbox.Call("chat.postMessage", {"channel": "C0SUPPORT", "text": text}, purpose, after=after and after.id)
    async with bot.services.db.transaction() as session:
        [row] = await outbox.enqueue_calls(session, [call], bot.clock.now())
    bot.services.outbox.wake()
    return row


async def test_the_rest_of_a_message_goes_in_its_thread_however_the_sends_fall(bot: Harness) -> None:
    # Queued together, the first post rate limited: the replies wait for it, then follow it into its thread.
    bot.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    first = await queue(bot, "part 1")
    await queue(bot, "part 2", after=first)
    await bot.fake.wait_for_calls("chat.postMessage", 1)
    await bot.settle()
    assert bot.fake.messages_in("C0SUPPORT") == []
    bot.clock.advance(timedelta(seconds=2))
    await bot.drain()
    [parent] = bot.fake.messages_in("C0SUPPORT")
    assert [m.text for m in bot.fake.messages_in("C0SUPPORT", thread_ts=parent.ts)] == ["part 1", "part 2"]

    # A reply queued after its message went out finds it through the message's recorded ts.
    await queue(bot, "part 3", after=first)
    await bot.drain()
    assert [m.text for m in bot.fake.messages_in("C0SUPPORT", thread_ts=parent.ts)][-1] == "part 3"

    # A message that failed for good: its continuation is still posted, on its own, rather than lost.
    bot.fake.fail_next("chat.postMessage", error="invalid_blocks")
    lost = await queue(bot, "broken part 1")
    await queue(bot, "part 2 of the broken one", after=lost)
    await bot.drain()
    assert [m.text for m in bot.fake.messages_in("C0SUPPORT")][-1] == "part 2 of the broken one"


# ------------------------------------------------------------------------------------------- a stand-up of 60


async def test_a_stand_up_of_60_continues_its_summary_in_the_thread(
    database_url: str, workspace: WorkspaceConfig
) -> None:
    config = big_workspace(workspace, departments=len(workspace.departments), standup_members=60)
    members = config.departments[0].members
    assert len(members) == 60
    answering, skipping = members[:55], members[55:57]  # and U0M057, U0M058, U0LEADSUP say nothing
    async with running_bot(database_url, config, clock=ManualClock(MONDAY_0900)) as bot:
        await tick_at(bot, 9, 30)
        prompts = [call.args for call in bot.fake.calls_to("chat.postMessage") if call.args.get("channel") in members]
        assert len(prompts) == 60
        for prompt in prompts:
            assert_message_fits(with_blocks(prompt))

        essay = "We shipped it. " * 400  # 6,000 characters, more than Slack lets a form field send: cut to 3,000
        for index, user in enumerate(answering):
            assert (await bot.click_in_dm(ActionId.STANDUP_ANSWER, "SUP:2026-11-30", user)).status_code == 200
            form = bot.opened_view()
            assert_view_fits(form)
            said = essay[:3_000] if index == 0 else f"answer of {user}"
            answers = {answer_block_id(n): said for n in range(3)}
            assert (await bot.submit(form, user, answers)).status_code == 200
        for user in skipping:
            assert (await bot.click_in_dm(ActionId.STANDUP_SKIP, "SUP:2026-11-30", user)).status_code == 200
        await bot.drain()
        for call in bot.fake.calls_to("chat.update"):  # each question DM, settled with the answers
            assert_message_fits(with_blocks(call.args))

        so_far = (await standup_command(bot, "summary", "U0LEADSUP")).json()
        assert_message_fits(so_far)
        assert "…and 9 more answers: the posted summary lists every answer in its thread." in json.dumps(
            so_far["blocks"], ensure_ascii=False
        )

        await tick_at(bot, 10, 30)
        [summary] = [m for m in bot.fake.messages_in("C0SUPPORT") if shows(m, "stand-up · 2026-11-30")]
        thread = [m for m in bot.fake.messages_in("C0SUPPORT", thread_ts=summary.ts) if m.ts != summary.ts]
        assert len(thread) == 1
        assert thread[0].text == "*Customer Support 客户支持* stand-up · 2026-11-30, continued (2/2)"
        for message in (summary, *thread):
            assert_message_fits({"text": message.text, "blocks": message.blocks})
        shown = json.dumps(summary.blocks, ensure_ascii=False)
        assert "…and 9 more answers, in this message's thread." in shown
        assert (
            "Skipped: <@U0M055>, <@U0M056>" in shown and "Did not answer: <@U0M057>, <@U0M058>, <@U0LEADSUP>" in shown
        )
        every = json.dumps([summary.blocks, *(m.blocks for m in thread)], ensure_ascii=False)
        for user in answering:  # every answer is somewhere, once
            assert every.count(f"*<@{user}>*") == 1, user
        # The three long answers share the section's 3,000 characters, each cut with "…", each question kept.
        [long] = [b["text"]["text"] for b in summary.blocks or [] if f"*<@{answering[0]}>*" in str(b.get("text"))]
        assert long.count("We shipped it.") > 100 and long.count("…") == 3 and long.count("?*\n") == 3
