"""Slack's size limits, and cutting lists that can grow without bound so a message stays within them.

Whatever a workspace grows to (departments, members, a ticket's history), what the bot sends must fit: Slack
refuses an oversized view or message, or cuts its text. These pure helpers keep the start (or the end) of a
list within a number of characters or items and say how many were left out, through a caller's "…and N more".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

# Slack's documented limits (Block Kit reference, chat.postMessage, views.open).
MESSAGE_TEXT = 40_000  # a message's ``text``; also the answer to a slash command
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100  # a modal or the Home tab
SECTION_TEXT = 3_000
SECTION_FIELDS = 10
FIELD_TEXT = 2_000
CONTEXT_ELEMENTS = 10
CONTEXT_TEXT = 3_000  # each text element of a context block
HEADER_TEXT = 150
SELECT_OPTIONS = 100  # options of a select menu, and options in each of its option groups
OPTION_GROUPS = 100
OPTION_TEXT = 75  # an option's text, and an option group's label
OPTION_VALUE = 150
BUTTON_TEXT = 75
INPUT_TEXT = 3_000  # a plain_text_input's initial_value and max_length
MODAL_TITLE = 24
PRIVATE_METADATA = 3_000
# Slack folds a longer message behind "Show more"; an answer to one person aims to stay within it.
READABLE_TEXT = 4_000

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """``text`` when it fits in ``limit`` characters; else as much as fits followed by ``…``."""
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    return text[: limit - 1].rstrip() + ELLIPSIS


def fit_lines(
    lines: Sequence[str],
    limit: int,
    more: Callable[[int], str],
    *,
    max_lines: int | None = None,
    separator: str = "\n",
    latest: bool = False,
    unseen: int = 0,
) -> str:
    """As many whole ``lines`` as fit in ``limit`` characters (and ``max_lines``), joined by ``separator``.

    When some are left out, ``more(count)`` says so, on its own line after the first lines kept, or before
    the last ones when ``latest`` (a history shows its newest entries). ``unseen`` counts lines the caller
    never read (older history) in that note too. The result is never longer than ``limit``: a line that alone
    is too long is clipped rather than lost, when it is the first to keep.
    """
    unseen = max(unseen, 0)
    kept, left_out = _keep(lines, limit, lambda count: more(count + unseen), max_lines, len(separator), latest, unseen)
    left_out += unseen
    if left_out:
        note = more(left_out)
        kept = [note, *kept] if latest else [*kept, note]
    return clip(separator.join(kept), limit)


def _keep(
    lines: Sequence[str],
    limit: int,
    more: Callable[[int], str],
    max_lines: int | None,
    gap: int,
    latest: bool,
    unseen: int,
) -> tuple[list[str], int]:
    total = len(lines)
    cap = total if max_lines is None else min(total, max(max_lines, 0))
    whole = sum(len(line) for line in lines) + gap * max(total - 1, 0)
    if cap == total and whole + (len(more(0)) + gap if unseen else 0) <= limit:
        return list(lines), 0
    # Room for the note, whatever the count it ends up saying (a count never has more digits than the total).
    room = limit - len(more(total)) - gap
    order = list(reversed(lines)) if latest else list(lines)
    kept: list[str] = []
    used = 0
    for line in order[:cap]:
        needed = len(line) + (gap if kept else 0)
        if used + needed > room:
            if not kept and room > len(ELLIPSIS):  # the first line alone is too long: show its start
                kept.append(clip(line, room))
            break
        kept.append(line)
        used += needed
    if latest:
        kept.reverse()
    return kept, total - len(kept)


def chunked(items: Sequence[T], size: int) -> list[list[T]]:
    """``items`` in consecutive pieces of at most ``size`` (a long list sent as several messages)."""
    if size < 1:
        raise ValueError("a piece holds at least one item")
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def share(texts: Sequence[str], limit: int) -> list[str]:
    """Clip ``texts`` so that together they take at most ``limit`` characters, the longest cut first.

    Short texts stay whole; the room they leave is shared equally by the long ones (several answers to fit
    one section: a one-line answer is never cut to make room for an essay).
    """
    room = max(limit, 0)
    budget: dict[int, int] = {}
    waiting = sorted(range(len(texts)), key=lambda index: len(texts[index]))
    while waiting:
        fair = room // len(waiting)
        index = waiting[0]
        if len(texts[index]) <= fair:
            budget[index] = len(texts[index])
            room -= len(texts[index])
            waiting.pop(0)
            continue
        for index in waiting:
            budget[index] = fair
        break
    return [clip(text, budget[index]) for index, text in enumerate(texts)]
