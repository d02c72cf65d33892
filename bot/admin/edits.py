"""The edits the Admin view's forms make, as changes to the workspace file's mapping; pure.

An edit changes the mapping the running configuration writes as YAML (:func:`config.export.to_data`); the result
is then validated as ``check-config`` validates a file, so a form cannot make what a file could not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from config.ids import is_group_id
from config.loader import ConfigError, ConfigProblem

SOURCE = "Slack"
PRIORITIES = ("urgent", "high", "normal", "low", "consult")
PARTS = ("acknowledge", "resolve")
_SEPARATORS = re.compile(r"[,，、\n]+")
_DEPARTMENT_FIELD = re.compile(r"^departments\[[^\]]+\]\.(\w+)")


@dataclass(frozen=True)
class DepartmentForm:
    """What the department form holds; a lead's form fills ``owners``, ``owner_groups`` and ``keywords`` only
    (``full`` false). ``owners`` are the people chosen, ``owner_groups`` the user group ids typed beside them (Slack's
    people pickers hold no groups); ``lead_group``, typed, is a lead given as a user group instead of a person."""

    key: str
    owners: list[str]
    keywords: list[str]
    name: str | None = None
    channel: str | None = None
    lead: str | None = None
    full: bool = True
    new: bool = False
    owner_groups: list[str] = field(default_factory=list)
    lead_group: str | None = None


def words(text: str | None) -> list[str]:
    """Keywords as typed in one box: separated by commas (either width), 、 or new lines."""
    return [word.strip() for word in _SEPARATORS.split(text or "") if word.strip()]


def _problem(path: str, message: str) -> ConfigError:
    return ConfigError([ConfigProblem(SOURCE, None, path, message)])


def edit_department(data: dict[str, Any], form: DepartmentForm) -> None:
    """Change (or, for a new one, add) the department ``form.key`` in ``data``."""
    departments: list[dict[str, Any]] = data.setdefault("departments", [])
    entry = next((d for d in departments if d.get("key") == form.key), None)
    if form.new:
        if entry is not None:
            raise _problem(f"departments[{form.key}].key", f"a department {form.key} exists already")
        entry = {"key": form.key}
        departments.append(entry)
    elif entry is None:
        raise _problem(f"departments[{form.key}]", f"no department {form.key}")
    typed = [("owner_groups", group) for group in form.owner_groups]
    if form.full and form.lead_group:
        typed.append(("lead_group", form.lead_group))
    for box, group in typed:
        if not is_group_id(group):
            raise _problem(
                f"departments[{form.key}].{box}", f"{group!r} must be a Slack user group id such as S0123ABCD"
            )
    if form.full:
        entry["name"] = form.name or ""
        for name, value in (("channel", form.channel), ("lead", form.lead_group or form.lead)):
            if value:
                entry[name] = value
            else:
                entry.pop(name, None)
    before = list(entry.get("owners") or [])
    # The form lists people and groups apart: when both read as before, the file's interleaving of them stays.
    unchanged = [o for o in before if not is_group_id(o)] == form.owners and [
        o for o in before if is_group_id(o)
    ] == form.owner_groups
    entry["owners"] = before if unchanged else [*form.owners, *form.owner_groups]
    if form.keywords:
        entry["keywords"] = list(form.keywords)
    else:
        entry.pop("keywords", None)


def edit_intake(data: dict[str, Any], channels: Iterable[str]) -> None:
    """The intake channels become ``channels``."""
    chosen = list(channels)
    if chosen:
        data["intake_channels"] = chosen
    else:
        data.pop("intake_channels", None)


def edit_sla(data: dict[str, Any], durations: Mapping[str, Mapping[str, str]]) -> None:
    """Each priority's acknowledge and resolve durations as typed (``15m``, ``4h``, ``1d``)."""
    sla = data.setdefault("sla", {})
    for priority, parts in durations.items():
        sla[priority] = {part: parts.get(part) or "" for part in PARTS}


def field_of(problem: ConfigProblem) -> str:
    """The form field a problem is about: a department's ``owners``, ``sla.urgent.acknowledge``,
    ``intake_channels``; the whole path when it names none of those."""
    found = _DEPARTMENT_FIELD.match(problem.path)
    if found:
        return found.group(1)
    if problem.path.startswith("intake_channels"):
        return "intake_channels"
    return problem.path


def problems_by_field(error: ConfigError, fields: Iterable[str], fallback: str) -> dict[str, list[str]]:
    """``error``'s problems grouped by the form's ``fields``; a problem about anything else goes to ``fallback``
    with its path, so nothing check-config says is lost."""
    known = set(fields)
    grouped: dict[str, list[str]] = {}
    for problem in error.problems:
        field = field_of(problem)
        if field in known:
            grouped.setdefault(field, []).append(problem.message)
        else:
            grouped.setdefault(fallback, []).append(
                f"{problem.path}: {problem.message}" if problem.path else problem.message
            )
    return grouped
