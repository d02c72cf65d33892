"""Consults on cards and in forms: a ticket's open questions, a consult's question and the ticket it is about, the
buttons each offers, the forms to ask, answer and decline — valid Block Kit (slack_sdk's models and the fake
Slack's checks) in English and Chinese, at the sizes Slack allows."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.surfaces.cards import CardData, card_message
from bot.surfaces.consult_card import CONSULTS_SHOWN, ConsultLine, ParentRef, shown_status, status_key
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId, BlockId, CallbackId
from bot.surfaces.views import answer_consult_modal, ask_consult_modal, decline_consult_modal
from config.schema import WorkspaceConfig
from tests.support.block_kit import action_ids, assert_message_valid, assert_view_valid, text_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
LANGUAGES = [Translator("en"), Translator("zh")]
PARENT = CardData(
    key="SUP-12",
    title="Refund for order 1042 was charged twice",
    department_name="Customer Support 客户支持",
    owner_id="U0ALICE",
    requester_id="U0ERIN",
    priority="high",
    status="acknowledged",
    source="message",
    ack_due_at=datetime(2026, 11, 30, 2, 0, tzinfo=UTC),
    resolve_due_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
)
LINE = ConsultLine(
    key="ENG-7",
    department_name="Engineering 研发",
    owner_id="U0CAROL",
    status="open",
    ack_due_at=datetime(2026, 11, 30, 3, 0, tzinfo=UTC),
    resolve_due_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
)
QUESTION = "Was order 1042 charged twice? The statement shows two holds of ¥420 on 3 November."
CONSULT = replace(
    PARENT,
    key="ENG-7",
    title="Was order 1042 charged twice?",
    department_name="Engineering 研发",
    owner_id="U0CAROL",
    requester_id="U0ALICE",
    status="open",
    source="command",
    consult=True,
    question=QUESTION,
    parent=ParentRef("SUP-12", "Customer Support 客户支持", "https://acme.slack.com/archives/C0INTAKE/p1"),
)


def block(blocks: list[dict[str, object]], block_id: BlockId) -> dict[str, object]:
    [found] = [b for b in blocks if b.get("block_id") == block_id]
    return found


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_a_tickets_card_lists_its_open_questions_and_offers_to_wait_for_each(translator: Translator) -> None:
    waited = replace(LINE, key="SALES-3", department_name="Sales 销售", status="acknowledged", waited_for=True)
    card = replace(PARENT, consults=(LINE, waited))
    message = card_message(card, translator, SHANGHAI)
    assert_message_valid(message)
    blocks = message["blocks"]
    assert [b["block_id"] for b in blocks] == [
        BlockId.CARD_SUMMARY,
        BlockId.CARD_FIELDS,
        BlockId.CARD_CONSULTS,
        BlockId.CARD_CONTEXT,
        BlockId.CARD_ACTIONS,
    ]
    listed = text_of([block(blocks, BlockId.CARD_CONSULTS)])
    assert translator.t("consult.card.header", count=2) in listed
    for line in (LINE, waited):
        assert f"*{line.key}* {line.department_name}" in listed and f"<@{line.owner_id}>" in listed
    assert translator.t("status.open") in listed and "2026-11-30 11:00 CST" in listed  # open: acknowledge by
    assert "2026-12-01 10:00 CST" in listed  # acknowledged: answer by
    assert listed.count(translator.t("consult.card.waited_for")) == 1
    assert action_ids(blocks) == [
        ActionId.REASSIGN,
        ActionId.ESCALATE,
        ActionId.RESOLVE,
        ActionId.ASK_CONSULT,
        ActionId.PAUSE,
    ]
    [menu] = [e for e in block(blocks, BlockId.CARD_ACTIONS)["elements"] if e["action_id"] == ActionId.PAUSE]  # type: ignore[attr-defined, index]
    assert [o["value"] for o in menu["options"]] == [
        "waiting:SUP-12",
        "blocked:SUP-12",
        "consult:SUP-12:ENG-7",
        "consult:SUP-12:SALES-3",
    ]


def test_a_long_list_of_questions_is_counted_and_the_pause_menu_keeps_to_five_options() -> None:
    english = Translator("en")
    many = tuple(replace(LINE, key=f"ENG-{n}") for n in range(1, 21))
    message = card_message(replace(PARENT, consults=many), english, SHANGHAI)
    assert_message_valid(message)
    listed = text_of([block(message["blocks"], BlockId.CARD_CONSULTS)])
    assert listed.count("• *ENG-") == CONSULTS_SHOWN and "…and 12 more" in listed
    [menu] = [e for e in block(message["blocks"], BlockId.CARD_ACTIONS)["elements"] if e["type"] == "overflow"]  # type: ignore[attr-defined, index]
    assert len(menu["options"]) == 5


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
@pytest.mark.parametrize("status", ["open", "acknowledged", "waiting", "resolved", "closed"])
def test_a_consults_card_shows_its_question_in_full_and_the_ticket_it_is_about(
    translator: Translator, status: str
) -> None:
    message = card_message(replace(CONSULT, status=status), translator, SHANGHAI)
    assert_message_valid(message)
    blocks = message["blocks"]
    about = text_of([block(blocks, BlockId.CARD_PARENT)])
    assert "<https://acme.slack.com/archives/C0INTAKE/p1|SUP-12>" in about and "<@U0ALICE>" in about
    assert QUESTION in text_of([block(blocks, BlockId.CARD_QUESTION)])
    assert translator.t("consult.card.answer_due") in text_of([block(blocks, BlockId.CARD_FIELDS)])
    expected = {
        "open": [ActionId.ACKNOWLEDGE, ActionId.ANSWER_CONSULT, ActionId.DECLINE_CONSULT, ActionId.REASSIGN],
        "acknowledged": [ActionId.ANSWER_CONSULT, ActionId.DECLINE_CONSULT, ActionId.REASSIGN],
        "waiting": [ActionId.RESUME, ActionId.ANSWER_CONSULT, ActionId.DECLINE_CONSULT, ActionId.REASSIGN],
        "resolved": [ActionId.CONFIRM, ActionId.REOPEN],
        "closed": [ActionId.REOPEN],
    }[status]
    actions = action_ids(blocks)
    assert actions[: len(expected)] == expected
    assert ActionId.RESOLVE not in actions and ActionId.ASK_CONSULT not in actions  # answered, never asking on


def test_a_question_too_long_for_a_section_is_cut_and_a_parent_without_a_card_is_named() -> None:
    long = replace(CONSULT, question="x" * 5000, parent=ParentRef("SUP-12", "Customer Support", None))
    message = card_message(long, Translator("en"), SHANGHAI)
    assert_message_valid(message)
    assert "*SUP-12*" in text_of([block(message["blocks"], BlockId.CARD_PARENT)])


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_a_ticket_blocked_on_a_question_reads_as_waiting_on_that_department(translator: Translator) -> None:
    waited = replace(LINE, waited_for=True)
    blocked = replace(PARENT, status="blocked", blocked_on_consult=True, consults=(waited,))
    message = card_message(blocked, translator, SHANGHAI)
    words = translator.t("consult.status.waiting_on", department="Engineering 研发", consult="ENG-7")
    assert words in text_of([block(message["blocks"], BlockId.CARD_FIELDS)]) and words in message["text"]
    # Without its consults at hand (App Home's buttons, a list), still not "waiting on the requester".
    bare = card_message(replace(blocked, consults=()), translator, SHANGHAI)
    assert translator.t("status.blocked_on_consult") in text_of(bare["blocks"])
    assert (
        len({translator.t(status_key(s, on)) for s, on in [("waiting", False), ("blocked", False), ("blocked", True)]})
        == 3
    )
    assert shown_status("waiting", True) == "waiting"  # only a blocked ticket can wait on a consult


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_the_forms_to_ask_answer_and_decline(translator: Translator, workspace: WorkspaceConfig) -> None:
    ask = ask_consult_modal(translator, workspace, "SUP-12", "SUP")
    assert_view_valid(ask)
    assert ask["callback_id"] == CallbackId.ASK_CONSULT and json.loads(ask["private_metadata"]) == {"key": "SUP-12"}
    departments = block(ask["blocks"], BlockId.FORM_DEPARTMENT)["element"]["options"]  # type: ignore[index]
    assert [o["value"] for o in departments] == ["ENG", "SALES"]  # never its own
    inputs = {b["block_id"]: b.get("optional", False) for b in ask["blocks"] if b["type"] == "input"}
    assert inputs == {"department": False, "question": False, "priority": True, "wait": True}

    answer = answer_consult_modal(translator, "ENG-7", "Engineering 研发", "SUP-12", "q" * 4000)
    assert_view_valid(answer)
    assert answer["callback_id"] == CallbackId.ANSWER_CONSULT and "SUP-12" in text_of(answer["blocks"])
    decline = decline_consult_modal(translator, "ENG-7", "Engineering 研发")
    assert_view_valid(decline)
    assert decline["callback_id"] == CallbackId.DECLINE_CONSULT
    assert [b["block_id"] for b in decline["blocks"] if b["type"] == "input"] == [BlockId.FORM_REASON]
