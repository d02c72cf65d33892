"""The part every service that queues Slack messages shares: the database, the workspace, the clock, and the
outbox (:mod:`bot.outbox.interface`) it tells once a transaction that queued messages has committed."""

from __future__ import annotations

from bot.outbox.interface import Outbox
from bot.runtime.clock import Clock
from config.live import LiveWorkspace, live
from config.schema import WorkspaceConfig
from storage.database import Database


class OutboxWriter:
    def __init__(self, db: Database, workspace: WorkspaceConfig | LiveWorkspace, clock: Clock, outbox: Outbox) -> None:
        self.db = db
        self.live = live(workspace)
        self.clock = clock
        self.outbox = outbox

    @property
    def workspace(self) -> WorkspaceConfig:
        """The running configuration, read afresh each time: a reload reaches this service at once."""
        return self.live.current
