"""The running workspace configuration, held in one place so a reload reaches every service at once.

Services keep a :class:`LiveWorkspace` rather than a :class:`WorkspaceConfig`: a reload replaces the one object
inside it (a single assignment, so no coroutine ever sees half of an old file and half of a new one), and the
next read anywhere — routing, SLA clocks, departments, permissions — sees the new configuration.

It also holds what the process knows of the file's Slack user groups (:class:`config.groups.GroupMembers`): every
configuration it runs reads their members from that one holder, so a reload keeps them and two bots in one process
(a test's replicas) each know only what they read themselves.
"""

from __future__ import annotations

from collections.abc import Callable

from config.groups import GroupMembers
from config.schema import WorkspaceConfig

Listener = Callable[[WorkspaceConfig], None]


class LiveWorkspace:
    """The configuration a running bot uses now; :meth:`swap` replaces it for every reader."""

    def __init__(self, workspace: WorkspaceConfig) -> None:
        self.groups = GroupMembers()
        self._current = workspace.with_groups(self.groups)
        self._listeners: list[Listener] = []

    @property
    def current(self) -> WorkspaceConfig:
        return self._current

    def on_swap(self, listener: Listener) -> None:
        """Call ``listener`` with each new configuration (what is derived from it, e.g. the language of texts)."""
        self._listeners.append(listener)

    def swap(self, workspace: WorkspaceConfig) -> WorkspaceConfig:
        """Make ``workspace`` the running configuration; returns the one it replaces."""
        workspace = workspace.with_groups(self.groups)
        before, self._current = self._current, workspace
        for listener in self._listeners:
            listener(workspace)
        return before


def live(workspace: WorkspaceConfig | LiveWorkspace) -> LiveWorkspace:
    """``workspace`` as a :class:`LiveWorkspace`: a fixed configuration (a CLI command, a test) gets its own."""
    return workspace if isinstance(workspace, LiveWorkspace) else LiveWorkspace(workspace)
