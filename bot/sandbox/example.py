"""The sandbox's example workspace: the bundled example file, plus an Operations department whose owners include
the user group ``@oncall`` (``S0ONCALL``), so user groups and away statuses can be tried in the browser at once.

Only ``crossdesk sandbox`` on the bundled example adds it: a workspace file of your own is used as it is.
"""

from __future__ import annotations

from config.schema import WorkspaceConfig

ONCALL = "S0ONCALL"  # its members at first: U0ONCALL1 and U0ONCALL2 (bot/sandbox/scene.py)
OPERATIONS = {
    "key": "OPS",
    "name": "Operations 运维",
    "channel": "C0OPS",
    "lead": "U0LEADOPS",
    "owners": ["U0FRANK", ONCALL],
    "keywords": ["server", "on-call", "服务器", "值班"],
}


def sandbox_example(workspace: WorkspaceConfig) -> WorkspaceConfig:
    """``workspace`` (the bundled example) with the Operations department added, validated like the file."""
    data = workspace.model_dump()
    if any(department["key"] == OPERATIONS["key"] for department in data["departments"]):
        return workspace
    data["departments"] = [*data["departments"], OPERATIONS]
    return WorkspaceConfig.model_validate(data)
