"""The weekly review's picture: small multiples, one panel per shared goal, each a line per department over the last
weeks with the company's line in black and the target dashed. Drawn headless to PNG bytes.

The same panel scales for every department, so the eye compares across them. Departments are told apart by
Okabe and Ito's colours and by their marker (so colour is never the only cue); beyond the seven their palette holds,
the departments missing the most goals in the latest week are drawn and the text of the review names the rest. Fonts
and names as in ``scorecard_chart.py``; matplotlib imported only when drawing, like ``charts.py``.
"""

from __future__ import annotations

import io
import math
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.schedule.goal_source import GoalHistory
from bot.schedule.goals import Row, Verdict, format_value
from bot.schedule.scorecard_chart import DPI, ChartWords, department_label, goal_label, wrap
from config.goals import Goal, TargetKind

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Okabe & Ito's palette without black (the company's line) and with a marker each.
LINE_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
COMPANY_COLOUR = "#000000"
PANEL_WIDTH = 2.3  # inches
PANEL_HEIGHT = 1.7


def departments_drawn(history: GoalHistory) -> tuple[list[str], int]:
    """The keys drawn (in the review's order) and how many are left out: all, or the :data:`LINE_COLOURS`-many
    missing the most goals in the latest week."""
    latest = history.cards[-1]
    keys = [row.key for row in latest.departments]
    if len(keys) <= len(LINE_COLOURS):
        return keys, 0

    def trouble(row: Row) -> tuple[int, int]:
        verdicts = [cell.verdict for cell in row.cells]
        return -verdicts.count(Verdict.MISSED), -verdicts.count(Verdict.NEAR)

    kept = {row.key for row in sorted(latest.departments, key=trouble)[: len(LINE_COLOURS)]}
    return [key for key in keys if key in kept], len(keys) - len(kept)


def _unit(goal: Goal, history: GoalHistory) -> float:
    """What one unit of the panel's axis is worth in the goal's own numbers: a percent point of a share; an hour, or
    a (working) day once a duration reaches one; 1 otherwise."""
    if goal.kind == TargetKind.SHARE:
        return 0.01
    if goal.kind != TargetKind.DURATION:
        return 1.0
    index = history.cards[-1].goals.index(goal)
    values = [goal.target] + [
        cell.value for card in history.cards for row in card.rows if (cell := row.cells[index]).value is not None
    ]
    return 86400.0 if max(values) >= 86400 else 3600.0


def _scaled(value: float | None, unit: float) -> float:
    return math.nan if value is None else value / unit


def _series(history: GoalHistory, index: int, key: str | None, unit: float) -> list[float]:
    values = []
    for card in history.cards:
        rows = {row.key: row for row in card.departments}
        row = card.company if key is None else rows.get(key)
        values.append(_scaled(row.cells[index].value if row else None, unit))
    return values


def _panel(axes: Axes, history: GoalHistory, index: int, keys: list[str], labels: ChartWords) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator  # late: see the module's docstring

    goal = history.cards[-1].goals[index]
    unit = _unit(goal, history)
    positions = list(range(len(history.ends)))
    for number, key in enumerate(keys):
        axes.plot(
            positions,
            _series(history, index, key, unit),
            color=LINE_COLOURS[number],
            marker=MARKERS[number],
            markersize=2.6,
            linewidth=1.1,
        )
    axes.plot(
        positions, _series(history, index, None, unit), color=COMPANY_COLOUR, linewidth=2.0, marker="o", markersize=2.8
    )
    axes.axhline(_scaled(goal.target, unit), color="#707070", linestyle=(0, (3, 2)), linewidth=0.9)
    zone = ZoneInfo(history.cards[-1].timezone)
    ticks = positions[:: max(1, len(positions) // 4)] if len(positions) > 4 else positions
    axes.set_xticks(ticks, [_day(history.ends[tick], zone) for tick in ticks], fontsize=5.5)
    translator = labels.translator

    def label(value: float, _position: float) -> str:
        return format_value(goal, value * unit, translator)

    axes.yaxis.set_major_formatter(FuncFormatter(label))
    axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=goal.kind in (TargetKind.COUNT, TargetKind.DURATION)))
    axes.tick_params(axis="both", labelsize=5.5, labelfontfamily=labels.fonts)
    if goal.kind == TargetKind.SHARE:
        axes.set_ylim(0, 105)
    elif goal.kind == TargetKind.SCORE:
        axes.set_ylim(1, 5.2)
    else:
        axes.set_ylim(bottom=0)
    target = labels.t(
        "goals.target.at_most" if goal.at_most else "goals.target.at_least",
        target=format_value(goal, goal.target, translator),
    )
    axes.set_title(
        f"{wrap(goal_label(goal, labels.fonts), 34, lines=2)}\n{target}",
        fontsize=6.5,
        fontfamily=labels.fonts,
        loc="left",
    )
    axes.grid(axis="y", alpha=0.25)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _day(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%m-%d")


def trends_png(history: GoalHistory, title_key: str = "review.chart.title") -> bytes:
    """The small multiples as PNG bytes; ``title_key`` (a catalogue key given ``weeks``, ``days``, ``start`` and
    ``end``) for a title other than the review's "… weeks to …", such as a report's periods."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # late: see the module's docstring
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    latest = history.cards[-1]
    labels = ChartWords(latest.language)
    goals = len(latest.goals)
    columns = 2 if goals <= 4 else 3 if goals in (5, 6, 9) else 4
    rows = max(1, math.ceil(goals / columns))
    keys, left_out = departments_drawn(history)
    figure = Figure(figsize=(max(6.0, PANEL_WIDTH * columns), PANEL_HEIGHT * rows + 0.9), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    panels = figure.subplots(rows, columns, squeeze=False)
    for index in range(rows * columns):
        axes = panels[index // columns][index % columns]
        if index < goals:
            _panel(axes, history, index, keys, labels)
        else:
            axes.axis("off")
    names = {row.key: row.name for row in latest.departments}
    handles = [
        Line2D(
            [],
            [],
            color=LINE_COLOURS[number],
            marker=MARKERS[number],
            markersize=3,
            linewidth=1.1,
            label=department_label(key, names.get(key, key), labels.fonts),
        )
        for number, key in enumerate(keys)
    ]
    handles.append(
        Line2D([], [], color=COMPANY_COLOUR, linewidth=2.0, marker="o", markersize=3, label=labels.t("goals.company"))
    )
    handles.append(
        Line2D([], [], color="#707070", linestyle=(0, (3, 2)), linewidth=0.9, label=labels.t("review.chart.target"))
    )
    figure.legend(
        handles=handles,
        loc="outside lower center",
        ncols=min(len(handles), 5),
        frameon=False,
        prop={"family": labels.fonts, "size": 6},
    )
    zone = ZoneInfo(latest.timezone)
    step = history.ends[-1] - history.ends[-2] if len(history.ends) > 1 else latest.windows[0]
    title = labels.t(
        title_key,
        weeks=len(history.ends),
        days=round(step.total_seconds() / 86400),
        start=_day(history.ends[0], zone),
        end=_day(history.ends[-1], zone),
    )
    if left_out:
        title += "\n" + labels.t("review.chart.more", count=left_out)
    figure.suptitle(title, fontsize=8.5, fontweight="bold", fontfamily=labels.fonts)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
