"""``AdminService``: who may edit what of the workspace configuration from Slack, the edits themselves, and the
record of them (who, when, before → after) that the Admin view lists.

Every edit starts from the newest recorded configuration (not this replica's copy, which may be a tick behind),
is validated exactly as ``check-config`` validates a file, and is recorded and mirrored in one transaction; this
replica swaps it in at once and every other one at its next tick (:mod:`bot.runtime.config_watch`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.admin.changes import describe_changes
from bot.admin.edits import DepartmentForm, edit_department, edit_intake, edit_sla
from bot.customers.service import CustomerService
from bot.errors import NotAllowed
from bot.outbox.interface import Outbox
from bot.runtime.clock import Clock
from bot.runtime.config_watch import DATABASE, record_source
from bot.runtime.reload import SYSTEM_ACTOR, digest_of, record_configuration
from bot.surfaces.admin_view import AdminPage, AuditEntry, CustomerChange, admin_view
from bot.surfaces.text import mention
from bot.tickets.notices import TicketMessenger
from config.export import data_to_yaml, to_data, to_yaml
from config.live import LiveWorkspace
from config.loader import ConfigError, parse_workspace
from config.schema import Department, WorkspaceConfig
from storage import customer_events, workspace_configs
from storage.database import Database
from storage.models import WorkspaceConfigRecord

AUDIT_ENTRIES = 20
CUSTOMER_ENTRIES = 10
Edit = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class AdminAccess:
    """What one person may do in the Admin view."""

    admin: bool
    leads: tuple[str, ...]  # the departments they lead
    editable: bool  # config_source: database

    @property
    def visible(self) -> bool:
        return self.admin or bool(self.leads)


class AdminService:
    def __init__(
        self,
        db: Database,
        workspace: LiveWorkspace,
        clock: Clock,
        outbox: Outbox,
        messages: TicketMessenger,
        customers: CustomerService,
    ) -> None:
        self.customers = customers
        self.db = db
        self.live = workspace
        self.clock = clock
        self.outbox = outbox
        self.messages = messages

    def access(self, user_id: str) -> AdminAccess:
        workspace = self.live.current
        # A lead given as a user group: each of its members leads the department.
        leads = tuple(d.key for d in workspace.departments if user_id in workspace.leads_of(d))
        return AdminAccess(user_id in workspace.admins, leads, workspace.config_source == DATABASE)

    # -- who may ----------------------------------------------------------------------------------------------

    def _admins(self) -> str:
        return ", ".join(f"<@{admin}>" for admin in self.live.current.admins) or "—"

    def _require_editable(self) -> None:
        if self.live.current.config_source != DATABASE:
            raise NotAllowed("admin.refused.file")

    def require_admin(self, user_id: str) -> None:
        """Intake channels, SLA and new departments are the admins' alone."""
        self._require_editable()
        if user_id not in self.live.current.admins:
            raise NotAllowed("admin.refused.admins_only", admins=self._admins())

    def department_form(self, user_id: str, key: str) -> tuple[Department, bool]:
        """The department ``user_id`` opens the form of, and whether they may change all of it (an admin) or only
        its owners and keywords (its lead); anyone else is refused with who may."""
        self._require_editable()
        department = self.live.current.department(key)
        access = self.access(user_id)
        if department is None or not (access.admin or key in access.leads):
            name = department.name if department else key
            lead = mention(department.lead) if department and department.lead else "—"
            raise NotAllowed("admin.refused.department", department=name, admins=self._admins(), lead=lead)
        return department, access.admin

    # -- edits ------------------------------------------------------------------------------------------------

    async def edit_department(self, user_id: str, form: DepartmentForm) -> WorkspaceConfig:
        if form.new:
            self.require_admin(user_id)
            full = True
        else:
            _, full = self.department_form(user_id, form.key)
        # What a lead may change is decided here, not by what their form sent.
        form = DepartmentForm(**{**form.__dict__, "full": full})
        return await self._edit(user_id, lambda data: edit_department(data, form))

    async def edit_intake(self, user_id: str, channels: list[str]) -> WorkspaceConfig:
        self.require_admin(user_id)
        return await self._edit(user_id, lambda data: edit_intake(data, channels))

    async def edit_sla(self, user_id: str, durations: Mapping[str, Mapping[str, str]]) -> WorkspaceConfig:
        self.require_admin(user_id)
        return await self._edit(user_id, lambda data: edit_sla(data, durations))

    async def edit_customer(self, user_id: str, customer_id: int, fields: dict[str, Any]) -> None:
        """Customers live in the database (the file only seeds them): changed through their own service, each
        change recorded in ``customer_events``."""
        self.require_admin(user_id)
        await self.customers.edit(customer_id, user_id, fields)

    def _base(self, record: WorkspaceConfigRecord | None) -> WorkspaceConfig:
        if record is None:
            return self.live.current
        return parse_workspace(record.text, source=record_source(record))

    async def _edit(self, user_id: str, edit: Edit) -> WorkspaceConfig:
        """Apply ``edit`` to the newest configuration; a :class:`ConfigError` (check-config's problems) leaves
        everything as it was."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            base = self._base(await workspace_configs.latest_for_edit(session))
            data = to_data(base)
            edit(data)
            workspace = parse_workspace(data_to_yaml(data), source="Slack")
            text = to_yaml(workspace)  # as every replica writes it, so digests agree
            if digest_of(text) == digest_of(to_yaml(base)):
                return base
            await record_configuration(session, workspace, text, DATABASE, user_id, now)
        self.live.swap(workspace)
        return workspace

    # -- what the Admin view shows ----------------------------------------------------------------------------

    async def audit(self, limit: int = AUDIT_ENTRIES) -> list[AuditEntry]:
        """The last ``limit`` configurations put into use, newest first, each with what it changed."""
        async with self.db.read() as session:
            records = await workspace_configs.newest(session, limit + 1)
        parsed: list[WorkspaceConfig | None] = []
        for record in records:
            try:
                parsed.append(parse_workspace(record.text, source=record_source(record)))
            except ConfigError:
                parsed.append(None)
        entries: list[AuditEntry] = []
        for index, record in enumerate(records[:limit]):
            after = parsed[index]
            before = parsed[index + 1] if index + 1 < len(records) else None
            lines = describe_changes(before, after, self.messages.t) if after is not None else []
            # The bot itself records what a file brought (the first start's seed among them).
            source = "file" if record.actor_id == SYSTEM_ACTOR else record.source
            entries.append(AuditEntry(record.actor_id, record.applied_at, source, tuple(lines)))
        return entries

    async def page(self, user_id: str) -> AdminPage:
        access = self.access(user_id)
        if not access.visible:
            raise NotAllowed("admin.refused.view", admins=self._admins())
        workspace = self.live.current
        shown = workspace.departments if access.admin else [d for d in workspace.departments if d.key in access.leads]
        audit = await self.audit() if access.admin else []
        changed = await self.customer_changes() if access.admin else []
        return AdminPage(workspace, tuple(shown), access.admin, access.editable, tuple(audit), tuple(changed))

    async def customer_changes(self, limit: int = CUSTOMER_ENTRIES) -> list[CustomerChange]:
        """The last changes made to customers, newest first (from Slack, an import, the file)."""
        async with self.db.read() as session:
            events = await customer_events.recent(session, limit)
        return [CustomerChange(e.actor_id, e.at, name, e.action, e.from_value, e.to_value) for e, name in events]

    async def publish(self, user_id: str, now: datetime | None = None) -> None:
        """Queue the Admin view on ``user_id``'s App Home."""
        view = admin_view(await self.page(user_id), self.messages)
        moment = now or self.clock.now()
        async with self.db.transaction() as session:
            await self.messages.publish_home(session, moment, user_id, view)
        self.outbox.wake()
