"""The weekly review's Block Kit from a history made by hand: valid in both languages, a section per goal with the
week-by-week line, satisfaction and complaints only when the week has them, within Slack's limits at any size."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.customers.complaints import ComplaintTimes
from bot.schedule.goal_source import WeeklyReview
from bot.surfaces.i18n import Translator
from bot.surfaces.review_views import (
    no_goals_blocks,
    review_blocks,
    review_fallback,
    sparkline,
    unknown_digest_blocks,
)
from storage.goal_metrics import Scores
from tests.support.block_kit import assert_message_valid
from tests.support.goal_cards import history_of
from tests.support.goal_fixture import GOALS


def text_of(block: dict[str, object]) -> str:
    return str(block["text"]["text"])  # type: ignore[index]


def review_of(departments: int, language: str, *, answers: bool = True, complaints: bool = True) -> WeeklyReview:
    history = history_of(departments, language)
    names = {row.key: row.name for row in history.cards[-1].departments}
    return WeeklyReview(
        history=history,
        names=names,
        satisfaction={"D0": Scores(answered=4, total=18), "D1": Scores(answered=1, total=3)} if answers else {},
        complaints={"acquisition": 1, "retention": 2, "unknown": 0} if complaints else {"retention": 0},
        language=language,
        timezone="Asia/Shanghai",
        complaint_times=ComplaintTimes(3, 2, 1, timedelta(minutes=90), None) if complaints else None,
    )


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_section_per_goal_then_satisfaction_and_complaints(language: str) -> None:
    review = review_of(3, language)
    blocks = review_blocks(review)
    assert_message_valid({"text": review_fallback(review), "blocks": blocks})
    sections = [block for block in blocks if block["type"] == "section"]
    assert len(sections) == len(GOALS) + 2
    first = text_of(sections[0])
    assert GOALS[0].name in first and "≥ 90%" in first
    assert first.count("\n") == 1 + 3  # the company's line, then each department's
    t = Translator(language)
    assert t.t("review.company") in first and "客户支持" in first
    satisfaction, complaints = text_of(sections[-2]), text_of(sections[-1])
    assert "4.2" in satisfaction and "4.5" in satisfaction  # 21 / 5 in all; 18 / 4 for the first department
    assert "3" in complaints
    hours = t.t("digest.hours", hours="1.5")  # 90 minutes to first response; none resolved yet
    times = t.t("review.complaint_times", first=hours, answered=2, opened=3, resolve="—", resolved=1)
    assert complaints.split("\n")[1] == times


def test_a_quiet_week_has_no_satisfaction_or_complaints_section() -> None:
    blocks = review_blocks(review_of(2, "en", answers=False, complaints=False))
    assert not any(block["type"] == "divider" for block in blocks)
    assert len([block for block in blocks if block["type"] == "section"]) == len(GOALS)


def test_the_fallback_says_how_many_goals_the_company_meets() -> None:
    review = review_of(3, "en")
    met = review.history.cards[-1].met()
    assert review_fallback(review) == (
        f"Crossdesk weekly review for 2026-10-04: the company meets {met} of 8 shared goals."
    )


def test_a_thousand_departments_still_fit_one_message() -> None:
    review = review_of(1000, "en", answers=False)
    review = replace(review, satisfaction={f"D{index}": Scores(1, 4) for index in range(1000)})
    blocks = review_blocks(review)
    assert_message_valid({"text": review_fallback(review), "blocks": blocks})
    assert "more" in text_of(blocks[2])  # the departments beyond what a section holds are counted


def test_sparklines_read_oldest_first_with_gaps() -> None:
    assert sparkline([0.0, 0.5, 1.0, None], 0.0, 1.0) == "▁▅█·"
    assert sparkline([2.0, 2.0], 2.0, 2.0) == "▅▅"  # no spread: the middle
    assert sparkline([9.0], 0.0, 4.0) == "█"  # beyond the range: its end


@pytest.mark.parametrize("language", ["en", "zh"])
def test_no_goals_and_an_unknown_word_each_say_what_to_do(language: str) -> None:
    t = Translator(language)
    for blocks in (no_goals_blocks(t), unknown_digest_blocks(t, "monthly")):
        assert_message_valid({"text": "x", "blocks": blocks})
    assert "goals:" in text_of(no_goals_blocks(t)[0])
    assert "monthly" in text_of(unknown_digest_blocks(t, "monthly")[0])
