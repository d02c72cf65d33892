"""What changed between two configurations, in lines people read in the audit list; pure.

The record keeps whole configurations (``workspace_configs``); the before → after of an edit is derived by comparing
one with the one before it, so nothing can record a change that did not happen, or miss one that did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.surfaces.text import mention
from config.durations import format_duration
from config.export import to_data
from config.schema import Department, WorkspaceConfig

Translate = Callable[..., str]
PRIORITIES = ("urgent", "high", "normal", "low", "consult")
DEPARTMENT_FIELDS = ("name", "channel", "lead", "owners", "keywords")
# Keys whose changes the lines above already say; any other top-level key gets a line of its own.
_DESCRIBED = {"departments", "intake_channels", "sla", "admins"}


def _people(ids: Sequence[str]) -> str:
    return ", ".join(mention(member) for member in ids) or "—"


def _channels(ids: Sequence[str]) -> str:
    return ", ".join(f"<#{channel}>" for channel in ids) or "—"


def _field_text(department: Department, field: str) -> str:
    if field == "name":
        return department.name
    if field == "channel":
        return _channels([department.channel] if department.channel else [])
    if field == "lead":
        return _people([department.lead] if department.lead else [])
    if field == "owners":
        return _people(department.owners)
    return ", ".join(department.keywords) or "—"


def _departments(before: WorkspaceConfig, after: WorkspaceConfig, t: Translate) -> list[str]:
    lines: list[str] = []
    old = {department.key: department for department in before.departments}
    new = {department.key: department for department in after.departments}
    for key, department in new.items():
        previous = old.get(key)
        if previous is None:
            lines.append(t("admin.change.department_added", name=department.name, key=key))
            continue
        for field in DEPARTMENT_FIELDS:
            was, now = _field_text(previous, field), _field_text(department, field)
            if was != now:
                label = t(f"admin.field.{field}")
                lines.append(t("admin.change.field", scope=department.name, field=label, before=was, after=now))
    lines.extend(
        t("admin.change.department_removed", name=department.name, key=key)
        for key, department in old.items()
        if key not in new
    )
    return lines


def _sla(before: WorkspaceConfig, after: WorkspaceConfig, t: Translate) -> list[str]:
    lines: list[str] = []
    for priority in PRIORITIES:
        was, now = getattr(before.sla, priority), getattr(after.sla, priority)
        for part in ("acknowledge", "resolve"):
            old, new = getattr(was, part), getattr(now, part)
            if old != new:
                scope = t("admin.change.sla_scope", priority=t(f"admin.priority.{priority}"))
                label = t(f"admin.field.{part}")
                lines.append(
                    t(
                        "admin.change.field",
                        scope=scope,
                        field=label,
                        before=format_duration(old),
                        after=format_duration(new),
                    )
                )
    return lines


def _setting(
    before: WorkspaceConfig, after: WorkspaceConfig, field: str, shown: Callable[[Sequence[str]], str], t: Translate
) -> list[str]:
    """A list of ids at the top of the file (intake channels, admins): a line when it changed."""
    was, now = shown(getattr(before, field)), shown(getattr(after, field))
    return [] if was == now else [t("admin.change.setting", field=t(f"admin.field.{field}"), before=was, after=now)]


def describe_changes(before: WorkspaceConfig | None, after: WorkspaceConfig, t: Translate) -> list[str]:
    """Each difference from ``before`` to ``after`` as a line, e.g. ``Support · owners: <@U1>, <@U2> → <@U1>``;
    ``before`` is ``None`` for the first configuration recorded."""
    if before is None:
        return [t("admin.change.first")]
    lines = _departments(before, after, t)
    lines.extend(_setting(before, after, "intake_channels", _channels, t))
    lines.extend(_sla(before, after, t))
    lines.extend(_setting(before, after, "admins", _people, t))
    old, new = to_data(before), to_data(after)
    lines.extend(
        t("admin.change.other", key=key)
        for key in dict.fromkeys([*old, *new])
        if key not in _DESCRIBED and old.get(key) != new.get(key)
    )
    return lines
