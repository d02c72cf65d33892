"""The workspace configuration written back as YAML in the file's own notation, for ``crossdesk export-config``.

Durations are written ``15m`` / ``1d``, times of day ``"09:30"``, dates ``2026-01-01`` and goal targets as the file
writes them (``95%``), so what is written passes ``check-config`` and loads back into an equal configuration.
Keys left at their defaults are left out: the export reads like a file someone wrote, not like a schema dump.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import yaml

from config.customers import written_stage
from config.durations import format_duration
from config.schema import WorkspaceConfig

HEADER = "# The running Crossdesk configuration (crossdesk export-config); check it with crossdesk check-config.\n"


def _plain(value: Any) -> Any:
    """``value`` with every duration, time of day and date in the notation the workspace file uses."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_data(workspace: WorkspaceConfig) -> dict[str, Any]:
    """``workspace`` as the plain mapping a workspace file holds (what an edit from Slack starts from)."""
    data: dict[str, Any] = _plain(workspace.model_dump(exclude_defaults=True))
    for customer in data.get("customers", []):
        if "stage" in customer:
            customer["stage"] = written_stage(customer["stage"])
    return data


def data_to_yaml(data: dict[str, Any]) -> str:
    """A workspace file's mapping written as its YAML (keys in the order given, Unicode kept as written)."""
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=120)
    return HEADER + body


def to_yaml(workspace: WorkspaceConfig) -> str:
    """``workspace`` as workspace-file YAML (keys in the schema's order, Unicode kept as written)."""
    return data_to_yaml(to_data(workspace))
