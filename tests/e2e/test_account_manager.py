"""The account manager (客户经理), through the doors people use, in English and Chinese: told once when a ticket for
their customer opens, told of its resolution and of every escalation (by a person, by the reminder ladder, by
bouncing between departments), and App Home's "Your customers" lists their customers' open tickets."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.sandbox import slack_requests
from bot.surfaces.i18n import Translator
from config.schema import WorkspaceConfig
from tests.e2e.test_customers import CUSTOMERS, MANAGER, answer, dms
from tests.support.harness import Harness, running_bot


@pytest.fixture(params=["en", "zh"])
async def bot(request: pytest.FixtureRequest, database_url: str, workspace: WorkspaceConfig) -> AsyncIterator[Harness]:
    config = workspace.model_copy(update={"customers": CUSTOMERS, "language": request.param})
    async with running_bot(database_url, config) as harness:
        yield harness


def said(bot: Harness, key: str, *params: Any) -> str:
    translator: Translator = bot.services.translator
    return translator.t(key, *params)


async def home_of(bot: Harness, user: str) -> dict[str, Any]:
    assert (await bot.event(slack_requests.app_home_opened_event(user=user))).status_code == 200
    await bot.drain()
    view: dict[str, Any] = [c for c in bot.fake.calls_to("views.publish") if c.args["user_id"] == user][-1].json_arg(
        "view"
    )
    return view


async def tick(bot: Harness) -> None:
    assert bot.bot.ticker is not None
    await bot.bot.ticker.tick()
    await bot.drain()


async def test_the_manager_hears_of_resolution_and_of_every_escalation(bot: Harness) -> None:
    await bot.intake_message("ACME wants a refund for order 7", user="U0ERIN")  # Support
    await bot.drain()
    [ticket] = await bot.tickets()
    opened = len(dms(bot, MANAGER))
    assert opened == 1
    t = bot.services.translator.t

    answer(await bot.command(f"escalate {ticket.key} customer is furious", "U0ERIN"))
    await bot.drain()
    told = dms(bot, MANAGER)[opened:]
    assert len(told) == 1 and ticket.key in told[0] and "<@U0ERIN>" in told[0]
    assert t("priority.high") in told[0] and "customer is furious" in told[0]

    # The reminder ladder escalates to the lead: the manager hears of that too.
    bot.clock.advance(timedelta(hours=2))
    for _ in range(3):
        bot.clock.advance(timedelta(hours=1))
        await tick(bot)
    ladder = [m for m in dms(bot, MANAGER)[opened + 1 :] if ticket.key in m]
    assert len(ladder) == 1
    assert ladder[0].startswith(":rotating_light:") and f"<@{ticket.owner_id}>" in ladder[0]

    # Resolved: told once more, with the note; the manager's own actions are not echoed back to them.
    before = len(dms(bot, MANAGER))
    answer(await bot.command(f"close {ticket.key} refund sent", ticket.owner_id))
    await bot.drain()
    [resolved] = dms(bot, MANAGER)[before:]
    assert ticket.key in resolved and "refund sent" in resolved and resolved.startswith(":white_check_mark:")
    answer(await bot.command(f"reopen {ticket.key}", "U0ERIN"))
    await bot.drain()
    before = len(dms(bot, MANAGER))
    bot.clock.advance(timedelta(hours=1))
    answer(await bot.command(f"escalate {ticket.key}", MANAGER))  # the manager may escalate it themselves
    await bot.drain()
    assert dms(bot, MANAGER)[before:] == []


async def test_a_ticket_bounced_between_departments_is_reported(bot: Harness) -> None:
    await bot.intake_message("ACME: the invoice is wrong", user="U0ERIN")  # Sales, Erin
    await bot.drain()
    [ticket] = await bot.tickets()
    before = len(dms(bot, MANAGER))
    owner = ticket.owner_id
    for person in ("U0ALICE", "U0CAROL", "U0BOB"):  # Sales → Support → Engineering → Support: three moves
        answer(await bot.command(f"assign {ticket.key} <@{person}> not ours", owner))
        answer(await bot.command(f"accept {ticket.key}", person))
        owner = person
    await bot.drain()
    bounced = [m for m in dms(bot, MANAGER)[before:] if "3" in m and ticket.key in m]
    assert len(bounced) == 1 and bounced[0].startswith(":rotating_light:")


async def test_app_home_lists_the_managers_customers_open_tickets(bot: Harness) -> None:
    await bot.intake_message("ACME: login broken", user="U0ERIN")
    await bot.intake_message("大地 asks for a new contract quote", user="U0ERIN")
    await bot.intake_message("Printer on fire", user="U0ERIN")  # no customer
    await bot.drain()
    acme, dadi, printer = await bot.tickets()
    home = await home_of(bot, MANAGER)
    text = json.dumps(home["blocks"], ensure_ascii=False)
    title = f"*{said(bot, 'customers.home.title')}*"
    assert title in text
    section = text.split(title, 1)[1]
    assert acme.key in section and dadi.key in section and printer.key not in section
    assert "ACME Corp" in section and "大地物流" in section and f"<@{acme.owner_id}>" in section
    # Someone who manages no customer has no such section; a manager with nothing open is told so.
    assert title not in json.dumps((await home_of(bot, "U0ALICE"))["blocks"], ensure_ascii=False)
    for ticket in (acme, dadi):
        answer(await bot.command(f"close {ticket.key} done", ticket.owner_id))
    empty = json.dumps((await home_of(bot, MANAGER))["blocks"], ensure_ascii=False)
    assert bot.services.translator.t("customers.home.empty", count=2) in empty
