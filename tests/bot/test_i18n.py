from __future__ import annotations

import re

import pytest

from bot.i18n import CATALOGUE, Translator

PLACEHOLDER = re.compile(r"{(\w+)")


def test_every_key_exists_in_every_language() -> None:
    english, chinese = set(CATALOGUE["en"]), set(CATALOGUE["zh"])
    assert english - chinese == set(), "missing in zh"
    assert chinese - english == set(), "missing in en"


@pytest.mark.parametrize("key", sorted(CATALOGUE["en"]))
def test_both_languages_take_the_same_parameters(key: str) -> None:
    assert set(PLACEHOLDER.findall(CATALOGUE["en"][key])) == set(PLACEHOLDER.findall(CATALOGUE["zh"][key]))


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        Translator("fr")


def test_translator_formats() -> None:
    assert Translator("zh").t("command.acknowledged", key="SUP-1") == "你已确认 *SUP-1*。"
