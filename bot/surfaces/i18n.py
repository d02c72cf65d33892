"""The message catalogue: every string the bot writes, in English and Chinese.

Each area keeps its messages in its own module under ``bot/surfaces/catalogue`` (one dict per language); this
module merges them. ``Translator(language).t(key, **params)`` formats one; a key missing from either
language fails the catalogue test, so a Chinese workspace never sees an English fallback by accident.

Plurals: ``{count:ticket|tickets}`` is the word before the bar when ``count`` is 1, the word after it
otherwise, so English writes ``"{count} {count:ticket|tickets}"`` and reads "1 ticket", "2 tickets";
Chinese, which has no plural, just writes ``"{count} 张工单"``.
"""

from __future__ import annotations

import re
import string
from typing import Any

from bot.surfaces.catalogue import AREAS

_PLURAL = re.compile(r"{\w+:[^{}|]*\|[^{}]*}")


class _CatalogueFormatter(string.Formatter):
    """``str.format`` plus the plural choice ``{count:one|other}``."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        if "|" in format_spec:
            one, _, other = format_spec.partition("|")
            return one if str(value) == "1" else other
        return super().format_field(value, format_spec)


_FORMATTER = _CatalogueFormatter()


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
        self.switch(language)

    def switch(self, language: str) -> None:
        """Write in ``language`` from now on (a reloaded workspace file may change it)."""
        if language not in CATALOGUE:
            raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
        messages = CATALOGUE[language]
        # Most messages have no plural and take the fast ``str.format`` (reminders format one line per ticket).
        plurals = {key for key, message in messages.items() if _PLURAL.search(message)}
        self.language, self._messages, self._plurals = language, messages, plurals

    def t(self, message_key: str, /, **params: Any) -> str:
        if message_key in self._plurals:
            return _FORMATTER.format(self._messages[message_key], **params)
        return self._messages[message_key].format(**params)

    def has(self, key: str) -> bool:
        return key in self._messages
