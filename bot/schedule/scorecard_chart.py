"""The scorecard as one picture: a department × goal grid, each cell the goal's value coloured met, near or missed,
with a symbol (✓ ~ ✗) so colour is never the only cue and an arrow for the change since the previous window; the
company's row at the bottom. Drawn headless to PNG bytes.

Made to be looked at, not read: 1200 pixels wide (wider only for many goals) so Slack's preview shows it whole, at
200 dpi so it stays sharp when opened. The colours are Okabe and Ito's, which read apart with the common colour-vision
deficiencies. Like ``charts.py`` it uses matplotlib's object-oriented API on the Agg canvas (safe in a worker thread)
and imports matplotlib only when it draws. Department and goal names in Chinese use the CJK font ``charts.py`` finds;
on a host without one (the Docker image installs ``fonts-wqy-microhei``) any name the fonts cannot draw is replaced —
a department by its key, a goal by its metric's English name — with a warning in the log, never drawn as boxes.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from collections.abc import Iterable
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.schedule.charts import chart_labels
from bot.schedule.goals import TREND_SYMBOL, VERDICT_SYMBOL, Cell, Row, Scorecard, Verdict, format_target, format_value
from bot.surfaces.i18n import Translator
from config.durations import format_duration
from config.goals import Goal

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

# Okabe & Ito's palette: blue, orange, vermillion; grey when there is nothing to judge.
FILL = {Verdict.MET: "#0072B2", Verdict.NEAR: "#E69F00", Verdict.MISSED: "#D55E00", Verdict.NONE: "#E8E8E8"}
INK = {Verdict.MET: "white", Verdict.NEAR: "black", Verdict.MISSED: "white", Verdict.NONE: "#505050"}
DPI = 200
MIN_WIDTH = 6.0  # inches: 1200 pixels at DPI
MAX_ROWS = 20  # departments a picture holds readably; beyond, those missing most (the text names the rest)
NAME_SHOWN = 28  # a department's name, in Latin letters (a Chinese character counts as two)
_MARGIN = 0.12
_NAME_COLUMN = 1.7
_MIN_GOAL_COLUMN = 0.62
_ROW = 0.3
_HEADER = 0.62
_TITLE = 0.5
_LEGEND = 0.32


def rows_shown(card: Scorecard) -> tuple[list[Row], int]:
    """The department rows drawn (in the card's order) and how many are left out: when there are more than
    :data:`MAX_ROWS`, the departments missing the most goals (then nearest to missing) are kept."""
    rows = list(card.departments)
    if len(rows) <= MAX_ROWS:
        return rows, 0

    def trouble(row: Row) -> tuple[int, int]:
        verdicts = [cell.verdict for cell in row.cells]
        return -verdicts.count(Verdict.MISSED), -verdicts.count(Verdict.NEAR)

    kept = {id(row) for row in sorted(rows, key=trouble)[:MAX_ROWS]}
    return [row for row in rows if id(row) in kept], len(rows) - MAX_ROWS


def _width(text: str) -> int:
    """Columns ``text`` takes, a wide (Chinese) character counting two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, columns: int) -> str:
    if _width(text) <= columns:
        return text
    out = ""
    for ch in text:
        if _width(out + ch) > columns - 1:
            break
        out += ch
    return out.rstrip() + "…"


def wrap(text: str, columns: int, lines: int = 3) -> str:
    """``text`` in at most ``lines`` lines of about ``columns`` (a Chinese character counting two)."""
    result: list[str] = []
    current = ""
    for word in text.split(" "):
        # Chinese breaks between any two characters; a Latin word stays whole, a little wider if it must be.
        pieces = list(word) if _width(word) > columns and _width(word) > len(word) else [word]
        for piece in pieces:
            joined = f"{current} {piece}" if current and len(pieces) == 1 else current + piece
            if _width(joined) <= columns:
                current = joined
                continue
            result.append(current)
            current = piece
    result.append(current)
    if len(result) > lines:
        result = [*result[: lines - 1], _clip(" ".join(result[lines - 1 :]), columns)]
    return "\n".join(line for line in result if line)


# ---------------------------------------------------------------------- what the fonts can draw


@cache
def _drawable_codepoints(families: tuple[str, ...]) -> frozenset[int]:
    from matplotlib import font_manager  # late: see the module's docstring
    from matplotlib.ft2font import FT2Font

    points: set[int] = set()
    for family in families:
        path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        points |= set(FT2Font(path).get_charmap())
    return frozenset(points)


def drawable(text: str, families: Iterable[str]) -> bool:
    """Whether every character of ``text`` has a glyph in one of ``families`` (else matplotlib draws boxes)."""
    points = _drawable_codepoints(tuple(families))
    return all(ord(ch) in points for ch in text if not ch.isspace())


@cache
def _warn_once(what: str) -> None:
    log.warning(
        "the scorecard cannot draw %s with the fonts installed; it shows keys and English names instead "
        "(install a CJK font such as fonts-wqy-microhei or fonts-noto-cjk)",
        what,
    )


# ---------------------------------------------------------------------- drawing


def department_label(key: str, name: str, fonts: Iterable[str]) -> str:
    """A department's name as a picture shows it: without the characters the fonts cannot draw ("Customer Support
    客户支持" on a host without a CJK font), or its key when nothing readable is left."""
    name = name or key
    if not drawable(name, fonts):
        _warn_once(f"the name of department {key}")
        kept = " ".join("".join(ch for ch in name if drawable(ch, fonts)).split())
        name = kept if sum(ch.isalnum() for ch in kept) >= 2 else key
    return _clip(name, NAME_SHOWN)


def goal_label(goal: Goal, fonts: Iterable[str]) -> str:
    """A goal's name as a picture shows it: the file's, or its metric's English name when the fonts cannot draw it."""
    if drawable(goal.name, fonts):
        return goal.name
    _warn_once(f"the goal name of {goal.metric}")
    return Translator("en").t(f"goals.metric.{goal.metric}")


class ChartWords:
    """The words of the picture, in the card's language when the fonts can draw it."""

    def __init__(self, language: str) -> None:
        self.translator, self.fonts = chart_labels(language)
        if self.translator.language != language:
            _warn_once("Chinese labels")
        self.t = self.translator.t

    def department(self, row: Row) -> str:
        return department_label(row.key, row.name, self.fonts)

    def goal(self, card: Scorecard, index: int) -> str:
        return goal_label(card.goals[index], self.fonts)


def _window(window: timedelta, translator: Translator) -> str:
    if window % timedelta(days=1):
        return format_duration(window)
    return translator.t("goals.days", days=window.days)


def _fitting(text: str, column: float, size: float = 7.0) -> float:
    """A font size at which ``text`` fits a cell ``column`` inches wide (a Latin character is about 0.62 em wide,
    a Chinese one 1 em): ``size``, or smaller down to 5 points."""
    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.62 for ch in text)
    room = (column - 0.08) * 72
    return max(5.0, min(size, room / ems)) if ems else size


def _cell_text(cell: Cell, translator: Translator) -> str:
    parts = [VERDICT_SYMBOL[cell.verdict], format_value(cell.goal, cell.value, translator)]
    if cell.trend is not None:
        parts.append(TREND_SYMBOL[cell.trend])
    return " ".join(part for part in parts if part)


def _draw_rows(axes: Axes, rows: list[Row], top: float, labels: ChartWords, widths: tuple[float, float]) -> float:
    from matplotlib.patches import Rectangle  # late: see the module's docstring

    name_width, column = widths
    y = top
    for row in rows:
        bold = row.key == "*"
        name = labels.t("goals.company") if bold else labels.department(row)
        axes.text(
            _MARGIN,
            y + _ROW / 2,
            name,
            va="center",
            ha="left",
            fontsize=7,
            fontfamily=labels.fonts,
            fontweight="bold" if bold else "normal",
        )
        for index, cell in enumerate(row.cells):
            x = _MARGIN + name_width + index * column
            verdict = cell.verdict
            text = _cell_text(cell, labels.translator)
            axes.add_patch(Rectangle((x + 0.015, y + 0.02), column - 0.03, _ROW - 0.04, color=FILL[verdict], lw=0))
            axes.text(
                x + column / 2,
                y + _ROW / 2,
                text,
                va="center",
                ha="center",
                fontsize=_fitting(text, column),
                color=INK[verdict],
                fontfamily=labels.fonts,
                fontweight="bold" if bold else "normal",
            )
        y += _ROW
    return y


def scorecard_png(card: Scorecard) -> bytes:
    """The scorecard as PNG bytes."""
    buffer = io.BytesIO()
    draw(card).savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def draw(card: Scorecard) -> Figure:
    """The scorecard's figure (tests read its texts)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # late: see the module's docstring
    from matplotlib.figure import Figure

    labels = ChartWords(card.language)
    t = labels.t
    rows, left_out = rows_shown(card)
    goals = len(card.goals)
    width = max(MIN_WIDTH, 2 * _MARGIN + _NAME_COLUMN + _MIN_GOAL_COLUMN * goals)
    column = (width - 2 * _MARGIN - _NAME_COLUMN) / max(goals, 1)
    height = _TITLE + _HEADER + _ROW * (len(rows) + 1) + 0.08 + _LEGEND + (0.22 if left_out else 0)
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, width)
    axes.set_ylim(height, 0)  # inches from the top
    axes.axis("off")
    end = card.end.astimezone(ZoneInfo(card.timezone))
    axes.text(
        _MARGIN,
        0.2,
        t("goals.chart.title", day=end.strftime("%Y-%m-%d")),
        fontsize=9.5,
        fontweight="bold",
        va="center",
        fontfamily=labels.fonts,
    )
    axes.text(
        _MARGIN,
        0.4,
        t("goals.chart.subtitle", time=end.strftime("%H:%M"), tz=card.timezone),
        fontsize=6,
        color="#404040",
        va="center",
        fontfamily=labels.fonts,
    )
    for index, goal in enumerate(card.goals):
        x = _MARGIN + _NAME_COLUMN + (index + 0.5) * column
        name = wrap(labels.goal(card, index), max(int(column * 19), 6))
        axes.text(
            x,
            _TITLE + _HEADER - 0.2,
            name,
            ha="center",
            va="bottom",
            fontsize=6.2,
            fontweight="bold",
            fontfamily=labels.fonts,
            linespacing=1.1,
        )
        target = t(
            "goals.target.at_most" if goal.at_most else "goals.target.at_least",
            target=format_target(goal, labels.translator),
        )
        window = _window(card.windows[index], labels.translator)
        axes.text(
            x,
            _TITLE + _HEADER - 0.08,
            f"{target} · {window}",
            ha="center",
            va="center",
            fontsize=5.6,
            color="#404040",
            fontfamily=labels.fonts,
        )
    widths = (_NAME_COLUMN, column)
    y = _draw_rows(axes, rows, _TITLE + _HEADER, labels, widths)
    axes.plot([_MARGIN, width - _MARGIN], [y + 0.04, y + 0.04], color="#303030", lw=0.8)
    y = _draw_rows(axes, [card.company], y + 0.08, labels, widths)
    if left_out:
        axes.text(
            _MARGIN,
            y + 0.12,
            t("goals.chart.more", count=left_out),
            fontsize=6,
            va="center",
            fontfamily=labels.fonts,
            color="#404040",
        )
        y += 0.22
    axes.text(
        _MARGIN,
        y + _LEGEND / 2,
        t("goals.chart.legend"),
        fontsize=6,
        va="center",
        fontfamily=labels.fonts,
        color="#303030",
    )
    return figure
