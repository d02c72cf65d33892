"""Block Kit for the weekly review (``bot/schedule/weekly_review.py``): a section per shared goal with the company's
week-by-week line drawn in text (▁▂▃▄▅▆▇█) and each department's after it, then the week's hand-offs, satisfaction
and complaints by lifecycle stage when the last week has any. The same blocks go to the channel (with the picture
after them) and, as the answer to ``/digest week``, to the one person who asked; they fit Slack's limits for any
number of departments.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.schedule.goal_source import WeeklyReview
from bot.schedule.goals import COMPANY, VERDICT_SYMBOL, Row, Verdict, format_target, format_value
from bot.surfaces.cards import Block
from bot.surfaces.digest_views import handoff_summary
from bot.surfaces.i18n import Translator
from bot.surfaces.limits import HEADER_TEXT, SECTION_FIELDS, SECTION_TEXT, clip, fit_lines
from config.goals import Goal, TargetKind

BARS = "▁▂▃▄▅▆▇█"
GAP = "·"  # a week with nothing to judge
NAME_SHOWN = 60
SATISFACTION_SHOWN = 20  # departments named in the satisfaction line; the rest are counted


def sparkline(values: Sequence[float | None], low: float, high: float) -> str:
    """One character per value between ``low`` and ``high``: ▁ for the lowest, █ for the highest, · for none."""
    span = high - low
    marks = []
    for value in values:
        if value is None:
            marks.append(GAP)
            continue
        share = 0.5 if span <= 0 else (min(max(value, low), high) - low) / span
        marks.append(BARS[round(share * (len(BARS) - 1))])
    return "".join(marks)


def _range(goal: Goal, series: Sequence[Sequence[float | None]]) -> tuple[float, float]:
    """A share runs from 0 to 100 %, a score from 1 to 5; a time or a count from 0 to the largest value (or the
    target), so every line of a goal is drawn to the same scale."""
    if goal.kind == TargetKind.SHARE:
        return 0.0, 1.0
    if goal.kind == TargetKind.SCORE:
        return 1.0, 5.0
    values = [value for line in series for value in line if value is not None]
    return 0.0, max([goal.target, *values])


def _line_of(review: WeeklyReview, index: int, key: str) -> list[float | None]:
    values: list[float | None] = []
    for card in review.history.cards:
        row = card.company if key == COMPANY else next((r for r in card.departments if r.key == key), None)
        values.append(row.cells[index].value if row else None)
    return values


def _goal_section(review: WeeklyReview, index: int, t: Translator) -> Block:
    latest = review.history.cards[-1]
    goal = latest.goals[index]
    keys = [COMPANY, *(row.key for row in latest.departments)]
    lines = {key: _line_of(review, index, key) for key in keys}
    low, high = _range(goal, list(lines.values()))
    met_weeks = sum(1 for card in review.history.cards if card.company.cells[index].verdict == Verdict.MET)
    target = t.t("goals.target.at_most" if goal.at_most else "goals.target.at_least", target=format_target(goal, t))
    header = t.t("review.goal", name=clip(goal.name, NAME_SHOWN), target=target)

    def line(row: Row, name: str) -> str:
        cell = row.cells[index]
        first = next((value for value in lines[row.key] if value is not None), None)
        return t.t(
            "review.line",
            spark=sparkline(lines[row.key], low, high),
            name=name,
            first=format_value(goal, first, t),
            value=format_value(goal, cell.value, t),
            verdict=VERDICT_SYMBOL[cell.verdict] or t.t("goals.no_value"),
        )

    company = line(latest.company, t.t("review.company")) + t.t(
        "review.met_weeks", met=met_weeks, weeks=len(review.history.cards)
    )
    departments = [line(row, clip(review.names.get(row.key, row.name), NAME_SHOWN)) for row in latest.departments]

    def more(count: int) -> str:
        return t.t("limits.more", count=count)

    room = SECTION_TEXT - len(header) - len(company) - 2
    text = "\n".join([header, company, fit_lines(departments, room, more)]) if departments else f"{header}\n{company}"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _handoffs_section(review: WeeklyReview, t: Translator) -> Block | None:
    """The week's hand-offs in a line (the slowest pair), when anything crossed between departments; the map itself
    follows the posted review in its thread."""
    if review.handoffs is None or review.handoffs.is_empty:
        return None
    text = f"{t.t('review.handoffs', days=7)}\n{handoff_summary(review.handoffs, t)}"
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_TEXT)}}


def _satisfaction_section(review: WeeklyReview, t: Translator) -> Block | None:
    answered = sum(scores.answered for scores in review.satisfaction.values())
    if not answered:
        return None
    total = sum(scores.total for scores in review.satisfaction.values())
    parts = [
        t.t(
            "review.satisfaction.part",
            name=clip(review.names.get(key, key), NAME_SHOWN),
            score=f"{scores.total / scores.answered:.1f}",
            count=scores.answered,
        )
        for key, scores in sorted(review.satisfaction.items(), key=lambda item: -item[1].answered)
        if scores.answered
    ]
    shown = " · ".join(parts[:SATISFACTION_SHOWN])
    if len(parts) > SATISFACTION_SHOWN:
        shown += " " + t.t("limits.more", count=len(parts) - SATISFACTION_SHOWN)
    header = t.t("review.satisfaction", days=7, score=f"{total / answered:.1f}", count=answered)
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(f"{header}\n{shown}", SECTION_TEXT)}}


def _complaints_section(review: WeeklyReview, t: Translator) -> Block | None:
    total = sum(review.complaints.values())
    if not total:
        return None
    fields = [
        {"type": "mrkdwn", "text": f"*{_stage_name(stage, t)}*\n{count}"} for stage, count in review.complaints.items()
    ]
    text = t.t("review.complaints", days=7, total=total)
    if (times := review.complaint_times) is not None and times.opened:
        text += "\n" + t.t(
            "review.complaint_times",
            first=_hours(times.first_response, t),
            answered=times.answered,
            opened=times.opened,
            resolve=_hours(times.resolution, t),
            resolved=times.resolved,
        )
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": clip(text, SECTION_TEXT)},
        "fields": fields[:SECTION_FIELDS],
    }


def _hours(span: timedelta | None, t: Translator) -> str:
    return t.t("digest.no_value") if span is None else t.t("digest.hours", hours=f"{span.total_seconds() / 3600:.1f}")


def _stage_name(stage: str, t: Translator) -> str:
    return t.t("digest.stage.unknown" if stage == "unknown" else f"stage.{stage}")


def review_blocks(review: WeeklyReview) -> list[Block]:
    """The review as one message: header, what it shows, a section per goal, then satisfaction and complaints."""
    t = Translator(review.language)
    end = review.end.astimezone(ZoneInfo(review.timezone))
    weeks = len(review.history.cards)
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": clip(t.t("review.header", day=end.date().isoformat()), HEADER_TEXT)},
        },
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": t.t("review.context", weeks=weeks, time=end.strftime("%H:%M"), tz=review.timezone),
                }
            ],
        },
    ]
    blocks += [_goal_section(review, index, t) for index in range(len(review.history.cards[-1].goals))]
    sections = (_handoffs_section(review, t), _satisfaction_section(review, t), _complaints_section(review, t))
    extra = [block for block in sections if block]
    if extra:
        blocks.append({"type": "divider"})
        blocks += extra
    return blocks


def review_fallback(review: WeeklyReview) -> str:
    """The notification and screen-reader text of the review."""
    t = Translator(review.language)
    latest = review.history.cards[-1]
    day = review.end.astimezone(ZoneInfo(review.timezone)).date().isoformat()
    return t.t("review.fallback", day=day, met=latest.met(), goals=len(latest.goals))


def no_goals_blocks(translator: Translator) -> list[Block]:
    """``/digest week`` in a workspace without goals: what to add to have a review."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": translator.t("review.no_goals")}}]


def unknown_digest_blocks(translator: Translator, asked: str) -> list[Block]:
    """``/digest`` with a word it does not know: what it takes."""
    text = translator.t("review.unknown_digest", asked=clip(asked, 40))
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
