"""The digest's chart: tickets opened per day per department, drawn headless to PNG bytes.

It uses matplotlib's object-oriented API on the Agg canvas only — no pyplot, so no global figure state
and no GUI backend — which also makes it safe to draw in a worker thread off the event loop.

matplotlib is imported inside the functions that draw, not at the top: it takes about a third of the bot's
start-up for a chart drawn once a day, so the first digest pays for it instead of every start (and every CLI
command). ``tests/test_startup.py`` keeps it that way.
"""

from __future__ import annotations

import io
from functools import cache

from bot.schedule.digest_report import DigestReport
from bot.surfaces.i18n import Translator

# Fonts that can draw Chinese labels, in order of preference; the first one installed is used.
_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)
_BASE_FONT = "DejaVu Sans"  # ships with matplotlib, so it is always there
CHART_LINES = 10  # lines a legend holds readably; beyond, the busiest departments and the others together


@cache
def cjk_font() -> str | None:
    """The first installed font of ``_CJK_FONTS``, or ``None``: then Chinese text cannot be drawn."""
    from matplotlib import font_manager  # late: see the module's docstring

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((name for name in _CJK_FONTS if name in installed), None)


def chart_labels(language: str) -> tuple[Translator, list[str]]:
    """The translator and font families for a chart's text (this one's and the hand-off map's).

    A Chinese workspace on a host without a CJK font would get empty boxes for every label; English
    labels are more useful than that, so the chart falls back to them.
    """
    cjk = cjk_font()
    if language == "zh" and cjk is None:
        return Translator("en"), [_BASE_FONT]
    return Translator(language), [_BASE_FONT, cjk] if cjk else [_BASE_FONT]


def _lines(report: DigestReport, translator: Translator) -> list[tuple[str, tuple[int, ...]]]:
    """(label, counts per day) of each line: a line per department, or once there are more than a legend can
    hold, the busiest departments and one line adding up all the others (the digest's thread lists each)."""
    # Keys, not names: they are short and always drawable, and they are what ticket keys start with.
    lines = [(department.key, department.opened_per_day) for department in report.departments]
    if len(lines) <= CHART_LINES:
        return lines
    busiest = sorted(lines, key=lambda line: -sum(line[1]))  # stable: file order among equals
    shown, others = busiest[: CHART_LINES - 1], busiest[CHART_LINES - 1 :]
    summed = tuple(sum(day) for day in zip(*(counts for _, counts in others), strict=True))
    return [*shown, (translator.t("digest.chart.others", count=len(others)), summed)]


def opened_per_day_png(report: DigestReport) -> bytes:
    """One line per department over the report's days, with labelled axes, as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # late: see the module's docstring
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    translator, fonts = chart_labels(report.language)
    figure = Figure(figsize=(8, 4), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(report.days)))
    for label, counts in _lines(report, translator):
        axes.plot(positions, counts, marker="o", linewidth=2, label=label)
    axes.set_xticks(positions, [day.strftime("%m-%d") for day in report.days], fontfamily=fonts)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    axes.set_title(translator.t("digest.chart.title", days=len(report.days)), fontfamily=fonts)
    axes.set_xlabel(translator.t("digest.chart.x", tz=report.timezone), fontfamily=fonts)
    axes.set_ylabel(translator.t("digest.chart.y"), fontfamily=fonts)
    axes.grid(axis="y", alpha=0.3)
    if report.departments:
        axes.legend(loc="upper left", frameon=False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
