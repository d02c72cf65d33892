"""Plain words for what PyYAML and pydantic report, and the line an admin should look at.

An admin fixing ``crossdesk.yaml`` should not need to know YAML's grammar ("expected <block end>") or
pydantic's ("List should have at least 1 item after validation"): each message says what is wrong in
terms of the file, and where the parser noticed a problem only lines later, the line where the mistake is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml


def yaml_problem(error: yaml.YAMLError, text: str) -> tuple[int | None, str]:
    """The line of a YAML syntax error (1-based) and what to do about it."""
    problem_mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    problem = str(getattr(error, "problem", None) or error)
    context = str(getattr(error, "context", None) or "")
    line = problem_mark.line + 1 if problem_mark is not None else None

    if context.startswith("while parsing a flow") and problem.startswith("expected") and context_mark is not None:
        # An unclosed { or [ is only noticed at the next token, often lines later; the closer belongs
        # after the last thing written before that token.
        if problem_mark is not None and _starts_its_line(text, problem_mark):
            line = max(_last_content_line_before(text, problem_mark.line), context_mark.line + 1)
        opener, closer = ("{", "}") if "mapping" in context else ("[", "]")
        opened = context_mark.line + 1
        where = "on this line" if opened == line else f"on line {opened}"
        return line, f"the '{opener}' {where} is not closed: add the missing '{closer}' (or a ',' between two entries)"
    if context.startswith("while scanning a quoted scalar") and context_mark is not None:
        return context_mark.line + 1, "a quoted text starts here but its closing quote is missing"
    if "'\\t'" in problem:
        return line, "a tab character: indent with spaces only"
    if problem.startswith("mapping values are not allowed"):
        return line, (
            "a ':' where a plain value was expected: put quotes around a value that contains ': ' "
            '(e.g. name: "Sales: EMEA"), or check the indentation'
        )
    if problem.startswith("expected <block end>"):
        for closer in ("}", "]"):
            if problem.endswith(f"'{closer}'"):
                return line, f"this '{closer}' closes nothing: remove it"
        return line, "this line is not indented like the lines above it"
    if problem.startswith("found undefined alias"):
        return line, "a value starting with '*' must be put in quotes"
    return line, problem


def _starts_its_line(text: str, mark: yaml.Mark) -> bool:
    lines = text.splitlines()
    if mark.line >= len(lines):
        return True  # the end of the file
    return not lines[mark.line][: mark.column].strip()


def _last_content_line_before(text: str, index: int) -> int:
    """1-based number of the last line before line ``index`` (0-based) that is neither blank nor a comment."""
    lines = text.splitlines()
    for number in range(min(index, len(lines)) - 1, -1, -1):
        stripped = lines[number].strip()
        if stripped and not stripped.startswith("#"):
            return number + 1
    return index + 1


_BOUNDS = {
    "greater_than_equal": ("ge", "{} or more"),
    "greater_than": ("gt", "more than {}"),
    "less_than_equal": ("le", "{} or less"),
    "less_than": ("lt", "less than {}"),
}


def schema_message(detail: Any) -> str:
    """A pydantic error in the words of the workspace file."""
    kind = str(detail["type"])
    context = detail.get("ctx") or {}
    value = detail.get("input")
    if value is None and kind.endswith("_type"):
        return "has no value: write one after the ':'"
    if kind == "literal_error":
        return f"must be {context.get('expected')} (not {value!r})"
    if kind in ("too_short", "string_too_short"):
        least = context.get("min_length", 1)
        return "must not be empty" if least == 1 else f"needs at least {least} entries"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"must be {words.format(context.get(key))} (not {value!r})"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number (not {value!r})"
    if kind == "string_type":
        if isinstance(value, int | float | date):
            return f'must be text: put it in quotes, e.g. "{value}"'
        return f"must be text (not {value!r})"
    if kind == "list_type":
        return f"must be a list, e.g. [a, b] (not {value!r})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a group of keys, e.g. {{key: value}} (not {value!r})"
    if kind.startswith("date_"):
        return f'must be a date written YYYY-MM-DD, e.g. "2026-10-01" (not {value!r})'
    if kind.startswith("bool_"):
        return f"must be true or false (not {value!r})"
    message = str(detail["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message
