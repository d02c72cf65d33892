"""Complaints as a process, through the doors people use, in English and Chinese: a customer with 2 complaints in 30
days is flagged at risk on its cards and its own card, its account manager told once with the workspace file's
win-back step; the flag lifts when the complaints age out, and a new run tells the manager again."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.surfaces.ids import BlockId
from config.customers import CustomersAtRisk
from config.schema import WorkspaceConfig
from storage import customers as customer_rows
from tests.e2e.test_customers import CUSTOMERS, MANAGER, card_of, dms
from tests.support.harness import Harness, running_bot

SUGGESTION = "Call them today & offer a review"


@pytest.fixture(params=["en", "zh"])
async def bot(request: pytest.FixtureRequest, database_url: str, workspace: WorkspaceConfig) -> AsyncIterator[Harness]:
    rule = CustomersAtRisk(complaints=2, days=30, suggestion=SUGGESTION)
    update = {"customers": CUSTOMERS, "language": request.param, "customers_at_risk": rule}
    async with running_bot(database_url, workspace.model_copy(update=update)) as harness:
        yield harness


async def tick(bot: Harness) -> None:
    assert bot.bot.ticker is not None
    await bot.bot.ticker.tick()
    await bot.drain()


def risk_dms(bot: Harness) -> list[str]:
    return [text for text in dms(bot, MANAGER) if text.startswith(":warning:")]


async def test_two_complaints_in_thirty_days_flag_the_customer_and_tell_the_manager_once(bot: Harness) -> None:
    t = bot.services.translator.t
    await bot.intake_message("ACME complaint: the invoice is wrong again", user="U0ERIN")
    await bot.intake_message("ACME wants a quote", user="U0ERIN")  # not a complaint
    await tick(bot)
    assert risk_dms(bot) == []
    bot.clock.advance(timedelta(days=10))
    await bot.intake_message("客户艾克米投诉：发货太慢", user="U0ERIN")  # the second complaint, in Chinese
    await tick(bot)
    [told] = risk_dms(bot)
    assert "ACME Corp" in told and "2" in told and "Call them today &amp; offer a review" in told
    async with bot.services.db.read() as session:
        acme = await customer_rows.find(session, "acme")
        assert acme is not None and acme.at_risk_since == bot.clock.now()
        events = await customer_rows.events_of(session, acme.id or 0)
    assert [(e.action, e.actor_id) for e in events][-1] == ("at_risk", "crossdesk")
    first, quote, second = await bot.tickets()
    for ticket in (first, quote, second):  # every open ticket of the customer shows it, redrawn in place
        card, _ = await card_of(bot, ticket.key)
        assert t("customers.card.at_risk") in card and BlockId.CARD_CUSTOMER in card
    page = json.dumps((await bot.command("acme", "U0ERIN", command="/customer")).json()["blocks"], ensure_ascii=False)
    assert t("customers.page.at_risk", since=bot.services.tickets.messages.date(bot.clock.now()), days=30) in page

    # A third complaint, more ticks: still told once.
    await bot.intake_message("ACME complaint: nobody called back", user="U0ERIN")
    await tick(bot)
    await tick(bot)
    assert len(risk_dms(bot)) == 1

    # A month later the complaints aged out: the flag lifts, quietly; a new pair flags it again and tells again.
    bot.clock.advance(timedelta(days=31))
    await tick(bot)
    async with bot.services.db.read() as session:
        acme = await customer_rows.find(session, "acme")
    assert acme is not None and acme.at_risk_since is None
    card, _ = await card_of(bot, first.key)
    assert t("customers.card.at_risk") not in card
    assert len(risk_dms(bot)) == 1
    await bot.intake_message("ACME complaint: wrong delivery", user="U0ERIN")
    await bot.intake_message("ACME complains about the wrong delivery again", user="U0ERIN")
    await tick(bot)
    assert len(risk_dms(bot)) == 2


async def test_a_customer_without_a_manager_is_flagged_all_the_same(bot: Harness) -> None:
    await bot.command(f"customer {'SUP-1'} Initech", "U0ERIN")  # no such ticket yet: refused, nothing made
    for _ in range(2):
        await bot.intake_message("Printer complaint from the Initech office", user="U0ERIN")
    await bot.drain()
    first, second = await bot.tickets()
    for ticket in (first, second):
        await bot.command(f"customer {ticket.key} Initech", "U0ERIN")
    await tick(bot)
    async with bot.services.db.read() as session:
        initech = await customer_rows.find(session, "initech")
    assert initech is not None and initech.at_risk_since is not None and initech.manager_id is None
    assert risk_dms(bot) == []
