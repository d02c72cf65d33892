"""Slack's escapes both ways, through the doors people use: what is typed into a form reaches mrkdwn as the
characters typed, message and command text keep their mentions and are not escaped twice, and what is shown as
plain text (form prefills, field errors, the export) reads as people read it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.runtime.clock import ManualClock
from bot.sandbox import slack_requests
from bot.sandbox.fake_slack.models import RecordedCall
from bot.surfaces.commands import SUBCOMMAND_WORDS
from bot.surfaces.ids import ActionId, BlockId, CallbackId, Command
from bot.surfaces.standup_views import answer_block_id
from config.schema import WorkspaceConfig
from tests.bot.runtime.test_cli import crossdesk
from tests.support.harness import Harness, running_bot

PHISH = "<https://evil.example/phish|Confirm resolution>"
PHISH_AS_SLACK_TEXT = "&lt;https://evil.example/phish|Confirm resolution&gt;"
FORM = "application/x-www-form-urlencoded"


def posted(bot: Harness) -> list[RecordedCall]:
    return [c for c in bot.fake.calls if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral")]


def sent(call: RecordedCall) -> str:
    """Everything a call asked Slack to show: its text and its blocks."""
    return json.dumps({"text": call.args.get("text"), "blocks": call.json_arg("blocks")}, ensure_ascii=False)


def assert_no_live_phish(bot: Harness) -> None:
    live = [sent(call) for call in posted(bot) if "<https://evil.example" in sent(call)]
    assert live == [], live[:2]


async def open_ticket(bot: Harness, text: str = "Customer wants a refund for order 7") -> str:
    ts, _ = await bot.intake_message(text)
    await bot.drain()
    return ts


async def submit_form(bot: Harness, action: ActionId, key: str, user: str, answers: dict[str, str]) -> None:
    assert (await bot.click(action, key, user)).status_code == 200
    response = await bot.submit(bot.opened_view(), user, answers)
    assert response.status_code == 200 and response.text == "", response.text
    await bot.drain()


async def test_a_masked_link_in_a_resolve_note_is_posted_as_the_characters_typed(bot: Harness) -> None:
    await open_ticket(bot)
    await submit_form(bot, ActionId.RESOLVE, "SUP-1", "U0ALICE", {BlockId.FORM_NOTE: f"{PHISH} & <@U0BOB> <!here>"})
    typed = f"{PHISH_AS_SLACK_TEXT} &amp; &lt;@U0BOB&gt; &lt;!here&gt;"
    [line] = [c for c in bot.fake.calls_to("chat.postMessage") if "resolved this ticket" in str(c.args.get("text"))]
    assert typed in line.args["text"]
    [dm] = [
        c
        for c in bot.fake.calls_to("chat.postMessage")
        if c.args.get("channel") == "U0ERIN" and ActionId.CONFIRM.value in json.dumps(c.json_arg("blocks"))
    ]
    assert typed in dm.args["text"] and typed in json.dumps(dm.json_arg("blocks"))
    assert_no_live_phish(bot)
    history = await bot.services.tickets.history("SUP-1")
    assert [e.note for e in history.events if e.action == "resolved"] == [typed]


async def test_reasons_typed_into_forms_are_inert_wherever_they_are_posted(bot: Harness) -> None:
    await open_ticket(bot)
    await bot.bot.ticker.tick()  # learns names, so the hand-off form can name people
    reason = {BlockId.FORM_DEPARTMENT: "SUP", BlockId.FORM_PERSON: "U0BOB", BlockId.FORM_REASON: f"billing {PHISH}"}
    await submit_form(bot, ActionId.REASSIGN, "SUP-1", "U0ALICE", reason)
    offer = bot.fake.messages_in(bot.fake.dm_channel_for("U0BOB"))[-1]
    assert f"billing {PHISH_AS_SLACK_TEXT}" in offer.text

    await bot.click_in_dm(ActionId.DECLINE_HANDOFF, "SUP-1", "U0BOB")
    assert (await bot.submit(bot.opened_view(), "U0BOB", {BlockId.FORM_REASON: f"on leave {PHISH}"})).text == ""
    await bot.drain()
    declined = bot.fake.messages_in(bot.fake.dm_channel_for("U0ALICE"))[-1]
    assert f"on leave {PHISH_AS_SLACK_TEXT}" in declined.text

    await submit_form(bot, ActionId.ESCALATE, "SUP-1", "U0ERIN", {BlockId.FORM_REASON: f"angry {PHISH}"})
    [notice] = [m for m in bot.fake.messages_in("C0SUPPORT") if "escalated" in m.text]
    assert f"angry {PHISH_AS_SLACK_TEXT}" in notice.text
    assert_no_live_phish(bot)


async def test_stand_up_answers_are_inert_and_come_back_to_the_form_as_typed(
    database_url: str, workspace: WorkspaceConfig
) -> None:
    monday_0940 = datetime(2026, 11, 30, 1, 40, tzinfo=UTC)
    async with running_bot(database_url, workspace, clock=ManualClock(monday_0940)) as bot:
        body = slack_requests.slash_command_body(text="", user="U0ALICE", channel="C0SUPPORT", command=Command.STANDUP)
        assert (await bot.post(body, FORM)).status_code == 200
        form = bot.opened_view()
        assert form["callback_id"] == CallbackId.STANDUP_ANSWER
        answers = {answer_block_id(0): f"R&D {PHISH}", answer_block_id(1): "a < b", answer_block_id(2): ""}
        assert (await bot.submit(form, "U0ALICE", answers)).text == ""
        await bot.drain()
        ask = slack_requests.slash_command_body(
            text="summary", user="U0ALICE", channel="C0SUPPORT", command=Command.STANDUP
        )
        summary = await bot.post(ask, FORM)
        shown = json.dumps(summary.json()["blocks"], ensure_ascii=False)
        assert f"R&amp;D {PHISH_AS_SLACK_TEXT}" in shown and "a &lt; b" in shown
        assert "<https://evil.example" not in shown
        assert_no_live_phish(bot)

        # /standup again (a new request, so a new trigger_id): the answers, to edit
        body = slack_requests.slash_command_body(text="", user="U0ALICE", channel="C0SUPPORT", command=Command.STANDUP)
        assert (await bot.post(body, FORM)).status_code == 200
        again = {b["block_id"]: b for b in bot.opened_view()["blocks"] if b["type"] == "input"}
        assert again[answer_block_id(0)]["element"]["initial_value"] == f"R&D {PHISH}"


async def test_slash_command_text_is_not_escaped_twice_and_keeps_its_mentions(bot: Harness) -> None:
    # As Slack sends "/ticket R&D laptop <broken> for @bob" with escaping on.
    await bot.command("R&amp;D laptop &lt;broken&gt; for <@U0BOB|bob>", "U0ERIN")
    await bot.drain()
    ticket = await bot.ticket("SUP-1")
    assert ticket.title == "R&amp;D laptop &lt;broken&gt; for <@U0BOB>"
    assert "&amp;amp;" not in json.dumps([sent(c) for c in posted(bot)])
    await bot.command("close SUP-1 replaced &amp; <https://x.io/r|receipt>", "U0ALICE")
    await bot.drain()
    [line] = [c for c in bot.fake.calls_to("chat.postMessage") if "resolved this ticket" in str(c.args.get("text"))]
    assert line.args["text"].endswith("— replaced &amp; <https://x.io/r|receipt>")  # a link someone posted stays one


async def test_mentions_in_a_message_stay_live(bot: Harness) -> None:
    await open_ticket(bot, "Refund &amp; credit for <@U0BOB>'s customer")
    [dm] = [c for c in bot.fake.calls_to("chat.postMessage") if c.args.get("channel") == "U0ALICE"]
    assert "Refund &amp; credit for <@U0BOB>'s customer" in dm.args["text"]


async def test_the_shortcut_fills_the_form_with_the_message_as_it_reads(bot: Harness) -> None:
    text = "Refund &amp; credit &lt;now&gt; for <@U0BOB>: see <https://x.io/doc|the doc> in <#C0ENG|eng>"
    message = bot.fake.post_user_message("C0ENG", "U0ERIN", text)
    body = slack_requests.message_action_body(
        callback_id=CallbackId.CREATE_FROM_MESSAGE,
        channel="C0ENG",
        user="U0DAN",
        message={"ts": message.ts, "text": text, "user": "U0ERIN"},
    )
    assert (await bot.post(body, FORM)).status_code == 200
    form = bot.opened_view()
    blocks = {b.get("block_id"): b for b in form["blocks"]}
    title = blocks[BlockId.FORM_TITLE]["element"]["initial_value"]
    assert title == "Refund & credit <now> for @bob: see the doc in #eng"
    description = blocks[BlockId.FORM_DESCRIPTION]["element"]["initial_value"]
    assert description.startswith("Refund & credit <now> for @bob: see the doc (https://x.io/doc) in #eng\n\n")
    assert (await bot.submit(form, "U0DAN", {})).status_code == 200
    # Submitted unchanged, it is Slack text again, escaped once.
    [ticket] = await bot.tickets()
    assert ticket.title == "Refund &amp; credit &lt;now&gt; for @bob: see the doc in #eng"


async def test_field_errors_name_people_instead_of_showing_markup(bot: Harness) -> None:
    await open_ticket(bot)
    await bot.bot.ticker.tick()  # the ticker learns the members' names
    assert (await bot.click(ActionId.REASSIGN, "SUP-1", "U0ALICE")).status_code == 200
    form = bot.opened_view()
    outsider = await bot.submit(form, "U0ALICE", {BlockId.FORM_PERSON: "U0STRANGER", BlockId.FORM_REASON: "x"})
    assert outsider.json()["errors"] == {  # a name asked of Slack: the stranger is in no department
        BlockId.FORM_PERSON.value: "@stranger is not an owner or lead in Customer Support 客户支持; "
        "pick one of its people."
    }
    same = await bot.submit(
        form, "U0ALICE", {BlockId.FORM_DEPARTMENT: "SUP", BlockId.FORM_PERSON: "U0ALICE", BlockId.FORM_REASON: "x"}
    )
    assert same.json()["errors"] == {BlockId.FORM_PERSON.value: "@alice already owns SUP-1."}


async def test_ticket_show_words_what_the_bot_did(bot: Harness) -> None:
    await open_ticket(bot)
    for hours in (4, 1, 1):  # overdue, reminded twice, then escalated to the lead
        bot.clock.advance(timedelta(hours=hours))
        await bot.bot.ticker.tick()
    assert (await bot.ticket("SUP-1")).escalation_level == 1
    shown = (await bot.command("show SUP-1", "U0ALICE")).json()["text"]
    assert "Crossdesk escalated it: no answer to 2 reminders" in shown
    assert "reminders:" not in shown


async def test_counts_read_right_in_english(bot: Harness) -> None:
    await open_ticket(bot)
    assert "1 ticket — yours and the ones you asked for:" in (await bot.command("list mine", "U0ALICE")).json()["text"]
    bot.clock.advance(timedelta(hours=4))
    await bot.bot.ticker.tick()
    await bot.drain()
    reminder = bot.fake.messages_in(bot.fake.dm_channel_for("U0ALICE"))[-1]
    assert "You have 1 overdue ticket:" in reminder.text
    await bot.command("refund another order", "U0ERIN")
    await bot.command("refund a third order", "U0ERIN")  # round robin: Bob, then Alice again
    assert "2 tickets — yours and the ones you asked for:" in (await bot.command("list mine", "U0ALICE")).json()["text"]


async def test_the_escalation_notice_is_one_sentence(bot: Harness) -> None:
    ts = await open_ticket(bot)
    reaction = slack_requests.reaction_added_event(
        channel="C0INTAKE", ts=ts, user="U0ERIN", reaction="rotating_light", item_user="U0ERIN"
    )
    assert (await bot.event(reaction)).status_code == 200
    await bot.drain()
    [notice] = [m for m in bot.fake.messages_in("C0SUPPORT") if "escalated" in m.text]
    link = notice.text[notice.text.index(" <https://") :]
    assert notice.text == (
        ":rotating_light: <@U0ERIN> escalated *SUP-1* Customer wants a refund for order 7 (owner <@U0ALICE>) "
        f"to High — reacted with :rotating_light:.{link}"
    )
    assert link.endswith("|Open the ticket thread>")


async def test_help_names_every_command(bot: Harness) -> None:
    shown = (await bot.command("help", "U0ERIN")).json()["text"]
    assert "`/standup`" in shown and "`/digest`" in shown
    assert [word for word in sorted(SUBCOMMAND_WORDS - {"help"}) if f"/ticket {word}" not in shown] == []


async def test_the_export_shows_titles_as_plain_text(bot: Harness, database_url: str) -> None:
    await open_ticket(bot, "Refund &amp; credit for <@U0BOB> via <https://x.io|the portal>")
    await bot.bot.ticker.tick()  # learns Bob's name
    exported = crossdesk("export", "--format", "json", env={"DATABASE_URL": database_url})
    assert exported.returncode == 0, exported.stderr
    [row] = json.loads(exported.stdout)
    assert row["title"] == "Refund & credit for @bob via the portal"
