"""The hand-off map as one picture: a department × department heatmap, drawn headless to PNG bytes.

Rows are the departments asking, columns the departments answering; a cell's colour is the pair's median working
time to answer, and its text that median with the counts (answered of asked, bounces). The colour map is cividis,
made to read the same with the common colour-vision deficiencies, and a pair with nothing answered is white, so
colour is never the only carrier of a number. Like ``charts.py`` it uses matplotlib's object-oriented API on the Agg
canvas (safe in a worker thread) and imports matplotlib only when it draws; Chinese labels use the CJK font that
``charts.py`` finds, and fall back to English (and department keys) on a host without one.
"""

from __future__ import annotations

import io
import math
from datetime import date
from typing import TYPE_CHECKING

from bot.schedule.charts import chart_labels, cjk_font
from bot.schedule.handoff_map import HandoffMap, PairNumbers
from bot.surfaces.i18n import Translator

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAP_DEPARTMENTS = 12  # rows and columns a picture holds readably; beyond, the busiest departments
NAME_SHOWN = 18  # characters of a department's name on an axis
_EMPTY = "white"  # a pair with no answer in the window (cividis has greys of its own)


def _busiest(handoffs: HandoffMap) -> list[str]:
    """The departments drawn: all of them, or the :data:`MAP_DEPARTMENTS` with the most going on, in map order."""
    if len(handoffs.departments) <= MAP_DEPARTMENTS:
        return list(handoffs.departments)
    activity = dict.fromkeys(handoffs.departments, 0)
    for pair in handoffs.pairs:
        for key in (pair.asking, pair.answering):
            activity[key] += pair.asked + pair.answered + pair.bounces
    kept = set(sorted(handoffs.departments, key=lambda key: -activity[key])[:MAP_DEPARTMENTS])
    return [key for key in handoffs.departments if key in kept]


def _axis_label(handoffs: HandoffMap, key: str, drawable_cjk: bool) -> str:
    """A department on an axis: its name, shortened; its key when the name needs a font the host lacks."""
    name = handoffs.name(key)
    if not drawable_cjk and not name.isascii():
        return key
    return name if len(name) <= NAME_SHOWN else name[: NAME_SHOWN - 1] + "…"


def _cell_text(translator: Translator, pair: PairNumbers) -> str:
    lines = []
    hours = pair.median_hours
    lines.append(
        translator.t("digest.no_value") if hours is None else translator.t("digest.hours", hours=f"{hours:.1f}")
    )
    if pair.asked or pair.answered:
        lines.append(translator.t("handoff.chart.answered", answered=pair.answered, asked=pair.asked))
    if pair.bounces:
        lines.append(translator.t("handoff.chart.bounces", count=pair.bounces))
    return "\n".join(lines)


def handoff_figure(handoffs: HandoffMap, language: str, first: date, last: date) -> Figure:
    """The heatmap of the local days ``first`` to ``last`` as a matplotlib figure (what :func:`handoff_map_png`
    saves; tests read its texts)."""
    import numpy  # late: see the module's docstring
    from matplotlib import colormaps
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    translator, fonts = chart_labels(language)
    drawable_cjk = cjk_font() is not None
    keys = _busiest(handoffs)
    size = len(keys)
    side = max(5.5, 1.25 * size + 3.5)
    figure = Figure(figsize=(side + 1.5, side), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    hours = numpy.full((size, size), math.nan)
    for row, asking in enumerate(keys):
        for column, answering in enumerate(keys):
            pair = handoffs.pair(asking, answering)
            if pair is not None and pair.median_hours is not None:
                hours[row, column] = pair.median_hours
    palette = colormaps["cividis"].with_extremes(bad=_EMPTY)
    top = max(float(numpy.nanmax(hours)) if not numpy.isnan(hours).all() else 1.0, 1.0)
    image = axes.imshow(numpy.ma.masked_invalid(hours), cmap=palette, vmin=0, vmax=top, aspect="auto")
    for row, asking in enumerate(keys):
        for column, answering in enumerate(keys):
            pair = handoffs.pair(asking, answering)
            if pair is None:
                continue
            value = hours[row, column]
            red, green, blue, _ = palette(value / top) if not math.isnan(value) else (1, 1, 1, 1)
            dark = 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.5
            axes.text(
                column,
                row,
                _cell_text(translator, pair),
                ha="center",
                va="center",
                fontsize=9,
                color="white" if dark else "black",
                fontfamily=fonts,
            )
    labels = [_axis_label(handoffs, key, drawable_cjk) for key in keys]
    axes.set_xticks(range(size), labels, rotation=30, ha="right", fontfamily=fonts)
    axes.set_yticks(range(size), labels, fontfamily=fonts)
    edges = [n - 0.5 for n in range(size + 1)]  # lines between the cells, so white ones still read as cells
    axes.set_xticks(edges, minor=True)
    axes.set_yticks(edges, minor=True)
    axes.grid(which="minor", color="#9e9e9e", linewidth=1)
    axes.tick_params(which="minor", length=0)
    title = translator.t("handoff.chart.title", start=first.isoformat(), end=last.isoformat())
    if size < len(handoffs.departments):
        title += "\n" + translator.t("handoff.chart.busiest", shown=size, count=len(handoffs.departments))
    axes.set_title(title, fontfamily=fonts)
    axes.set_xlabel(translator.t("handoff.chart.x"), fontfamily=fonts)
    axes.set_ylabel(translator.t("handoff.chart.y"), fontfamily=fonts)
    bar = figure.colorbar(image, ax=axes, shrink=0.8)
    bar.set_label(translator.t("handoff.chart.scale"), fontfamily=fonts)
    return figure


def handoff_map_png(handoffs: HandoffMap, language: str, first: date, last: date) -> bytes:
    """The heatmap as PNG bytes, for the digest's thread."""
    buffer = io.BytesIO()
    handoff_figure(handoffs, language, first, last).savefig(buffer, format="png")
    return buffer.getvalue()
