"""The weekly review's small multiples: a panel per goal for one, three and twelve departments, Chinese names drawn
or, without a CJK font, replaced — never boxes."""

from __future__ import annotations

import os
import struct
import warnings

import pytest

from bot.schedule import charts, scorecard_chart
from bot.schedule.charts import cjk_font
from bot.schedule.trend_chart import LINE_COLOURS, departments_drawn, trends_png
from tests.support.goal_cards import history_of

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def size_of(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.mark.skipif(cjk_font() is None and os.environ.get("CI") != "true", reason="no CJK font on this host")
@pytest.mark.parametrize("departments", [1, 3, 12])
def test_small_multiples_for_any_number_of_departments(departments: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        png = trends_png(history_of(departments))
    width, height = size_of(png)
    assert width >= 1200 and 500 < height < 1600


def test_without_a_cjk_font_the_picture_is_drawn_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    scorecard_chart._warn_once.cache_clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = trends_png(history_of(3))
    assert size_of(png)[0] >= 1200


def test_beyond_seven_departments_those_missing_most_are_drawn() -> None:
    history = history_of(12, "en")
    keys, left_out = departments_drawn(history)
    assert len(keys) == len(LINE_COLOURS) and left_out == 12 - len(LINE_COLOURS)
    latest = {row.key: row for row in history.cards[-1].departments}
    missed = {key: sum(cell.verdict == "missed" for cell in row.cells) for key, row in latest.items()}
    assert min(missed[key] for key in keys) >= max(missed[key] for key in latest if key not in keys)
