from __future__ import annotations

import re

import pytest

from bot.surfaces.i18n import CATALOGUE, Translator

PLACEHOLDER = re.compile(r"{(\w+)")


def test_every_key_exists_in_every_language() -> None:
    english, chinese = set(CATALOGUE["en"]), set(CATALOGUE["zh"])
    assert english - chinese == set(), "missing in zh"
    assert chinese - english == set(), "missing in en"


@pytest.mark.parametrize("key", sorted(CATALOGUE["en"]))
def test_both_languages_take_the_same_parameters(key: str) -> None:
    assert set(PLACEHOLDER.findall(CATALOGUE["en"][key])) == set(PLACEHOLDER.findall(CATALOGUE["zh"][key]))


def test_every_catalogue_module_is_merged() -> None:
    """A module written under ``bot/surfaces/catalogue/`` but not listed in its ``AREAS`` would be silently unused."""
    import importlib
    import pkgutil

    import bot.surfaces.catalogue as catalogue

    modules = [info.name for info in pkgutil.iter_modules(catalogue.__path__)]
    assert len(modules) >= 8  # tickets (four surfaces), digest, stand-ups, reminders, sandbox
    listed = [id(area) for area in catalogue.AREAS]
    unlisted = [
        name for name in modules if id(importlib.import_module(f"{catalogue.__name__}.{name}").MESSAGES) not in listed
    ]
    assert unlisted == []


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        Translator("fr")


def test_translator_formats() -> None:
    assert Translator("zh").t("command.acknowledged", key="SUP-1") == "你已确认 *SUP-1*。"


def test_every_message_key_the_code_names_exists() -> None:
    """A literal like ``"error.not_active"`` anywhere in the code must be in the catalogue (both languages)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    namespaces = {key.split(".")[0] for key in CATALOGUE["en"]}
    pattern = re.compile(rf"^({'|'.join(map(re.escape, sorted(namespaces)))})\.[a-z0-9_.\-]*[a-z0-9_]$")
    missing: list[str] = []
    for folder in ("bot", "handlers"):
        for path in (root / folder).rglob("*.py"):
            if "catalogue" in path.parts or "fake_slack" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                is_key = isinstance(node, ast.Constant) and isinstance(node.value, str) and pattern.match(node.value)
                if is_key and node.value not in CATALOGUE["en"]:
                    missing.append(f"{path.relative_to(root)}:{node.lineno}: {node.value}")
    assert missing == []


@pytest.mark.parametrize(
    ("count", "english", "chinese"),
    [
        (1, "1 ticket — yours:", "共 1 张工单（yours）："),
        (2, "2 tickets — yours:", "共 2 张工单（yours）："),
        (0, "0 tickets", "共 0"),
    ],
)
def test_plurals_read_right(count: int, english: str, chinese: str) -> None:
    assert english in Translator("en").t("command.list.header", count=count, scope="yours")
    assert chinese in Translator("zh").t("command.list.header", count=count, scope="yours")


def test_no_message_leaves_the_plural_to_the_reader() -> None:
    """``ticket(s)`` reads badly; ``{count:ticket|tickets}`` chooses (see ``bot.surfaces.i18n``)."""
    assert [key for key, message in CATALOGUE["en"].items() if "(s)" in message] == []


def test_every_action_recorded_in_a_history_has_words() -> None:
    """``/ticket show`` words each event's action (``action.<name>``); a stored code must never show."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    actions: set[str] = set()
    for path in (root / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "add_event",
                "EventRecord",
            ):
                for keyword in node.keywords:
                    if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                        actions.add(str(keyword.value.value))
    assert {"created", "escalated", "reminded", "handoff_requested"} <= actions  # the scan finds them
    assert sorted(a for a in actions if f"action.{a}" not in CATALOGUE["en"]) == []
