"""What a ticket change makes people see (``TicketMessenger``), built from plain ticket rows without a database:
the card as Block Kit, where it goes, and the notices of a new ticket, a private one telling its channel no title."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId, BlockId, OutboxPurpose
from bot.tickets.notices import CARD_LINK, SYSTEM_ACTOR, TicketMessenger, bounce_note, reminders_note
from config.schema import WorkspaceConfig
from storage.models import Ticket
from tests.support.block_kit import action_ids, assert_message_valid

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
LANGUAGES = [Translator("en"), Translator("zh")]
TITLE = "Refund for order 1042 was charged twice"


def ticket(**fields: Any) -> Ticket:
    values: dict[str, Any] = {
        "id": 12,
        "key": "SUP-12",
        "department_key": "SUP",
        "number": 12,
        "owner_id": "U0ALICE",
        "requester_id": "U0ERIN",
        "title": TITLE,
        "text": "Charged twice for order 1042",
        "priority": "high",
        "status": "open",
        "source": "message",
        "origin_channel": "C0INTAKE",
        "origin_ts": "1790000000.000100",
        "thread_channel": "C0INTAKE",
        "thread_ts": "1790000000.000100",
        "created_at": NOW,
        "updated_at": NOW,
        "ack_due_at": NOW + timedelta(hours=1),
        "resolve_due_at": NOW + timedelta(days=1),
    }
    values.update(fields)
    return Ticket(**values)


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
@pytest.mark.parametrize("status", ["open", "acknowledged", "waiting", "resolved", "closed"])
def test_the_card_payload_is_valid_and_shows_the_ticket_as_it_is(
    translator: Translator, status: str, workspace: WorkspaceConfig
) -> None:
    messages = TicketMessenger(workspace, translator)
    payload = messages.card_payload(ticket(status=status, bounce_count=1, pending_owner_id="U0BOB"))
    assert_message_valid(payload)
    blocks = payload["blocks"]
    assert blocks[0]["text"]["text"] == f"*SUP-12* {TITLE}"
    fields = "\n".join(field["text"] for field in blocks[1]["fields"])
    assert "Customer Support 客户支持" in fields and "<@U0ALICE>" in fields
    assert translator.t(f"status.{status}") in fields
    assert "<@U0BOB>" in blocks[2]["elements"][0]["text"]
    assert (ActionId.RESOLVE.value in action_ids(blocks)) is (status not in ("resolved", "closed"))
    assert blocks[-1]["block_id"] == BlockId.CARD_ACTIONS


def test_a_card_goes_to_its_thread_else_the_department_channel_and_a_private_one_to_its_owner(
    workspace: WorkspaceConfig,
) -> None:
    messages = TicketMessenger(workspace, Translator("en"))
    assert messages.card_home(ticket()) == ("C0INTAKE", "1790000000.000100")
    assert messages.card_home(ticket(thread_channel=None, thread_ts=None)) == ("C0SUPPORT", None)
    unknown = ticket(thread_channel=None, thread_ts=None, department_key="GONE")
    assert messages.card_home(unknown) == ("C0INTAKE", None)  # the first intake channel
    private = ticket(is_private=True, thread_channel=None, thread_ts=None, origin_channel="D0ERIN")
    assert messages.card_home(private) == ("U0ALICE", None)
    assert messages.fallback_home(private) == "U0ALICE"
    assert messages.fallback_home(ticket()) == "C0SUPPORT"


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_a_new_ticket_posts_its_card_then_tells_the_owner_and_the_department(
    translator: Translator, workspace: WorkspaceConfig
) -> None:
    messages = TicketMessenger(workspace, translator)
    card, owner_dm, department = messages.new_ticket(ticket())
    assert (card.method, card.purpose, card.ticket_id) == ("chat.postMessage", OutboxPurpose.CARD.value, 12)
    assert card.payload == {"channel": "C0INTAKE", "thread_ts": "1790000000.000100"}  # rendered when sent
    assert owner_dm.payload["channel"] == "U0ALICE" and owner_dm.after is card
    assert "*SUP-12*" in owner_dm.payload["text"] and TITLE in owner_dm.payload["text"]
    assert CARD_LINK in owner_dm.payload["text"]  # the sender fills in the card's link
    assert department.payload["channel"] == "C0SUPPORT" and department.after is card
    assert department.payload["text"] == translator.t(
        "department.new_ticket",
        key="SUP-12",
        priority=translator.t("priority.high"),
        owner="U0ALICE",
        title=TITLE,
        link=translator.t("dm.open_ticket", url=CARD_LINK),
    )


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_a_private_ticket_tells_its_channel_who_has_it_but_not_what_it_is(
    translator: Translator, workspace: WorkspaceConfig
) -> None:
    messages = TicketMessenger(workspace, translator)
    private = ticket(is_private=True, thread_channel=None, thread_ts=None, origin_channel="D0ERIN")
    card, owner_dm, department, requester = messages.new_ticket(private)
    assert card.payload == {"channel": "U0ALICE"}
    assert TITLE in owner_dm.payload["text"]  # the owner may read it
    notice = department.payload["text"]
    assert department.payload["channel"] == "C0SUPPORT"
    assert notice == translator.t(
        "department.new_private_ticket", key="SUP-12", priority=translator.t("priority.high"), owner="U0ALICE"
    )
    assert TITLE not in notice and CARD_LINK not in notice
    assert requester.payload == {
        "channel": "U0ERIN",
        "text": translator.t("dm.private_ticket_opened", key="SUP-12", owner="U0ALICE"),
    }
    # asked through a command or a form, the requester is answered there: no extra DM
    assert len(messages.new_ticket(ticket(is_private=True, source="command"))) == 3


def test_what_the_bot_did_reads_in_words_and_what_people_typed_as_typed(workspace: WorkspaceConfig) -> None:
    for translator in LANGUAGES:
        messages = TicketMessenger(workspace, translator)
        assert messages.who("U0ALICE") == "<@U0ALICE>"
        assert messages.who(SYSTEM_ACTOR) == translator.t("actor.system")
        assert messages.action("escalated") == translator.t("action.escalated")
        assert messages.action("something_new") == translator.t("action.other")  # never the stored code
        escalated = messages.event_note(SYSTEM_ACTOR, "escalated", reminders_note(3))
        assert escalated == translator.t("event.reminders_escalated", count=3)
        bounced = messages.event_note(SYSTEM_ACTOR, "escalated", bounce_note(["SUP", "ENG", "SUP"]))
        path = "Customer Support 客户支持 → Engineering 研发 → Customer Support 客户支持"
        assert bounced == translator.t("thread.bounce_note", path=path)
        assert messages.event_note("U0BOB", "escalated", "reminders:3") == "reminders:3"  # a person's words
        assert messages.event_note(SYSTEM_ACTOR, "commented", None) is None
    assert Translator("en").t("event.reminders_escalated", count=1) == "no answer to 1 reminder"
