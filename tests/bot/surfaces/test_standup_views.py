"""Stand-up messages and forms at any size: a department of hundreds, answers as long as Slack lets a form send,
many overdue tickets. Each message stays within Slack's limits, and nobody's answer is left out unsaid."""

from __future__ import annotations

import json

import pytest

from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId
from bot.surfaces.standup_views import (
    AnsweredEntry,
    Summary,
    TicketLine,
    answer_modal,
    late_answer_message,
    prompt_message,
    settled_prompt,
    summary_message,
    summary_messages,
)
from config.schema import MAX_QUESTION_LENGTH, MAX_STANDUP_QUESTIONS
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
