"""The customer builders: the line and buttons on a ticket's card, the type-ahead and its options, the Change customer
form, the customer's own card — each valid Block Kit, in English and Chinese, within Slack's limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.customers.view import CustomerCard
from bot.surfaces.customer_card import CustomerLine, customer_blocks, customer_text
from bot.surfaces.customer_page import customer_message, customer_modal
from bot.surfaces.customer_views import Choice, change_customer_modal, chosen, customer_input, customer_options
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId, BlockId, CallbackId
from bot.tickets.notices import TicketMessenger
from config.schema import WorkspaceConfig
from storage.customer_work import Satisfaction
from storage.models import Customer
from storage.tickets import new_ticket
from tests.support.block_kit import action_ids, assert_blocks_valid, assert_message_valid, assert_view_valid, text_of

LANGUAGES = [Translator("en"), Translator("zh")]
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_the_card_shows_the_customer_with_its_two_buttons(translator: Translator) -> None:
    line = CustomerLine(7, "AT&T <Retail>", "win-back", "U0MIA", at_risk=True)
    blocks = customer_blocks(line, "SUP-12", translator)
    assert_blocks_valid(blocks)
    text = customer_text(line, translator)
    assert "AT&amp;T &lt;Retail&gt;" in text  # a name is shown, never read as markup
    assert translator.t("stage.win-back") in text and "<@U0MIA>" in text
    assert translator.t("customers.card.at_risk") in text
    assert action_ids(blocks) == [ActionId.SHOW_CUSTOMER, ActionId.CHANGE_CUSTOMER]
    assert all(b["value"] == "SUP-12" for b in blocks[1]["elements"])  # type: ignore[index, union-attr]
    plain = customer_text(CustomerLine(7, "大地物流"), translator)
    assert "大地物流" in plain and "<@" not in plain
    long = customer_text(CustomerLine(7, "x" * 5000, "growth", "U0MIA", True), translator)
    assert len(long) <= 3000


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_the_type_ahead_offers_customers_then_a_new_one(translator: Translator) -> None:
    found = [Choice(1, "ACME Corp"), Choice(2, "大地物流", "Dadi Logistics"), Choice(3, "y" * 200)]
    options = customer_options(translator, found, "  acme  ")
    assert [o["value"] for o in options] == ["1", "2", "3", "new:acme"]
    assert options[1]["text"]["text"] == translator.t("customers.form.option", name="大地物流", detail="Dadi Logistics")
    assert all(len(o["text"]["text"]) <= 75 and len(o["value"]) <= 150 for o in options)
    assert [o["value"] for o in customer_options(translator, found, "ACME CORP")] == ["1", "2", "3"]  # exists
    assert [o["value"] for o in customer_options(translator, [], "")] == []
    assert len(customer_options(translator, [Choice(n, f"C{n}") for n in range(150)], "c")) == 100
    assert chosen("12") == (12, None) and chosen("new: Hooli ") == (None, "Hooli") and chosen(None) == (None, None)
    assert chosen("new:") == (None, None) and chosen("DROP TABLE") == (None, None)
    field = customer_input(translator)
    assert field["element"]["type"] == "external_select" and field["optional"] is True
    assert field["element"]["min_query_length"] == 1


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_the_change_customer_form(translator: Translator) -> None:
    view = change_customer_modal(translator, "SUP-12", Choice(7, "ACME Corp"))
    assert_view_valid(view)
    assert view["callback_id"] == CallbackId.CHANGE_CUSTOMER
    [intro, field] = view["blocks"]
    assert "*ACME Corp*" in intro["text"]["text"] and "SUP-12" in intro["text"]["text"]
    assert field["block_id"] == BlockId.FORM_CUSTOMER and field["element"]["initial_option"]["value"] == "7"
    none = change_customer_modal(translator, "SUP-12", None)
    assert_view_valid(none)
    assert "initial_option" not in none["blocks"][1]["element"]


def _card(workspace: WorkspaceConfig, *, rated: bool, at_risk: bool) -> CustomerCard:
    customer = Customer(
        id=7,
        name="ACME Corp",
        name_key="acme corp",
        aliases=["acme", "艾克米"],
        stage="retention",
        manager_id="U0MIA",
        external_id="CRM-1",
        at_risk_since=NOW if at_risk else None,
        created_at=NOW,
        updated_at=NOW,
    )
    common = {"owner_id": "U0ALICE", "requester_id": "U0ERIN", "priority": "normal", "source": "message"}

    def ticket(number: int, status: str, **more: object) -> object:
        return new_ticket(
            id=number,
            key=f"SUP-{number}",
            department_key="SUP",
            number=number,
            title=f"Problem {number}",
            text="t",
            status=status,
            created_at=NOW,
            updated_at=NOW,
            ack_due_at=NOW - timedelta(hours=1),
            resolve_due_at=NOW + timedelta(days=1),
            **common,
            **more,
        )

    open_tickets = [ticket(n, "open") for n in range(1, 31)]
    finished = [ticket(n, "closed", closed_at=NOW) for n in range(31, 41)]
    return CustomerCard(
        customer=customer,
        open=open_tickets,  # type: ignore[arg-type]
        open_hidden=2,
        open_total=40,
        finished=finished,  # type: ignore[arg-type]
        complaints=[open_tickets[0], finished[0]],  # type: ignore[list-item]
        complaints_hidden=1,
        satisfaction=Satisfaction(6, 4.5) if rated else Satisfaction(0, None),
    )


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_the_customers_own_card(translator: Translator, workspace: WorkspaceConfig) -> None:
    messages = TicketMessenger(workspace, translator)
    message = customer_message(_card(workspace, rated=False, at_risk=True), messages, NOW)
    assert_message_valid(message)
    text = text_of(message["blocks"])
    t = translator.t
    assert "ACME Corp" in text and t("stage.retention") in text and "<@U0MIA>" in text and "艾克米" in text
    assert t("customers.page.open", count=40) in text and "*SUP-1*" in text and "<@U0ALICE>" in text
    assert t("command.list.overdue_mark") in text  # its acknowledge time has passed
    assert t("customers.page.not_shown", count=2) in text  # open tickets the viewer may not see
    assert t("customers.page.complaints", count=3, days=90) in text
    assert t("customers.page.satisfaction_none") in text
    assert t("customers.page.at_risk", since=messages.date(NOW), days=30) in text
    rated = customer_message(_card(workspace, rated=True, at_risk=False), messages, NOW)
    assert t("customers.page.satisfaction_score", average="4.5", count=6) in text_of(rated["blocks"])
    view = customer_modal(_card(workspace, rated=True, at_risk=False), messages, NOW)
    assert_view_valid(view)
    assert view["callback_id"] == CallbackId.CUSTOMER and "submit" not in view
