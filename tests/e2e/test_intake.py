"""A message in an intake channel becomes an owned ticket: card in the thread, DM to the owner."""

from __future__ import annotations

import asyncio
import json

from sqlmodel import select

from bot.sandbox import slack_requests
from bot.surfaces.ids import ActionId
from storage.models import OutboxMessage
from tests.support.harness import Harness


def button_ids(blocks: list[dict[str, object]]) -> list[str]:
    actions = [b for b in blocks if b.get("type") == "actions"]
    return [str(e["action_id"]) for block in actions for e in block["elements"]]  # type: ignore[attr-defined]


async def test_intake_message_opens_ticket_with_card_and_owner_dm(bot: Harness) -> None:
    ts, response = await bot.intake_message("Customer ACME wants a refund for invoice 1234")
    assert response.status_code == 200
    # Committed before the answer: the ticket and its outgoing messages are already in the database.
    [ticket] = await bot.tickets()
    assert (ticket.key, ticket.department_key, ticket.owner_id, ticket.status) == ("SUP-1", "SUP", "U0ALICE", "open")
    assert (ticket.origin_channel, ticket.origin_ts, ticket.source) == ("C0INTAKE", ts, "message")

    await bot.drain()
    [card] = [m for m in bot.fake.messages_in("C0INTAKE", thread_ts=ts) if m.user == bot.fake.bot_user_id]
    text = json.dumps(card.blocks)
    for expected in ("SUP-1", "Customer ACME wants a refund", "Customer Support", "<@U0ALICE>", "Normal", "Open"):
        assert expected in text, expected
    assert button_ids(card.blocks or []) == [
        ActionId.SHOW_CUSTOMER,  # "ACME" is a customer of the example file: the card shows it, with its buttons
        ActionId.CHANGE_CUSTOMER,
        ActionId.ACKNOWLEDGE,
        ActionId.REASSIGN,
        ActionId.ESCALATE,
        ActionId.RESOLVE,
        ActionId.ASK_CONSULT,
        ActionId.PAUSE,  # an overflow menu: waiting on the requester / blocked
    ]
    ticket = await bot.ticket("SUP-1")
    assert (ticket.card_channel, ticket.card_ts) == ("C0INTAKE", card.ts)

    dm_channel = bot.fake.dm_channel_for("U0ALICE")
    [dm] = bot.fake.messages_in(dm_channel)
    assert "SUP-1" in dm.text and "<@U0ERIN>" in dm.text
    assert f"https://crossdesk.slack.com/archives/C0INTAKE/p{card.ts.replace('.', '')}?thread_ts={ts}" in dm.text
    [notice] = bot.fake.messages_in("C0SUPPORT")
    assert "SUP-1" in notice.text


async def test_routing_round_robin_and_chinese_keywords(bot: Harness) -> None:
    await bot.intake_message("退款还没到账，客户投诉")
    await bot.intake_message("Login page shows an error after the update")
    await bot.intake_message("Second refund question")
    await bot.intake_message("Something nobody has a keyword for")
    tickets = await bot.tickets()
    assert [(t.key, t.owner_id) for t in tickets] == [
        ("SUP-1", "U0ALICE"),
        ("ENG-1", "U0CAROL"),
        ("SUP-2", "U0BOB"),
        ("SUP-3", "U0ALICE"),
    ]


async def test_messages_that_must_not_open_tickets(bot: Harness) -> None:
    parent_ts, _ = await bot.intake_message("refund please")
    await bot.drain()
    calls_before = len(bot.fake.calls)
    rows_before = await bot.outbox_rows()
    payloads = [
        slack_requests.bot_message_event(channel="C0INTAKE", text="refund from another bot"),
        slack_requests.bot_message_event(channel="C0INTAKE", text="classic bot refund", classic=True),
        slack_requests.message_changed_event(channel="C0INTAKE", user="U0ERIN", text="refund edited", ts=parent_ts),
        slack_requests.message_deleted_event(channel="C0INTAKE", ts=parent_ts),
        slack_requests.message_event(channel="C0ENG", user="U0ERIN", text="refund outside intake"),
    ]
    for payload in payloads:
        response = await bot.event(payload)
        assert response.status_code == 200, payload["event"]
    assert [t.key for t in await bot.tickets()] == ["SUP-1"]
    await bot.drain()
    assert await bot.outbox_rows() == rows_before  # nothing was queued for Slack
    assert len(bot.fake.calls) == calls_before  # and nothing was said to it


async def test_thread_replies_are_recorded_as_comments(bot: Harness) -> None:
    ts, _ = await bot.intake_message("refund please")
    reply = bot.fake.post_user_message("C0INTAKE", "U0ALICE", "Looking into it now", thread_ts=ts)
    response = await bot.event(
        slack_requests.message_event(channel="C0INTAKE", user="U0ALICE", text=reply.text, ts=reply.ts, thread_ts=ts)
    )
    assert response.status_code == 200
    assert [t.key for t in await bot.tickets()] == ["SUP-1"]  # a reply never opens a ticket
    history = await bot.services.tickets.history("SUP-1")
    assert [(e.action, e.actor_id, e.note) for e in history.events][-1] == (
        "commented",
        "U0ALICE",
        "Looking into it now",
    )


async def test_url_verification_is_answered(bot: Harness) -> None:
    payload = slack_requests.load("url_verification.json")
    response = await bot.post(json.dumps(payload), "application/json")
    assert response.status_code == 200
    assert payload["challenge"] in response.text


async def test_a_message_with_a_screenshot_is_still_a_ticket(bot: Harness) -> None:
    message = bot.fake.post_user_message("C0INTAKE", "U0ERIN", "Refund page shows this error, see screenshot")
    payload = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text=message.text, ts=message.ts)
    payload["event"]["subtype"] = "file_share"
    payload["event"]["files"] = [{"id": "F0SHOT", "name": "screenshot.png", "mimetype": "image/png"}]
    assert (await bot.event(payload)).status_code == 200
    assert [t.key for t in await bot.tickets()] == ["SUP-1"]


async def test_many_messages_at_once_each_get_one_card_and_one_dm_without_a_second_claim(bot: Harness) -> None:
    """Written together (group commit) and handed straight to the sender: every card and DM goes out once,
    linking to its own card, and no sender pass claims the handed-over rows a second time."""
    posted = [bot.fake.post_user_message("C0INTAKE", "U0ERIN", f"refund please, order {n}") for n in range(12)]
    answers = await asyncio.gather(
        *(
            bot.event(slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text=m.text, ts=m.ts))
            for m in posted
        )
    )
    assert [a.status_code for a in answers] == [200] * 12
    await bot.drain()
    tickets = await bot.tickets()
    assert sorted(t.number for t in tickets) == list(range(1, 13))
    for message, ticket in zip(posted, sorted(tickets, key=lambda t: t.origin_ts or ""), strict=True):
        cards = [m for m in bot.fake.messages_in("C0INTAKE", thread_ts=message.ts) if m.user == bot.fake.bot_user_id]
        assert len(cards) == 1 and ticket.card_ts == cards[0].ts
    dms = bot.fake.messages_in(bot.fake.dm_channel_for("U0ALICE")) + bot.fake.messages_in(
        bot.fake.dm_channel_for("U0BOB")
    )
    assert len(dms) == 12
    assert sorted(next(t.key for t in tickets if f"*{t.key}*" in (m.text or "")) for m in dms) == sorted(
        t.key for t in tickets
    )
    assert not any("{card_link}" in (m.text or "") for m in dms)  # each links to its card, posted just before
    async with bot.services.db.transaction() as session:
        rows = (await session.exec(select(OutboxMessage))).all()
    assert {row.status for row in rows} == {"sent"}
    assert {row.attempts for row in rows} == {1}  # handed over once; never claimed again by a pass
