"""Customers through the doors people use, in English and Chinese: a ticket whose text names a customer (or an
alias, Chinese included) is linked by itself and its account manager told once; the card shows the customer with a
one-click fix; the new-ticket form's type-ahead; ``/ticket customer``; who may change it; ``/customer``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, select

from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId, BlockId
from config.customers import CustomerSeed
from config.loader import EXAMPLE_PATH
from config.schema import WorkspaceConfig
from storage import customers as customer_rows
from storage.customers import NewCustomer
from storage.models import CustomerEvent, TicketEvent
from tests.support.harness import Harness, running_bot

MANAGER = "U0MIA"  # the account manager of both customers, in no department
CUSTOMERS = [
    CustomerSeed(name="ACME Corp", aliases=["acme", "艾克米"], stage="retention", manager=MANAGER, external_id="CRM-1"),
    CustomerSeed(name="大地物流", aliases=["Dadi Logistics", "大地"], stage="win-back", manager=MANAGER),
]


@pytest.fixture(params=["en", "zh"])
async def bot(request: pytest.FixtureRequest, database_url: str, workspace: WorkspaceConfig) -> AsyncIterator[Harness]:
    config = workspace.model_copy(update={"customers": CUSTOMERS, "language": request.param})
    async with running_bot(database_url, config) as harness:
        yield harness


def t(bot: Harness) -> Translator:
    return bot.services.translator  # type: ignore[no-any-return]


def answer(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return str(response.json()["text"])


async def card_of(bot: Harness, key: str) -> tuple[str, list[dict[str, object]]]:
    ticket = await bot.ticket(key)
    assert ticket.card_channel and ticket.card_ts
    card = bot.fake.message(ticket.card_channel, ticket.card_ts)
    assert card is not None
    return json.dumps(card.blocks, ensure_ascii=False), card.blocks


def dms(bot: Harness, user: str) -> list[str]:
    return [m.text for m in bot.fake.messages_in(bot.fake.dm_channel_for(user))]


async def events(bot: Harness, key: str, action: str) -> list[TicketEvent]:
    ticket = await bot.ticket(key)
    async with bot.services.db.transaction() as session:
        statement = select(TicketEvent).where(
            col(TicketEvent.ticket_id) == ticket.id, col(TicketEvent.action) == action
        )
        return list((await session.exec(statement)).all())


async def test_a_ticket_naming_a_customer_is_linked_and_its_manager_told_once(bot: Harness) -> None:
    _, response = await bot.intake_message("ACME says the invoice is wrong", user="U0ERIN")
    assert response.status_code == 200
    _, response = await bot.intake_message("客户艾克米投诉：发票金额不对", user="U0ERIN")
    _, response = await bot.intake_message("大地的合同需要续签报价", user="U0ERIN")  # Sales: "报价"
    _, response = await bot.intake_message("acmeville wants a refund", user="U0ERIN")  # not a whole word
    await bot.drain()
    first, second, third, fourth = await bot.tickets()
    async with bot.services.db.read() as session:
        acme = await customer_rows.find(session, "ACME Corp")
        dadi = await customer_rows.find(session, "大地物流")
    assert acme is not None and dadi is not None
    assert (first.customer_id, first.customer_name, first.lifecycle_stage) == (acme.id, "ACME Corp", "retention")
    assert (second.customer_id, second.is_complaint) == (acme.id, True)
    assert (third.customer_id, third.lifecycle_stage, third.department_key) == (dadi.id, "win-back", "SALES")
    assert fourth.customer_id is None and fourth.customer_name is None
    [linked] = await events(bot, first.key, "customer_linked")
    assert (linked.actor_id, linked.to_value, linked.at) == ("crossdesk", "ACME Corp", bot.clock.now())

    card, blocks = await card_of(bot, first.key)
    line = t(bot).t("customers.card.line", customer="ACME Corp", stage="", manager="")
    assert line.split("*ACME Corp*")[0] in card and "*ACME Corp*" in card and f"<@{MANAGER}>" in card
    assert t(bot).t("stage.retention") in card
    buttons = next(b for b in blocks if b.get("block_id") == BlockId.CARD_CUSTOMER_ACTIONS)["elements"]
    assert [b["action_id"] for b in buttons] == [ActionId.SHOW_CUSTOMER, ActionId.CHANGE_CUSTOMER]  # type: ignore[index]
    assert BlockId.CARD_CUSTOMER not in (await card_of(bot, fourth.key))[0]

    told = dms(bot, MANAGER)
    assert len(told) == 3  # once per ticket of their customers, in any department
    assert all(key in " ".join(told) for key in (first.key, second.key, third.key))
    assert (
        t(bot)
        .t(
            "customers.dm.opened",
            customer="ACME Corp",
            key=first.key,
            title=first.title,
            department=bot.services.tickets.messages.department_name(first.department_key),
            owner=first.owner_id,
            link="",
        )
        .split("<")[0]
        in told[0]
    )


async def test_a_wrong_guess_is_one_click_to_fix_with_the_type_ahead(bot: Harness) -> None:
    await bot.intake_message("ACME's parcel is lost, says Dadi Logistics", user="U0ERIN")  # ACME named first
    await bot.drain()
    [ticket] = await bot.tickets()
    assert ticket.customer_name == "ACME Corp"
    response = await bot.click(ActionId.CHANGE_CUSTOMER, ticket.key, "U0ERIN")  # the requester may fix it
    assert response.status_code == 200, response.text
    view = bot.opened_view()
    assert "ACME Corp" in json.dumps(view, ensure_ascii=False)
    options = await bot.type_into(view, BlockId.FORM_CUSTOMER, "dadi", "U0ERIN")
    assert options[0]["value"].isdigit() and "大地物流" in options[0]["text"]["text"]
    assert "Dadi Logistics" in options[0]["text"]["text"]  # the alias that matched
    assert options[-1]["value"] == "new:dadi"  # and a new customer of that name, should it be one
    chinese = await bot.type_into(view, BlockId.FORM_CUSTOMER, "大", "U0ERIN")
    assert chinese[0]["text"]["text"] == "大地物流"
    response = await bot.submit(view, "U0ERIN", {BlockId.FORM_CUSTOMER: options[0]})
    assert response.status_code == 200, response.text
    await bot.drain()
    fixed = await bot.ticket(ticket.key)
    assert (fixed.customer_name, fixed.lifecycle_stage) == ("大地物流", "win-back")
    card, _ = await card_of(bot, ticket.key)
    assert "大地物流" in card and "ACME Corp" not in card
    guessed, fixed = await events(bot, ticket.key, "customer_linked")  # the text's link, then the fix
    assert (guessed.actor_id, guessed.to_value) == ("crossdesk", "ACME Corp")
    assert (fixed.actor_id, fixed.from_value, fixed.to_value, fixed.at) == (
        "U0ERIN",
        "ACME Corp",
        "大地物流",
        bot.clock.now(),
    )
    thread = [m.text for m in bot.fake.messages_in(ticket.thread_channel or "", thread_ts=ticket.thread_ts)]
    assert any("大地物流" in line and "<@U0ERIN>" in line for line in thread)

    # Emptied: no customer at all.
    await bot.click(ActionId.CHANGE_CUSTOMER, ticket.key, "U0ALICE")
    response = await bot.submit(bot.opened_view(), "U0ALICE", {BlockId.FORM_CUSTOMER: None})
    assert response.status_code == 200, response.text
    await bot.drain()
    assert (await bot.ticket(ticket.key)).customer_id is None
    assert BlockId.CARD_CUSTOMER not in (await card_of(bot, ticket.key))[0]
    assert len(await events(bot, ticket.key, "customer_unlinked")) == 1


async def test_ticket_customer_links_and_makes_a_new_customer_the_next_ticket_is_linked_to(bot: Harness) -> None:
    await bot.intake_message("Printer on fire", user="U0ERIN")
    await bot.drain()
    [ticket] = await bot.tickets()
    text = answer(await bot.command(f"customer {ticket.key} Globex Int'l", "U0ALICE"))
    assert text == t(bot).t("customers.command.created", key=ticket.key, customer="Globex Int'l")
    async with bot.services.db.read() as session:
        globex = await customer_rows.find(session, "globex int'l")
        assert globex is not None
        made = await customer_rows.events_of(session, globex.id or 0)
    assert [(e.action, e.actor_id) for e in made] == [("created", "U0ALICE")]
    # Known at once: the next ticket naming it is linked by its text.
    await bot.intake_message("Globex Int'l needs a new contract", user="U0ERIN")
    await bot.drain()
    assert (await bot.tickets())[-1].customer_id == globex.id
    # Linked again to the same one: refused, nothing changes.
    again = answer(await bot.command(f"customer {ticket.key} GLOBEX INT'L", "U0ALICE"))
    assert again == t(bot).t("customers.error.same", key=ticket.key, customer="Globex Int'l")
    usage = answer(await bot.command(f"customer {ticket.key}", "U0ALICE"))
    assert usage.startswith(t(bot).t("usage.customer")[:10])
    # "/ticket customer says …" is still a new ticket's text.
    opened = answer(await bot.command("customer says the app crashed", "U0ERIN"))
    assert "ENG-" in opened


async def test_who_may_change_the_customer_and_what_the_account_manager_may_do(bot: Harness) -> None:
    await bot.intake_message("ACME: refund twice charged", user="U0ERIN")
    await bot.drain()
    [ticket] = await bot.tickets()
    refused = answer(await bot.command(f"customer {ticket.key} Initech", "U0STRANGER"))
    assert t(bot).t("role.manager") in refused and t(bot).t("verb.set_customer") in refused and ticket.key in refused
    assert (await bot.ticket(ticket.key)).customer_name == "ACME Corp"
    response = await bot.click(ActionId.CHANGE_CUSTOMER, ticket.key, "U0STRANGER")
    assert response.status_code == 200 and not [c for c in bot.fake.calls_to("views.open") if c.ok]
    # The account manager asks another department and escalates, but is never made the owner.
    asked = answer(await bot.command(f"ask {ticket.key} ENG is the refund job broken?", MANAGER))
    assert "ENG-1" in asked
    handoff = answer(await bot.command(f"assign {ticket.key} <@{MANAGER}>", ticket.owner_id))
    assert handoff == bot.services.replies.t("error.handoff_no_department", owner=MANAGER)
    assert (await bot.ticket(ticket.key)).owner_id != MANAGER
    assert (await bot.ticket(ticket.key)).pending_owner_id is None


async def test_the_new_ticket_form_picks_or_makes_a_customer(bot: Harness) -> None:
    response = await bot.command("", "U0ERIN")
    assert response.status_code == 200
    view = bot.opened_view()
    [acme] = [o for o in await bot.type_into(view, BlockId.FORM_CUSTOMER, "艾", "U0ERIN") if o["value"].isdigit()]
    response = await bot.submit(view, "U0ERIN", {BlockId.FORM_TITLE: "Invoice wrong", BlockId.FORM_CUSTOMER: acme})
    assert response.status_code == 200, response.text
    await bot.command("", "U0ERIN")
    view = bot.opened_view()
    new = (await bot.type_into(view, BlockId.FORM_CUSTOMER, "Hooli", "U0ERIN"))[-1]
    assert new["value"] == "new:Hooli"
    response = await bot.submit(view, "U0ERIN", {BlockId.FORM_TITLE: "Quote please", BlockId.FORM_CUSTOMER: new})
    assert response.status_code == 200, response.text
    await bot.drain()
    first, second = await bot.tickets()
    assert first.customer_name == "ACME Corp" and second.customer_name == "Hooli"
    async with bot.services.db.read() as session:
        made = await session.exec(select(CustomerEvent).where(col(CustomerEvent.to_value) == "Hooli"))
        assert [(e.action, e.actor_id) for e in made.all()] == [("created", "U0ERIN")]


async def test_the_customer_card_from_the_command_and_from_a_ticket(bot: Harness) -> None:
    await bot.intake_message("ACME: the refund was charged twice, complaint", user="U0ERIN")
    await bot.intake_message("ACME asks for a quote for next year", user="U0ERIN")
    await bot.drain()
    complaint, quote = await bot.tickets()
    answer(await bot.command(f"close {quote.key} sent the quote", quote.owner_id))
    response = await bot.command("艾克米", "U0STRANGER", command="/customer")  # anyone may look
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["response_type"] == "ephemeral"
    page = json.dumps(body["blocks"], ensure_ascii=False)
    tr = t(bot)
    assert "ACME Corp" in page and tr.t("stage.retention") in page and f"<@{MANAGER}>" in page and "CRM-1" in page
    assert tr.t("customers.page.open", count=1) in page and complaint.key in page and f"<@{complaint.owner_id}>" in page
    assert tr.t("customers.page.finished") in page and quote.key in page
    assert tr.t("customers.page.complaints", count=1, days=90) in page
    assert tr.t("customers.page.satisfaction_none") in page  # no ratings yet
    # From the ticket's card: the same card, in a modal.
    response = await bot.click(ActionId.SHOW_CUSTOMER, complaint.key, "U0ERIN")
    assert response.status_code == 200, response.text
    view = bot.opened_view()
    assert view["type"] == "modal" and not view.get("submit") and complaint.key in json.dumps(view)
    # Unknown: the names it could be, or how to look.
    close = answer(await bot.command("ac", "U0ERIN", command="/customer"))
    assert close == tr.t("customers.page.not_found_close", name="ac", names="ACME Corp")
    nothing = answer(await bot.command("zzz", "U0ERIN", command="/customer"))
    assert nothing == tr.t("customers.error.not_found", name="zzz")
    usage = answer(await bot.command("", "U0ERIN", command="/customer"))
    assert usage == tr.t("customers.usage.command")
    # Once rated (the satisfaction DM's /ticket rate twin), the card shows the score and how many answered.
    answer(await bot.command(f"close {complaint.key} refunded", complaint.owner_id))
    await bot.drain()
    rated = answer(await bot.command(f"rate {complaint.key} 4", "U0ERIN"))
    assert complaint.key in rated
    page = json.dumps((await bot.command("acme", "U0ERIN", command="/customer")).json()["blocks"], ensure_ascii=False)
    assert tr.t("customers.page.satisfaction_score", average="4.0", count=1) in page


async def test_customers_imported_by_another_process_are_known_after_a_tick(bot: Harness) -> None:
    async with bot.services.db.transaction() as session:  # as crossdesk import-customers would, from elsewhere
        await customer_rows.add_many(session, [NewCustomer("Initech", ("イニテック",))], "import", bot.clock.now())
    await bot.intake_message("Initech cannot log in", user="U0ERIN")
    await bot.drain()
    assert (await bot.tickets())[-1].customer_id is None  # not known here yet
    assert bot.bot.ticker is not None
    await bot.bot.ticker.tick()
    await bot.intake_message("イニテックのログインができない", user="U0ERIN")  # Japanese: matched anywhere too
    await bot.drain()
    assert (await bot.tickets())[-1].customer_name == "Initech"


async def test_a_customer_added_to_the_file_is_made_at_reload_and_linked_after_the_next_tick(
    database_url: str, workspace: WorkspaceConfig, tmp_path: Path
) -> None:
    original = EXAMPLE_PATH.read_text(encoding="utf-8")
    path = tmp_path / "crossdesk.yaml"
    path.write_text(original, encoding="utf-8")
    async with running_bot(database_url, workspace, env={"CROSSDESK_CONFIG": str(path)}) as bot:
        added = original.replace("customers:\n", "customers:\n  - {name: Hooli, aliases: [胡利], stage: growth}\n", 1)
        path.write_text(added, encoding="utf-8")
        assert bot.bot.ticker is not None
        await bot.bot.ticker.tick()  # the file is applied, Hooli made
        await bot.bot.ticker.tick()  # the processes' matchers take it in
        await bot.intake_message("胡利的发票有误", user="U0ERIN")
        await bot.drain()
        [ticket] = await bot.tickets()
        assert (ticket.customer_name, ticket.lifecycle_stage) == ("Hooli", "growth")
