"""The fake Slack workspace that tests, the sandbox and the benchmarks hold: the state (``state``) joined to the
table of Web API methods (``methods``) that act on it.

The state is kept apart so that the methods can be written against it while this class names them: faults are
only injected into a method the fake answers, and no module of the fake imports one that imports it back.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from bot.sandbox.fake_slack.methods import METHODS
from bot.sandbox.fake_slack.state import WorkspaceState


class SlackWorkspace(WorkspaceState):
    """The in-memory workspace behind the fake API, answering the methods ``methods`` registered."""

    implemented_methods: ClassVar[Collection[str]] = METHODS.keys()
