"""The three lines that lead a digest with goals, from scorecards made by hand: what they say, in both languages,
and a message of the same size for any number of departments."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.schedule.goals import COMPANY, Cell, Row, Scorecard
from bot.surfaces.scorecard_views import lead_blocks, lead_fallback, lead_lines
from config.goals import Goal
from config.loader import EXAMPLE_PATH, load_workspace
from tests.support.block_kit import assert_message_valid
from tests.support.goal_cards import card_of

GOALS = tuple(load_workspace(EXAMPLE_PATH).goals)  # the six of the example file
END = datetime(2026, 12, 4, 10, 30, tzinfo=UTC)  # 18:30 in Shanghai


def row(key: str, name: str, values: dict[str, tuple[float | None, float | None]]) -> Row:
    return Row(key, name, tuple(Cell(goal, *values.get(goal.metric, (None, None)), 5) for goal in GOALS))


def met_everywhere(goal: Goal) -> tuple[float, float]:
    target = goal.target
    return (target, target)


def card(departments: list[Row], company: Row, language: str = "en") -> Scorecard:
    return Scorecard(GOALS, tuple(departments), company, END, tuple(g.window for g in GOALS), language, "Asia/Shanghai")


def example_card(language: str = "en") -> Scorecard:
    """Four of the six goals met by the company; Engineering acknowledges 81 % against 95 %, from 88 %."""
    good = {goal.metric: met_everywhere(goal) for goal in GOALS}
    engineering = {**good, "ack_within_sla": (0.81, 0.88), "csat": (4.0, 4.2)}
    support = {**good, "bounce_rate": (0.15, 0.2)}  # near (5 points over 10 %), and better than before
    sales = {**good, "consult_within_sla": (0.95, 0.5)}  # met now, missed before
    company = {**good, "ack_within_sla": (0.9, 0.92), "resolve_within_sla": (0.8, 0.8)}
    rows = [row("SUP", "Support", support), row("ENG", "Engineering", engineering), row("SALES", "Sales", sales)]
    return card(rows, row(COMPANY, "", company), language)


def test_the_lines_say_what_matters() -> None:
    first, second, third = lead_lines(example_card())
    assert first == "*4 of 6 goals met*; Engineering misses *Acknowledge on time*: 81% against 95%, down from 88%"
    assert second == "Also missed: Engineering *Customers satisfied* 4.0 (target 4.5)"
    assert third == "Most improved: Sales *Consults answered on time*, 50% → 95% (met now)"


def test_the_lines_in_chinese() -> None:
    first, second, third = lead_lines(example_card("zh"))
    assert first == "*6 个目标达成 4 个*；Engineering 未达成 *Acknowledge on time*：81%，目标 95%，上期为 88%"
    assert second == "另未达成：Engineering *Customers satisfied* 4.0（目标 4.5）"
    assert third.startswith("进步最大：Sales")


def test_a_near_miss_leads_when_nothing_is_missed_and_all_met_says_so() -> None:
    good = {goal.metric: met_everywhere(goal) for goal in GOALS}
    near = card([row("SUP", "Support", {**good, "bounce_rate": (0.15, 0.15)})], row(COMPANY, "", good))
    first, second, third = lead_lines(near)
    assert "Support is near *Few bounces*: 15% against 10%, as before" in first
    assert second == "No other goal missed." and third == "No goal moved much since the previous window."
    everything = card([row("SUP", "Support", good)], row(COMPANY, "", good))
    assert lead_lines(everything)[0] == "*6 of 6 goals met*; every department meets every goal it has numbers for"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_blocks_are_valid_and_point_to_the_thread(language: str) -> None:
    scorecard = example_card(language)
    blocks = lead_blocks(scorecard)
    assert_message_valid({"text": lead_fallback(scorecard), "blocks": blocks})
    assert [block["type"] for block in blocks] == ["header", "section", "context"]
    assert "2026-12-04" in blocks[0]["text"]["text"]


def test_the_message_is_as_small_for_a_thousand_departments() -> None:
    small, large = card_of(3, "en"), card_of(1000, "en", [f"Team {index}" for index in range(1000)])
    blocks = lead_blocks(large)
    assert_message_valid({"text": lead_fallback(large), "blocks": blocks})
    assert len(blocks) == len(lead_blocks(small)) == 3
    assert "and " in lead_lines(large)[1] and len(blocks[1]["text"]["text"]) < 1000


def test_the_fallback_counts_the_goals_met() -> None:
    assert lead_fallback(example_card()) == "Crossdesk daily digest for 2026-12-04: 4 of 6 shared goals met."


def test_goals_with_nothing_to_judge_are_said_to_be_so() -> None:
    good = {goal.metric: met_everywhere(goal) for goal in GOALS}
    quiet = {**good, "csat": (None, None), "complaint_resolve_median": (None, None)}
    first = lead_lines(card([row("SUP", "Support", quiet)], row(COMPANY, "", quiet)))[0]
    assert first.startswith("*4 of 6 goals met* (2 with nothing to judge yet); every department meets")
