"""Applying a changed workspace file without a restart: on ``SIGHUP``, or when the ticker notices the change.

The file is validated exactly as ``crossdesk check-config`` validates it. A valid file replaces the running
configuration for every service at once (:class:`config.live.LiveWorkspace`) and its departments are mirrored
into the database; an invalid one is refused — its problems logged and sent to the admins as a DM, once however
many replicas notice — and the running configuration stays.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.outbox.interface import Outbox
from bot.runtime.clock import Clock
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import OutboxPurpose
from bot.surfaces.limits import fit_lines
from config.export import to_yaml
from config.live import LiveWorkspace
from config.loader import ConfigError, load_workspace
from config.schema import WorkspaceConfig
from storage import customers as customer_rows
from storage import directory, outbox, workspace_configs
from storage.database import Database

log = logging.getLogger(__name__)

SYSTEM_ACTOR = workspace_configs.SYSTEM_ACTOR
# The most problems one DM lists (a file with hundreds of errors is still one message); the log has them all.
DM_PROBLEMS = 20
DM_CHARACTERS = 3_000


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


async def record_configuration(
    session: AsyncSession, workspace: WorkspaceConfig, text: str, source: str, actor_id: str, now: datetime
) -> str:
    """Mirror ``workspace``'s departments into the database and record ``text`` as the running configuration,
    inside the caller's transaction; returns its digest. The caller swaps it in once the transaction committed,
    so no reader sees departments the database does not have yet. Shared by a file's reload and Slack's edits."""
    digest = digest_of(text)
    await directory.sync_workspace(session, workspace)
    await workspace_configs.record_applied(session, digest, text, source, actor_id, now)
    return digest


@dataclass(frozen=True)
class _Stamp:
    """What ``stat`` says of the file: a different stamp means "read it again", not yet "it changed"."""

    mtime_ns: int
    size: int


class ConfigReloader:
    """Watches the workspace file of a bot whose ``config_source`` is ``file`` and applies its changes."""

    def __init__(
        self,
        path: Path,
        workspace: LiveWorkspace,
        db: Database,
        clock: Clock,
        outbox: Outbox,
        translator: Translator,
    ) -> None:
        self.path = path
        self.live = workspace
        self.db = db
        self.clock = clock
        self.outbox = outbox
        self.translator = translator
        self._stamp = self._stat()
        self._running = digest_of(to_yaml(workspace.current))
        self._seen = self._read_digest()  # the file's content last looked at, applied or refused

    def _stat(self) -> _Stamp | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return _Stamp(stat.st_mtime_ns, stat.st_size)

    def _read_digest(self) -> str | None:
        try:
            return digest_of(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return None

    async def record_running(self, actor_id: str = SYSTEM_ACTOR) -> None:
        """Record the running configuration in the database (what ``export-config`` reads)."""
        text = to_yaml(self.live.current)
        async with self.db.transaction() as session:
            await workspace_configs.record_applied(session, digest_of(text), text, "file", actor_id, self.clock.now())

    async def tick(self) -> bool:
        """The ticker's look: a file whose modification time or size changed is read; ``True`` if applied."""
        stamp = self._stat()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        return await self._consider(forced=False)

    async def reload(self) -> bool:
        """``SIGHUP``: read the file now, changed stamp or not; ``True`` if a new configuration was applied."""
        self._stamp = self._stat()
        return await self._consider(forced=True)

    async def _consider(self, *, forced: bool) -> bool:
        content = self._read_digest()
        if content is not None and content == self._seen and not forced:
            return False  # touched, not changed
        self._seen = content
        try:
            workspace = load_workspace(self.path)
        except ConfigError as error:
            await self._refuse(error, content or "unreadable")
            return False
        if workspace.config_source != "file":
            log.warning(
                "%s now says config_source: %s; it takes effect at the next start", self.path, workspace.config_source
            )
        text = to_yaml(workspace)
        digest = digest_of(text)
        if digest == self._running:
            log.info("%s re-read: nothing in the configuration changed", self.path)
            return False
        await self._apply(workspace, text, digest)
        return True

    async def _apply(self, workspace: WorkspaceConfig, text: str, digest: str) -> None:
        now = self.clock.now()
        async with self.db.transaction() as session:
            # Customers new in the file are made; the ones people changed since keep their changes. The processes'
            # matchers take them in at their next tick (the table changed).
            await customer_rows.seed(session, workspace.customers, now)
            await record_configuration(session, workspace, text, "file", SYSTEM_ACTOR, now)
        # Only once the database agrees: a reader never sees departments the database does not have yet.
        self.live.swap(workspace)
        self._running = digest
        log.info(
            "applied the changed workspace file %s: %s departments (%s)",
            self.path,
            len(workspace.departments),
            ", ".join(d.key for d in workspace.departments),
        )

    async def _refuse(self, error: ConfigError, content: str) -> None:
        problems = [str(problem) for problem in error.problems]
        log.error(
            "refused the changed workspace file %s; the running configuration stays:\n%s",
            self.path,
            "\n".join(problems),
        )
        admins = self.live.current.admins
        if not admins:
            return
        t = self.translator.t
        listed = fit_lines(
            [f"• `{line}`" for line in problems],
            DM_CHARACTERS,
            lambda count: t("config.refused_more", count=count),
            max_lines=DM_PROBLEMS,
        )
        text = f"{t('config.refused', path=self.path.name)}\n{listed}"
        now = self.clock.now()
        async with self.outbox.committing() as commit:
            if not await workspace_configs.claim_refusal(commit.session, content, self._running, now):
                return  # another replica told them already
            calls = [
                outbox.Call("chat.postMessage", {"channel": admin, "text": text}, OutboxPurpose.NOTICE)
                for admin in admins
            ]
            await commit.queue(calls, now)
