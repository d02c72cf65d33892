"""The hand-off map's picture: a PNG heatmap with a row per asking department and a column per answering one, its
cells the medians and counts of the map, and, in a Chinese workspace, Chinese labels drawn without missing glyphs."""

from __future__ import annotations

import os
import struct
import warnings
from datetime import date, timedelta

import pytest

from bot.schedule.charts import cjk_font
from bot.schedule.handoff_chart import MAP_DEPARTMENTS, handoff_figure, handoff_map_png
from bot.schedule.handoff_map import Figures, HandoffMap, PairNumbers
from bot.surfaces.i18n import Translator
from tests.support.handoff_fixture import WINDOW_END, WINDOW_START

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FIRST, LAST = date(2026, 9, 28), date(2026, 10, 4)
NAMES = {"SUP": "客户支持", "ENG": "研发", "SALES": "销售"}


def the_map(names: dict[str, str] = NAMES) -> HandoffMap:
    pairs = (
        PairNumbers(asking="SUP", answering="ENG", asked=3, answered=3, within_sla=2, median_answer=timedelta(hours=7)),
        PairNumbers(asking="ENG", answering="SUP", bounces=1),
        PairNumbers(
            asking="ENG", answering="SALES", asked=2, answered=2, within_sla=1, median_answer=timedelta(hours=4)
        ),
    )
    totals = Figures(asked=5, answered=5, within_sla=3, median_answer=timedelta(hours=5), bounces=3)
    return HandoffMap(WINDOW_START, WINDOW_END, tuple(names), names, pairs, totals)


def texts(figure: object) -> list[str]:
    return [text.get_text() for text in figure.axes[0].texts]  # type: ignore[attr-defined]


def test_the_picture_is_a_png_of_every_pair() -> None:
    png = handoff_map_png(the_map({"SUP": "Support", "ENG": "Engineering", "SALES": "Sales"}), "en", FIRST, LAST)
    assert png.startswith(PNG_SIGNATURE) and len(png) > 10_000
    width, height = struct.unpack(">II", png[16:24])
    assert width > 500 and height > 500

    figure = handoff_figure(the_map({"SUP": "Support", "ENG": "Engineering", "SALES": "Sales"}), "en", FIRST, LAST)
    axes = figure.axes[0]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["Support", "Engineering", "Sales"]
    assert [label.get_text() for label in axes.get_xticklabels()] == ["Support", "Engineering", "Sales"]
    assert axes.get_title() == "Hand-offs between departments, 2026-09-28 to 2026-10-04"
    assert (axes.get_ylabel(), axes.get_xlabel()) == ("Department asking", "Department asked (answering)")
    # One text per pair, placed at (answering column, asking row).
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in axes.texts}
    assert cells == {
        (0, 1): "7.0 h\n3 of 3 answered",
        (1, 0): "—\n1 bounce",
        (1, 2): "4.0 h\n2 of 2 answered",
    }


@pytest.mark.skipif(cjk_font() is None and os.environ.get("CI") != "true", reason="no CJK font on this host")
def test_a_chinese_workspace_gets_chinese_labels_drawn_without_missing_glyphs() -> None:
    t = Translator("zh").t
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        figure = handoff_figure(the_map(), "zh", FIRST, LAST)
        png = handoff_map_png(the_map(), "zh", FIRST, LAST)
    assert png.startswith(PNG_SIGNATURE) and len(png) > 10_000
    axes = figure.axes[0]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["客户支持", "研发", "销售"]
    assert axes.get_title() == t("handoff.chart.title", start="2026-09-28", end="2026-10-04")
    assert axes.get_ylabel() == "提问的部门"
    assert "7.0 小时\n已答 3/3" in texts(figure)
    assert cjk_font() in axes.get_yticklabels()[0].get_fontfamily()


def test_without_a_cjk_font_the_picture_falls_back_to_english_and_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.schedule.charts as charts
    import bot.schedule.handoff_chart as handoff_chart

    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    monkeypatch.setattr(handoff_chart, "cjk_font", lambda: None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = handoff_figure(the_map(), "zh", FIRST, LAST)
        figure.canvas.draw()
    axes = figure.axes[0]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["SUP", "ENG", "SALES"]
    assert axes.get_ylabel() == "Department asking"


def test_many_departments_show_the_busiest() -> None:
    keys = [f"D{n:02d}" for n in range(MAP_DEPARTMENTS + 5)]
    pairs = tuple(
        PairNumbers(asking=keys[n], answering=keys[n + 1], asked=n + 1, answered=1, median_answer=timedelta(hours=1))
        for n in range(len(keys) - 1)
    )
    many = HandoffMap(WINDOW_START, WINDOW_END, tuple(keys), {k: k for k in keys}, pairs, Figures(asked=1))
    figure = handoff_figure(many, "en", FIRST, LAST)
    axes = figure.axes[0]
    shown = [label.get_text() for label in axes.get_yticklabels()]
    assert len(shown) == MAP_DEPARTMENTS and shown[-1] == keys[-1] and keys[0] not in shown
    assert axes.get_title().endswith(f"the {MAP_DEPARTMENTS} busiest of {len(keys)} departments")
