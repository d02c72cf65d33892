"""The configuration of a bot whose ``config_source`` is ``database``: what it starts with, and every replica
following the newest recorded configuration within one tick of an edit made from Slack.

The ``workspace_configs`` table is the record: the workspace file seeds it on the first start (nothing recorded
under ``config_source: database`` yet); from then on the newest row is what runs, and each edit adds a row.
"""

from __future__ import annotations

import logging

from bot.runtime.clock import Clock
from bot.runtime.reload import SYSTEM_ACTOR, digest_of
from config.export import to_yaml
from config.live import LiveWorkspace
from config.loader import ConfigError, parse_workspace
from config.schema import WorkspaceConfig
from storage import workspace_configs
from storage.database import Database
from storage.models import WorkspaceConfigRecord

log = logging.getLogger(__name__)

DATABASE = "database"


def record_source(record: WorkspaceConfigRecord) -> str:
    """How a recorded configuration is named in messages (check-config's problems, logs)."""
    return f"workspace_configs#{record.id}"


def _parsed(record: WorkspaceConfigRecord, file: WorkspaceConfig) -> WorkspaceConfig | None:
    """The recorded configuration, or ``None`` (logged) when it no longer parses: the file stands in for it."""
    try:
        return parse_workspace(record.text, source=record_source(record))
    except ConfigError as error:
        log.error("the recorded configuration cannot be used; using the workspace file instead:\n%s", error)
        return None


async def recorded_configuration(db: Database, file: WorkspaceConfig) -> WorkspaceConfig:
    """The configuration the bots run, read without writing: under ``config_source: database`` the newest one
    recorded under it (departments added, renamed or reordered from Slack); else, before any bot recorded one, or
    when the record no longer parses (logged), the file. What ``crossdesk report`` and ``export --handoff-map``
    count with, so they name the departments the digest names."""
    if file.config_source != DATABASE:
        return file
    async with db.read() as session:
        record = await workspace_configs.latest(session)
    if record is None or record.source != DATABASE:
        return file
    return _parsed(record, file) or file


async def starting_configuration(db: Database, file: WorkspaceConfig, clock: Clock) -> WorkspaceConfig:
    """The configuration a ``config_source: database`` bot starts with: the newest one recorded under that source,
    or ``file`` (recorded now, so it seeds the database) when there is none yet; the log says which."""
    async with db.transaction() as session:
        record = await workspace_configs.latest(session)
        if record is None or record.source != DATABASE:
            text = to_yaml(file)
            await workspace_configs.record_applied(session, digest_of(text), text, DATABASE, SYSTEM_ACTOR, clock.now())
            log.info("config_source: database — nothing recorded yet; the workspace file seeds the database")
            return file
    workspace = _parsed(record, file)
    if workspace is None:
        return file
    log.info(
        "config_source: database — running the configuration recorded in the database (%s, by %s at %s); "
        "the workspace file only seeded it",
        record_source(record),
        record.actor_id,
        record.applied_at.isoformat(),
    )
    return workspace


class ConfigWatch:
    """A ticker job: the newest recorded configuration replaces the running one when their digests differ."""

    def __init__(self, workspace: LiveWorkspace, db: Database) -> None:
        self.live = workspace
        self.db = db
        self._digested: WorkspaceConfig | None = None
        self._digest = ""
        self._refused = ""  # a record that failed validation, logged once

    def running_digest(self) -> str:
        """The digest of the running configuration, computed again only after a swap."""
        current = self.live.current
        if current is not self._digested:
            self._digested, self._digest = current, digest_of(to_yaml(current))
        return self._digest

    async def tick(self) -> bool:
        """Swap in the newest recorded configuration if it is not the running one; ``True`` if swapped."""
        async with self.db.read() as session:
            record = await workspace_configs.latest(session)
        if record is None or record.digest in (self.running_digest(), self._refused):
            return False
        try:
            workspace = parse_workspace(record.text, source=record_source(record))
        except ConfigError as error:
            self._refused = record.digest
            log.error("the newest recorded configuration is not valid; the running one stays:\n%s", error)
            return False
        self.live.swap(workspace)
        self._digested, self._digest = workspace, record.digest
        log.info(
            "applied %s (by %s): %s departments", record_source(record), record.actor_id, len(workspace.departments)
        )
        return True

    def reload(self) -> None:
        """``SIGHUP`` under ``config_source: database``: the file is not the source, so nothing is read."""
        log.warning(
            "SIGHUP ignored: config_source is database, so the workspace file is not the source of the running "
            "configuration; edit it from Slack (App Home → Admin) or export it with crossdesk export-config"
        )
