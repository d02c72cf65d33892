"""Block Kit for stand-ups: the question DM, its settled form, the answer modal and the channel summary.

Pure functions of what to show, so the service decides *what* and these decide *how it looks*. The
stand-up round (department and day) travels in button values and in the modal's ``private_metadata``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.surfaces.cards import Block
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId, BlockId, CallbackId
from bot.surfaces.limits import (
    BUTTON_TEXT,
    CONTEXT_TEXT,
    INPUT_TEXT,
    MESSAGE_BLOCKS,
    SECTION_TEXT,
    chunked,
    clip,
    fit_lines,
    share,
)
from bot.surfaces.text import neutralise_broadcasts, to_plain

View = dict[str, Any]

ANSWER_MAX = INPUT_TEXT  # Slack's limit for a plain_text_input
SECTION_MAX = SECTION_TEXT  # Slack's limit for a section's text
TICKETS_SHOWN = 10  # a DM lists at most this many tickets, then "…and N more"
MAX_BLOCKS = MESSAGE_BLOCKS  # Slack's limit for a message
OVERDUE_TICKETS_SHOWN = 5  # a member's overdue tickets named in the summary, then "…and N more"


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
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_MAX)}}


def _more(translator: Translator) -> Callable[[int], str]:
    """ "…and N more", for a list cut short."""
    return lambda count: translator.t("limits.more", count=count)


def _button(action: ActionId, label: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action.value,
        "text": {"type": "plain_text", "text": clip(label, BUTTON_TEXT)},
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _quoted(text: str) -> str:
    return neutralise_broadcasts(text).strip() or "—"


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
    unseen = len(tickets) - len(lines)
    room = SECTION_MAX - len(t("standup.prompt.tickets_header")) - 1
    return fit_lines(lines, room, _more(translator), unseen=unseen)


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


def _answers_text(questions: Sequence[str], answers: Sequence[str], limit: int = SECTION_MAX) -> str:
    """Each question in bold and its answer, within ``limit`` characters: long answers are cut (with "…") so that
    every question keeps its answer; the person's full answers stay in their DM and the database."""
    pairs = list(zip(questions, answers, strict=False))
    asked = [f"*{question}*\n" for question, _ in pairs]
    room = limit - sum(map(len, asked)) - max(len(pairs) - 1, 0)
    said = share([_quoted(answer) for _, answer in pairs], room)
    return clip("\n".join(question + answer for question, answer in zip(asked, said, strict=True)), limit)


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
    """The summary as one message (``/standup summary``): answers that do not fit are counted, and the posted
    summary lists them in its thread (:func:`summary_messages`)."""
    shown, rest = _split_answers(translator, summary)
    return _summary_first(translator, summary, shown, len(rest), "standup.summary.more_answers_here")


def summary_messages(translator: Translator, summary: Summary) -> list[dict[str, Any]]:
    """The posted summary: each answer by person (blockers with a ticket button), who skipped or did not answer,
    and each member's overdue tickets; answers beyond what one message holds continue in thread replies."""
    shown, rest = _split_answers(translator, summary)
    messages = [_summary_first(translator, summary, shown, len(rest), "standup.summary.more_answers")]
    parts = chunked(rest, MAX_BLOCKS - 1)  # each reply: a line saying what it continues, then answers
    for number, part in enumerate(parts, start=2):
        note = translator.t(
            "standup.summary.continued",
            department=summary.department_name,
            day=summary.day,
            part=number,
            parts=len(parts) + 1,
        )
        messages.append({"text": note, "blocks": [_context([note]), *part]})
    return messages


# Besides the answers, the first message holds the header, who skipped or did not answer, and overdue tickets.
_SUMMARY_FIXED = 3


def _split_answers(translator: Translator, summary: Summary) -> tuple[list[Block], list[Block]]:
    answers = [_answer_block(translator, summary, entry) for entry in summary.answered]
    room = MAX_BLOCKS - _SUMMARY_FIXED
    if len(answers) <= room:
        return answers, []
    room -= 1  # the line saying where the others are
    return answers[:room], answers[room:]


def _answer_block(translator: Translator, summary: Summary, entry: AnsweredEntry) -> Block:
    person = translator.t("standup.summary.person", user=entry.user_id)
    block = _section(f"{person}\n{_answers_text(summary.questions, entry.answers, SECTION_MAX - len(person) - 1)}")
    if entry.blocker:
        block["block_id"] = blocker_block_id(entry.entry_id)
        block["accessory"] = _button(
            ActionId.STANDUP_BLOCKER_TICKET, translator.t("standup.button.blocker_ticket"), str(entry.entry_id)
        )
    return block


def _context(lines: Sequence[str]) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": line} for line in lines]}


def _people_line(translator: Translator, key: str, user_ids: Sequence[str]) -> str:
    """``key``'s line naming ``user_ids``, as many as a context line holds, the others counted."""
    room = CONTEXT_TEXT - len(translator.t(key, people=""))
    named = fit_lines([f"<@{user}>" for user in user_ids], room, _more(translator), separator=", ")
    return translator.t(key, people=named)


def _overdue_text(translator: Translator, summary: Summary) -> str:
    t = translator.t
    header = t("standup.summary.overdue_header")
    lines = []
    for user, tickets in summary.overdue.items():
        if not tickets:
            continue
        named = [f"*{ticket.key}* {ticket.title}" for ticket in tickets[:OVERDUE_TICKETS_SHOWN]]
        room = SECTION_MAX // 4
        listed = fit_lines(named, room, _more(translator), separator=", ", unseen=len(tickets) - len(named))
        lines.append(t("standup.summary.overdue_person", user=user, tickets=listed))
    if not lines:
        return f"{header}\n{t('standup.summary.no_overdue')}"
    return f"{header}\n{fit_lines(lines, SECTION_MAX - len(header) - 1, _more(translator))}"


def _summary_first(
    translator: Translator, summary: Summary, answers: list[Block], left_out: int, note_key: str
) -> dict[str, Any]:
    t = translator.t
    header_key = "standup.summary.header" if summary.final else "standup.summary.header_so_far"
    blocks: list[Block] = [_section(t(header_key, department=summary.department_name, day=summary.day))]
    if not summary.answered:
        blocks.append(_section(t("standup.summary.nobody")))
    blocks.extend(answers)
    if left_out:
        blocks.append(_context([t(note_key, count=left_out)]))
    people: list[str] = []
    if summary.skipped:
        people.append(_people_line(translator, "standup.summary.skipped", summary.skipped))
    if summary.missing:
        key = "standup.summary.missing" if summary.final else "standup.summary.pending"
        people.append(_people_line(translator, key, summary.missing))
    if summary.later:
        people.append(_people_line(translator, "standup.summary.later", summary.later))
    if people:
        blocks.append(_context(people))
    blocks.append(_section(_overdue_text(translator, summary)))
    fallback = t(
        "standup.summary.fallback",
        department=summary.department_name,
        day=summary.day,
        answered=len(summary.answered),
        skipped=len(summary.skipped),
        missing=len(summary.missing),
    )
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
