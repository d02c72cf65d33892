"""The scorecard picture: drawn for one, three and twelve departments with Chinese names, sized for Slack's preview,
never with boxes for characters the fonts lack."""

from __future__ import annotations

import logging
import os
import struct
import warnings
from pathlib import Path

import pytest

from bot.schedule import charts, scorecard_chart
from bot.schedule.charts import cjk_font
from bot.schedule.goals import Scorecard, Verdict
from bot.schedule.scorecard_chart import DPI, MAX_ROWS, draw, rows_shown, scorecard_png, wrap
from config.goals import Goal
from tests.support.goal_cards import NAMES, card_of
from tests.support.goal_fixture import GOALS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def size_of(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def texts(card: Scorecard) -> list[str]:
    """What the picture says, a wrapped goal name read as one line."""
    return [text.get_text().replace("\n", " ") for text in draw(card).axes[0].texts]


@pytest.mark.skipif(cjk_font() is None and os.environ.get("CI") != "true", reason="no CJK font on this host")
@pytest.mark.parametrize("departments", [1, 3, 12])
def test_a_picture_for_any_number_of_departments_with_chinese_names(departments: int) -> None:
    card = card_of(departments)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        png = scorecard_png(card)
    width, height = size_of(png)
    assert width >= 1200 and width == round(max(6.0, 0.24 + 1.7 + 0.62 * len(GOALS)) * DPI)
    assert 300 < height < 1400
    drawn = texts(card)
    assert NAMES[0] in drawn and "全公司" in drawn and "共同目标 — 2026-10-04" in drawn
    cells = [text for text in drawn if text[:2] in ("✓ ", "~ ", "✗ ") and "  " not in text]  # not the legend
    assert len(cells) == len(GOALS) * (departments + 1)
    assert {cell[0] for cell in cells} == {"✓", "~", "✗"}  # every verdict has its symbol, not only its colour
    assert "✗ 50% →" in cells and "✓ 95% ↑" in cells  # symbol, value, the change since the window before


def test_the_rows_are_the_departments_then_the_company() -> None:
    drawn = texts(card_of(3, "en", ["Support", "Engineering", "Sales"]))
    rows = [text for text in drawn if text in ("Support", "Engineering", "Sales", "Company")]
    assert rows == ["Support", "Engineering", "Sales", "Company"]


def test_without_a_cjk_font_names_lose_what_cannot_be_drawn(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    scorecard_chart._warn_once.cache_clear()
    goals = (Goal(name="按时确认", metric="ack_within_sla", target="95%"), *GOALS[1:])  # type: ignore[arg-type]
    card = card_of(3, "zh", ["Customer Support 客户支持", "研发", "Sales"])
    card = Scorecard(**{**card.__dict__, "goals": goals})
    with caplog.at_level(logging.WARNING), warnings.catch_warnings():
        warnings.simplefilter("error")
        png = scorecard_png(card)
        drawn = texts(card)
    assert size_of(png)[0] >= 1200
    assert "Customer Support" in drawn and "D1" in drawn and "Sales" in drawn  # the part it can draw, or the key
    assert "Acknowledged on time" in drawn  # a goal named in Chinese: its metric's English name
    assert "Company" in drawn and not any("共同" in text or "研发" in text for text in drawn)
    assert "fonts-noto-cjk" in caplog.text


def test_many_departments_keep_those_missing_most() -> None:
    card = card_of(MAX_ROWS + 5, "en", [f"Team {index}" for index in range(MAX_ROWS + 5)])
    rows, left_out = rows_shown(card)
    assert len(rows) == MAX_ROWS and left_out == 5
    missed = [sum(cell.verdict == Verdict.MISSED for cell in row.cells) for row in card.departments]
    kept = {row.key for row in rows}
    dropped = [missed[index] for index, row in enumerate(card.departments) if row.key not in kept]
    assert max(dropped) <= min(missed[index] for index, row in enumerate(card.departments) if row.key in kept)
    assert any("5 more departments" in text for text in texts(card))


def test_goal_names_wrap_on_words_and_chinese_anywhere() -> None:
    assert wrap("Complaints closed fast", 12) == "Complaints\nclosed fast"
    assert wrap("Acknowledged on time", 11) == "Acknowledged\non time"  # a word wider than the column stays whole
    assert wrap("客户投诉尽快解决目标", 8) == "客户投诉\n尽快解决\n目标"
    assert wrap("a b c d e f g h i j k l", 3, lines=2) == "a b\nc…"


def test_the_docker_image_installs_a_cjk_font_the_charts_look_for() -> None:
    dockerfile = (Path(__file__).resolve().parents[3] / "Dockerfile").read_text()
    assert "fonts-wqy-microhei" in dockerfile
    assert "WenQuanYi Micro Hei" in charts._CJK_FONTS  # the family fonts-wqy-microhei installs
