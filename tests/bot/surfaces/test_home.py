"""App Home: a person's queue as a valid Home tab, each ticket with only the buttons this person may use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.surfaces.home import MAX_BLOCKS, HomeQueue, home_view
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId
from bot.tickets.notices import TicketMessenger
from config.schema import WorkspaceConfig
from storage.models import Ticket
from tests.support.block_kit import action_ids, assert_view_valid, button, text_of

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
LANGUAGES = [Translator("en"), Translator("zh")]


def ticket(key: str, *, owner: str = "U0ALICE", requester: str = "U0ERIN", status: str = "open", **more: Any) -> Ticket:
    department, number = key.split("-")
    return Ticket(
        id=int(number),
        key=key,
        department_key=department,
        number=int(number),
        owner_id=owner,
        requester_id=requester,
        title=more.pop("title", f"Title of {key}"),
        text="What was asked",
        priority=more.pop("priority", "normal"),
        status=status,
        source="command",
        created_at=NOW - timedelta(hours=6),
        updated_at=NOW - timedelta(hours=1),
        ack_due_at=more.pop("ack_due_at", NOW + timedelta(hours=2)),
        resolve_due_at=more.pop("resolve_due_at", NOW + timedelta(days=2)),
        **more,
    )


def actions_block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    [found] = [b for b in view["blocks"] if b.get("block_id") == block_id]
    return found


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_a_queue_shows_each_section_with_the_buttons_its_viewer_may_use(
    translator: Translator, workspace: WorkspaceConfig
) -> None:
    messages = TicketMessenger(workspace, translator)
    queue = HomeQueue(
        owned=[ticket("SUP-1"), ticket("SUP-2", status="acknowledged", ack_due_at=NOW - timedelta(hours=1))],
        requested=[
            ticket("ENG-3", owner="U0CAROL", requester="U0ALICE", status="resolved"),
            ticket("ENG-4", owner="U0DAN", requester="U0ALICE"),
        ],
        offered=[
            ticket("SALES-5", owner="U0ERIN", pending_owner_id="U0ALICE", pending_by_id="U0ERIN", pending_reason="VIP")
        ],
        department=[ticket("SUP-6", owner="U0BOB"), ticket("SUP-1")],
    )
    view = home_view(queue, "U0ALICE", messages, NOW)
    assert_view_valid(view, "home")
    assert view["type"] == "home"
    assert view["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": translator.t("home.title")}}
    # her own open ticket: everything an owner may do
    owned = actions_block(view, "home.owned.SUP-1")["elements"]
    assert action_ids([{"type": "actions", "elements": owned}]) == [
        ActionId.ACKNOWLEDGE,
        ActionId.REASSIGN,
        ActionId.ESCALATE,
        ActionId.RESOLVE,
        ActionId.ASK_CONSULT,
        ActionId.PAUSE,
    ]
    assert all(element.get("value", "SUP-1") == "SUP-1" for element in owned)
    # a colleague's ticket in her department: a member may only escalate it
    colleague = actions_block(view, "home.department.SUP-6")["elements"]
    assert [element["action_id"] for element in colleague] == [ActionId.ESCALATE]
    assert "home.department.SUP-1" not in text_of(view["blocks"])  # her own is listed once, under hers
    # what she asked for: a resolved one asks her to confirm or reopen; an open one is a line without buttons
    asked = actions_block(view, "home.requested.ENG-3")["elements"]
    assert [element["action_id"] for element in asked] == [ActionId.CONFIRM, ActionId.REOPEN]
    assert "home.requested.ENG-4" not in text_of(view["blocks"])
    # the hand-off offered to her: Accept / Decline, with who asked and why
    offer = actions_block(view, "home.offer.SALES-5")
    assert button([offer], ActionId.ACCEPT_HANDOFF)["value"] == "SALES-5"
    assert button([offer], ActionId.DECLINE_HANDOFF)["value"] == "SALES-5"
    everything = text_of(view["blocks"])
    offered = translator.t(
        "home.offered_line", key="SALES-5", title="Title of SALES-5", actor="U0ERIN", reason=" — VIP"
    )
    assert offered in everything
    # SUP-2 is past its acknowledge-by, but it was acknowledged: only its resolve-by (days away) counts now
    assert translator.t("command.list.overdue_mark") not in everything


def test_an_overdue_ticket_is_marked_and_an_empty_queue_says_so(workspace: WorkspaceConfig) -> None:
    for translator in LANGUAGES:
        messages = TicketMessenger(workspace, translator)
        late = ticket("SUP-7", ack_due_at=NOW - timedelta(minutes=1))
        view = home_view(HomeQueue(owned=[late], requested=[], offered=[], department=[]), "U0ALICE", messages, NOW)
        assert_view_valid(view, "home")
        assert translator.t("command.list.overdue_mark") in text_of(view["blocks"])
        empty = home_view(HomeQueue(owned=[], requested=[], offered=[], department=[]), "U0ALICE", messages, NOW)
        assert_view_valid(empty, "home")
        texts = text_of(empty["blocks"])
        for key in ("home.owned_empty", "home.department_empty", "home.requested_empty"):
            assert translator.t(key) in texts
        assert translator.t("home.offered") not in texts  # no offers: no section for them
        assert action_ids(empty["blocks"]) == []


def test_an_admin_sees_every_button_on_a_department_ticket_and_an_outsider_none(workspace: WorkspaceConfig) -> None:
    messages = TicketMessenger(workspace, Translator("en"))
    queue = HomeQueue(owned=[], requested=[], offered=[], department=[ticket("SUP-8", owner="U0BOB")])
    admin = home_view(queue, "U0ADMIN", messages, NOW)
    assert len(actions_block(admin, "home.department.SUP-8")["elements"]) == 6
    outsider = home_view(queue, "U0CAROL", messages, NOW)
    assert_view_valid(outsider, "home")
    assert "home.department.SUP-8" not in text_of(outsider["blocks"])  # no actions block at all, not an empty one


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_a_full_queue_is_cut_to_slacks_100_blocks_and_says_where_the_rest_are(
    translator: Translator, workspace: WorkspaceConfig
) -> None:
    messages = TicketMessenger(workspace, translator)
    many = [ticket(f"SUP-{n}", title="x" * 200) for n in range(1, 30)]
    queue = HomeQueue(
        owned=many,
        requested=[ticket(f"ENG-{n}", requester="U0ALICE", status="resolved") for n in range(1, 30)],
        offered=[ticket(f"SALES-{n}", pending_owner_id="U0ALICE") for n in range(1, 30)],
        department=[ticket(f"SUP-{n}", owner="U0BOB") for n in range(100, 130)],
    )
    view = home_view(queue, "U0ALICE", messages, NOW)
    assert_view_valid(view, "home")
    assert len(view["blocks"]) == MAX_BLOCKS
    truncated = translator.t("home.truncated")
    assert view["blocks"][-1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": truncated}]}


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_the_consult_sections_are_valid_and_offer_answer_to_who_may(
    translator: Translator, workspace: WorkspaceConfig
) -> None:
    messages = TicketMessenger(workspace, translator)
    parent = ticket("SUP-1", status="blocked", blocked_on_id=7)
    asked = ticket("ENG-7", owner="U0CAROL", requester="U0ALICE", kind="consult", parent_id=1)
    asked.id = 7
    other = ticket("ENG-8", owner="U0DAN", requester="U0ALICE", kind="consult", parent_id=1)
    queue = HomeQueue(
        owned=[],
        requested=[],
        offered=[],
        department=[],
        asked=[asked, other],
        waiting=[parent],
        consults={1: [asked, other]},
        parents={1: parent},
    )
    view = home_view(queue, "U0CAROL", messages, NOW)
    assert_view_valid(view, "home")
    everything = text_of(view["blocks"])
    assert translator.t("consult.home.asked") in everything and translator.t("consult.home.waiting") in everything
    assert [e["action_id"] for e in actions_block(view, "home.asked.ENG-7")["elements"]][:3] == [
        ActionId.ACKNOWLEDGE,
        ActionId.ANSWER_CONSULT,
        ActionId.DECLINE_CONSULT,
    ]
    assert [e["action_id"] for e in actions_block(view, "home.asked.ENG-8")["elements"]] == [ActionId.ESCALATE]
    assert translator.t("status.blocked_on_consult") in everything
    assert translator.t("consult.card.waited_for") in everything  # ENG-7 is the one SUP-1 waits for
    outsider = home_view(HomeQueue(owned=[], requested=[], offered=[], department=[]), "U0ERIN", messages, NOW)
    assert translator.t("consult.home.asked") not in text_of(outsider["blocks"])  # in no department
