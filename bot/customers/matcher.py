"""Which known customer a ticket's text names, found in memory: every name and alias is indexed once (when the
customers change), so opening a ticket costs a walk over its own text and no query.

A Latin name matches whole words ("acme" finds "ACME's invoice" and "ACME公司", not "acmeville"); a name with
Chinese (or Japanese, Korean) characters matches anywhere, since those scripts put no spaces between words. Both are
compared folded (``config.customers.fold_name``: case, width and spacing do not count). When the text names several
customers the one named first wins, and of names starting at the same place the longest ("ACME Group" over "ACME").
Pure: no database, no Slack.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from config.customers import fold_name

# The scripts written without spaces between words: CJK ideographs (with extensions and compatibility forms),
# kana, Hangul.
_SPACELESS = "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_SPACELESS_CHAR = re.compile(f"[{_SPACELESS}]")
# A run of letters and digits of the spaced scripts: where a Latin name may start and must end.
_WORD = re.compile(rf"[^\W{_SPACELESS}]+")


def is_spaceless(key: str) -> bool:
    """Whether a (folded) name contains characters of a script without spaces, and so matches anywhere."""
    return _SPACELESS_CHAR.search(key) is not None


class NameMatcher:
    """An index of folded names (each with its customer's id) for finding the first one a text names.

    Names are kept in one dict; each is also counted, by length, under how it starts: a Latin name under its first
    word, a name with spaceless script under its first two characters. At each place in a text only the lengths of
    the names that start like it there are tried, longest first: a text is read once whatever the number of
    customers, and names that start alike ("Customer 1" … "Customer 99999") cost one length each, not one
    comparison each.
    """

    def __init__(self, names: Iterable[tuple[str, int]] = ()) -> None:
        self._names: dict[str, int] = {}
        # How names start → how many of each length: Latin names by first word, spaceless ones by two characters.
        self._latin: dict[str, Counter[int]] = defaultdict(Counter)
        self._spaceless: dict[str, Counter[int]] = defaultdict(Counter)
        self._longest_first: dict[tuple[bool, str], tuple[int, ...]] = {}
        for key, customer_id in names:
            self.add(key, customer_id)

    def __len__(self) -> int:
        return len(self._names)

    def get(self, name: str) -> int | None:
        """The customer whose name or alias ``name`` is exactly (folded), or ``None``."""
        return self._names.get(_indexed(name))

    def add(self, key: str, customer_id: int) -> None:
        key = _indexed(key)
        start = _start_of(key)
        if start is None or key in self._names:
            return
        self._names[key] = customer_id
        self._count(key, start, +1)

    def remove(self, key: str, customer_id: int) -> None:
        key = _indexed(key)
        start = _start_of(key)
        if start is None or self._names.get(key) != customer_id:
            return
        del self._names[key]
        self._count(key, start, -1)

    def _count(self, key: str, start: str, step: int) -> None:
        spaceless = is_spaceless(key)
        lengths = (self._spaceless if spaceless else self._latin)[start]
        lengths[len(key)] += step
        if lengths[len(key)] <= 0:
            del lengths[len(key)]
        self._longest_first.pop((spaceless, start), None)

    def find(self, text: str) -> int | None:
        """The id of the customer ``text`` names first (the longest name at that place), or ``None``."""
        if not self._names:
            return None
        folded = fold_name(text)
        found: list[tuple[int, int, int]] = []  # (start, -length, customer id): the first match of each scan
        if self._latin or self._spaceless:  # a spaceless name may start with a Latin word ("acme中国")
            for word in _WORD.finditer(folded):
                place = self._at(folded, word.start(), word.group(), spaceless=False) or self._at(
                    folded, word.start(), folded[word.start() : word.start() + 2], spaceless=True
                )
                if place is not None:
                    found.append(place)
                    break
        if self._spaceless:
            for character in _SPACELESS_CHAR.finditer(folded):
                position = character.start()
                if found and position > found[0][0]:
                    break
                place = self._at(folded, position, folded[position : position + 2], spaceless=True)
                if place is not None:
                    found.append(place)
                    break
        return min(found)[2] if found else None

    def _at(self, text: str, position: int, start: str, *, spaceless: bool) -> tuple[int, int, int] | None:
        lengths = self._longest_first.get((spaceless, start))
        if lengths is None:
            index = self._spaceless if spaceless else self._latin
            counted = index.get(start)
            if not counted:
                return None
            lengths = self._longest_first[(spaceless, start)] = tuple(sorted(counted, reverse=True))
        for length in lengths:
            end = position + length
            if end > len(text):
                continue
            customer_id = self._names.get(text[position:end])
            if customer_id is not None and (spaceless or end == len(text) or not _WORD.match(text[end])):
                return (position, -length, customer_id)
        return None


def _indexed(key: str) -> str:
    """A name as the index holds it: folded; a Latin one without trailing punctuation ("acme inc." is found in
    "ACME Inc. called"), since a name must end where a word ends."""
    key = fold_name(key)
    if key and not is_spaceless(key):
        words = list(_WORD.finditer(key))
        key = key[: words[-1].end()] if words else ""
    return key


def _start_of(key: str) -> str | None:
    """What a name is counted under: its first two characters (spaceless), its first word (Latin); ``None`` for a
    name that cannot be found (one starting with punctuation)."""
    if not key:
        return None
    if is_spaceless(key):
        return key[:2]
    first = _WORD.match(key)
    return first.group() if first is not None else None
