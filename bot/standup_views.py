"""Block Kit for stand-ups: the question DM, its settled form, the answer modal and the channel summary.

Pure functions of what to show, so the service decides *what* and these decide *how it looks*. The
stand-up round (department and day) travels in button values and in the modal's ``private_metadata``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.cards import Block
from bot.i18n import Translator
from bot.ids import ActionId, BlockId, CallbackId
from bot.text import neutralise_broadcasts, to_plain

View = dict[str, Any]

ANSWER_MAX = 3000  # Slack's limit for a plain_text_input
SECTION_MAX = 3000  # Slack's limit for a section's text
TICKETS_SHOWN = 10  # a DM lists at most this many tickets, then "…and N more"
MAX_BLOCKS = 50  # Slack's limit for a message


@dataclass(frozen=True)
class TicketLine:
    key: str
    title: str
    status: str
    overdue: bool


@dataclass(frozen=True)
class AnsweredEntry:
    entry_id: int
    user_id: str
    answers: list[str]
    blocker: bool  # the last answer names a real blocker: offer to turn it into a ticket


@dataclass(frozen=True)
class Summary:
    department_name: str
    day: str
    questions: list[str]
    final: bool  # the posted summary (``False``: ``/standup summary`` before ``post_at``)
    answered: list[AnsweredEntry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    later: list[str] = field(default_factory=list)  # their own stand-up time has not come yet
    overdue: dict[str, list[TicketLine]] = field(default_factory=dict)


def round_value(department_key: str, day: str) -> str:
    """What the Answer / Skip buttons carry: which stand-up, which day."""
    return f"{department_key}:{day}"


def parse_round(value: str) -> tuple[str, str] | None:
    department_key, _, day = value.partition(":")
    return (department_key, day) if department_key and len(day) == 10 else None


def answer_block_id(index: int) -> str:
    return f"{BlockId.STANDUP_ANSWER.value}.{index}"


def blocker_block_id(entry_id: int) -> str:
    """The summary's block for one person's answers when they carry a blocker button: an id the bot sets, so the
    click names a block the bot knows (Slack would make one up otherwise), unique within the message."""
    return f"{BlockId.STANDUP_BLOCKER.value}.{entry_id}"


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_MAX]}}


def _button(action: ActionId, label: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action.value,
        "text": {"type": "plain_text", "text": label[:75]},
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _quoted(text: str) -> str:
    return neutralise_broadcasts(text).strip() or "—"


def _people(user_ids: Sequence[str]) -> str:
    return ", ".join(f"<@{user}>" for user in user_ids)


def numbered(questions: Sequence[str]) -> str:
    return "\n".join(f"{number}. {question}" for number, question in enumerate(questions, start=1))


def ticket_lines(translator: Translator, tickets: Sequence[TicketLine]) -> str:
    t = translator.t
    if not tickets:
        return t("standup.prompt.no_tickets")
    lines = [
        t(
            "standup.ticket_line",
            key=ticket.key,
            title=ticket.title,
            status=t(f"status.{ticket.status}"),
            overdue=t("standup.overdue_mark") if ticket.overdue else "",
        )
        for ticket in tickets[:TICKETS_SHOWN]
    ]
    if len(tickets) > TICKETS_SHOWN:
        lines.append(t("standup.more_tickets", count=len(tickets) - TICKETS_SHOWN))
    return "\n".join(lines)


def prompt_message(
    translator: Translator,
    *,
    department_key: str,
    department_name: str,
    day: str,
    post_at: str,
    questions: Sequence[str],
    tickets: Sequence[TicketLine],
) -> dict[str, Any]:
    """The DM asking a member for their stand-up: the questions, their tickets, Answer / Skip today."""
    t = translator.t
    value = round_value(department_key, day)
    intro = t(
        "standup.prompt.text", department=department_name, day=day, post_at=post_at, questions=numbered(questions)
    )
    blocks: list[Block] = [
        _section(intro),
        _section(f"{t('standup.prompt.tickets_header')}\n{ticket_lines(translator, tickets)}"),
        {
            "type": "actions",
            "block_id": BlockId.STANDUP_PROMPT_ACTIONS.value,
            "elements": [
                _button(ActionId.STANDUP_ANSWER, t("standup.button.answer"), value, "primary"),
                _button(ActionId.STANDUP_SKIP, t("standup.button.skip"), value),
            ],
        },
    ]
    return {"text": t("standup.prompt.fallback", department=department_name, day=day), "blocks": blocks}


def settled_prompt(
    translator: Translator,
    *,
    outcome: str,
    department_key: str,
    day: str,
    questions: Sequence[str],
    answers: Sequence[str] | None,
) -> dict[str, Any]:
    """The question DM once answered (the answers, and Edit answers) or skipped (no buttons)."""
    blocks: list[Block] = [_section(outcome)]
    if answers is not None:
        blocks.append(_section(_answers_text(questions, answers)))
        blocks.append(
            {
                "type": "actions",
                "block_id": BlockId.STANDUP_PROMPT_ACTIONS.value,
                "elements": [
                    _button(
                        ActionId.STANDUP_ANSWER, translator.t("standup.button.edit"), round_value(department_key, day)
                    )
                ],
            }
        )
    return {"text": outcome, "blocks": blocks}


def _answers_text(questions: Sequence[str], answers: Sequence[str]) -> str:
    return "\n".join(f"*{question}*\n{_quoted(answer)}" for question, answer in zip(questions, answers, strict=False))


def answer_modal(
    translator: Translator,
    *,
    department_key: str,
    department_name: str,
    day: str,
    questions: Sequence[str],
    previous: Sequence[str] | None = None,
    origin: dict[str, Any] | None = None,
) -> View:
    """One multiline input per question; the last (the blocker question) may stay empty."""
    t = translator.t
    blocks: list[Block] = [_section(t("standup.modal.intro", department=department_name, day=day))]
    for index, question in enumerate(questions):
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": ActionId.FORM_VALUE.value,
            "multiline": True,
            "max_length": ANSWER_MAX,
        }
        if previous is not None and index < len(previous) and previous[index]:
            element["initial_value"] = to_plain(previous[index])[:ANSWER_MAX]  # kept as Slack text, typed as plain
        blocks.append(
            {
                "type": "input",
                "block_id": answer_block_id(index),
                "label": {"type": "plain_text", "text": to_plain(question)[:2000] or "…"},
                "element": element,
                "optional": is_optional(index, len(questions)),
            }
        )
    metadata = {"department": department_key, "day": day, **(origin or {})}
    return {
        "type": "modal",
        "callback_id": CallbackId.STANDUP_ANSWER.value,
        "title": {"type": "plain_text", "text": t("standup.modal.title")[:24]},
        "submit": {"type": "plain_text", "text": t("standup.modal.submit")},
        "close": {"type": "plain_text", "text": t("form.cancel")},
        "blocks": blocks,
        "private_metadata": json.dumps(metadata, ensure_ascii=False),
    }


def is_optional(index: int, count: int) -> bool:
    """Only the blocker question (the last of several) may be left empty: "nothing blocks me"."""
    return count > 1 and index == count - 1


def summary_message(translator: Translator, summary: Summary) -> dict[str, Any]:
    """The summary: each answer by person (blockers with a ticket button), who skipped or did not answer,
    and each member's overdue tickets."""
    t = translator.t
    header_key = "standup.summary.header" if summary.final else "standup.summary.header_so_far"
    blocks: list[Block] = [_section(t(header_key, department=summary.department_name, day=summary.day))]
    if not summary.answered:
        blocks.append(_section(t("standup.summary.nobody")))
    for entry in summary.answered:
        text = f"{t('standup.summary.person', user=entry.user_id)}\n{_answers_text(summary.questions, entry.answers)}"
        block = _section(text)
        if entry.blocker:
            block["block_id"] = blocker_block_id(entry.entry_id)
            block["accessory"] = _button(
                ActionId.STANDUP_BLOCKER_TICKET, t("standup.button.blocker_ticket"), str(entry.entry_id)
            )
        blocks.append(block)
    people: list[str] = []
    if summary.skipped:
        people.append(t("standup.summary.skipped", people=_people(summary.skipped)))
    if summary.missing:
        key = "standup.summary.missing" if summary.final else "standup.summary.pending"
        people.append(t(key, people=_people(summary.missing)))
    if summary.later:
        people.append(t("standup.summary.later", people=_people(summary.later)))
    if people:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": line} for line in people]})
    overdue = [
        t("standup.summary.overdue_person", user=user, tickets=", ".join(f"*{x.key}* {x.title}" for x in tickets))
        for user, tickets in summary.overdue.items()
        if tickets
    ]
    lines = "\n".join(overdue) if overdue else t("standup.summary.no_overdue")
    blocks.append(_section(f"{t('standup.summary.overdue_header')}\n{lines}"))
    fallback = t(
        "standup.summary.fallback",
        department=summary.department_name,
        day=summary.day,
        answered=len(summary.answered),
        skipped=len(summary.skipped),
        missing=len(summary.missing),
    )
    if len(blocks) > MAX_BLOCKS:  # a department of more than ~45 people: keep the people lists and tickets
        blocks = [*blocks[: MAX_BLOCKS - 2], *blocks[-2:]]
    return {"text": fallback, "blocks": blocks}


def late_answer_message(
    translator: Translator,
    *,
    user_id: str,
    department_name: str,
    day: str,
    questions: Sequence[str],
    answers: Sequence[str],
) -> dict[str, Any]:
    """Posted to the department channel when someone answers after the summary went out."""
    intro = translator.t("standup.late_answer", user=user_id, department=department_name, day=day)
    return {"text": intro, "blocks": [_section(intro), _section(_answers_text(questions, answers))]}
