"""DMs with buttons about a ticket (a requester's Confirm/Reopen, a hand-off offer) never go stale: every change of
the ticket updates them in place (``chat.update``) to show what happened, and a click on an old one is answered
with what happened and changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.sandbox import slack_requests
from bot.sandbox.fake_slack.models import FakeMessage
from bot.surfaces.ids import ActionId, BlockId
from tests.support.harness import Harness


def dms_with(bot: Harness, user: str, action: ActionId, key: str) -> list[FakeMessage]:
    """The bot's DMs to ``user`` that carry the button ``action`` for ``key``, as Slack shows them now."""
    return [
        m
        for m in bot.fake.messages_in(bot.fake.dm_channel_for(user))
        if m.blocks and action.value in json.dumps(m.blocks) and key in json.dumps(m.blocks)
    ]


def live_buttons(bot: Harness, user: str) -> list[str]:
    """Every button still clickable in the bot's DMs to ``user`` about the ticket's state. A resolved ticket's rating
    question is apart: it stays open after the ticket closes, as a rating is welcome then too
    (``tests/e2e/test_satisfaction.py``)."""
    return [
        element["action_id"]
        for m in bot.fake.messages_in(bot.fake.dm_channel_for(user))
        for block in m.blocks or []
        if block.get("type") == "actions" and not block.get("block_id", "").startswith(BlockId.RATING_ACTIONS.value)
        for element in block["elements"]
    ]


async def click_old(
    bot: Harness, message: FakeMessage, blocks: list[dict[str, Any]], action: ActionId, user: str
) -> list[str]:
    """Click ``action`` on ``message`` as the person's Slack client still showed it (``blocks``); returns every
    ephemeral answer ``user`` has had."""
    body = slack_requests.block_actions_body(
        action_id=action, value="SUP-1", user=user, channel=message.channel, message_ts=message.ts, blocks=blocks
    )
    response = await bot.post(body, "application/x-www-form-urlencoded")
    assert response.status_code == 200
    await bot.drain()
    return [c.args["text"] for c in bot.fake.calls_to("chat.postEphemeral") if c.args["user"] == user]


def updates_of(bot: Harness, message: FakeMessage) -> list[dict[str, object]]:
    return [c.args for c in bot.fake.calls_to("chat.update") if c.ok and c.args.get("ts") == message.ts]


async def test_an_old_reopen_button_cannot_reopen_a_ticket_resolved_again(bot: Harness) -> None:
    await bot.intake_message("Customer wants a refund for the March order")
    await bot.drain()
    await bot.command("close SUP-1 refunded", "U0ALICE")  # resolves it: Erin is asked to confirm
    await bot.drain()
    [first] = dms_with(bot, "U0ERIN", ActionId.REOPEN, "SUP-1")
    first_blocks = list(first.blocks or [])

    await bot.command("close SUP-1", "U0ALICE")  # closed
    await bot.drain()
    [update] = updates_of(bot, first)
    assert "actions" not in json.dumps(update["blocks"]) and "<@U0ALICE> closed this ticket" in str(update["text"])
    assert "refunded" in str(update["text"])  # what it asked is still there to read
    assert live_buttons(bot, "U0ERIN") == []

    await bot.command("reopen SUP-1 the refund bounced", "U0ERIN")
    await bot.command("close SUP-1 refunded again", "U0ALICE")  # resolved again: a new prompt
    await bot.drain()
    assert (await bot.ticket("SUP-1")).status == "resolved"
    assert live_buttons(bot, "U0ERIN") == [ActionId.CONFIRM, ActionId.REOPEN]

    [answer] = await click_old(bot, first, first_blocks, ActionId.REOPEN, "U0ERIN")
    assert answer.startswith("This message is out of date. Since it was sent, <@U0ALICE> resolved it (")
    assert answer.endswith("*SUP-1* is now Resolved, so nothing was changed.")
    assert (await bot.ticket("SUP-1")).status == "resolved"
    assert [e.action for e in (await bot.services.tickets.history("SUP-1")).events].count("reopened") == 1

    assert (await bot.click_in_dm(ActionId.CONFIRM, "SUP-1", "U0ERIN")).status_code == 200  # the current one works
    assert (await bot.ticket("SUP-1")).status == "closed"
    await bot.drain()
    assert live_buttons(bot, "U0ERIN") == []


async def test_a_withdrawn_or_declined_offer_loses_its_buttons_and_an_old_accept_changes_nothing(
    bot: Harness,
) -> None:
    await bot.intake_message("Customer wants a refund for the March order")
    await bot.drain()
    await bot.command("assign SUP-1 <@U0BOB|bob> Bob knows this customer", "U0ALICE")
    await bot.drain()
    [offer] = dms_with(bot, "U0BOB", ActionId.ACCEPT_HANDOFF, "SUP-1")
    offer_blocks = list(offer.blocks or [])

    await bot.command("escalate SUP-1 customer is upset", "U0ERIN")  # the offer still stands
    await bot.drain()
    assert updates_of(bot, offer) == []
    assert live_buttons(bot, "U0BOB") == [ActionId.ACCEPT_HANDOFF, ActionId.DECLINE_HANDOFF]

    await bot.command("assign SUP-1 <@U0CAROL|carol> it is a crash after all", "U0ALICE")  # Bob's is withdrawn
    await bot.drain()
    [update] = updates_of(bot, offer)
    assert "offered this ticket to <@U0CAROL>" in str(update["text"]) and "actions" not in json.dumps(update["blocks"])
    assert live_buttons(bot, "U0BOB") == []

    [answer] = await click_old(bot, offer, offer_blocks, ActionId.ACCEPT_HANDOFF, "U0BOB")
    assert "out of date. Since it was sent, <@U0ALICE> offered it (" in answer
    ticket = await bot.ticket("SUP-1")
    assert (ticket.owner_id, ticket.pending_owner_id) == ("U0ALICE", "U0CAROL")
    answers = await click_old(bot, offer, offer_blocks, ActionId.DECLINE_HANDOFF, "U0BOB")
    assert "out of date" in answers[-1] and bot.fake.calls_to("views.open") == []  # no decline form opens

    [carol_offer] = dms_with(bot, "U0CAROL", ActionId.ACCEPT_HANDOFF, "SUP-1")
    carol_blocks = list(carol_offer.blocks or [])
    await bot.command("decline SUP-1 not an engineering problem", "U0CAROL")
    await bot.drain()
    [update] = updates_of(bot, carol_offer)
    assert "<@U0CAROL> declined to take this ticket: not an engineering problem" in str(update["text"])
    [answer] = await click_old(bot, carol_offer, carol_blocks, ActionId.ACCEPT_HANDOFF, "U0CAROL")
    assert "<@U0CAROL> declined it (" in answer and "*SUP-1* is now Open — waiting for its owner" in answer
    ticket = await bot.ticket("SUP-1")
    assert (ticket.owner_id, ticket.pending_owner_id) == ("U0ALICE", None)


async def test_a_dm_still_waiting_to_be_sent_is_updated_once_slack_has_it(bot: Harness) -> None:
    await bot.intake_message("Customer wants a refund for the March order")
    await bot.drain()
    posted = len(bot.fake.calls_to("chat.postMessage"))
    bot.fake.fail_next("chat.postMessage", status=429, retry_after=30, times=2)  # the thread line and the prompt
    await bot.command("close SUP-1 refunded", "U0ALICE")
    await bot.fake.wait_for_calls("chat.postMessage", count=posted + 2)
    await bot.settle()
    assert dms_with(bot, "U0ERIN", ActionId.CONFIRM, "SUP-1") == []  # not in Slack yet

    await bot.command("close SUP-1 thanks", "U0ERIN")  # Erin closes it before her prompt reached her
    bot.clock.advance(timedelta(seconds=30))
    await bot.drain()
    [prompt] = [m for m in bot.fake.messages_in(bot.fake.dm_channel_for("U0ERIN")) if "was resolved by" in m.text]
    assert updates_of(bot, prompt) != []
    assert "<@U0ERIN> closed this ticket" in prompt.text and live_buttons(bot, "U0ERIN") == []
