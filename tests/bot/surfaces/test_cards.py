"""The ticket card and the ticket's prompts: valid Block Kit in both languages, and the right buttons per status."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.surfaces.cards import (
    CardData,
    card_buttons,
    card_message,
    handoff_blocks,
    resolution_blocks,
    settled_prompt,
    slack_date,
    ticket_card,
)
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId, BlockId
from bot.tickets.states import Status
from tests.support.block_kit import action_ids, assert_blocks_valid, assert_message_valid, button, text_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
LANGUAGES = [Translator("en"), Translator("zh")]
CARD = CardData(
    key="SUP-12",
    title="Refund for order 1042 was charged twice",
    department_name="Customer Support 客户支持",
    owner_id="U0ALICE",
    requester_id="U0ERIN",
    priority="high",
    status="open",
    source="message",
    ack_due_at=datetime(2026, 11, 30, 2, 0, tzinfo=UTC),
    resolve_due_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
)

# What each status offers, in order; the card and App Home share these (``card_buttons``).
_WORK = [ActionId.REASSIGN, ActionId.ESCALATE, ActionId.RESOLVE, ActionId.ASK_CONSULT]
EXPECTED_ACTIONS = {
    Status.OPEN: [ActionId.ACKNOWLEDGE, *_WORK, ActionId.PAUSE],
    Status.ACKNOWLEDGED: [*_WORK, ActionId.PAUSE],
    Status.WAITING: [ActionId.RESUME, *_WORK],
    Status.BLOCKED: [ActionId.RESUME, *_WORK],
    Status.RESOLVED: [ActionId.CONFIRM, ActionId.REOPEN],
    Status.CLOSED: [ActionId.REOPEN],
}


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
@pytest.mark.parametrize("status", list(Status), ids=str)
def test_the_card_is_valid_and_offers_what_its_status_allows(translator: Translator, status: Status) -> None:
    card = replace(CARD, status=status.value)
    message = card_message(card, translator, SHANGHAI)
    assert_message_valid(message)
    blocks = message["blocks"]
    assert [b["block_id"] for b in blocks] == [
        BlockId.CARD_SUMMARY,
        BlockId.CARD_FIELDS,
        BlockId.CARD_CONTEXT,
        BlockId.CARD_ACTIONS,
    ]
    assert blocks[0]["text"]["text"] == "*SUP-12* Refund for order 1042 was charged twice"
    fields = [field["text"] for field in blocks[1]["fields"]]
    assert f"*{translator.t('card.owner')}*\n<@U0ALICE>" in fields
    assert f"*{translator.t('card.status')}*\n{translator.t('status.' + status.value)}" in fields
    assert f"*{translator.t('card.priority')}*\n{translator.t('priority.high')}" in fields
    assert "<@U0ERIN>" in blocks[2]["elements"][0]["text"]
    assert action_ids(blocks) == [action.value for action in EXPECTED_ACTIONS[status]]
    for element in blocks[3]["elements"]:
        if element["type"] == "button":
            assert element["value"] == "SUP-12"  # the ticket every button acts on
    assert "SUP-12" in message["text"] and "<@U0ALICE>" in message["text"]
    assert translator.t("status." + status.value) in message["text"]


def test_a_resolved_card_asks_to_close_or_reopen_and_cannot_be_resolved_again() -> None:
    english = Translator("en")
    blocks = ticket_card(replace(CARD, status="resolved"), english, SHANGHAI)
    assert ActionId.RESOLVE.value not in action_ids(blocks)
    close = button(blocks, ActionId.CONFIRM)
    assert close["text"]["text"] == "Close" and close["style"] == "primary"
    assert button(blocks, ActionId.REOPEN)["text"]["text"] == "Reopen"
    closed = ticket_card(replace(CARD, status="closed"), english, SHANGHAI)
    assert action_ids(closed) == [ActionId.REOPEN.value]


def test_the_buttons_speak_the_workspace_language() -> None:
    chinese = Translator("zh")
    blocks = ticket_card(CARD, chinese, SHANGHAI)
    assert button(blocks, ActionId.ACKNOWLEDGE)["text"]["text"] == "确认"
    assert button(blocks, ActionId.RESOLVE)["text"]["text"] == "解决"
    assert button(blocks, ActionId.ESCALATE)["style"] == "danger"
    assert "负责人" in text_of(blocks) and "Owner" not in text_of(blocks)


@pytest.mark.parametrize("status", [Status.OPEN, Status.ACKNOWLEDGED])
def test_the_pause_menu_carries_the_kind_and_the_ticket(status: Status) -> None:
    for translator in LANGUAGES:
        buttons = card_buttons(replace(CARD, status=status.value), translator)
        [menu] = [b for b in buttons if b["action_id"] == ActionId.PAUSE]
        assert menu["type"] == "overflow"
        assert [o["value"] for o in menu["options"]] == ["waiting:SUP-12", "blocked:SUP-12"]
        assert [o["text"]["text"] for o in menu["options"]] == [
            translator.t("card.pause.waiting"),
            translator.t("card.pause.blocked"),
        ]


def test_the_context_line_tells_of_a_pending_hand_off_bounces_and_escalations() -> None:
    card = replace(CARD, pending_owner_id="U0CAROL", bounce_count=2, escalation_level=1)
    for translator in LANGUAGES:
        blocks = ticket_card(card, translator, SHANGHAI)
        assert_blocks_valid(blocks)
        context = blocks[2]["elements"][0]["text"]
        assert "<@U0CAROL>" in context
        assert translator.t("card.bounces", count=2) in context
        assert translator.t("card.escalations", count=1) in context
    plain = ticket_card(CARD, Translator("en"), SHANGHAI)[2]["elements"][0]["text"]
    assert plain == "Requested by <@U0ERIN> · intake message"  # nothing pending, nothing counted


def test_a_card_without_dues_and_with_the_longest_title_still_fits() -> None:
    card = replace(CARD, title="t" * 200, ack_due_at=None, resolve_due_at=None, status="waiting")
    for translator in LANGUAGES:
        message = card_message(card, translator, SHANGHAI)
        assert_message_valid(message)
        fields = [field["text"] for field in message["blocks"][1]["fields"]]
        assert f"*{translator.t('card.ack_due')}*\n—" in fields


def test_slack_date_shows_each_reader_their_time_and_the_workspace_time_as_fallback() -> None:
    english = Translator("en")
    moment = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    assert slack_date(moment, SHANGHAI, english) == (
        f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|2026-11-30 10:00 CST>"
    )
    assert slack_date(None, SHANGHAI, english) == "—"


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_the_hand_off_prompt_offers_accept_and_decline_for_its_ticket(translator: Translator) -> None:
    blocks = handoff_blocks("ENG-7", "<@U0ALICE> asks you to take over *ENG-7*", translator)
    assert_blocks_valid(blocks)
    assert blocks[0]["text"]["text"] == "<@U0ALICE> asks you to take over *ENG-7*"
    assert blocks[1]["block_id"] == BlockId.PROMPT_ACTIONS
    assert action_ids(blocks) == [ActionId.ACCEPT_HANDOFF.value, ActionId.DECLINE_HANDOFF.value]
    accept = button(blocks, ActionId.ACCEPT_HANDOFF)
    assert accept["value"] == "ENG-7" and accept["style"] == "primary"
    assert accept["text"]["text"] == translator.t("button.accept")
    assert button(blocks, ActionId.DECLINE_HANDOFF)["value"] == "ENG-7"


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_the_resolution_prompt_offers_confirm_and_reopen(translator: Translator) -> None:
    blocks = resolution_blocks("SUP-12", "*SUP-12* is resolved.", translator)
    assert_blocks_valid(blocks)
    assert action_ids(blocks) == [ActionId.CONFIRM.value, ActionId.REOPEN.value]
    assert {button(blocks, a)["value"] for a in (ActionId.CONFIRM, ActionId.REOPEN)} == {"SUP-12"}
    assert button(blocks, ActionId.CONFIRM)["text"]["text"] == translator.t("button.confirm")


def test_a_settled_prompt_keeps_its_question_shows_the_outcome_and_has_no_buttons() -> None:
    outcome = Translator("zh").t("prompt.superseded", key="SUP-12")
    message = settled_prompt("*SUP-12* is resolved.", outcome)
    assert_message_valid(message)
    assert action_ids(message["blocks"]) == []
    assert [b["type"] for b in message["blocks"]] == ["section", "context"]
    assert message["blocks"][1]["elements"][0]["text"] == outcome
    assert message["text"] == f"*SUP-12* is resolved.\n{outcome}"


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_a_department_name_longer_than_a_field_holds_is_cut_and_the_card_stays_valid(translator: Translator) -> None:
    # check-config does not bound a department's name (only PostgreSQL's column does, at 200; SQLite keeps any);
    # Slack refuses a field over 2,000 characters, and the whole card would fail to post or update.
    message = card_message(replace(CARD, department_name="客户支持 " * 1_000), translator, SHANGHAI)
    assert_message_valid(message)
    department = message["blocks"][1]["fields"][0]["text"]
    assert department.startswith(f"*{translator.t('card.department')}*\n客户支持 客户支持")
    assert department.endswith("…") and len(department) == 2_000
