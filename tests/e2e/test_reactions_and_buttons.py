"""The ticket reaction and the card's buttons, with the payload shapes Slack sends."""

from __future__ import annotations

import json

from bot.sandbox import slack_requests
from bot.surfaces.ids import ActionId, BlockId, CallbackId
from tests.support.harness import Harness


async def react(bot: Harness, channel: str, ts: str, user: str, reaction: str = "ticket") -> int:
    message = bot.fake.message(channel, ts)
    assert message is not None
    payload = slack_requests.reaction_added_event(
        channel=channel, ts=ts, user=user, reaction=reaction, item_user=message.user or "U0ERIN"
    )
    return (await bot.event(payload)).status_code


async def test_reaction_turns_any_message_into_a_ticket_once(bot: Harness) -> None:
    message = bot.fake.post_user_message("C0ENG", "U0ERIN", "Checkout crashes for ACME since this morning")
    assert await react(bot, "C0ENG", message.ts, "U0DAN") == 200
    history_calls = bot.fake.calls_to("conversations.history")
    assert history_calls and history_calls[-1].args["latest"] == message.ts
    [ticket] = await bot.tickets()
    assert (ticket.key, ticket.source, ticket.requester_id) == ("ENG-1", "reaction", "U0DAN")
    assert ticket.text == "Checkout crashes for ACME since this morning"
    await bot.drain()
    [card] = [m for m in bot.fake.messages_in("C0ENG", thread_ts=message.ts) if m.user == bot.fake.bot_user_id]
    assert "ENG-1" in json.dumps(card.blocks)

    # Reacting again, by anyone, points to the existing ticket instead of opening a second one.
    assert await react(bot, "C0ENG", message.ts, "U0ERIN") == 200
    await bot.drain()
    assert [t.key for t in await bot.tickets()] == ["ENG-1"]
    [pointer] = [c for c in bot.fake.calls_to("chat.postEphemeral") if c.args.get("user") == "U0ERIN"]
    assert "already ticket *ENG-1*" in pointer.args["text"]


async def test_reaction_on_a_thread_reply_puts_the_card_in_that_thread(bot: Harness) -> None:
    parent = bot.fake.post_user_message("C0SUPPORT", "U0ERIN", "Weekly sync notes")
    reply = bot.fake.post_user_message(
        "C0SUPPORT", "U0ERIN", "Customer asks for a refund on order 99", thread_ts=parent.ts
    )
    assert await react(bot, "C0SUPPORT", reply.ts, "U0BOB") == 200
    assert bot.fake.calls_to("conversations.replies")
    [ticket] = await bot.tickets()
    assert (ticket.origin_ts, ticket.thread_ts) == (reply.ts, parent.ts)
    await bot.drain()
    thread = bot.fake.messages_in("C0SUPPORT", thread_ts=parent.ts)
    assert any(m.user == bot.fake.bot_user_id and "SUP-1" in json.dumps(m.blocks) for m in thread)


async def test_other_reactions_are_ignored(bot: Harness) -> None:
    message = bot.fake.post_user_message("C0ENG", "U0ERIN", "nice work")
    assert await react(bot, "C0ENG", message.ts, "U0DAN", reaction="tada") == 200
    assert await bot.tickets() == []
    assert bot.fake.calls_to("conversations.history") == []


async def test_reaction_on_an_unreadable_message_tells_the_reactor(bot: Harness) -> None:
    bot.fake.fail_next("conversations.history", error="not_in_channel")
    message = bot.fake.post_user_message("C0ENG", "U0ERIN", "secret")
    assert await react(bot, "C0ENG", message.ts, "U0DAN") == 200
    await bot.drain()
    assert await bot.tickets() == []
    [note] = bot.fake.calls_to("chat.postEphemeral")
    assert note.args["user"] == "U0DAN" and "could not read that message" in note.args["text"]


async def test_acknowledge_button_updates_the_card_in_place(bot: Harness) -> None:
    ts, _ = await bot.intake_message("refund please")
    await bot.drain()
    response = await bot.click(ActionId.ACKNOWLEDGE, "SUP-1", "U0ALICE")
    assert response.status_code == 200
    ticket = await bot.ticket("SUP-1")
    assert ticket.status == "acknowledged" and ticket.acknowledged_at == bot.clock.now()
    await bot.drain()
    [update] = bot.fake.calls_to("chat.update")
    assert update.args["ts"] == ticket.card_ts
    card = bot.fake.message("C0INTAKE", ticket.card_ts or "")
    assert card is not None
    text = json.dumps(card.blocks)
    assert "Acknowledged" in text and ActionId.ACKNOWLEDGE.value not in text  # the button is gone once used
    note = bot.fake.messages_in("C0INTAKE", thread_ts=ts)[-1]
    assert "<@U0ALICE> acknowledged this ticket" in note.text


async def test_button_click_by_someone_not_allowed_is_refused_ephemerally(bot: Harness) -> None:
    await bot.intake_message("refund please")
    await bot.drain()
    response = await bot.click(ActionId.ACKNOWLEDGE, "SUP-1", "U0STRANGER")
    assert response.status_code == 200
    await bot.drain()
    [refusal] = bot.fake.calls_to("chat.postEphemeral")
    assert refusal.args["user"] == "U0STRANGER"
    assert refusal.args["text"] == "Only the owner or an admin may acknowledge *SUP-1*."
    assert (await bot.ticket("SUP-1")).status == "open"
    assert bot.fake.calls_to("chat.update") == []


async def test_resolve_button_asks_for_a_note_then_the_requester_confirms(bot: Harness) -> None:
    await bot.intake_message("refund please")
    await bot.drain()
    assert (await bot.click(ActionId.RESOLVE, "SUP-1", "U0ALICE")).status_code == 200
    form = bot.opened_view()
    assert form["callback_id"] == CallbackId.RESOLVE
    blank = await bot.submit(form, "U0ALICE", {BlockId.FORM_NOTE: "  "})
    assert blank.status_code == 200 and blank.json()["response_action"] == "errors"
    assert list(blank.json()["errors"]) == [BlockId.FORM_NOTE.value]
    assert (await bot.ticket("SUP-1")).status == "open"
    assert (await bot.submit(form, "U0ALICE", {BlockId.FORM_NOTE: "Refunded in full"})).status_code == 200
    ticket = await bot.ticket("SUP-1")
    assert ticket.status == "resolved"
    await bot.drain()
    card = bot.fake.message("C0INTAKE", ticket.card_ts or "")
    assert card is not None
    [actions] = [b for b in card.blocks or [] if b.get("type") == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == [ActionId.CONFIRM, ActionId.REOPEN]
    assert (await bot.click_in_dm(ActionId.CONFIRM, "SUP-1", "U0ERIN")).status_code == 200
    assert (await bot.ticket("SUP-1")).status == "closed"
    await bot.drain()
    [prompt] = [
        m
        for m in bot.fake.messages_in(bot.fake.dm_channel_for("U0ERIN"))
        if "Refunded in full" in m.text or "is closed" in m.text
    ]
    assert "Confirm" not in json.dumps(prompt.blocks)  # answered prompts lose their buttons
