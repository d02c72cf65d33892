"""App Home's Admin view: the running departments, intake channels and SLA policies with buttons to edit them,
and the list of changes (who, when, before → after). A department's lead sees their own department only; with
``config_source: file`` everything is shown read-only with the reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.surfaces.cards import Block
from bot.surfaces.ids import ActionId, BlockId
from bot.surfaces.limits import CONTEXT_TEXT, SECTION_TEXT, clip
from bot.surfaces.text import mention, name_text
from config.durations import format_duration
from config.schema import Department, WorkspaceConfig
from storage.customers import SEED_ACTOR
from storage.workspace_configs import SYSTEM_ACTOR

if TYPE_CHECKING:
    from bot.tickets.notices import TicketMessenger

MAX_BLOCKS = 100  # Slack's limit for a Home tab view
SLA_PRIORITIES = ("urgent", "high", "normal", "low", "consult")


@dataclass(frozen=True)
class AuditEntry:
    """One configuration put into use: by whom, when, from where, and what it changed."""

    actor_id: str
    applied_at: datetime
    source: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class CustomerChange:
    """One change to a customer: by whom, when, which customer, what (``customer_events``'s action), from → to."""

    actor_id: str
    at: datetime
    customer: str
    action: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class AdminPage:
    workspace: WorkspaceConfig
    departments: tuple[Department, ...]  # the ones this person sees: all for an admin, their own for a lead
    admin: bool
    editable: bool  # config_source: database
    audit: tuple[AuditEntry, ...] = ()
    customer_changes: tuple[CustomerChange, ...] = ()


def may_see_admin(workspace: WorkspaceConfig, user_id: str) -> bool:
    """Whether App Home offers ``user_id`` the Admin view: the workspace's admins and the departments' leads (each
    member of a lead given as a user group)."""
    return user_id in workspace.admins or any(user_id in workspace.leads_of(d) for d in workspace.departments)


def _button(text: str, action: ActionId, value: str = "admin", *, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action.value,
        "text": {"type": "plain_text", "text": text[:75], "emoji": True},
        "value": value,
    }
    if primary:
        button["style"] = "primary"
    return button


def admin_entry(workspace: WorkspaceConfig, user_id: str, t: Any) -> list[Block]:
    """The button on App Home that opens the Admin view, for who may see it."""
    if not may_see_admin(workspace, user_id):
        return []
    return [
        {
            "type": "actions",
            "block_id": BlockId.ADMIN_NAV.value,
            "elements": [_button(t("admin.open"), ActionId.ADMIN_OPEN)],
        }
    ]


def _section(text: str, accessory: dict[str, Any] | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_TEXT)}}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, CONTEXT_TEXT)}]}


def department_text(department: Department, t: Any) -> str:
    """A department as the Admin view lists it: name, key, channel, lead, owners, keywords."""
    channel = f" · <#{department.channel}>" if department.channel else ""
    lead = mention(department.lead) if department.lead else "—"
    owners = ", ".join(mention(owner) for owner in department.owners)
    keywords = ", ".join(department.keywords) or "—"
    return (
        f"*{department.name}* `{department.key}`{channel}\n"
        f"{t('admin.field.lead')}: {lead} · {t('admin.field.owners')}: {owners}\n"
        f"{t('admin.field.keywords')}: {keywords}"
    )


def sla_lines(workspace: WorkspaceConfig, t: Any) -> str:
    lines = []
    for priority in SLA_PRIORITIES:
        target = getattr(workspace.sla, priority)
        lines.append(
            t(
                "admin.sla_line",
                priority=t(f"admin.priority.{priority}"),
                acknowledge=format_duration(target.acknowledge),
                resolve=format_duration(target.resolve),
            )
        )
    return "\n".join(lines)


def _audit(entries: Sequence[AuditEntry], messages: TicketMessenger) -> list[Block]:
    t = messages.t
    blocks: list[Block] = [_section(f"*{t('admin.audit.title')}*")]
    if not entries:
        blocks.append(_context(t("admin.audit.empty")))
    for entry in entries:
        who = _who(entry.actor_id, t)
        head = t(
            "admin.audit.head", who=who, when=messages.date(entry.applied_at), source=t(f"admin.source.{entry.source}")
        )
        lines = "\n".join(f"• {line}" for line in entry.lines) or t("admin.audit.nothing")
        blocks.append(_context(f"{head}\n{lines}"))
    return blocks


def _who(actor_id: str, t: Any) -> str:
    """A person as a mention; the bot (what a file brought) by name; anything else (an import) as recorded."""
    if actor_id[:1] in ("U", "W"):
        return f"<@{actor_id}>"
    return t("admin.audit.bot") if actor_id in (SYSTEM_ACTOR, SEED_ACTOR) else f"`{actor_id}`"


def _value(action: str, value: str | None) -> str:
    if not value:
        return "—"
    return f"<@{value}>" if action == "manager_changed" else name_text(value)


def _customers(page: AdminPage, messages: TicketMessenger) -> list[Block]:
    """The customers' part: a button to change one (customers are many: a type-ahead finds them), and the last
    changes made to them."""
    t = messages.t
    edit = _button(t("admin.edit_customer"), ActionId.ADMIN_PICK_CUSTOMER) if page.editable else None
    blocks: list[Block] = [_section(f"*{t('admin.customers')}*\n{t('admin.customers_intro')}", edit)]
    lines = [
        t(
            "admin.customer_created",
            who=_who(change.actor_id, t),
            when=messages.date(change.at),
            customer=name_text(change.customer),
        )
        if change.action == "created"
        else t(
            "admin.customer_change",
            who=_who(change.actor_id, t),
            when=messages.date(change.at),
            customer=name_text(change.customer),
            what=t(f"admin.customer_action.{change.action}")
            if messages.translator.has(f"admin.customer_action.{change.action}")
            else change.action,
            before=_value(change.action, change.before),
            after=_value(change.action, change.after),
        )
        for change in page.customer_changes
    ]
    if lines:
        blocks.append(_context("\n".join(lines)))
    return blocks


def admin_view(page: AdminPage, messages: TicketMessenger) -> dict[str, Any]:
    t = messages.t
    workspace = page.workspace
    nav = [_button(t("admin.back"), ActionId.ADMIN_BACK)]
    if page.editable and page.admin:
        nav += [
            _button(t("admin.add_department"), ActionId.ADMIN_ADD_DEPARTMENT, primary=True),
            _button(t("admin.edit_intake"), ActionId.ADMIN_EDIT_INTAKE),
            _button(t("admin.edit_sla"), ActionId.ADMIN_EDIT_SLA),
        ]
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": t("admin.title")}},
        {"type": "actions", "block_id": BlockId.ADMIN_NAV.value, "elements": nav},
        _context(t("admin.read_only") if not page.editable else t("admin.intro" if page.admin else "admin.intro_lead")),
        _section(f"*{t('admin.departments')}*"),
    ]
    for department in page.departments:
        edit = _button(t("admin.edit"), ActionId.ADMIN_EDIT_DEPARTMENT, department.key) if page.editable else None
        blocks.append(_section(department_text(department, t), edit))
    if page.admin:
        channels = ", ".join(f"<#{channel}>" for channel in workspace.intake_channels) or "—"
        blocks += [
            {"type": "divider"},
            _section(f"*{t('admin.field.intake_channels')}*\n{channels}"),
            _section(f"*{t('admin.sla')}*\n{sla_lines(workspace, t)}"),
            {"type": "divider"},
            *_audit(page.audit, messages),
            {"type": "divider"},
            *_customers(page, messages),
        ]
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], _context(t("home.truncated"))]
    return {"type": "home", "blocks": blocks}
