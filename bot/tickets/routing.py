"""Which department a ticket belongs to, and who in it owns the ticket next. Pure functions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache

from bot.surfaces.text import clip
from config.schema import PRIORITIES, WorkspaceConfig


def _normalise(text: str) -> str:
    # NFKC folds full-width letters (ＲＥＦＵＮＤ) and compatibility forms; casefold handles ß and friends.
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=4096)
def _keyword_finder(keyword: str) -> Callable[[str], int | None] | None:
    """How to find ``keyword`` in a normalised text (``None`` for a keyword that is only blanks); made once per
    keyword, since every new ticket is routed against every department's keywords."""
    keyword = _normalise(keyword).strip()
    if not keyword:
        return None
    if keyword.isascii() and keyword[0].isalnum():
        # Latin keywords match at the start of a word: "refund" finds "refunds", "bug" does not find "debug".
        pattern = re.compile(rf"(?<!\w){re.escape(keyword)}")

        def at_word_start(text: str) -> int | None:
            match = pattern.search(text)
            return match.start() if match else None

        return at_word_start

    def anywhere(text: str) -> int | None:
        # CJK text has no spaces between words, so there a keyword matches anywhere.
        position = text.find(keyword)
        return position if position >= 0 else None

    return anywhere


def _keyword_position(keyword: str, text: str) -> int | None:
    """Where ``keyword`` first occurs in the normalised ``text``, or ``None``."""
    find = _keyword_finder(keyword)
    return find(text) if find is not None else None


def route(text: str, workspace: WorkspaceConfig) -> str:
    """The key of the department whose keyword appears first in ``text``; the triage department otherwise.

    "First in the text" rather than "first in the file" because a message usually leads with its subject:
    "Refund requested after the crash" is a refund question first.
    """
    normalised = _normalise(text)
    best: tuple[int, int, str] | None = None
    for order, department in enumerate(workspace.departments):
        for keyword in department.keywords:
            position = _keyword_position(keyword, normalised)
            if position is not None:
                candidate = (position, order, department.key)
                if best is None or candidate < best:
                    best = candidate
    return best[2] if best else workspace.triage_department


def is_complaint(text: str, keywords: Sequence[str]) -> bool:
    """Whether ``text`` mentions one of the complaint ``keywords`` (``complaint_keywords``), matched as routing
    matches a department's: case-insensitive, Latin words at a word start, Chinese anywhere. A complaint said in
    words counts as one even when nobody ticked the form's box, so the digest's complaint numbers are true."""
    normalised = _normalise(text)
    return any(_keyword_position(keyword, normalised) is not None for keyword in keywords)


def pick_owner(owners: Sequence[str], cursor: int, away: set[str]) -> tuple[str, int]:
    """Round robin: the owner at ``cursor`` (skipping the absent) and the cursor for the next ticket.

    When everyone is away the ticket still needs an owner, so the plain rotation decides.
    """
    if not owners:
        raise ValueError("a department needs at least one owner")
    for step in range(len(owners)):
        index = (cursor + step) % len(owners)
        if owners[index] not in away:
            return owners[index], index + 1
    index = cursor % len(owners)
    return owners[index], index + 1


def split_priority(text: str) -> tuple[str | None, str]:
    """``"urgent printer on fire"`` → ``("urgent", "printer on fire")``; no leading priority → ``(None, text)``."""
    head, _, rest = text.strip().partition(" ")
    if head.lower() in PRIORITIES:
        return head.lower(), rest.strip()
    return None, text.strip()


def title_from_text(text: str, limit: int = 120) -> str:
    """A one-line title: the first non-empty line, cut at a word boundary (never inside Slack's ``&amp;`` or
    ``<@U…>``)."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "").strip()
    if len(line) <= limit:
        return line
    cut = clip(line, limit).rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else clip(line, limit)).rstrip() + "…"
