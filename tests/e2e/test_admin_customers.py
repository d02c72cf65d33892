"""Customers in the Admin view: an admin finds one with the type-ahead, changes its aliases, stage and account
manager; each change is recorded (who, when, before → after) and listed; a bad value or an alias another customer
has is named on its field and nothing changes; the next ticket naming the new alias is linked to it."""

from __future__ import annotations

from typing import Any

from bot.surfaces.ids import ActionId
from storage import customers as customer_rows
from tests.support.admin import admin_view, database_workspace, dms_to, submit, view_text
from tests.support.harness import Harness, running_bot


async def customer_form(bot: Harness, user: str, typed: str) -> dict[str, Any]:
    """*Edit a customer* → type ``typed`` → the first customer offered → the customer's form that replaces it."""
    response = await bot.click_on_home(ActionId.ADMIN_PICK_CUSTOMER, "admin", user)
    assert response.status_code == 200, response.text
    pick = bot.opened_view()
    [first, *_] = await bot.type_into(pick, "customer", typed, user)
    answer = await submit(bot, pick, user, {"customer": first})
    assert answer["response_action"] == "update", answer
    return {**answer["view"], "id": pick["id"]}


async def test_an_admin_changes_a_customer_and_the_change_is_recorded_and_listed(database_url: str) -> None:
    async with running_bot(database_url, database_workspace()) as bot:
        empty = await submit(bot, (await _pick(bot)), "U0ADMIN", {})
        assert empty == {"response_action": "errors", "errors": {"customer": "Choose a customer."}}
        form = await customer_form(bot, "U0ADMIN", "acme")
        assert "ACME Corp" in view_text(form)
        taken = await submit(bot, form, "U0ADMIN", {"aliases": "acme, globex inc"})
        assert taken["response_action"] == "errors" and "Globex" in taken["errors"]["aliases"]
        wrong = await submit(bot, form, "U0ADMIN", {"manager": "erin", "name": "  "})
        assert wrong["response_action"] == "errors" and set(wrong["errors"]) == {"manager", "name"}
        answers = {"aliases": "acme, 艾克米, roadrunner", "stage": "growth", "manager": "U0DAN"}
        assert await submit(bot, form, "U0ADMIN", answers) == {}
        async with bot.services.db.read() as session:
            acme = await customer_rows.find(session, "roadrunner")
            assert acme is not None and (acme.name, acme.stage, acme.manager_id) == ("ACME Corp", "growth", "U0DAN")
            actors = {e.actor_id for e in await customer_rows.events_of(session, acme.id or 0) if e.action != "created"}
        assert actors == {"U0ADMIN"}
        view = view_text(await admin_view(bot, "U0ADMIN"))
        assert "*ACME Corp* · account manager: <@U0ERIN> → <@U0DAN>" in view
        assert "*ACME Corp* · stage: retention → growth" in view
        await bot.intake_message("Roadrunner cannot log in")
        await bot.drain()
        [ticket] = await bot.tickets()
        assert ticket.customer_id == acme.id


async def test_only_admins_edit_customers(database_url: str) -> None:
    async with running_bot(database_url, database_workspace("zh")) as bot:
        await bot.click_on_home(ActionId.ADMIN_PICK_CUSTOMER, "admin", "U0LEADSUP")
        await bot.drain()
        assert not bot.fake.calls_to("views.open")
        assert any("只有工作区管理员" in text for text in dms_to(bot, "U0LEADSUP"))


async def _pick(bot: Harness) -> dict[str, Any]:
    await bot.click_on_home(ActionId.ADMIN_PICK_CUSTOMER, "admin", "U0ADMIN")
    return bot.opened_view()
