"""The part every service that queues Slack messages shares: the database, the workspace, the clock,
and a way to wake the outbox sender once its transaction has committed."""

from __future__ import annotations

from collections.abc import Callable

from bot.runtime.clock import Clock
from config.schema import WorkspaceConfig
from storage.database import Database


class OutboxWriter:
    def __init__(
        self, db: Database, workspace: WorkspaceConfig, clock: Clock, on_outbox: Callable[[], None] | None = None
    ) -> None:
        self.db = db
        self.workspace = workspace
        self.clock = clock
        self._on_outbox: Callable[[], None] = on_outbox or (lambda: None)

    def set_outbox_listener(self, listener: Callable[[], None]) -> None:
        """``listener`` is called after each commit that queued Slack messages (the sender's ``wake``)."""
        self._on_outbox = listener
