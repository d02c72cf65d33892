"""Stand-up messages and forms at any size: a department of hundreds, answers as long as Slack lets a form send,
many overdue tickets. Each message stays within Slack's limits, and nobody's answer is left out unsaid."""

from __future__ import annotations

import json

import pytest

from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId, BlockId, CallbackId
from bot.surfaces.standup_views import (
    AnsweredEntry,
    Summary,
    TicketLine,
    answer_block_id,
    answer_modal,
    blocker_block_id,
    late_answer_message,
    parse_round,
    prompt_message,
    round_value,
    settled_prompt,
    summary_message,
    summary_messages,
)
from config.schema import MAX_QUESTION_LENGTH, MAX_STANDUP_QUESTIONS
from tests.support.block_kit import action_ids, assert_message_valid, assert_view_valid, button
from tests.support.slack_limits import assert_message_fits, assert_view_fits

ENGLISH = Translator("en")
QUESTIONS = [f"Question {n}? ".ljust(MAX_QUESTION_LENGTH, "q") for n in range(MAX_STANDUP_QUESTIONS)]
LONG_ANSWERS = ["a" * 3_000] * MAX_STANDUP_QUESTIONS  # what the form lets through, for every question
TICKETS = [TicketLine(f"SUP-{n}", "t" * 200, "open", True) for n in range(40)]


def summary_of(people: int, *, final: bool = True) -> Summary:
    answered = [
        AnsweredEntry(n, f"U0A{n:04d}", LONG_ANSWERS if n % 2 else ["short"] * MAX_STANDUP_QUESTIONS, n % 3 == 0)
        for n in range(people)
    ]
    return Summary(
        department_name="Customer Support",
        day="2026-11-30",
        questions=QUESTIONS,
        final=final,
        answered=answered,
        skipped=[f"U0S{n:04d}" for n in range(people)],
        missing=[f"U0M{n:04d}" for n in range(people)],
        later=[f"U0L{n:04d}" for n in range(people)],
        overdue={f"U0A{n:04d}": TICKETS for n in range(people)},
    )


@pytest.mark.parametrize("people", [1, 47, 48, 60, 500])
def test_a_summary_of_any_size_fits_and_continues_in_its_thread(people: int) -> None:
    summary = summary_of(people)
    messages = summary_messages(ENGLISH, summary)
    for message in messages:
        assert_message_fits(message)
    everything = json.dumps([m["blocks"] for m in messages], ensure_ascii=False)
    for entry in summary.answered:
        assert everything.count(f"*<@{entry.user_id}>*") == 1  # every answer once, first message or thread
    buttons = everything.count(ActionId.STANDUP_BLOCKER_TICKET)
    assert buttons == sum(entry.blocker for entry in summary.answered)
    first = json.dumps(messages[0]["blocks"], ensure_ascii=False)
    assert "Skipped: <@U0S0000>" in first and "Overdue tickets" in first
    if people > 47:
        assert len(messages) == 1 + -(-(people - 46) // 49)
        assert f"…and {people - 46} more answers, in this message's thread." in first
        assert messages[1]["text"] == f"*Customer Support* stand-up · 2026-11-30, continued (2/{len(messages)})"
    else:
        assert len(messages) == 1
    if people >= 60:  # overdue lines that do not fit are counted
        overdue = messages[0]["blocks"][-1]["text"]["text"]
        assert overdue.splitlines()[-1].startswith("…and ")
    if people >= 500:  # and so are people beyond the ~200 a context line names
        skipped = messages[0]["blocks"][-2]["elements"][0]["text"]
        assert skipped.startswith(":zzz: Skipped: <@U0S0000>, ") and skipped.endswith(" more")
    so_far = summary_message(ENGLISH, summary_of(people, final=False))
    assert_message_fits(so_far)
    if people > 47:
        note = f"…and {people - 46} more answers: the posted summary lists every answer"
        assert note in json.dumps(so_far, ensure_ascii=False)


def test_long_answers_share_a_section_and_each_keeps_its_question() -> None:
    [message] = summary_messages(ENGLISH, summary_of(2))
    long = message["blocks"][2]["text"]["text"]  # the second person answered 3,000 characters to each question
    assert len(long) <= 3_000
    assert all(question in long for question in QUESTIONS)
    assert long.count("…") == MAX_STANDUP_QUESTIONS


def test_question_dm_answer_form_and_settled_dm_fit_at_the_largest_sizes() -> None:
    prompt = prompt_message(
        ENGLISH,
        department_key="SUP",
        department_name="Customer Support",
        day="2026-11-30",
        post_at="10:30",
        questions=QUESTIONS,
        tickets=TICKETS,
    )
    assert_message_fits(prompt)
    assert "…and 30 more" in json.dumps(prompt, ensure_ascii=False)  # 40 tickets: 10 named, the others counted
    form = answer_modal(
        ENGLISH,
        department_key="SUP",
        department_name="Customer Support",
        day="2026-11-30",
        questions=QUESTIONS,
        previous=["p" * 5_000] * MAX_STANDUP_QUESTIONS,
        origin={"channel": "D0ALICE", "message_ts": "1790000000.000100"},
    )
    assert_view_fits(form)
    settled = settled_prompt(
        ENGLISH, outcome="Thanks", department_key="SUP", day="2026-11-30", questions=QUESTIONS, answers=LONG_ANSWERS
    )
    assert_message_fits(settled)
    late = late_answer_message(
        ENGLISH,
        user_id="U0ALICE",
        department_name="Customer Support",
        day="2026-11-30",
        questions=QUESTIONS,
        answers=LONG_ANSWERS,
    )
    assert_message_fits(late)


# ------------------------------------------------------------------------------------- every builder, en + zh

LANGUAGES = [ENGLISH, Translator("zh")]
THREE = ["What did you finish yesterday?", "What will you do today?", "Anything blocking you?"]
ROUND = "SUP:2026-11-30"


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_the_question_dm_lists_the_questions_and_tickets_and_offers_answer_and_skip(translator: Translator) -> None:
    tickets = [TicketLine("SUP-12", "Refund twice", "open", True), TicketLine("ENG-3", "Crash", "acknowledged", False)]
    message = prompt_message(
        translator,
        department_key="SUP",
        department_name="Customer Support",
        day="2026-11-30",
        post_at="10:30",
        questions=THREE,
        tickets=tickets,
    )
    assert_message_valid(message)
    assert message["text"] == translator.t("standup.prompt.fallback", department="Customer Support", day="2026-11-30")
    blocks = message["blocks"]
    assert "1. What did you finish yesterday?\n2. What will you do today?" in blocks[0]["text"]["text"]
    listed = blocks[1]["text"]["text"]
    assert "*SUP-12* Refund twice" in listed and "*ENG-3* Crash" in listed
    assert listed.count(translator.t("standup.overdue_mark")) == 1  # only SUP-12 is overdue
    assert blocks[2]["block_id"] == BlockId.STANDUP_PROMPT_ACTIONS
    assert action_ids(blocks) == [ActionId.STANDUP_ANSWER.value, ActionId.STANDUP_SKIP.value]
    answer = button(blocks, ActionId.STANDUP_ANSWER)
    assert answer["value"] == ROUND and answer["style"] == "primary"
    assert answer["text"]["text"] == translator.t("standup.button.answer")
    assert button(blocks, ActionId.STANDUP_SKIP)["value"] == ROUND
    assert parse_round(answer["value"]) == ("SUP", "2026-11-30")


def test_a_round_value_that_is_not_ours_is_refused() -> None:
    assert round_value("SALES", "2026-12-01") == "SALES:2026-12-01"
    assert parse_round("SALES:2026-12-01") == ("SALES", "2026-12-01")
    for value in ("", "SUP", ":2026-11-30", "SUP:yesterday", "SUP:2026-11-3"):
        assert parse_round(value) is None


def test_someone_without_tickets_is_told_so() -> None:
    for translator in LANGUAGES:
        message = prompt_message(
            translator,
            department_key="SUP",
            department_name="客户支持",
            day="2026-11-30",
            post_at="10:30",
            questions=THREE,
            tickets=[],
        )
        assert_message_valid(message)
        assert translator.t("standup.prompt.no_tickets") in message["blocks"][1]["text"]["text"]


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_an_answered_dm_shows_the_answers_and_edit_and_a_skipped_one_no_buttons(translator: Translator) -> None:
    outcome = translator.t("standup.answered", department="Customer Support", day="2026-11-30")
    answered = settled_prompt(
        translator,
        outcome=outcome,
        department_key="SUP",
        day="2026-11-30",
        questions=THREE,
        answers=["Closed SUP-9", "SUP-12", ""],
    )
    assert_message_valid(answered)
    assert answered["text"] == outcome
    text = answered["blocks"][1]["text"]["text"]
    assert text == (
        "*What did you finish yesterday?*\nClosed SUP-9\n*What will you do today?*\nSUP-12\n*Anything blocking you?*\n—"
    )
    edit = button(answered["blocks"], ActionId.STANDUP_ANSWER)
    assert edit["value"] == ROUND and edit["text"]["text"] == translator.t("standup.button.edit")
    skipped = settled_prompt(
        translator,
        outcome=translator.t("standup.skipped", department="Customer Support", day="2026-11-30"),
        department_key="SUP",
        day="2026-11-30",
        questions=THREE,
        answers=None,
    )
    assert_message_valid(skipped)
    assert action_ids(skipped["blocks"]) == [] and len(skipped["blocks"]) == 1


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_the_answer_form_has_one_input_per_question_and_only_the_blocker_may_stay_empty(
    translator: Translator,
) -> None:
    view = answer_modal(
        translator,
        department_key="SUP",
        department_name="Customer Support",
        day="2026-11-30",
        questions=THREE,
        previous=["Closed *SUP-9* &amp; more", "", "Waiting on <@U0CAROL>"],
        origin={"channel": "D0ALICE", "message_ts": "1790000000.000100"},
    )
    assert_view_valid(view)
    assert view["callback_id"] == CallbackId.STANDUP_ANSWER
    assert view["title"]["text"] == translator.t("standup.modal.title")[:24]
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert (
        [b["block_id"] for b in inputs]
        == [answer_block_id(n) for n in range(3)]
        == [
            "standup_answer.0",
            "standup_answer.1",
            "standup_answer.2",
        ]
    )
    assert [b["optional"] for b in inputs] == [False, False, True]
    assert [b["label"]["text"] for b in inputs] == THREE
    assert inputs[0]["element"]["initial_value"] == "Closed *SUP-9* & more"  # typed as plain, not as escaped
    assert "initial_value" not in inputs[1]["element"]
    assert inputs[2]["element"]["initial_value"].startswith("Waiting on @")
    assert json.loads(view["private_metadata"]) == {
        "department": "SUP",
        "day": "2026-11-30",
        "channel": "D0ALICE",
        "message_ts": "1790000000.000100",
    }
    single = answer_modal(
        translator, department_key="SUP", department_name="S", day="2026-11-30", questions=["How is it going?"]
    )
    assert_view_valid(single)
    assert [b["optional"] for b in single["blocks"] if b["type"] == "input"] == [False]  # one question: required


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
@pytest.mark.parametrize("final", [True, False], ids=["posted", "so-far"])
def test_the_summary_names_each_answer_blockers_with_a_ticket_button_and_who_is_missing(
    translator: Translator, final: bool
) -> None:
    summary = Summary(
        department_name="Customer Support",
        day="2026-11-30",
        questions=THREE,
        final=final,
        answered=[
            AnsweredEntry(7, "U0ALICE", ["SUP-9", "SUP-12", ""], blocker=False),
            AnsweredEntry(8, "U0BOB", ["—", "Invoices", "ENG must fix the export"], blocker=True),
        ],
        skipped=["U0DAN"],
        missing=["U0CAROL"],
        later=["U0ERIN"],
        overdue={"U0ALICE": [TicketLine("SUP-12", "Refund twice", "open", True)], "U0BOB": []},
    )
    message = summary_message(translator, summary)
    assert_message_valid(message)
    [posted] = summary_messages(translator, summary)
    assert posted == message  # everything fits: the posted summary is the same one message
    blocks = message["blocks"]
    header = "standup.summary.header" if final else "standup.summary.header_so_far"
    assert blocks[0]["text"]["text"] == translator.t(header, department="Customer Support", day="2026-11-30")
    assert blocks[1]["text"]["text"].startswith("*<@U0ALICE>*\n*What did you finish yesterday?*\nSUP-9")
    assert "accessory" not in blocks[1]  # no blocker, no button
    blocker = button(blocks, ActionId.STANDUP_BLOCKER_TICKET)
    assert blocker["value"] == "8" and blocker["text"]["text"] == translator.t("standup.button.blocker_ticket")
    assert blocks[2]["block_id"] == blocker_block_id(8) == "crossdesk.standup.blocker.8"
    people = [element["text"] for element in blocks[3]["elements"]]
    missing = "standup.summary.missing" if final else "standup.summary.pending"
    assert people == [
        translator.t("standup.summary.skipped", people="<@U0DAN>"),
        translator.t(missing, people="<@U0CAROL>"),
        translator.t("standup.summary.later", people="<@U0ERIN>"),
    ]
    overdue = blocks[4]["text"]["text"]
    assert "<@U0ALICE>" in overdue and "*SUP-12* Refund twice" in overdue and "<@U0BOB>" not in overdue
    assert message["text"] == translator.t(
        "standup.summary.fallback", department="Customer Support", day="2026-11-30", answered=2, skipped=1, missing=1
    )


def test_a_summary_nobody_answered_says_so_and_has_no_buttons() -> None:
    for translator in LANGUAGES:
        summary = Summary("Sales 销售", "2026-11-30", THREE, final=True, missing=["U0ERIN"])
        message = summary_message(translator, summary)
        assert_message_valid(message)
        texts = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
        assert translator.t("standup.summary.nobody") in texts
        assert texts[-1].endswith(translator.t("standup.summary.no_overdue"))
        assert action_ids(message["blocks"]) == []


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_a_late_answer_is_posted_with_who_and_the_answers(translator: Translator) -> None:
    message = late_answer_message(
        translator,
        user_id="U0BOB",
        department_name="Customer Support",
        day="2026-11-30",
        questions=THREE,
        answers=["Nothing <!channel>", "Calls", ""],
    )
    assert_message_valid(message)
    assert message["text"] == translator.t(
        "standup.late_answer", user="U0BOB", department="Customer Support", day="2026-11-30"
    )
    answers = message["blocks"][1]["text"]["text"]
    assert "<!channel>" not in answers and "Nothing ＠channel" in answers  # an answer notifies nobody
    assert "*Anything blocking you?*\n—" in answers
