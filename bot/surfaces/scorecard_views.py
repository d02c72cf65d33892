"""Block Kit for the daily digest when shared goals are set: the message that leads it, three lines that say what
matters — how many goals the company meets and the worst miss, the other misses, the biggest improvement — above the
scorecard picture, with the details (``digest_views.py``) in its thread.

The lines name at most a handful of departments whatever their number, so the message is the same size for three
departments or three thousand.
"""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

from bot.schedule.goals import Cell, Row, Scorecard, Trend, Verdict, format_target, format_value, judge, near_margin
from bot.surfaces.cards import Block
from bot.surfaces.i18n import Translator
from bot.surfaces.limits import HEADER_TEXT, SECTION_TEXT, clip

NAME_SHOWN = 60
GOAL_SHOWN = 80
ALSO_SHOWN = 2  # other misses named on the second line; the rest are counted


def _cells(card: Scorecard) -> Iterator[tuple[Row, Cell]]:
    for row in card.departments:
        for cell in row.cells:
            yield row, cell


def _distance(cell: Cell) -> float:
    """How far a value is on the wrong side of its target, in near-margins (0 when met)."""
    if cell.value is None:
        return 0.0
    shortfall = cell.value - cell.goal.target if cell.goal.at_most else cell.goal.target - cell.value
    return max(shortfall, 0.0) / max(near_margin(cell.goal), 1e-9)


def _change(cell: Cell, t: Translator) -> str:
    if cell.trend is None or cell.previous is None:
        return ""
    previous = format_value(cell.goal, cell.previous, t)
    return t.t(f"digest.lead.change.{cell.trend.value}", previous=previous)


def _names(row: Row, cell: Cell, t: Translator) -> dict[str, str]:
    return {
        "name": clip(row.name or row.key, NAME_SHOWN),
        "goal": clip(cell.goal.name, GOAL_SHOWN),
        "value": format_value(cell.goal, cell.value, t),
        "target": format_target(cell.goal, t),
    }


def lead_lines(card: Scorecard) -> list[str]:
    """The three lines: the company's tally and the worst miss; the other misses; the most improved."""
    t = Translator(card.language)
    misses = sorted(
        ((row, cell) for row, cell in _cells(card) if cell.verdict == Verdict.MISSED),
        key=lambda pair: -_distance(pair[1]),
    )
    near = sorted(
        ((row, cell) for row, cell in _cells(card) if cell.verdict == Verdict.NEAR),
        key=lambda pair: -_distance(pair[1]),
    )
    tally = t.t("digest.lead.tally", met=card.met(), goals=len(card.goals))
    unjudged = len(card.goals) - card.judged()
    if unjudged:
        tally += t.t("digest.lead.unjudged", count=unjudged)
    if misses or near:
        row, cell = (misses or near)[0]
        key = "digest.lead.worst" if misses else "digest.lead.worst_near"
        first = tally + t.t(key, change=_change(cell, t), **_names(row, cell, t))
    else:
        first = tally + t.t("digest.lead.all_met")
    others = misses[1:]
    if others:
        items = [t.t("digest.lead.also_item", **_names(row, cell, t)) for row, cell in others[:ALSO_SHOWN]]
        second = t.t("digest.lead.also", items=t.t("digest.lead.separator").join(items))
        if len(others) > ALSO_SHOWN:
            second += t.t("digest.lead.also_more", count=len(others) - ALSO_SHOWN)
    else:
        second = t.t("digest.lead.no_other")
    return [first, second, _improved_line(card, t)]


def _improved_line(card: Scorecard, t: Translator) -> str:
    def gain(cell: Cell) -> tuple[bool, float]:
        now_met = cell.verdict == Verdict.MET and judge(cell.goal, cell.previous) != Verdict.MET
        moved = abs((cell.value or 0.0) - (cell.previous or 0.0)) / max(near_margin(cell.goal), 1e-9)
        return now_met, moved

    better = [(row, cell) for row, cell in _cells(card) if cell.improved and cell.trend != Trend.STEADY]
    if not better:
        return t.t("digest.lead.no_change")
    row, cell = max(better, key=lambda pair: gain(pair[1]))
    return t.t(
        "digest.lead.improved",
        previous=format_value(cell.goal, cell.previous, t),
        now_met=t.t("digest.lead.now_met") if gain(cell)[0] else "",
        **_names(row, cell, t),
    )


def lead_blocks(card: Scorecard) -> list[Block]:
    """The digest's first message: header, the three lines, where the details are."""
    t = Translator(card.language)
    day = card.end.astimezone(ZoneInfo(card.timezone)).date().isoformat()
    text = clip("\n".join(lead_lines(card)), SECTION_TEXT)
    return [
        {"type": "header", "text": {"type": "plain_text", "text": clip(t.t("digest.header", day=day), HEADER_TEXT)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": t.t("digest.lead.details")}]},
    ]


def lead_fallback(card: Scorecard) -> str:
    """The notification and screen-reader text of the digest's first message."""
    t = Translator(card.language)
    day = card.end.astimezone(ZoneInfo(card.timezone)).date().isoformat()
    return t.t("digest.lead.fallback", day=day, met=card.met(), goals=len(card.goals))
