"""A ticket asked for in a private channel or a DM is seen only by its requester, its owner, the departments it
passed through and admins: in ``/ticket show``, lists, App Home, department channels and the digest."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx

from bot.sandbox import slack_requests
from bot.surfaces.ids import BlockId
from config.schema import WorkspaceConfig
from tests.support.harness import START, Harness, running_bot

SECRET = "card ending 4242 charged twice"
PUBLIC_CHANNELS = ("C0INTAKE", "C0SUPPORT", "C0ENG", "C0SALES", "C0MGMT")


def answer(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["response_type"] == "ephemeral"
    return str(body["text"])


async def command_in(bot: Harness, text: str, user: str, channel: str, channel_name: str) -> httpx.Response:
    body = slack_requests.slash_command_body(text=text, user=user, channel=channel, channel_name=channel_name)
    return await bot.post(body, "application/x-www-form-urlencoded")


def everything_in(bot: Harness, channel: str) -> str:
    """Every message of ``channel``, threads included, as one text to search."""
    messages = bot.fake.messages.get(channel, [])
    return "\n".join(m.text + json.dumps(m.blocks or [], ensure_ascii=False) for m in messages)


async def home_of(bot: Harness, user: str) -> str:
    assert (await bot.event(slack_requests.app_home_opened_event(user=user))).status_code == 200
    await bot.drain()
    published = [c for c in bot.fake.calls_to("views.publish") if c.args.get("user_id") == user]
    return json.dumps(published[-1].json_arg("view"), ensure_ascii=False)


async def test_a_ticket_asked_in_a_dm_is_seen_only_by_the_people_it_concerns(bot: Harness) -> None:
    dm = bot.fake.dm_channel_for("U0ERIN")
    opened = answer(await command_in(bot, f"refund for ACME: {SECRET}", "U0ERIN", dm, "directmessage"))
    assert "*SUP-1*" in opened and "<@U0ALICE>" in opened
    refused = answer(await bot.command("show SUP-1", "U0STRANGER"))
    assert refused.startswith(":lock: *SUP-1* is private") and SECRET not in refused
    await bot.drain()
    # The card is in its owner's DM, not in the department channel where anyone may read along.
    ticket = await bot.ticket("SUP-1")
    assert ticket.card_channel == bot.fake.dm_channel_for("U0ALICE")
    assert SECRET in everything_in(bot, ticket.card_channel)
    [notice] = bot.fake.messages_in("C0SUPPORT")
    assert "private ticket *SUP-1*" in notice.text and "<@U0ALICE>" in notice.text and SECRET not in notice.text
    assert "is private" in answer(await bot.command("show SUP-1", "U0CAROL"))  # Engineering: not its business
    for allowed in ("U0ERIN", "U0ALICE", "U0BOB", "U0LEADSUP", "U0ADMIN"):
        assert SECRET in answer(await bot.command("show SUP-1", allowed)), allowed

    bot.clock.advance(timedelta(hours=5))  # 15:00: not acknowledged by 14:00, so overdue
    for outsider in ("U0STRANGER", "U0CAROL"):
        assert "SUP-1" not in answer(await bot.command("list overdue", outsider)), outsider
        assert "SUP-1" not in await home_of(bot, outsider), outsider
    assert SECRET in answer(await bot.command("list overdue", "U0BOB"))
    assert SECRET in answer(await bot.command("list", "U0ADMIN"))
    assert SECRET in answer(await bot.command("list", "U0ERIN"))
    assert SECRET in await home_of(bot, "U0BOB")  # his department's, waiting to be acknowledged

    # Handed to Engineering: Support, where it passed through, still sees it; Sales never did.
    answer(await bot.command("assign SUP-1 <@U0CAROL|carol>", "U0ALICE"))
    assert "yours now" in answer(await bot.command("accept SUP-1", "U0CAROL"))
    for allowed in ("U0BOB", "U0DAN", "U0CAROL"):
        assert SECRET in answer(await bot.command("show SUP-1", allowed)), allowed
    assert "is private" in answer(await bot.command("show SUP-1", "U0LEADSALES"))
    answer(await bot.command("escalate SUP-1 the customer is furious", "U0ERIN"))
    await bot.drain()
    [escalated] = bot.fake.messages_in("C0ENG")
    assert "*SUP-1*" in escalated.text and "furious" not in escalated.text and SECRET not in escalated.text

    # The digest counts it, and names neither its title nor its card.
    digest = (
        await bot.post(
            slack_requests.slash_command_body(text="", user="U0LEADENG", command="/digest"),
            "application/x-www-form-urlencoded",
        )
    ).json()
    shown = json.dumps(digest["blocks"], ensure_ascii=False)
    assert "*SUP-1*" in shown and "_private_" in shown and SECRET not in shown
    bot.clock.set(START + timedelta(hours=8, minutes=5))  # 18:05: the daily digest goes out
    await bot.bot.ticker.tick()  # type: ignore[union-attr]
    await bot.drain()
    assert "Crossdesk daily digest" in everything_in(bot, "C0MGMT")
    for channel in PUBLIC_CHANNELS:
        assert SECRET not in everything_in(bot, channel), channel


async def test_a_form_opened_in_a_private_channel_makes_a_private_ticket(bot: Harness) -> None:
    response = await command_in(bot, "", "U0ERIN", "G0PLANNING", "privategroup")
    assert response.status_code == 200
    form = bot.opened_view()
    answers = {BlockId.FORM_TITLE: f"Refund: {SECRET}", BlockId.FORM_DEPARTMENT: "SUP"}
    assert (await bot.submit(form, "U0ERIN", answers)).status_code == 200
    await bot.drain()
    assert "is private" in answer(await bot.command("show SUP-1", "U0STRANGER"))
    assert (await bot.ticket("SUP-1")).card_channel == bot.fake.dm_channel_for("U0ALICE")
    for channel in PUBLIC_CHANNELS:
        assert SECRET not in everything_in(bot, channel), channel


async def test_a_message_and_a_reaction_in_a_private_channel_keep_the_card_out_of_it(
    database_url: str, workspace: WorkspaceConfig
) -> None:
    config = workspace.model_copy(update={"intake_channels": ["C0INTAKE", "G0PRIVATE"]})
    async with running_bot(database_url, config) as bot:
        posted = bot.fake.post_user_message("G0PRIVATE", "U0ERIN", f"Refund please, {SECRET}")
        event = slack_requests.message_event(
            channel="G0PRIVATE", user="U0ERIN", text=posted.text, ts=posted.ts, channel_type="group"
        )
        assert (await bot.event(event)).status_code == 200
        reply = bot.fake.post_user_message("G0PRIVATE", "U0BOB", "and the export crashes", thread_ts=posted.ts)
        reaction = slack_requests.reaction_added_event(
            channel="G0PRIVATE", ts=reply.ts, user="U0BOB", reaction="ticket", item_user="U0BOB"
        )
        assert (await bot.event(reaction)).status_code == 200
        await bot.drain()
        refund, crash = await bot.tickets()
        assert (refund.key, crash.key) == ("SUP-1", "ENG-1")
        assert refund.card_channel == bot.fake.dm_channel_for("U0ALICE")
        assert crash.card_channel == bot.fake.dm_channel_for("U0CAROL")
        # Nothing of the bot's in the private channel: its members are not all allowed to follow the tickets.
        assert [m.user for m in bot.fake.messages["G0PRIVATE"]] == ["U0ERIN", "U0BOB"]
        told = everything_in(bot, bot.fake.dm_channel_for("U0ERIN"))
        assert "Your ticket *SUP-1* is private" in told
        assert "Your ticket *ENG-1* is private" in everything_in(bot, bot.fake.dm_channel_for("U0BOB"))
        assert SECRET not in everything_in(bot, "C0SUPPORT") and "*SUP-1*" in everything_in(bot, "C0SUPPORT")
        assert "is private" in answer(await bot.command("show ENG-1", "U0STRANGER"))


async def test_a_ticket_from_a_public_channel_stays_visible_to_everyone(bot: Harness) -> None:
    await bot.intake_message(f"Refund please, {SECRET}")
    await bot.drain()
    assert (await bot.ticket("SUP-1")).card_channel == "C0INTAKE"
    assert SECRET in answer(await bot.command("show SUP-1", "U0STRANGER"))
    assert SECRET in everything_in(bot, "C0SUPPORT")


async def test_the_stand_up_summary_names_a_private_ticket_without_its_title(bot: Harness) -> None:
    dm = bot.fake.dm_channel_for("U0ERIN")
    answer(await command_in(bot, f"refund for ACME: {SECRET}", "U0ERIN", dm, "directmessage"))  # SUP-1, Alice
    answer(await bot.command("refund for order 12, invoice lost", "U0ERIN"))  # SUP-2, public, Bob
    answer(await bot.command("refund for order 13, invoice lost", "U0ERIN"))  # SUP-3, public, Alice
    for hour, minute in ((9, 30), (10, 35)):  # Tuesday: the questions, then the summary
        bot.clock.set(START + timedelta(days=1, hours=hour - 10, minutes=minute))
        await bot.bot.ticker.tick()  # type: ignore[union-attr]
        await bot.drain()
    summary = everything_in(bot, "C0SUPPORT")
    assert "*SUP-1* :lock: _private_" in summary and "*SUP-3* refund for order 13" in summary
    assert SECRET not in summary
    assert SECRET in everything_in(bot, bot.fake.dm_channel_for("U0ALICE"))  # her own prompt lists it in full
