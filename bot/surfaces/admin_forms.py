"""Block Kit for the Admin view's forms (modals): a department (changed or added; its lead's form holds only its
owners and keywords), the intake channels, the SLA policies. Each input's block id is the workspace file's name
for what it holds, so check-config's problems are shown on their field."""

from __future__ import annotations

import json
from typing import Any

from bot.surfaces.cards import Block
from bot.surfaces.customer_views import customer_input
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId, BlockId, CallbackId
from bot.surfaces.text import mention, to_plain
from config.customers import LIFECYCLE_STAGES
from config.durations import format_duration
from config.ids import is_group_id
from config.schema import Department, Sla
from storage.models import Customer

View = dict[str, Any]
SLA_PRIORITIES = ("urgent", "high", "normal", "low", "consult")
SLA_PARTS = ("acknowledge", "resolve")


def sla_block(priority: str, part: str) -> str:
    return f"sla.{priority}.{part}"


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:150], "emoji": True}


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str = "") -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label),
        "optional": optional,
        "element": {"action_id": ActionId.FORM_VALUE.value, **element},
    }
    if hint:
        block["hint"] = _plain(hint)
    return block


def _text(initial: str | None, *, multiline: bool = False, max_length: int = 500) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if initial:
        element["initial_value"] = initial[:max_length]
    return element


def _modal(callback: CallbackId, title: str, blocks: list[Block], t: Translator, metadata: dict[str, Any]) -> View:
    return {
        "type": "modal",
        "callback_id": callback.value,
        "title": _plain(to_plain(title)[:24]),
        "submit": _plain(t.t("admin.save")),
        "close": _plain(t.t("form.cancel")),
        "blocks": blocks,
        "private_metadata": json.dumps(metadata, ensure_ascii=False),
    }


def department_modal(t: Translator, department: Department | None, *, full: bool) -> View:
    """Change ``department`` (all of it for an admin, ``full``; owners and keywords for its lead), or add one
    (``department`` ``None``)."""
    # Slack's people pickers hold people only: the user groups among the owners (and a group as lead) have a box of
    # their own, so an edit keeps them and can add or remove them.
    owners: dict[str, Any] = {"type": "multi_users_select", "placeholder": _plain(t.t("admin.pick_people"))}
    people = [owner for owner in department.owners if not is_group_id(owner)] if department is not None else []
    groups = [owner for owner in department.owners if is_group_id(owner)] if department is not None else []
    if people:
        owners["initial_users"] = people
    blocks: list[Block] = []
    if department is None:
        blocks.append(
            _input(
                BlockId.ADMIN_KEY.value, t.t("admin.field.key"), _text(None, max_length=20), hint=t.t("admin.key_hint")
            )
        )
    if full:
        channel: dict[str, Any] = {"type": "channels_select"}
        lead: dict[str, Any] = {"type": "users_select"}
        if department is not None and department.channel:
            channel["initial_channel"] = department.channel
        lead_group = department.lead if department is not None and is_group_id(department.lead) else None
        if department is not None and department.lead and lead_group is None:
            lead["initial_user"] = department.lead
        blocks += [
            _input(
                BlockId.ADMIN_NAME.value,
                t.t("admin.field.name"),
                _text(department.name if department else None, max_length=100),
            ),
            _input(BlockId.ADMIN_CHANNEL.value, t.t("admin.field.channel"), channel, optional=True),
            _input(BlockId.ADMIN_LEAD.value, t.t("admin.field.lead"), lead, optional=True),
            _input(
                BlockId.ADMIN_LEAD_GROUP.value,
                t.t("admin.field.lead_group"),
                _text(lead_group, max_length=20),
                optional=True,
                hint=t.t("admin.lead_group_hint"),
            ),
        ]
    elif department is not None:
        lead_text = mention(department.lead) if department.lead else "—"
        channel_text = f"<#{department.channel}>" if department.channel else "—"
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": t.t("admin.lead_form", channel=channel_text, lead=lead_text)}],
            }
        )
    blocks += [
        # Optional here: owners may all be user groups; check-config still wants one owner at least.
        _input(
            BlockId.ADMIN_OWNERS.value, t.t("admin.field.owners"), owners, optional=True, hint=t.t("admin.owners_hint")
        ),
        _input(
            BlockId.ADMIN_OWNER_GROUPS.value,
            t.t("admin.field.owner_groups"),
            _text(", ".join(groups) or None, max_length=200),
            optional=True,
            hint=t.t("admin.owner_groups_hint"),
        ),
        _input(
            BlockId.ADMIN_KEYWORDS.value,
            t.t("admin.field.keywords"),
            _text(", ".join(department.keywords) if department else None, multiline=True),
            optional=True,
            hint=t.t("admin.keywords_hint"),
        ),
    ]
    title = department.name if department is not None else t.t("admin.add_department")
    metadata = {"key": department.key if department else None, "new": department is None}
    return _modal(CallbackId.ADMIN_DEPARTMENT, title, blocks, t, metadata)


def intake_modal(t: Translator, channels: list[str]) -> View:
    element: dict[str, Any] = {"type": "multi_channels_select", "placeholder": _plain(t.t("admin.pick_channels"))}
    if channels:
        element["initial_channels"] = list(channels)
    blocks = [_input(BlockId.ADMIN_INTAKE.value, t.t("admin.field.intake_channels"), element, optional=True)]
    return _modal(CallbackId.ADMIN_INTAKE, t.t("admin.field.intake_channels"), blocks, t, {})


def sla_modal(t: Translator, sla: Sla) -> View:
    """Each priority's acknowledge and resolve durations, as the file writes them (``15m``, ``4h``, ``2d``)."""
    blocks: list[Block] = [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": t.t("admin.sla_hint")}]},
    ]
    for priority in SLA_PRIORITIES:
        target = getattr(sla, priority)
        for part in SLA_PARTS:
            label = t.t("admin.sla_field", priority=t.t(f"admin.priority.{priority}"), part=t.t(f"admin.field.{part}"))
            blocks.append(
                _input(sla_block(priority, part), label, _text(format_duration(getattr(target, part)), max_length=20))
            )
    return _modal(CallbackId.ADMIN_SLA, t.t("admin.sla"), blocks, t, {})


def customer_pick_modal(t: Translator) -> View:
    """Which customer to change: the type-ahead every customer field uses (a new name makes a new customer)."""
    blocks = [customer_input(t, hint=False)]
    blocks[0]["hint"] = _plain(t.t("admin.customer_pick_hint"))
    view = _modal(CallbackId.ADMIN_CUSTOMER_PICK, t.t("admin.customer_pick_title"), blocks, t, {})
    view["submit"] = _plain(t.t("admin.next"))
    return view


def customer_modal(t: Translator, customer: Customer) -> View:
    """A customer's name, aliases, lifecycle stage and account manager, as ``customers:`` in the file holds them."""
    stage: dict[str, Any] = {
        "type": "static_select",
        "options": [{"text": _plain(t.t(f"stage.{s}")), "value": s} for s in LIFECYCLE_STAGES],
    }
    if customer.stage in LIFECYCLE_STAGES:
        stage["initial_option"] = {"text": _plain(t.t(f"stage.{customer.stage}")), "value": customer.stage}
    manager: dict[str, Any] = {"type": "users_select"}
    if customer.manager_id:
        manager["initial_user"] = customer.manager_id
    blocks = [
        _input(BlockId.ADMIN_NAME.value, t.t("admin.field.name"), _text(customer.name, max_length=200)),
        _input(
            BlockId.ADMIN_ALIASES.value,
            t.t("admin.field.aliases"),
            _text(", ".join(customer.aliases), multiline=True),
            optional=True,
            hint=t.t("admin.aliases_hint"),
        ),
        _input(BlockId.ADMIN_STAGE.value, t.t("admin.field.stage"), stage, optional=True),
        _input(BlockId.ADMIN_MANAGER.value, t.t("admin.field.manager"), manager, optional=True),
    ]
    return _modal(CallbackId.ADMIN_CUSTOMER, t.t("admin.customer_title"), blocks, t, {"customer_id": customer.id})
