"""A ticket waiting on another department's answer: its clock stops while it is blocked on a consult and restarts,
with the working time it had left, when the consult is answered or declined (due times computed by hand below);
and everywhere a ticket's state is shown, waiting on another department reads differently from waiting on the
requester — card, ``/ticket show``, ``/ticket list``, App Home, the stand-up DM, ``/digest``."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from bot.sandbox import slack_requests
from bot.surfaces.ids import ActionId
from tests.e2e.test_consults import card_text, dms, history, refund_ticket, said, shanghai, thread
from tests.support.harness import Harness


async def choose_in_pause_menu(bot: Harness, key: str, user: str, value: str) -> None:
    """Pick ``value`` in the *Pause…* menu of ``key``'s card, as Slack posts an overflow choice."""
    ticket = await bot.ticket(key)
    card = bot.fake.message(ticket.card_channel or "", ticket.card_ts or "")
    assert card is not None and card.blocks is not None
    [actions] = [block for block in card.blocks if block["type"] == "actions"]
    [menu] = [element for element in actions["elements"] if element["action_id"] == ActionId.PAUSE]
    payload = slack_requests.block_actions_payload(
        user=user,
        action=slack_requests.block_action(menu, actions["block_id"], choice=value),
        trigger_id=bot.trigger(user),
        message={"type": "message", "ts": card.ts, "text": card.text, "blocks": card.blocks},
        channel=ticket.card_channel,
    )
    response = await bot.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    assert response.status_code == 200


async def test_the_clock_stops_while_waiting_on_a_consult_and_restarts_when_it_is_answered_or_declined(
    bot: Harness,
) -> None:
    sup = await refund_ticket(bot)  # Monday 10:00; normal: resolve by Thursday 10:00
    assert sup.resolve_due_at == shanghai(3, 10)
    said(await bot.command("ack SUP-1", "U0ALICE"))
    said(await bot.command("ask SUP-1 ENG Was order 1042 charged twice?", "U0ALICE"))
    said(await bot.command("ack ENG-1", "U0CAROL"))

    bot.clock.set(shanghai(30, 11))  # one working hour later, Alice waits for the answer
    assert said(await bot.command("block SUP-1 ENG-1", "U0ALICE")) == (
        "*SUP-1* waits for the answer to *ENG-1*; its clock is stopped until then."
    )
    sup, eng = await bot.tickets()
    assert (sup.status, sup.blocked_on_id, sup.paused_at) == ("blocked", eng.id, shanghai(30, 11))
    assert (await history(bot, "SUP-1"))[-1] == ("U0ALICE", "waiting_on_consult", "acknowledged", "blocked", "ENG-1")

    # Tuesday 09:30 the answer comes: 7.5 working hours were paused (Monday 11:00-18:00, Tuesday 09:00-09:30). The
    # 26 working hours left at 11:00 on Monday (Mon 7 + Tue 9 + Wed 9 + Thu 1) run from 09:30 on Tuesday: Tue 8.5,
    # Wed 9, and 8.5 on Thursday: resolve by Thursday 17:30.
    bot.clock.set(shanghai(1, 9, 30))
    said(await bot.command("answer ENG-1 Yes, twice", "U0CAROL"))
    sup = await bot.ticket("SUP-1")
    assert (sup.status, sup.blocked_on_id, sup.paused_at, sup.resolve_due_at) == (
        "acknowledged",
        None,
        None,
        shanghai(3, 17, 30),
    )
    assert (await history(bot, "SUP-1"))[-2:] == [
        ("U0CAROL", "consult_answered", "ENG", "ENG-1", "Yes, twice"),
        ("U0CAROL", "resumed", "blocked", "acknowledged", None),
    ]
    await bot.drain()
    [line] = [text for text in thread(bot, sup) if "answered *ENG-1*" in text]
    assert "; the clock runs again, resolve by <!date^" in line and "2026-12-03 17:30 CST" in line

    # Again through the card's Pause… menu: asked of Sales at 09:30, waiting from 10:00, declined at 15:00 on Tuesday.
    # Five working hours paused: Thursday 17:30 moves on by them, past Thursday's 18:00, to Friday 13:30.
    said(await bot.command("ask SUP-1 SALES Was the invoice sent twice?", "U0ALICE"))
    await bot.drain()
    bot.clock.set(shanghai(1, 10))
    await choose_in_pause_menu(bot, "SUP-1", "U0ALICE", "consult:SUP-1:SALES-1")
    assert (await bot.ticket("SUP-1")).status == "blocked"
    bot.clock.set(shanghai(1, 15))
    said(await bot.command("decline SALES-1 we never invoice refunds", "U0ERIN"))
    sup = await bot.ticket("SUP-1")
    assert (sup.status, sup.resolve_due_at) == ("acknowledged", shanghai(4, 13, 30))

    # Answering a consult the ticket does not wait for leaves its clock alone.
    said(await bot.command("ask SUP-1 ENG Is the gateway fixed?", "U0ALICE"))
    said(await bot.command("wait SUP-1 which bank?", "U0ALICE"))
    assert "*SUP-1* is already on hold (Waiting on requester)" in said(
        await bot.command("block SUP-1 ENG-2", "U0ALICE")
    )
    said(await bot.command("answer ENG-2 It is", "U0DAN"))
    assert (await bot.ticket("SUP-1")).status == "waiting"


async def test_waiting_on_another_department_reads_differently_from_waiting_on_the_requester(bot: Harness) -> None:
    await refund_ticket(bot)  # SUP-1, Alice
    await bot.intake_message("Customer wants a refund for order 77")  # SUP-2, Bob
    await bot.intake_message("Another refund, order 78")  # SUP-3, Alice
    said(await bot.command("ack SUP-1", "U0ALICE"))
    said(await bot.command("ask SUP-1 ENG Was order 1042 charged twice?", "U0ALICE"))
    said(await bot.command("block SUP-1 ENG-1", "U0ALICE"))
    said(await bot.command("ack SUP-3", "U0ALICE"))
    said(await bot.command("wait SUP-3 which card?", "U0ALICE"))
    said(await bot.command("ack SUP-2", "U0BOB"))
    said(await bot.command("block SUP-2 the bank is closed", "U0BOB"))  # a note, not a consult: just blocked
    await bot.drain()
    sup1, sup2, sup3 = [await bot.ticket(key) for key in ("SUP-1", "SUP-2", "SUP-3")]

    assert "*Status*\\nWaiting on Engineering 研发 (ENG-1)" in card_text(bot, sup1)
    assert "*Status*\\nBlocked" in card_text(bot, sup2)
    assert "*Status*\\nWaiting on requester" in card_text(bot, sup3)
    shown = said(await bot.command("show SUP-1", "U0ALICE"))
    assert "· Waiting on Engineering 研发 (ENG-1)" in shown
    assert "• *ENG-1* Engineering 研发 — <@U0CAROL> · Open — waiting for its owner" in shown
    assert ":hourglass: this ticket waits for it" in shown
    listed = said(await bot.command("list dept", "U0ALICE")).splitlines()[1:]
    assert [(line.split("*")[1], line.rsplit(" — ", 1)[1].split(", ")[1]) for line in listed] == [
        ("SUP-1", "Waiting on another department"),
        ("SUP-2", "Blocked"),
        ("SUP-3", "Waiting on requester"),
    ]

    assert (await bot.event(slack_requests.app_home_opened_event(user="U0ALICE"))).status_code == 200
    await bot.drain()
    home = json.dumps(bot.fake.calls_to("views.publish")[-1].json_arg("view"), ensure_ascii=False)
    assert "Waiting on another department" in home and "Waiting on requester" in home

    bot.clock.set(shanghai(1, 9, 30))  # Tuesday's stand-up question lists her tickets
    assert bot.bot.ticker is not None
    await bot.bot.ticker.tick()
    await bot.drain()
    [standup] = [m for m in bot.fake.messages_in(bot.fake.dm_channel_for("U0ALICE")) if "stand-up" in m.text]
    blocks = json.dumps(standup.blocks, ensure_ascii=False)
    assert "*SUP-1* Customer wants a refund for order 1042 — Waiting on another department" in blocks
    assert "*SUP-3* Another refund, order 78 — Waiting on requester" in blocks

    body = slack_requests.slash_command_body(text="", user="U0LEADSUP", command="/digest")
    digest = json.dumps((await bot.post(body, "application/x-www-form-urlencoded")).json()["blocks"])
    digest = digest.encode().decode("unicode_escape")
    assert "SUP-1" in digest and ":hourglass: waiting on another department" in digest
    assert ":construction: blocked" in digest and ":hourglass_flowing_sand: waiting on the requester" in digest


async def test_an_overdue_consult_is_reminded_and_escalated_on_its_own_clock(bot: Harness) -> None:
    await refund_ticket(bot)
    said(await bot.command("ask SUP-1 ENG Was order 1042 charged twice?", "U0ALICE"))
    await bot.drain()
    sup = await bot.ticket("SUP-1")
    carol, lead = bot.fake.dm_channel_for("U0CAROL"), bot.fake.dm_channel_for("U0LEADENG")
    seen = len(bot.fake.messages_in(carol))
    assert bot.bot.ticker is not None

    bot.clock.set(shanghai(30, 10, 59))  # not yet: acknowledge within an hour (sla.consult)
    await bot.bot.ticker.tick()
    await bot.drain()
    assert len(bot.fake.messages_in(carol)) == seen
    for step in (1, 2):
        bot.clock.set(shanghai(30, 10 + step))
        await bot.bot.ticker.tick()
        await bot.drain()
        [reminder] = bot.fake.messages_in(carol)[seen:]  # each replaces the one before
        assert "*ENG-1* Was order 1042 charged twice? — a question from another department: acknowledge was due" in (
            reminder.text
        )
        assert f"reminder {step}" in reminder.text
    updates_before = len([c for c in bot.fake.calls_to("chat.update") if c.args.get("ts") == sup.card_ts])
    assert bot.fake.messages_in(lead) == []
    bot.clock.set(shanghai(30, 13))
    await bot.bot.ticker.tick()
    await bot.drain()
    [to_lead] = bot.fake.messages_in(lead)
    assert "Escalated to you as department lead" in to_lead.text and "*ENG-1*" in to_lead.text
    eng = await bot.ticket("ENG-1")
    assert (eng.escalation_level, eng.reminder_count) == (1, 3)
    assert (await history(bot, "ENG-1"))[-1][:2] == ("crossdesk", "escalated")
    # The parent's card follows its consult: updated when the consult moved up the ladder.
    updates = [c for c in bot.fake.calls_to("chat.update") if c.args.get("ts") == sup.card_ts]
    assert len(updates) > updates_before
    assert "• *ENG-1* Engineering 研发 — <@U0CAROL>" in card_text(bot, sup)
    # Nobody on Support is reminded: SUP-1 is not overdue, and its owner was asked nothing.
    assert not [t for t in dms(bot, "U0ALICE") if "overdue" in t]
