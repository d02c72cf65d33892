"""Satisfaction through the doors people use: a resolved ticket asks its requester (and, for a customer's complaint,
the account manager) for a 1–5 rating once; a click records it and updates the DM in place; a low score alerts the
department lead and the account manager with *Reopen*; forged, foreign and repeated clicks change nothing."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import httpx
from sqlmodel import col, select

from bot.sandbox import slack_requests
from bot.sandbox.fake_slack.models import FakeMessage
from bot.surfaces.ids import RATE_BUTTONS, ActionId, BlockId, CallbackId
from bot.surfaces.rating_views import rating_block_id
from config.schema import WorkspaceConfig
from storage import customers as customer_rows
from storage.customers import NewCustomer
from storage.models import Rating, Ticket
from tests.bot.runtime.test_cli import crossdesk
from tests.support.block_kit import action_ids
from tests.support.harness import START, Harness, running_bot

MANAGER = "U0LEADSALES"  # ACME's account manager: a Sales lead, no role on a Support ticket
PUBLIC_CHANNELS = ("C0INTAKE", "C0SUPPORT", "C0ENG", "C0SALES")


async def link_customer(
    bot: Harness, key: str, name: str = "ACME Corp", manager: str = MANAGER, stage: str = "retention"
) -> None:
    """Link ``key`` to a customer with an account manager, as `/ticket customer` does (written here directly)."""
    async with bot.services.db.transaction() as session:
        # The example workspace file has ACME already (the ticket's text linked it): it gets this manager.
        customer = await customer_rows.find(session, name)
        if customer is None:
            customer = await customer_rows.create(session, NewCustomer(name, stage=stage), "U0ADMIN", START)
        await customer_rows.change(session, customer, "manager_id", manager, "U0ADMIN", START)
        await customer_rows.change(session, customer, "stage", stage, "U0ADMIN", START)
        ticket = (await session.exec(select(Ticket).where(col(Ticket.key) == key))).one()
        ticket.customer_id = customer.id
        session.add(ticket)


async def open_and_resolve(bot: Harness, text: str = "Complaint: ACME's refund is three weeks late") -> None:
    await bot.intake_message(text)  # from U0ERIN, routed to Support, owned by U0ALICE
    await bot.drain()


async def resolve(bot: Harness, key: str = "SUP-1", by: str = "U0ALICE") -> None:
    response = await bot.command(f"close {key} refunded today", by)
    assert response.status_code == 200, response.text
    await bot.drain()


def rating_dms(bot: Harness, user: str) -> list[FakeMessage]:
    """The bot's DMs to ``user`` asking for a rating, as Slack shows them now (answered ones too)."""
    return [m for m in bot.fake.messages_in(bot.fake.dm_channel_for(user)) if m.text.startswith(":star:")]


def alerts(bot: Harness, user: str) -> list[FakeMessage]:
    """The low-rating alerts ``user`` was sent (with Reopen or without)."""
    return [
        m
        for m in bot.fake.messages_in(bot.fake.dm_channel_for(user))
        if m.text.startswith(":warning:") and "/5" in m.text
    ]


async def click(
    bot: Harness,
    message: FakeMessage,
    value: str,
    *,
    user: str,
    action: ActionId = ActionId.RATE_1,
    key: str = "SUP-1",
    blocks: list[dict[str, Any]] | None = None,
) -> httpx.Response:
    """A rating button on ``message`` clicked by ``user`` (its value is the score), signed as Slack sends it."""
    body = slack_requests.block_actions_body(
        action_id=action.value,
        value=value,
        user=user,
        channel=message.channel,
        message_ts=message.ts,
        blocks=blocks if blocks is not None else message.blocks,
        block_id=rating_block_id(key),
        trigger_id=bot.trigger(user),
    )
    response = await bot.post(body, "application/x-www-form-urlencoded")
    await bot.drain()
    return response


def ephemerals(bot: Harness, user: str) -> list[str]:
    return [str(c.args["text"]) for c in bot.fake.calls_to("chat.postEphemeral") if c.args["user"] == user]


async def rating_rows(bot: Harness) -> list[Rating]:
    async with bot.services.db.transaction() as session:
        return list((await session.exec(select(Rating).order_by(col(Rating.id)))).all())


async def actions_of(bot: Harness, key: str, action: str) -> list[tuple[str, str | None, str | None]]:
    history = await bot.services.tickets.history(key)
    return [(e.actor_id, e.to_value, e.note) for e in history.events if e.action == action]


async def test_a_low_score_updates_the_dm_and_alerts_the_lead_and_the_manager_who_may_reopen(bot: Harness) -> None:
    await open_and_resolve(bot)
    await link_customer(bot, "SUP-1")
    assert (await bot.ticket("SUP-1")).is_complaint
    await resolve(bot)

    [asked] = rating_dms(bot, "U0ERIN")
    assert "*SUP-1*" in asked.text and "How satisfied are you" in asked.text and "three weeks late" in asked.text
    buttons = [e for b in asked.blocks or [] if b["type"] == "actions" for e in b["elements"]]
    assert [b.get("value") for b in buttons[:5]] == ["1", "2", "3", "4", "5"]
    assert action_ids(asked.blocks or []) == [*RATE_BUTTONS, ActionId.RATING_COMMENT]
    [manager_asked] = rating_dms(bot, MANAGER)
    assert "a complaint from ACME Corp" in manager_asked.text and "As its account manager" in manager_asked.text
    assert [(r.user_id, r.score) for r in await rating_rows(bot)] == [("U0ERIN", None), (MANAGER, None)]

    bot.clock.advance(timedelta(minutes=7))
    response = await click(bot, asked, "2", user="U0ERIN", action=ActionId.RATE_2)
    assert response.status_code == 200, response.text

    [rated] = rating_dms(bot, "U0ERIN")  # the same message, updated in place
    assert rated.ts == asked.ts and "You rated 2/5 — thank you" in rated.text
    assert action_ids(rated.blocks or []) == []  # no buttons left
    [erin, manager] = await rating_rows(bot)
    assert (erin.score, erin.answered_at, erin.prompt_ts) == (2, START + timedelta(minutes=7), asked.ts)
    assert manager.score is None  # asked too, answers for himself
    assert await actions_of(bot, "SUP-1", "rated") == [("U0ERIN", "2", None)]
    [event] = [e for e in (await bot.services.tickets.history("SUP-1")).events if e.action == "rated"]
    assert event.at == START + timedelta(minutes=7)

    # The department lead and the account manager hear of it; Reopen only for the lead, who may reopen it. The
    # manager (a Sales lead, no role on this Support ticket) is told whom to ask: no button that could only refuse.
    [lead_alert] = alerts(bot, "U0LEADSUP")
    [manager_alert] = alerts(bot, MANAGER)
    for alert in (lead_alert, manager_alert):
        assert "<@U0ERIN> rated *SUP-1*" in alert.text and "2/5" in alert.text
    assert action_ids(lead_alert.blocks or []) == [ActionId.REOPEN]
    assert action_ids(manager_alert.blocks or []) == []
    assert "ask them or the department lead to reopen it" in manager_alert.text
    assert alerts(bot, "U0ALICE") == [] and alerts(bot, "U0ERIN") == []

    # A Reopen click the manager makes anyway (a forged payload, on the alert they were sent): refused, told who may;
    # the lead may.
    forged = slack_requests.block_actions_body(
        action_id=ActionId.REOPEN,
        value="SUP-1",
        user=MANAGER,
        channel=manager_alert.channel,
        message_ts=manager_alert.ts,
        block_id=BlockId.RATING_ALERT_ACTIONS.value,
        trigger_id=bot.trigger(MANAGER),
    )
    assert (await bot.post(forged, "application/x-www-form-urlencoded")).status_code == 200
    await bot.drain()
    [refusal] = ephemerals(bot, MANAGER)
    assert refusal.startswith("Only ") and "the department lead" in refusal and "reopen *SUP-1*" in refusal
    assert (await bot.ticket("SUP-1")).status == "resolved"
    assert (await bot.click_in_dm(ActionId.REOPEN, "SUP-1", "U0LEADSUP")).status_code == 200
    assert (await bot.ticket("SUP-1")).status == "open"
    assert [actor for actor, _, _ in await actions_of(bot, "SUP-1", "reopened")] == ["U0LEADSUP"]

    # Resolved again: nobody is asked again.
    await resolve(bot)
    assert len(rating_dms(bot, "U0ERIN")) == 1 and len(rating_dms(bot, MANAGER)) == 1
    assert len(await rating_rows(bot)) == 2
    for channel in PUBLIC_CHANNELS:  # a rating is nobody else's business
        assert all("/5" not in m.text for m in bot.fake.messages.get(channel, [])), channel


async def test_forged_foreign_and_second_clicks_are_refused_and_change_nothing(bot: Harness) -> None:
    await open_and_resolve(bot, "The export page is slow for ACME")
    await resolve(bot)
    [asked] = rating_dms(bot, "U0ERIN")
    updates = len(bot.fake.calls_to("chat.update"))

    await click(bot, asked, "9", user="U0ERIN", action=ActionId.RATE_5)
    assert ephemerals(bot, "U0ERIN")[-1] == (
        "A rating is a whole number from 1 to 5, and “9” is not one, so nothing was recorded."
    )
    await click(bot, asked, "5", user="U0STRANGER", action=ActionId.RATE_5)  # Erin's DM, someone else's click
    assert ephemerals(bot, "U0STRANGER")[-1] == (
        "This question about *SUP-1* was sent to <@U0ERIN>, not to you, so nothing was recorded."
    )
    card = await bot.ticket("SUP-1")
    assert card.card_channel and card.card_ts
    elsewhere = FakeMessage(channel=card.card_channel, ts=card.card_ts, text="")
    await click(bot, elsewhere, "5", user="U0BOB", action=ActionId.RATE_5)  # never asked
    assert ephemerals(bot, "U0BOB")[-1] == "You were not asked to rate *SUP-1*, so nothing was recorded."
    [rating] = await rating_rows(bot)
    assert rating.score is None and len(bot.fake.calls_to("chat.update")) == updates
    assert await actions_of(bot, "SUP-1", "rated") == []

    await click(bot, asked, "5", user="U0ERIN", action=ActionId.RATE_5)
    await click(bot, asked, "1", user="U0ERIN", action=ActionId.RATE_1, blocks=asked.blocks)  # an old copy
    assert ephemerals(bot, "U0ERIN")[-1].startswith("You already rated *SUP-1* 5/5 (")
    assert ephemerals(bot, "U0ERIN")[-1].endswith("A rating is given once, so nothing was changed.")
    [rating] = await rating_rows(bot)
    assert rating.score == 5 and await actions_of(bot, "SUP-1", "rated") == [("U0ERIN", "5", None)]
    assert alerts(bot, "U0LEADSUP") == []  # a good score alerts nobody

    # A button outside a rating's block is not ours.
    body = slack_requests.block_actions_body(
        action_id=ActionId.RATE_3.value, value="3", user="U0ERIN", channel=asked.channel, message_ts=asked.ts
    )
    assert (await bot.post(body, "application/x-www-form-urlencoded")).status_code == 400


async def test_a_comment_from_its_form_is_kept_and_shown_on_the_dm(bot: Harness) -> None:
    await open_and_resolve(bot, "Refund for order 1182 please")
    await resolve(bot)
    [asked] = rating_dms(bot, "U0ERIN")

    assert (await bot.click_in_dm(ActionId.RATING_COMMENT, "SUP-1", "U0ERIN")).status_code == 200
    form = bot.opened_view()
    assert form["callback_id"] == CallbackId.RATING_COMMENT.value and "*SUP-1*" in json.dumps(form)
    blank = await bot.submit(form, "U0ERIN", {BlockId.FORM_COMMENT.value: "   "})
    required = "Write your comment first, or close this form."
    assert blank.json() == {"response_action": "errors", "errors": {"comment": required}}
    done = await bot.submit(form, "U0ERIN", {BlockId.FORM_COMMENT.value: "Took <b>three</b> tries & a call"})
    assert done.status_code == 200 and done.text == ""
    await bot.drain()
    [commented] = rating_dms(bot, "U0ERIN")
    assert commented.ts == asked.ts and "Your comment is saved" in json.dumps(commented.blocks)
    assert action_ids(commented.blocks or []) == list(RATE_BUTTONS)  # the scores stay, the comment's button goes
    [rating] = await rating_rows(bot)
    assert (rating.score, rating.comment) == (None, "Took &lt;b&gt;three&lt;/b&gt; tries &amp; a call")
    assert await actions_of(bot, "SUP-1", "rating_commented") == [("U0ERIN", None, rating.comment)]

    # A second comment (from the form of an old copy) is refused; the score still comes.
    again = await bot.submit(form, "U0ERIN", {BlockId.FORM_COMMENT.value: "one more thing"})
    assert "You already added a comment to your rating of *SUP-1*" in json.dumps(again.json())
    await click(bot, commented, "1", user="U0ERIN", action=ActionId.RATE_1)
    [rated] = rating_dms(bot, "U0ERIN")
    assert "You rated 1/5 — thank you. Your comment is saved too." in rated.text
    [lead_alert] = alerts(bot, "U0LEADSUP")
    assert "Took &lt;b&gt;three&lt;/b&gt; tries &amp; a call" in lead_alert.text  # what she said, as she typed it
    [rating] = await rating_rows(bot)
    assert rating.comment is not None and "one more" not in rating.comment


async def test_a_private_ticket_asks_the_same_without_its_title_beyond_its_requester(bot: Harness) -> None:
    secret = "card ending 4242 charged twice"
    dm = bot.fake.dm_channel_for("U0ERIN")
    body = slack_requests.slash_command_body(
        text=f"complaint: {secret}", user="U0ERIN", channel=dm, channel_name="directmessage"
    )
    assert (await bot.post(body, "application/x-www-form-urlencoded")).status_code == 200
    await bot.drain()
    await link_customer(bot, "SUP-1")
    await resolve(bot)
    [asked] = rating_dms(bot, "U0ERIN")
    assert secret in asked.text  # her own ticket
    [manager_asked] = rating_dms(bot, MANAGER)
    assert secret not in json.dumps(manager_asked.blocks) and "*SUP-1*" in manager_asked.text
    await click(bot, asked, "1", user="U0ERIN", action=ActionId.RATE_1)
    [lead_alert] = alerts(bot, "U0LEADSUP")
    [manager_alert] = alerts(bot, MANAGER)
    assert secret in lead_alert.text and secret not in manager_alert.text
    for channel in PUBLIC_CHANNELS:
        assert all(secret not in m.text and "/5" not in m.text for m in bot.fake.messages.get(channel, [])), channel


async def test_the_requester_who_resolves_their_own_ticket_is_not_asked(bot: Harness) -> None:
    await open_and_resolve(bot)
    await resolve(bot, by="U0ADMIN")  # an admin resolves: Erin is asked
    assert len(rating_dms(bot, "U0ERIN")) == 1
    response = await bot.command("urgent our invoice export crashes", "U0ADMIN")
    assert response.status_code == 200
    await bot.drain()
    key = (await bot.tickets())[-1].key
    await resolve(bot, key, by="U0ADMIN")  # resolved by its own requester
    assert [r.ticket_id for r in await rating_rows(bot)] == [(await bot.ticket("SUP-1")).id]


async def test_the_requester_of_a_duplicate_is_asked_too_once(bot: Harness) -> None:
    await open_and_resolve(bot, "The refund for order 1042 is late")  # SUP-1: Erin's, Alice owns it
    await bot.intake_message("Refund for order 1042 still not here", user="U0STRANGER")  # SUP-2: Bob owns it
    await bot.drain()
    assert (await bot.command("duplicate SUP-2 SUP-1", "U0BOB")).status_code == 200  # the stranger follows SUP-1
    await resolve(bot)

    # One problem, two requesters: each is asked in their own DM, with the title they may read.
    [erin_asked] = rating_dms(bot, "U0ERIN")
    [follower_asked] = rating_dms(bot, "U0STRANGER")
    for asked in (erin_asked, follower_asked):
        assert "*SUP-1*" in asked.text and "(The refund for order 1042 is late)" in asked.text
        assert action_ids(asked.blocks or []) == [*RATE_BUTTONS, ActionId.RATING_COMMENT]
    assert rating_dms(bot, "U0BOB") == []  # SUP-2's owner asked for nothing
    assert [(r.user_id, r.score) for r in await rating_rows(bot)] == [("U0ERIN", None), ("U0STRANGER", None)]

    await click(bot, follower_asked, "4", user="U0STRANGER", action=ActionId.RATE_4)
    [rated] = rating_dms(bot, "U0STRANGER")
    assert rated.ts == follower_asked.ts and "You rated 4/5 — thank you" in rated.text
    assert await actions_of(bot, "SUP-1", "rated") == [("U0STRANGER", "4", None)]

    # Reopened and resolved again: nobody is asked twice.
    assert (await bot.command("reopen SUP-1", "U0ERIN")).status_code == 200
    await resolve(bot)
    assert len(rating_dms(bot, "U0ERIN")) == len(rating_dms(bot, "U0STRANGER")) == 1
    assert [(r.user_id, r.score) for r in await rating_rows(bot)] == [("U0ERIN", None), ("U0STRANGER", 4)]


async def test_chinese(database_url: str, workspace: WorkspaceConfig) -> None:
    async with running_bot(database_url, workspace.model_copy(update={"language": "zh"})) as bot:
        await open_and_resolve(bot, "投诉：退款三周还没到")
        await resolve(bot)
        [asked] = rating_dms(bot, "U0ERIN")
        assert "的结果满意吗" in asked.text and "5 分" in json.dumps(asked.blocks, ensure_ascii=False)
        await click(bot, asked, "9", user="U0ERIN", action=ActionId.RATE_5)
        assert ephemerals(bot, "U0ERIN")[-1] == "评分必须是 1 到 5 的整数，“9”不是，因此未做任何记录。"
        await click(bot, asked, "2", user="U0ERIN", action=ActionId.RATE_2)
        [rated] = [m for m in bot.fake.messages_in(bot.fake.dm_channel_for("U0ERIN")) if m.ts == asked.ts]
        assert "你的评分是 2/5 —— 谢谢" in rated.text
        [alert] = alerts(bot, "U0LEADSUP")
        assert "<@U0ERIN> 给 *SUP-1*" in alert.text and "重新打开" in json.dumps(alert.blocks, ensure_ascii=False)


async def test_the_export_lists_every_rating_given(bot: Harness, database_url: str) -> None:
    await open_and_resolve(bot)  # SUP-1, a complaint of ACME (retention), rated with a comment
    await link_customer(bot, "SUP-1")
    await resolve(bot)
    assert (await bot.click_in_dm(ActionId.RATING_COMMENT, "SUP-1", "U0ERIN")).status_code == 200
    await bot.submit(bot.opened_view(), "U0ERIN", {BlockId.FORM_COMMENT.value: "Tom & <@U0BOB> were great"})
    bot.clock.advance(timedelta(hours=1))
    await click(bot, rating_dms(bot, "U0ERIN")[0], "5", user="U0ERIN", action=ActionId.RATE_5)
    await open_and_resolve(bot, "The export crashes on big files")  # ENG-1: asked, never answered
    await resolve(bot, "ENG-1", by="U0CAROL")

    exported = crossdesk("export", "--ratings", "--format", "json", env={"DATABASE_URL": database_url})
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout) == [
        {
            "key": "SUP-1",
            "department_key": "SUP",
            "stage": "retention",
            "rater_id": "U0ERIN",
            "score": 5,
            "comment": "Tom & <@U0BOB> were great",  # plain text: the characters she typed, no mention
            "rated_at": (START + timedelta(hours=1)).isoformat(),
        }
    ]
    as_csv = crossdesk("export", "--ratings", env={"DATABASE_URL": database_url})
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == ["key", "department_key", "stage", "rater_id", "score", "comment", "rated_at"]
    assert rows[1:] == [["SUP-1", "SUP", "retention", "U0ERIN", "5", "Tom & <@U0BOB> were great", rows[1][6]]]
    both = crossdesk("export", "--ratings", "--history", "SUP-1", env={"DATABASE_URL": database_url})
    assert both.returncode == 2 and "not allowed with argument" in both.stderr and both.stdout == ""


async def test_the_export_writes_the_stage_as_the_contract_spells_it(bot: Harness, database_url: str) -> None:
    await open_and_resolve(bot)
    await link_customer(bot, "SUP-1", stage="win-back")  # as the ticket form and the file's `winback` store it
    await resolve(bot)
    assert (await bot.command("rate SUP-1 3", "U0ERIN")).status_code == 200
    exported = crossdesk("export", "--ratings", "--format", "json", env={"DATABASE_URL": database_url})
    assert exported.returncode == 0, exported.stderr
    rows = json.loads(exported.stdout)
    assert [(row["key"], row["stage"], row["score"]) for row in rows] == [("SUP-1", "winback", 3)]


async def test_rating_by_command_is_the_same_verb(bot: Harness) -> None:
    await open_and_resolve(bot)
    await resolve(bot)
    [asked] = rating_dms(bot, "U0ERIN")
    usage = (await bot.command("rate SUP-1", "U0ERIN")).json()["text"]
    assert usage.startswith("Usage: `/ticket rate KEY <1-5> [comment]`")
    refused = (await bot.command("rate SUP-1 nine", "U0ERIN")).json()["text"]
    assert refused == "A rating is a whole number from 1 to 5, and “nine” is not one, so nothing was recorded."
    assert (await bot.command("rate SUP-1 4", "U0BOB")).json()["text"].startswith("You were not asked to rate")
    done = (await bot.command("rate sup-1 4 quick &amp; kind", "U0ERIN")).json()["text"]  # as Slack sends "&"
    assert done == "Thank you: you rated *SUP-1* 4/5, and your comment is saved."
    await bot.drain()
    [rating] = await rating_rows(bot)
    assert (rating.score, rating.comment) == (4, "quick &amp; kind")
    [rated] = rating_dms(bot, "U0ERIN")  # the DM answered in place, as a click would
    assert rated.ts == asked.ts and "You rated 4/5 — thank you. Your comment is saved too." in rated.text
    again = (await bot.command("rate SUP-1 5", "U0ERIN")).json()["text"]
    assert again.startswith("You already rated *SUP-1* 4/5 (")
    assert "`/ticket rate KEY <1-5> [comment]`" in (await bot.command("help", "U0ERIN")).json()["text"]


async def test_the_digest_shows_satisfaction_per_department_and_lifecycle_stage(bot: Harness) -> None:
    await open_and_resolve(bot)  # SUP-1: ACME's complaint (retention); Erin and ACME's manager are asked
    await link_customer(bot, "SUP-1")
    await resolve(bot)
    await open_and_resolve(bot, "The export crashes on big files")  # ENG-1: no customer, no stage
    await resolve(bot, "ENG-1", by="U0CAROL")
    assert (await bot.command("rate SUP-1 2", "U0ERIN")).status_code == 200
    assert (await bot.command("rate SUP-1 4", MANAGER)).status_code == 200
    assert (await bot.command("rate ENG-1 5", "U0ERIN")).status_code == 200

    body = slack_requests.slash_command_body(text="", user="U0LEADENG", command="/digest")
    blocks = (await bot.post(body, "application/x-www-form-urlencoded")).json()["blocks"]
    fields = {
        b["text"]["text"]: [f["text"] for f in b["fields"]] for b in blocks if b["type"] == "section" and "fields" in b
    }
    by_department = {title.split("(")[-1].strip("`)*"): rows[-1] for title, rows in fields.items() if "(" in title}
    assert by_department["SUP"] == "*Satisfaction*\n3.0/5 · 2 answered"
    assert by_department["ENG"] == "*Satisfaction*\n5.0/5 · 1 answered"
    assert by_department["SALES"] == "*Satisfaction*\nno answers"
    [stages] = [rows for title, rows in fields.items() if title.startswith("*Satisfaction by lifecycle stage*")]
    assert "3 in all" in next(t for t in fields if t.startswith("*Satisfaction by lifecycle stage*"))
    assert "*Retention*\n3.0/5 · 2 answered" in stages and "*Growth*\nno answers" in stages
    assert stages[-1].endswith("\n5.0/5 · 1 answered")  # no stage given

    report = await bot.services.digest.report(bot.clock.now())
    assert report.department("SUP").satisfaction.answered == 2 and report.answered == 3
