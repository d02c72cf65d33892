"""The message catalogue: every string the bot writes, in English and Chinese.

Each area keeps its messages in its own module under ``bot/catalogue`` (one dict per language); this
module merges them. ``Translator(language).t(key, **params)`` formats one; a key missing from either
language fails the catalogue test, so a Chinese workspace never sees an English fallback by accident.
"""

from __future__ import annotations

from typing import Any

from bot.catalogue import AREAS


def _merge() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for area in AREAS:
        for language, messages in area.items():
            target = merged.setdefault(language, {})
            clash = set(target) & set(messages)
            if clash:
                raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
            target.update(messages)
    return merged


CATALOGUE: dict[str, dict[str, str]] = _merge()

LANGUAGES = tuple(CATALOGUE)


class Translator:
    """Formats catalogue messages in one language."""

    def __init__(self, language: str) -> None:
        if language not in CATALOGUE:
            raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
        self.language = language
        self._messages = CATALOGUE[language]

    def t(self, message_key: str, /, **params: Any) -> str:
        return self._messages[message_key].format(**params)

    def has(self, key: str) -> bool:
        return key in self._messages
