"""Which department a rating counts for, one rule everywhere: the department that held the ticket when the rating
was asked (when it was resolved). A ticket handed on before its resolution counts for the department that resolved
it, and a move after it (reopened and handed to Sales) takes nothing away from that department — in the digest's
satisfaction, in the shared goals' ``csat`` (the scorecard and the weekly review) alike."""

from __future__ import annotations

from datetime import timedelta

from bot.sandbox import slack_requests
from bot.schedule.goal_source import GoalSource
from storage import customers as customer_rows
from tests.e2e.test_digest import fields_of
from tests.support.harness import Harness


def answer(response: object) -> str:
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    return str(response.json().get("text", ""))  # type: ignore[attr-defined]


async def test_a_rating_counts_for_the_department_that_resolved_the_ticket(bot: Harness) -> None:
    await bot.intake_message("Complaint: the refund page shows an error")  # SUP-1 from Erin, owned by Alice
    await bot.drain()
    [ticket] = await bot.tickets()
    assert (ticket.key, ticket.department_key, ticket.owner_id) == ("SUP-1", "SUP", "U0ALICE")
    answer(await bot.command("assign SUP-1 <@U0CAROL> it is a bug of ours", "U0ALICE"))
    answer(await bot.command("accept SUP-1", "U0CAROL"))  # handed off to Engineering before its resolution
    bot.clock.advance(timedelta(minutes=30))
    answer(await bot.command("close SUP-1 fixed the page", "U0CAROL"))  # Engineering resolves: Erin is asked
    await bot.drain()
    bot.clock.advance(timedelta(minutes=5))
    assert "2/5" in answer(await bot.command("rate SUP-1 2", "U0ERIN"))
    # After the rating was asked, the ticket moves on: reopened and handed to Sales, where it is now.
    bot.clock.advance(timedelta(minutes=5))
    answer(await bot.command("reopen SUP-1", "U0CAROL"))
    answer(await bot.command("assign SUP-1 <@U0ERIN> a contract question now", "U0CAROL"))
    answer(await bot.command("accept SUP-1", "U0ERIN"))
    await bot.drain()
    [moved] = await bot.tickets()
    assert moved.department_key == "SALES"

    body = slack_requests.slash_command_body(text="", user="U0LEADENG", command="/digest")
    blocks = (await bot.post(body, "application/x-www-form-urlencoded")).json()["blocks"]
    assert fields_of(blocks, "ENG")[-1] == "*Satisfaction*\n2.0/5 · 1 answered"
    assert fields_of(blocks, "SALES")[-1] == "*Satisfaction*\nno answers"
    assert fields_of(blocks, "SUP")[-1] == "*Satisfaction*\nno answers"

    bot.clock.advance(timedelta(minutes=5))  # the goals' window ends before "now"
    card = await GoalSource(bot.services.db, bot.services.workspace, "en").scorecard(bot.clock.now())
    [csat] = [index for index, goal in enumerate(card.goals) if goal.metric == "csat"]
    cells = {row.key: row.cells[csat] for row in card.departments}
    assert (cells["ENG"].value, cells["ENG"].sample) == (2.0, 1)
    assert cells["SALES"].sample == 0 and cells["SUP"].sample == 0


async def test_complaints_and_ratings_by_stage_follow_the_customers_stored_stage(bot: Harness) -> None:
    await bot.intake_message("Complaint: ACME's refund is three weeks late")  # ACME (retention) linked by its name
    await bot.drain()
    [ticket] = await bot.tickets()
    assert (ticket.customer_name, ticket.lifecycle_stage) == ("ACME Corp", "retention")
    answer(await bot.command("close SUP-1 refunded", "U0ALICE"))
    await bot.drain()
    assert "4/5" in answer(await bot.command("rate SUP-1 4", "U0ERIN"))
    async with bot.services.db.transaction() as session:  # ACME's account manager moves it on, recorded
        acme = await customer_rows.find(session, "ACME Corp")
        assert acme is not None
        await customer_rows.change(session, acme, "stage", "growth", "U0ERIN", bot.clock.now())
    bot.clock.advance(timedelta(minutes=5))

    body = slack_requests.slash_command_body(text="", user="U0LEADENG", command="/digest")
    blocks = (await bot.post(body, "application/x-www-form-urlencoded")).json()["blocks"]
    sections = {str(b["text"]["text"]): [f["text"] for f in b["fields"]] for b in blocks if "fields" in b}
    [complaints] = [rows for title, rows in sections.items() if title.startswith("*Customer complaints by lifecycle")]
    assert "*Growth*\n1" in complaints and "*Retention*\n0" in complaints
    [rated] = [rows for title, rows in sections.items() if title.startswith("*Satisfaction by lifecycle stage*")]
    assert "*Growth*\n4.0/5 · 1 answered" in rated and "*Retention*\nno answers" in rated
    review = await bot.services.review.review(bot.clock.now(), weeks=1)
    assert review.complaints["growth"] == 1 and review.complaints["retention"] == 0
