"""Day one for a real team: complaints said in words count as complaints, everyone's ``/ticket list`` shows what
concerns them, and assigning to someone Slack does not know says so."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx

from bot.sandbox import slack_requests
from tests.support.harness import Harness


def answer(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["response_type"] == "ephemeral"
    return str(body["text"])


async def test_a_complaint_in_words_is_counted_as_a_complaint(bot: Harness) -> None:
    await bot.intake_message("客户投诉：退款一直没有到账")
    await bot.intake_message("The customer complained that the export is empty")
    await bot.intake_message("Refund for order 7 please")
    complaint, english, refund = await bot.tickets()
    assert complaint.department_key == "SUP" and complaint.is_complaint
    assert english.is_complaint
    assert not refund.is_complaint
    body = slack_requests.slash_command_body(text="", user="U0ADMIN", command="/digest")
    digest = (await bot.post(body, "application/x-www-form-urlencoded")).json()
    assert "(last 7 days, 2 in all)" in json.dumps(digest["blocks"], ensure_ascii=False)


async def test_a_requester_lists_the_tickets_they_asked_for(bot: Harness) -> None:
    answer(await bot.command("refund for order 9", "U0ERIN"))  # SUP-1, Alice
    answer(await bot.command("crash on checkout", "U0ERIN"))  # ENG-1, Carol
    asked = answer(await bot.command("list", "U0ERIN"))
    assert "*SUP-1*" in asked and "*ENG-1*" in asked and "the ones you asked for" in asked
    assert asked == answer(await bot.command("list mine", "U0ERIN"))
    owned = answer(await bot.command("list", "U0ALICE"))
    assert "*SUP-1*" in owned and "ENG-1" not in owned
    assert "No tickets" in answer(await bot.command("list", "U0STRANGER"))


async def test_an_admin_lists_every_open_ticket_overdue_first(bot: Harness) -> None:
    answer(await bot.command("refund for order 9", "U0ERIN"))  # SUP-1: acknowledge within 4 h
    answer(await bot.command("urgent crash on checkout", "U0ERIN"))  # ENG-1: acknowledge within 15 min
    answer(await bot.command("low quote for 50 seats", "U0ALICE"))  # SALES-1
    bot.clock.advance(timedelta(minutes=20))
    listed = answer(await bot.command("list", "U0ADMIN"))
    assert "every open ticket, overdue first" in listed
    assert listed.index("*ENG-1*") < listed.index("*SUP-1*") < listed.index("*SALES-1*")
    assert listed.count(":warning: overdue") == 1
    assert "No tickets" in answer(await bot.command("list mine", "U0ADMIN"))  # the admin's own: none


async def test_overdue_works_for_everyone_scoped_to_what_concerns_them(bot: Harness) -> None:
    answer(await bot.command("refund for order 9", "U0ERIN"))  # SUP-1
    answer(await bot.command("urgent crash on checkout", "U0ERIN"))  # ENG-1
    bot.clock.advance(timedelta(minutes=20))  # only ENG-1 is overdue
    assert answer(await bot.command("list overdue", "U0STRANGER")) == "No tickets — overdue."
    requester = answer(await bot.command("list overdue", "U0ERIN"))  # in SALES, but she asked for ENG-1
    assert "*ENG-1*" in requester and "SUP-1" not in requester
    assert "*ENG-1*" in answer(await bot.command("list overdue", "U0DAN"))  # ENG, not its owner
    assert "No tickets" in answer(await bot.command("list overdue", "U0BOB"))  # SUP: nothing overdue
    everything = answer(await bot.command("list overdue", "U0ADMIN"))
    assert "*ENG-1*" in everything and "SUP-1" not in everything


async def test_assigning_to_someone_slack_does_not_know_says_so(bot: Harness) -> None:
    answer(await bot.command("refund for order 9", "U0ERIN"))
    unknown = answer(await bot.command("assign SUP-1 @zed knows billing", "U0ALICE"))
    assert "nobody called @zed in this workspace" in unknown and "Usage" not in unknown
    outsider = answer(await bot.command("assign SUP-1 <@U0STRANGER|stranger>", "U0ALICE"))
    assert "<@U0STRANGER> is not in any department" in outsider
    assert "There is no ticket SUP-404" in answer(await bot.command("assign SUP-404 @zed", "U0ALICE"))
    assert "Only the owner" in answer(await bot.command("assign SUP-1 @zed", "U0STRANGER"))
    ticket = await bot.ticket("SUP-1")
    assert (ticket.owner_id, ticket.pending_owner_id) == ("U0ALICE", None)
    assert len((await bot.services.tickets.history("SUP-1")).events) == 1  # nothing changed
