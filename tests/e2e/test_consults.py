"""Consults through the doors people use: ``/ticket ask`` and the card's *Ask another department* form, ``/ticket
answer`` and *Answer*, declining, hand-offs inside the department asked, and who may do each — as signed requests
into the real bot, its messages read back from the fake Slack."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx

from bot.sandbox import slack_requests
from bot.surfaces.ids import ActionId, BlockId, CallbackId
from config.schema import WorkspaceConfig
from storage.models import Ticket
from tests.support.harness import START, Harness, running_bot

QUESTION = "Was order 1042 charged twice? The customer sent a bank statement."


def shanghai(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of the test week (Monday 30 November 2026 is day 30) in Shanghai time, as UTC."""
    month, day = (11, day) if day >= 30 else (12, day)
    return datetime(2026, month, day, hour - 8, minute, tzinfo=UTC)


def said(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return str(response.json()["text"])


async def refund_ticket(bot: Harness) -> Ticket:
    """SUP-1, Erin's refund request; Alice owns it."""
    await bot.intake_message("Customer wants a refund for order 1042")
    await bot.drain()
    return await bot.ticket("SUP-1")


async def history(bot: Harness, key: str) -> list[tuple[str, str, str | None, str | None, str | None]]:
    events = (await bot.services.tickets.history(key)).events
    return [(e.actor_id, e.action, e.from_value, e.to_value, e.note) for e in events]


def dms(bot: Harness, user: str) -> list[str]:
    return [m.text for m in bot.fake.messages_in(bot.fake.dm_channel_for(user))]


def card_text(bot: Harness, ticket: Ticket) -> str:
    card = bot.fake.message(ticket.card_channel or "", ticket.card_ts or "")
    assert card is not None, f"{ticket.key} has no card"
    return json.dumps(card.blocks, ensure_ascii=False)


def thread(bot: Harness, ticket: Ticket) -> list[str]:
    return [m.text for m in bot.fake.messages_in(ticket.thread_channel or "", thread_ts=ticket.thread_ts) if m.bot_id]


async def test_asking_by_command_opens_a_ticket_of_its_own_in_the_department_asked(bot: Harness) -> None:
    await refund_ticket(bot)
    answer = said(await bot.command(f"ask SUP-1 eng {QUESTION}", "U0ALICE"))
    assert answer.startswith("Asked Engineering 研发: *ENG-1*, owner <@U0CAROL>, acknowledge by")
    assert "*SUP-1* stays yours." in answer

    sup, eng = await bot.tickets()
    assert (eng.kind, eng.parent_id, eng.department_key, eng.owner_id, eng.requester_id, eng.status) == (
        "consult",
        sup.id,
        "ENG",
        "U0CAROL",
        "U0ALICE",
        "open",
    )
    assert (eng.title, eng.text, eng.priority, eng.is_complaint) == (
        "Was order 1042 charged twice? The customer sent a bank statement.",
        QUESTION,
        "normal",
        False,
    )
    # sla.consult: acknowledge within 1h, answer within one working day (Monday 10:00 → Tuesday 10:00)
    assert (eng.ack_due_at, eng.resolve_due_at) == (shanghai(30, 11), shanghai(1, 10))
    # The parent keeps its owner and its department: asking is not handing off, so never a bounce.
    assert (sup.kind, sup.owner_id, sup.department_key, sup.bounce_count, sup.status) == (
        "ticket",
        "U0ALICE",
        "SUP",
        0,
        "open",
    )
    assert await history(bot, "SUP-1") == [
        ("U0ERIN", "created", None, "U0ALICE", "message"),
        ("U0ALICE", "consult_asked", "SUP", "ENG", "ENG-1"),  # from the asking department to the one asked
    ]
    assert await history(bot, "ENG-1") == [("U0ALICE", "created", None, "U0CAROL", "command")]
    assert {e.at for key in ("SUP-1", "ENG-1") for e in (await bot.services.tickets.history(key)).events} == {START}

    await bot.drain()
    sup, eng = await bot.tickets()
    # The consult's card is in Engineering's channel, with the question in full and a link back to SUP-1's card.
    assert eng.card_channel == "C0ENG"
    consult_card = card_text(bot, eng)
    assert QUESTION in consult_card and "A question from Customer Support 客户支持 about <https://" in consult_card
    assert f"/archives/C0INTAKE/p{(sup.card_ts or '').replace('.', '')}" in consult_card
    assert ActionId.ANSWER_CONSULT.value in consult_card and ActionId.DECLINE_CONSULT.value in consult_card
    assert ActionId.RESOLVE.value not in consult_card  # a question is answered, not resolved
    # The parent's card lists it: key, department, owner, status and when it is due.
    parent_card = card_text(bot, sup)
    assert "*Asked of other departments* (1)" in parent_card
    assert "• *ENG-1* Engineering 研发 — <@U0CAROL> · Open — waiting for its owner · acknowledge by" in parent_card
    assert "2026-11-30 11:00 CST" in parent_card
    [carol] = [text for text in dms(bot, "U0CAROL") if "you own the question *ENG-1*" in text]
    assert carol.startswith(":question: <@U0ALICE> of Customer Support 客户支持 asks about *SUP-1*")
    assert carol.endswith(f">{QUESTION}")
    [line] = [text for text in thread(bot, sup) if text.startswith(":question:")]
    assert line.startswith(":question: <@U0ALICE> asked Engineering 研发: *ENG-1*, owner <@U0CAROL>, answer by")
    assert line.endswith(f"\n>{QUESTION}")


async def test_the_form_asks_with_a_priority_and_the_ticket_waits_for_the_answer(bot: Harness) -> None:
    await refund_ticket(bot)
    assert (await bot.click(ActionId.ASK_CONSULT, "SUP-1", "U0ALICE")).status_code == 200
    form = bot.opened_view()
    assert form["callback_id"] == CallbackId.ASK_CONSULT
    offered = [o["value"] for b in form["blocks"] if b.get("block_id") == "department" for o in b["element"]["options"]]
    assert offered == ["ENG", "SALES"]  # not its own department
    blank = await bot.submit(form, "U0ALICE", {BlockId.FORM_DEPARTMENT: "ENG", BlockId.FORM_QUESTION: "  "})
    assert list(blank.json()["errors"]) == [BlockId.FORM_QUESTION.value]
    assert len(await bot.tickets()) == 1

    answers = {
        BlockId.FORM_DEPARTMENT: "ENG",
        BlockId.FORM_QUESTION: QUESTION,
        BlockId.FORM_PRIORITY: "urgent",
        BlockId.FORM_WAIT: ["yes"],
    }
    sent = await bot.submit(form, "U0ALICE", answers)
    assert sent.status_code == 200 and sent.text == ""
    sup, eng = await bot.tickets()
    # Urgent: each phase the shorter of sla.consult (1h, 1d) and sla.urgent (15m, 4h).
    assert (eng.priority, eng.source, eng.ack_due_at, eng.resolve_due_at) == (
        "urgent",
        "modal",
        shanghai(30, 10, 15),
        shanghai(30, 14),
    )
    # Waiting for the answer: acknowledged (work started), then blocked on the consult with its clock stopped.
    assert (sup.status, sup.blocked_on_id, sup.paused_at, sup.owner_id) == ("blocked", eng.id, START, "U0ALICE")
    assert [a for _, a, *_ in await history(bot, "SUP-1")] == [
        "created",
        "consult_asked",
        "acknowledged",
        "waiting_on_consult",
    ]
    await bot.drain()
    parent_card = card_text(bot, sup)
    assert "*Status*\\nWaiting on Engineering 研发 (ENG-1)" in parent_card
    assert ":hourglass: this ticket waits for it" in parent_card
    assert any(
        t.startswith("Asked Engineering 研发: *ENG-1*") and "waits for the answer" in t for t in dms(bot, "U0ALICE")
    )


async def test_the_round_robin_of_the_department_asked_skips_the_away(bot: Harness) -> None:
    await refund_ticket(bot)
    said(await bot.command("away", "U0CAROL"))
    said(await bot.command("ask SUP-1 ENG Is the payment gateway down?", "U0ALICE"))
    said(await bot.command("back", "U0CAROL"))
    said(await bot.command("ask SUP-1 ENG And was order 1042 charged twice?", "U0ALICE"))
    said(await bot.command("ask SUP-1 ENG One more thing: is the export broken?", "U0ALICE"))
    owners = [(t.key, t.owner_id) for t in await bot.tickets() if t.kind == "consult"]
    assert owners == [("ENG-1", "U0DAN"), ("ENG-2", "U0CAROL"), ("ENG-3", "U0DAN")]


async def test_the_answer_goes_to_the_parents_thread_and_owner_and_resolves_the_consult(bot: Harness) -> None:
    await refund_ticket(bot)
    said(await bot.command(f"ask SUP-1 ENG {QUESTION}", "U0ALICE"))
    await bot.drain()
    bot.clock.set(shanghai(30, 10, 40))
    assert said(await bot.command("ack ENG-1", "U0CAROL")) == "You acknowledged *ENG-1*."
    reply = said(await bot.command("answer ENG-1 Yes, twice: one charge is refunded today", "U0CAROL"))
    assert reply == "You answered *ENG-1*; the answer went to *SUP-1* and its owner <@U0ALICE>."

    sup, eng = await bot.tickets()
    assert (eng.status, eng.resolved_at) == ("resolved", bot.clock.now())
    assert (await history(bot, "ENG-1"))[-1] == (
        "U0CAROL",
        "answered",
        "acknowledged",
        "resolved",
        "Yes, twice: one charge is refunded today",
    )
    assert (await history(bot, "SUP-1"))[-1] == (
        "U0CAROL",
        "consult_answered",
        "ENG",
        "ENG-1",
        "Yes, twice: one charge is refunded today",
    )
    assert (sup.status, sup.owner_id) == ("open", "U0ALICE")

    await bot.drain()
    [line] = [text for text in thread(bot, sup) if text.startswith(":speech_balloon:")]
    assert line.startswith(":speech_balloon: <@U0CAROL> answered *ENG-1* for Engineering 研发 · ")
    assert line.endswith("\n>Yes, twice: one charge is refunded today")
    [told] = [text for text in dms(bot, "U0ALICE") if "answered *ENG-1*" in text]
    assert told.startswith(":speech_balloon: Engineering 研发 answered *ENG-1* about *SUP-1*")
    assert told.endswith("\n>Yes, twice: one charge is refunded today")
    assert "Asked of other departments" not in card_text(bot, sup)  # answered: no longer open
    assert "*Status*\\nResolved" in card_text(bot, eng)
    # No "is it solved?" prompt to the asker: the answer went to her already.
    assert not [text for text in dms(bot, "U0ALICE") if "Is it really solved?" in text]

    again = said(await bot.command("answer ENG-1 once more", "U0CAROL"))
    assert "already Resolved" in again
    assert len(await history(bot, "SUP-1")) == 3  # the refused answer recorded nothing


async def test_answering_with_the_form_shows_the_question(bot: Harness) -> None:
    await refund_ticket(bot)
    said(await bot.command(f"ask SUP-1 ENG {QUESTION}", "U0ALICE"))
    await bot.drain()
    assert (await bot.click(ActionId.ANSWER_CONSULT, "ENG-1", "U0CAROL")).status_code == 200
    form = bot.opened_view()
    assert form["callback_id"] == CallbackId.ANSWER_CONSULT
    assert QUESTION in json.dumps(form["blocks"]) and "*SUP-1*" in json.dumps(form["blocks"])
    empty = await bot.submit(form, "U0CAROL", {BlockId.FORM_ANSWER: " "})
    assert list(empty.json()["errors"]) == [BlockId.FORM_ANSWER.value]
    assert (
        await bot.submit(form, "U0CAROL", {BlockId.FORM_ANSWER: "Charged once; the statement shows a hold"})
    ).text == ""
    assert (await bot.ticket("ENG-1")).status == "resolved"
    await bot.drain()
    assert any(text.endswith(">Charged once; the statement shows a hold") for text in dms(bot, "U0ALICE"))
    assert any("You answered *ENG-1*" in text for text in dms(bot, "U0CAROL"))


async def test_declining_goes_back_to_whoever_asked_and_closes_the_consult_unanswered(bot: Harness) -> None:
    sup = await refund_ticket(bot)
    said(await bot.command(f"ask SUP-1 ENG {QUESTION}", "U0LEADSUP"))  # the lead asks about Alice's ticket
    said(await bot.command("block SUP-1 ENG-1", "U0ALICE"))
    reply = said(await bot.command("decline ENG-1 billing questions go to Sales", "U0CAROL"))
    assert reply == "You declined *ENG-1*; <@U0LEADSUP> has been told why."
    sup, eng = await bot.tickets()
    assert (eng.status, eng.resolved_at, eng.closed_at) == ("closed", None, START)
    assert (await history(bot, "ENG-1"))[-1] == (
        "U0CAROL",
        "declined",
        "open",
        "closed",
        "billing questions go to Sales",
    )
    assert (await history(bot, "SUP-1"))[-2:] == [
        ("U0CAROL", "consult_declined", "ENG", "ENG-1", "billing questions go to Sales"),
        ("U0CAROL", "resumed", "blocked", "acknowledged", None),  # it waited for this one: its clock runs again
    ]
    assert (sup.status, sup.blocked_on_id, sup.paused_at) == ("acknowledged", None, None)
    await bot.drain()
    for person in ("U0LEADSUP", "U0ALICE"):  # whoever asked, and the parent's owner
        [told] = [text for text in dms(bot, person) if "declined *ENG-1*" in text]
        assert "billing questions go to Sales" in told and "Ask again, ask another department" in told
    assert any(t.startswith(":no_entry_sign: <@U0CAROL> declined *ENG-1* for Engineering") for t in thread(bot, sup))

    # By the card's form too, and a decline needs a reason.
    said(await bot.command("ask SUP-1 SALES Was the invoice sent twice?", "U0ALICE"))
    await bot.drain()
    assert (await bot.click(ActionId.DECLINE_CONSULT, "SALES-1", "U0ERIN")).status_code == 200
    form = bot.opened_view()
    assert form["callback_id"] == CallbackId.DECLINE_CONSULT
    assert list((await bot.submit(form, "U0ERIN", {BlockId.FORM_REASON: ""})).json()["errors"]) == ["reason"]
    assert (await bot.submit(form, "U0ERIN", {BlockId.FORM_REASON: "no invoice exists"})).text == ""
    assert (await bot.ticket("SALES-1")).status == "closed"


async def test_a_consult_is_handed_off_inside_its_department_only(bot: Harness) -> None:
    await refund_ticket(bot)
    said(await bot.command(f"ask SUP-1 ENG {QUESTION}", "U0ALICE"))
    refused = said(await bot.command("assign ENG-1 <@U0BOB|bob> he knows billing", "U0CAROL"))
    assert refused == (
        "*ENG-1* is a question to Engineering 研发: hand it to someone in Engineering 研发, "
        "or decline it with a reason."
    )
    assert (await bot.ticket("ENG-1")).pending_owner_id is None
    said(await bot.command("assign ENG-1 <@U0DAN|dan> payments are his", "U0CAROL"))
    said(await bot.command("accept ENG-1", "U0DAN"))
    eng = await bot.ticket("ENG-1")
    assert (eng.owner_id, eng.department_key, eng.bounce_count) == ("U0DAN", "ENG", 0)
    await bot.drain()
    assert "• *ENG-1* Engineering 研发 — <@U0DAN> · Acknowledged" in card_text(bot, await bot.ticket("SUP-1"))
    said(await bot.command("answer ENG-1 Charged once", "U0DAN"))  # the new owner answers
    assert (await bot.ticket("ENG-1")).status == "resolved"


async def test_who_may_ask_and_answer_and_every_refusal_says_who_may(bot: Harness) -> None:
    await refund_ticket(bot)
    for outsider in ("U0BOB", "U0ERIN", "U0CAROL"):  # a colleague, the requester, someone of the department asked
        refused = said(await bot.command(f"ask SUP-1 ENG {QUESTION}", outsider))
        assert refused == "Only the owner or the department lead or an admin may ask another department about *SUP-1*."
    assert len(await bot.tickets()) == 1 and len(await history(bot, "SUP-1")) == 1
    said(await bot.command("ask SUP-1 ENG Is the gateway down?", "U0LEADSUP"))
    said(await bot.command("ask SUP-1 SALES Was the invoice sent twice?", "U0ADMIN"))

    for outsider in ("U0ALICE", "U0DAN", "U0LEADSUP"):  # who asked, a colleague of the owner, the asking lead
        refused = said(await bot.command("answer ENG-1 It is fine", outsider))
        assert refused == "Only the owner or the department lead or an admin may answer or decline *ENG-1*."
        refused = said(await bot.command("decline ENG-1 not ours", outsider))
        assert refused == "Only the owner or the department lead or an admin may answer or decline *ENG-1*."
    assert (await bot.ticket("ENG-1")).status == "open"
    said(await bot.command("answer ENG-1 It is fine", "U0LEADENG"))  # the lead of the department asked
    said(await bot.command("decline SALES-1 no such invoice", "U0ADMIN"))
    assert [(t.key, t.status) for t in await bot.tickets()] == [
        ("SUP-1", "open"),
        ("ENG-1", "resolved"),
        ("SALES-1", "closed"),
    ]
    # The form buttons refuse before opening the form, the same way.
    await bot.drain()
    assert (await bot.click(ActionId.ASK_CONSULT, "SUP-1", "U0BOB")).status_code == 200
    assert not [c for c in bot.fake.calls_to("views.open") if c.ok]


async def test_bad_input_gets_a_clear_message_and_changes_nothing(bot: Harness) -> None:
    await refund_ticket(bot)
    cases = {
        "ask SUP-1 OPS Is it down?": "There is no department OPS.",
        "ask SUP-1 SUP Is it down?": "*SUP-1* is already Customer Support 客户支持's: ask a colleague in its thread",
        "ask SUP-1 ENG": "Write the question",
        "ask SUP-1": "Usage: `/ticket ask KEY DEPT [priority] <question>`",
        "ask SUP-9 ENG Is it down?": "There is no ticket SUP-9.",
        "answer SUP-1 Refunded": "*SUP-1* is not a question from another department.",
        "block SUP-1 ENG-4": "*SUP-1* has no open question called *ENG-4*",
    }
    for command, expected in cases.items():
        assert expected in said(await bot.command(command, "U0ALICE")), command
    assert len(await bot.tickets()) == 1 and len(await history(bot, "SUP-1")) == 1
    said(await bot.command("ask SUP-1 ENG Is it down?", "U0ALICE"))
    assert "*ENG-1* is itself a question" in said(await bot.command("ask ENG-1 SALES Why?", "U0CAROL"))
    assert "answer ENG-1 <answer>" in said(await bot.command("close ENG-1", "U0CAROL"))  # resolving needs the answer
    assert (await bot.ticket("ENG-1")).status == "open"
    said(await bot.command("close ENG-1 It is up again", "U0CAROL"))  # a resolution note is the answer
    assert (await history(bot, "SUP-1"))[-1][1:] == ("consult_answered", "ENG", "ENG-1", "It is up again")


async def test_a_question_about_a_private_ticket_stays_private(bot: Harness) -> None:
    dm = bot.fake.dm_channel_for("U0ERIN")
    body = slack_requests.slash_command_body(
        text="refund my salary advance", user="U0ERIN", channel=dm, channel_name="directmessage"
    )
    assert (await bot.post(body, "application/x-www-form-urlencoded")).status_code == 200
    said(await bot.command("ask SUP-1 ENG Did payroll run twice?", "U0ALICE"))
    await bot.drain()
    eng = await bot.ticket("ENG-1")
    assert eng.is_private and eng.card_channel == bot.fake.dm_channel_for("U0CAROL")  # its card: the owner's DM
    [notice] = [m.text for m in bot.fake.messages_in("C0ENG")]
    assert "private" in notice and "payroll" not in notice


async def test_asking_and_answering_in_chinese(database_url: str, workspace: WorkspaceConfig) -> None:
    chinese = workspace.model_copy(update={"language": "zh"})
    async with running_bot(database_url, chinese) as bot:
        await refund_ticket(bot)
        asked = said(await bot.command("ask SUP-1 ENG 订单 1042 是否重复扣款？", "U0ALICE"))
        assert asked.startswith("已向Engineering 研发咨询：*ENG-1*，负责人 <@U0CAROL>")
        refused = said(await bot.command("answer ENG-1 是", "U0ALICE"))
        assert refused == "只有负责人或部门主管或管理员可以答复或拒绝 *ENG-1*。"
        said(await bot.command("answer ENG-1 是的，已退款一次", "U0CAROL"))
        await bot.drain()
        sup = await bot.ticket("SUP-1")
        assert any(
            t.startswith(":speech_balloon: <@U0CAROL> 代表Engineering 研发答复了 *ENG-1*") for t in thread(bot, sup)
        )
        assert any(t.endswith(">是的，已退款一次") for t in dms(bot, "U0ALICE"))


async def test_with_one_department_there_is_nobody_to_ask(database_url: str, workspace: WorkspaceConfig) -> None:
    alone = workspace.model_copy(update={"departments": [workspace.departments[0]]})
    async with running_bot(database_url, alone) as bot:
        await refund_ticket(bot)
        assert (await bot.click(ActionId.ASK_CONSULT, "SUP-1", "U0ALICE")).status_code == 200
        await bot.drain()
        assert not [c for c in bot.fake.calls_to("views.open") if c.ok]  # no form with nothing to choose
        refusals = [c.args["text"] for c in bot.fake.calls_to("chat.postEphemeral")]
        assert "There is no other department to ask in this workspace." in refusals
