"""Keeping lists within Slack's limits: never longer than asked, nothing left out without saying how much."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.surfaces.limits import chunked, clip, fit_lines, share


def more(count: int) -> str:
    return f"…and {count} more"


def test_clip_keeps_what_fits_and_marks_a_cut() -> None:
    assert clip("refund", 6) == "refund"
    assert clip("refund please", 7) == "refund…"
    assert len(clip("x" * 40_000, 3_000)) == 3_000
    assert clip("anything", 0) == ""


def test_fit_lines_keeps_the_first_lines_and_counts_the_rest() -> None:
    lines = [f"line {n}" for n in range(1, 101)]
    text = fit_lines(lines, 60, more)
    assert text.splitlines()[0] == "line 1" and text.endswith("line 6\n…and 94 more")
    assert len(text) <= 60
    assert fit_lines(lines[:3], 60, more) == "line 1\nline 2\nline 3"  # fits: no note


def test_fit_lines_latest_keeps_the_newest_with_the_note_first() -> None:
    lines = [f"entry {n}" for n in range(1, 501)]
    text = fit_lines(lines, 1_000, more, max_lines=20, latest=True)
    shown = text.splitlines()
    assert shown[0] == "…and 480 more" and shown[1] == "entry 481" and shown[-1] == "entry 500"


def test_fit_lines_counts_lines_never_read() -> None:
    assert fit_lines(["entry 481", "entry 500"], 1_000, more, latest=True, unseen=480) == (
        "…and 480 more\nentry 481\nentry 500"
    )
    assert fit_lines([], 1_000, more, unseen=3) == "…and 3 more"


def test_fit_lines_clips_a_first_line_too_long_to_fit_alone() -> None:
    text = fit_lines(["x" * 5_000, "short"], 3_000, more)
    assert len(text) <= 3_000 and text.startswith("xxx") and text.endswith("…and 1 more")


def test_fit_lines_with_a_separator() -> None:
    people = [f"<@U0{n:08d}>" for n in range(300)]
    text = fit_lines(people, 3_000, more, separator=", ")
    assert len(text) <= 3_000 and text.endswith("<@U000000198>, …and 101 more")


def test_chunks() -> None:
    assert chunked(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert chunked([], 3) == []
    with pytest.raises(ValueError, match="at least one"):
        chunked([1], 0)


def test_share_cuts_the_long_texts_and_keeps_the_short_ones() -> None:
    texts = ["done", "x" * 5_000, "nothing", "y" * 900]
    shared = share(texts, 2_000)
    assert shared[0] == "done" and shared[2] == "nothing" and shared[3] == "y" * 900
    assert shared[1].endswith("…") and sum(map(len, shared)) <= 2_000


@given(
    lines=st.lists(st.text(max_size=300), max_size=80),
    limit=st.integers(min_value=20, max_value=5_000),
    max_lines=st.none() | st.integers(min_value=0, max_value=100),
    latest=st.booleans(),
    unseen=st.integers(min_value=0, max_value=10_000),
)
def test_fit_lines_never_exceeds_and_never_hides_silently(
    lines: list[str], limit: int, max_lines: int | None, latest: bool, unseen: int
) -> None:
    text = fit_lines(lines, limit, more, max_lines=max_lines, separator="\n", latest=latest, unseen=unseen)
    assert len(text) <= limit
    whole = "\n".join(lines)
    if unseen:
        assert "…and " in text
    if text != whole:  # something was left out (the note says how many lines) or cut (it ends with "…")
        assert "…and " in text or text.endswith("…")


@given(texts=st.lists(st.text(max_size=4_000), max_size=10), limit=st.integers(min_value=0, max_value=6_000))
def test_share_stays_within_the_limit(texts: list[str], limit: int) -> None:
    shared = share(texts, limit)
    assert len(shared) == len(texts)
    assert sum(map(len, shared)) <= max(limit, 0)
    if sum(map(len, texts)) <= limit:
        assert shared == texts
