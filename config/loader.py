"""Read the workspace file and report every problem with the line it is on.

PyYAML's node tree keeps a line for each key and item; we map the location of each validation error
(``departments → 0 → lead``) back to that line, so an admin sees ``crossdesk.yaml:14`` instead of a
Python traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from config.explain import schema_message, yaml_problem
from config.schema import CROSS_CHECK_ERROR, WorkspaceConfig, cross_check

EXAMPLE_PATH = Path(__file__).with_name("crossdesk.example.yaml")

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with the workspace file."""

    source: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ConfigError(Exception):
    """The workspace file cannot be used; ``problems`` lists every reason, not just the first."""

    def __init__(self, problems: list[ConfigProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_workspace(path: str | Path) -> WorkspaceConfig:
    """Load and validate the workspace file at ``path``."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([ConfigProblem(str(file), None, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([ConfigProblem(str(file), None, "", f"cannot read the file: {error}")]) from None
    return parse_workspace(text, source=str(file))


def parse_workspace(text: str, source: str = "<workspace>") -> WorkspaceConfig:
    """Validate workspace YAML given as text; ``source`` names it in messages."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        line, reason = yaml_problem(error, text)
        raise ConfigError([ConfigProblem(source, line, "", f"not valid YAML: {reason}")]) from None
    if not isinstance(data, dict):
        raise ConfigError(
            [
                ConfigProblem(
                    source,
                    1,
                    "",
                    "the file must be a mapping of keys such as departments:",
                )
            ]
        )
    lines = _line_index(node)
    try:
        return WorkspaceConfig.model_validate(data)
    except ValidationError as error:
        names = _department_names(data)
        problems = _problems(error, lines, source, names)
        # Pydantic skips whole-model checks when a field failed; run them on the raw data so every problem shows.
        seen = {(p.path, p.message) for p in problems}
        for extra in _located(cross_check(data), (), lines, source, names):
            if (extra.path, extra.message) not in seen:
                problems.append(extra)
        problems.sort(key=lambda p: (p.line or 0, p.path))
        raise ConfigError(problems) from None


def _line_index(node: yaml.Node | None) -> dict[Location, int]:
    """Map each location in the document to its 1-based line number."""
    index: dict[Location, int] = {}

    def walk(current: yaml.Node, location: Location) -> None:
        index.setdefault(location, current.start_mark.line + 1)
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                key = key_node.value
                index[(*location, key)] = key_node.start_mark.line + 1
                walk(value_node, (*location, key))
                index[(*location, key)] = key_node.start_mark.line + 1
        elif isinstance(current, yaml.SequenceNode):
            for position, item in enumerate(current.value):
                walk(item, (*location, position))

    if node is not None:
        walk(node, ())
    return index


def _line_for(location: Location, lines: dict[Location, int]) -> int | None:
    """The line of the deepest part of ``location`` that exists in the file (a missing key → its parent)."""
    for end in range(len(location), -1, -1):
        line = lines.get(tuple(location[:end]))
        if line is not None:
            return line
    return None


_PATH_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def _parse_path(path: str) -> Location:
    return tuple(name if name else int(number) for name, number in _PATH_PART.findall(path))


_NAMEABLE_KEY = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


def _department_names(data: dict[str, Any]) -> dict[int, str]:
    """Department positions that can be named by their key: admins think in ``SALES``, not in ``2``.

    A key that is missing, odd or given twice keeps the position, so every name points at one department.
    """
    departments = data.get("departments")
    if not isinstance(departments, list):
        return {}
    keys = [d.get("key") if isinstance(d, dict) else None for d in departments]
    return {
        index: key
        for index, key in enumerate(keys)
        if isinstance(key, str) and _NAMEABLE_KEY.match(key) and keys.count(key) == 1
    }


def _format_location(location: Location, names: dict[int, str]) -> str:
    text = ""
    for position, part in enumerate(location):
        if isinstance(part, int):
            named = position == 1 and location[0] == "departments" and part in names
            text += f"[{names[part]}]" if named else f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _problems(
    error: ValidationError, lines: dict[Location, int], source: str, names: dict[int, str]
) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for detail in error.errors(include_url=False):
        location: Location = tuple(part for part in detail["loc"] if not _is_pydantic_tag(part))
        if detail["type"] == CROSS_CHECK_ERROR:
            # A cross-key check: each entry is "path: message" relative to the model that raised it.
            problems.extend(_located(detail.get("ctx", {}).get("entries", []), location, lines, source, names))
            continue
        line = _line_for(location, lines)
        if detail["type"] == "missing":
            # A key that is not there has no line of its own; at the top level, no line is the truth.
            message = "missing (this key is required)"
            if len(location) == 1:
                line, message = None, "missing from the file (this key is required)"
        elif detail["type"] == "extra_forbidden":
            message = "unknown key (check the spelling against config/crossdesk.example.yaml)"
        else:
            message = schema_message(detail)
        problems.append(ConfigProblem(source, line, _format_location(location, names), message))
    return problems


def _located(
    entries: list[str], base: Location, lines: dict[Location, int], source: str, names: dict[int, str]
) -> list[ConfigProblem]:
    located: list[ConfigProblem] = []
    for entry in entries:
        path_text, _, text = entry.partition(": ")
        full = (*base, *_parse_path(path_text))
        located.append(ConfigProblem(source, _line_for(full, lines), _format_location(full, names), text))
    return located


def _is_pydantic_tag(part: Any) -> bool:
    # Union members and validator names show up in locations (e.g. "function-after[...]"); they mean nothing to admins.
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "list", "dict"})
