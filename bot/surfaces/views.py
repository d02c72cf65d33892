"""Block Kit for forms (modals): new ticket, hand-off, decline, resolve, escalate, asking another department and
answering or declining its question, and refusal notices.

Pure functions of what to show; the ticket key or origin message travels in ``private_metadata``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from bot.surfaces.cards import Block
from bot.surfaces.customer_views import customer_input
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId, BlockId, CallbackId
from bot.surfaces.limits import CONTEXT_TEXT, OPTION_GROUPS, OPTION_TEXT, SECTION_TEXT, SELECT_OPTIONS, clip
from bot.surfaces.text import to_plain
from config.schema import LIFECYCLE_STAGES, PRIORITIES, Department, WorkspaceConfig

View = dict[str, Any]
Choices = dict[str, list[dict[str, Any]]]  # a select's ``options`` or its ``option_groups``

TITLE_MAX = 150
TEXT_MAX = 3000


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:150], "emoji": True}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": _plain(clip(text, OPTION_TEXT)), "value": value}


def _modal(
    callback_id: CallbackId,
    title: str,
    blocks: list[Block],
    translator: Translator,
    *,
    metadata: dict[str, Any] | None = None,
    submit: str | None = None,
) -> View:
    view: View = {
        "type": "modal",
        "callback_id": callback_id.value,
        "title": _plain(to_plain(title)[:24]),  # a plain_text title shows markup as typed: never <@U…>
        "close": _plain(translator.t("form.cancel")),
        "blocks": blocks,
        "private_metadata": json.dumps(metadata or {}, ensure_ascii=False),
    }
    if submit:
        view["submit"] = _plain(submit)
    return view


def _text_input(
    block_id: BlockId,
    label: str,
    *,
    multiline: bool = False,
    optional: bool = False,
    initial: str | None = None,
    max_length: int = TEXT_MAX,
    placeholder: str | None = None,
) -> Block:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ActionId.FORM_VALUE.value,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = _plain(placeholder)
    return {
        "type": "input",
        "block_id": block_id.value,
        "label": _plain(label),
        "element": element,
        "optional": optional,
    }


def _select(
    block_id: BlockId,
    label: str,
    options: list[dict[str, Any]] | Choices,
    *,
    initial: str | None = None,
    optional: bool = False,
    action_id: ActionId = ActionId.FORM_VALUE,
    dispatch: bool = False,
) -> Block:
    choices: Choices = {"options": options} if isinstance(options, list) else options
    element: dict[str, Any] = {"type": "static_select", "action_id": action_id.value, **choices}
    every = choices.get("options") or [o for group in choices.get("option_groups", []) for o in group["options"]]
    chosen = next((o for o in every if o["value"] == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    block: Block = {
        "type": "input",
        "block_id": block_id.value,
        "label": _plain(label),
        "element": element,
        "optional": optional,
    }
    if dispatch:
        block["dispatch_action"] = True
    return block


def department_options(workspace: WorkspaceConfig) -> list[dict[str, Any]]:
    return [_option(d.name, d.key) for d in workspace.departments]


def department_choices(translator: Translator, workspace: WorkspaceConfig) -> Choices:
    """The department picker's options: in file order while Slack's 100 fit in one menu; beyond that, in
    alphabetical option groups (Slack takes 100 groups of 100), each labelled with its first and last name so a
    person scrolling knows where they are. Typing filters across every group, and the routed department can
    still be preselected — which a menu loading its options from the bot (``external_select``) would make a
    round trip per keystroke for, and an extra URL to configure in the Slack app."""
    return _choices_of(translator, workspace.departments)


def _choices_of(translator: Translator, departments: Sequence[Department]) -> Choices:
    if len(departments) <= SELECT_OPTIONS:
        return {"options": [_option(d.name, d.key) for d in departments]}
    ordered = sorted(departments, key=lambda d: (d.name.casefold(), d.key))
    count = math.ceil(len(ordered) / SELECT_OPTIONS)
    if count > OPTION_GROUPS:
        raise ValueError("check-config allows no more departments than Slack's option groups hold")
    size, larger = divmod(len(ordered), count)  # groups of equal size (give or take one), not 100 and a straggler
    groups: list[list[Department]] = []
    for index in range(count):
        start = index * size + min(index, larger)
        groups.append(ordered[start : start + size + (1 if index < larger else 0)])
    return {"option_groups": [_department_group(translator, group) for group in groups]}


def _department_group(translator: Translator, group: list[Department]) -> dict[str, Any]:
    half = (OPTION_TEXT - 3) // 2  # two names around " – "
    label = translator.t("form.department_group", first=clip(group[0].name, half), last=clip(group[-1].name, half))
    return {"label": _plain(clip(label, OPTION_TEXT)), "options": [_option(d.name, d.key) for d in group]}


def owner_hint(translator: Translator, department_name: str, owner_id: str | None) -> Block:
    """Who would get the ticket; a department name longer than the line holds is cut (the file does not bound it)."""
    if owner_id:
        room = CONTEXT_TEXT - len(translator.t("form.owner_hint", department="", owner=owner_id))
        text = translator.t("form.owner_hint", department=clip(department_name, room), owner=owner_id)
    else:
        text = translator.t("form.owner_hint_unknown")
    return {
        "type": "context",
        "block_id": BlockId.FORM_OWNER_HINT.value,
        "elements": [{"type": "mrkdwn", "text": text}],
    }


def new_ticket_modal(
    translator: Translator,
    workspace: WorkspaceConfig,
    *,
    department_key: str,
    next_owner: str | None,
    title: str = "",
    description: str = "",
    metadata: dict[str, Any] | None = None,
    initial: dict[str, Any] | None = None,
) -> View:
    """The form behind ``/ticket`` without text and the "Create ticket" message shortcut.

    ``initial`` carries what the person already chose (priority, customer — the option chosen —, stage,
    complaint) when the form is redrawn after they picked another department.
    """
    t = translator.t
    initial = initial or {}
    department = workspace.department(department_key) or workspace.triage
    complaint: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": ActionId.FORM_VALUE.value,
        "options": [_option(t("form.complaint_option"), "yes")],
    }
    if initial.get("complaint"):
        complaint["initial_options"] = complaint["options"]
    blocks: list[Block] = [
        _text_input(BlockId.FORM_TITLE, t("form.title"), initial=title, max_length=TITLE_MAX),
        _text_input(
            BlockId.FORM_DESCRIPTION, t("form.description"), multiline=True, optional=True, initial=description
        ),
        _select(
            BlockId.FORM_DEPARTMENT,
            t("form.department"),
            department_choices(translator, workspace),
            initial=department.key,
            action_id=ActionId.FORM_DEPARTMENT,
            dispatch=True,
        ),
        owner_hint(translator, department.name, next_owner),
        _select(
            BlockId.FORM_PRIORITY,
            t("form.priority"),
            [_option(t(f"priority.{p}"), p) for p in PRIORITIES],
            initial=initial.get("priority") or "normal",
        ),
        customer_input(translator, initial.get("customer")),
        _select(
            BlockId.FORM_STAGE,
            t("form.stage"),
            [_option(t(f"stage.{s}"), s) for s in LIFECYCLE_STAGES],
            optional=True,
            initial=initial.get("stage"),
        ),
        {
            "type": "input",
            "block_id": BlockId.FORM_COMPLAINT.value,
            "optional": True,
            "label": _plain(t("form.complaint")),
            "element": complaint,
        },
    ]
    return _modal(
        CallbackId.NEW_TICKET, t("form.new_ticket_title"), blocks, translator, metadata=metadata, submit=t("form.open")
    )


def reassign_modal(translator: Translator, workspace: WorkspaceConfig, key: str, department_key: str) -> View:
    t = translator.t
    blocks: list[Block] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": t("form.reassign_intro", key=key)}},
        _select(
            BlockId.FORM_DEPARTMENT,
            t("form.department"),
            department_choices(translator, workspace),
            initial=department_key,
        ),
        {
            "type": "input",
            "block_id": BlockId.FORM_PERSON.value,
            "label": _plain(t("form.person")),
            "element": {"type": "users_select", "action_id": ActionId.FORM_VALUE.value},
        },
        _text_input(BlockId.FORM_REASON, t("form.reason"), multiline=True, max_length=1000),
    ]
    return _modal(
        CallbackId.REASSIGN, t("form.reassign_title"), blocks, translator, metadata={"key": key}, submit=t("form.send")
    )


def _note_modal(
    translator: Translator,
    key: str,
    callback_id: CallbackId,
    name: str,
    block: BlockId,
    label_key: str,
    max_length: int,
) -> View:
    """A form that asks one thing about ticket ``key`` (a reason, a resolution note)."""
    t = translator.t
    blocks: list[Block] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": t(f"form.{name}_intro", key=key)}},
        _text_input(block, t(label_key), multiline=True, max_length=max_length),
    ]
    return _modal(
        callback_id, t(f"form.{name}_title"), blocks, translator, metadata={"key": key}, submit=t(f"form.{name}")
    )


def decline_modal(translator: Translator, key: str) -> View:
    return _note_modal(translator, key, CallbackId.DECLINE, "decline", BlockId.FORM_REASON, "form.reason", 1000)


def resolve_modal(translator: Translator, key: str) -> View:
    return _note_modal(translator, key, CallbackId.RESOLVE, "resolve", BlockId.FORM_NOTE, "form.resolution", 2000)


def escalate_modal(translator: Translator, key: str) -> View:
    return _note_modal(translator, key, CallbackId.ESCALATE, "escalate", BlockId.FORM_REASON, "form.reason", 1000)


def rating_comment_modal(translator: Translator, key: str) -> View:
    """*Add a comment* on the rating DM of ticket ``key``."""
    label = "form.rating_comment_label"
    return _note_modal(translator, key, CallbackId.RATING_COMMENT, "rating_comment", BlockId.FORM_COMMENT, label, 2000)


def ask_consult_modal(translator: Translator, workspace: WorkspaceConfig, key: str, department_key: str) -> View:
    """*Ask another department* about ticket ``key`` (of ``department_key``, which is not offered): which one, the
    question, an optional priority, and whether the ticket waits for the answer."""
    t = translator.t
    choices = _choices_of(translator, [d for d in workspace.departments if d.key != department_key])
    wait: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": ActionId.FORM_VALUE.value,
        "options": [_option(t("consult.form.wait_option"), "yes")],
    }
    blocks: list[Block] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": t("consult.form.ask_intro", key=key)}},
        _select(BlockId.FORM_DEPARTMENT, t("consult.form.department"), choices),
        _text_input(BlockId.FORM_QUESTION, t("consult.form.question"), multiline=True),
        _select(
            BlockId.FORM_PRIORITY,
            t("consult.form.priority"),
            [_option(t(f"priority.{p}"), p) for p in PRIORITIES],
            optional=True,
        ),
        {
            "type": "input",
            "block_id": BlockId.FORM_WAIT.value,
            "optional": True,
            "label": _plain(t("consult.form.wait")),
            "element": wait,
        },
    ]
    return _modal(
        CallbackId.ASK_CONSULT,
        t("consult.form.ask_title"),
        blocks,
        translator,
        metadata={"key": key},
        submit=t("consult.form.ask"),
    )


def answer_consult_modal(translator: Translator, key: str, department: str, parent_key: str, question: str) -> View:
    """*Answer* a consult: its question in full above the answer."""
    t = translator.t
    intro = t("consult.form.answer_intro", key=key, department=department, parent=parent_key, question="")
    blocks: list[Block] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": intro + clip(question, SECTION_TEXT - len(intro))}},
        _text_input(BlockId.FORM_ANSWER, t("consult.form.answer"), multiline=True),
    ]
    return _modal(
        CallbackId.ANSWER_CONSULT,
        t("consult.form.answer_title"),
        blocks,
        translator,
        metadata={"key": key},
        submit=t("consult.form.answer_submit"),
    )


def decline_consult_modal(translator: Translator, key: str, department: str) -> View:
    """*Decline* a consult: the reason goes back to whoever asked."""
    t = translator.t
    blocks: list[Block] = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": t("consult.form.decline_intro", key=key, department=department)},
        },
        _text_input(BlockId.FORM_REASON, t("form.reason"), multiline=True, max_length=1000),
    ]
    return _modal(
        CallbackId.DECLINE_CONSULT,
        t("consult.form.decline_title"),
        blocks,
        translator,
        metadata={"key": key},
        submit=t("consult.form.decline"),
    )


def notice_view(translator: Translator, text: str) -> View:
    """Replaces a form when the submission was refused: says why, closes."""
    blocks: list[Block] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    return _modal(CallbackId.NOTICE, translator.t("form.notice_title"), blocks, translator)
