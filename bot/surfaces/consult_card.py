"""What a card shows of consults: a ticket's questions to other departments (key, department, owner, due, status),
a consult's question in full and the ticket it is about; and how a ticket's status reads when it waits on another
department rather than on its requester. Pure functions of what to show and a translator."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.surfaces.i18n import Translator
from bot.surfaces.ids import BlockId
from bot.surfaces.limits import CONTEXT_TEXT, SECTION_TEXT, clip, fit_lines
from bot.tickets.states import Status

Block = dict[str, Any]
BLOCKED_ON_CONSULT = "blocked_on_consult"  # the status key of a ticket blocked on a consult (``status.<this>``)
CONSULTS_SHOWN = 8  # consult lines on a card; the rest are counted
DateText = Callable[[datetime | None], str]  # a moment as Slack shows it to each reader (``cards.slack_date``)


@dataclass(frozen=True)
class ConsultLine:
    """One of a ticket's consults as its card lists it."""

    key: str
    department_name: str
    owner_id: str
    status: str
    ack_due_at: datetime | None
    resolve_due_at: datetime | None
    waited_for: bool = False  # the ticket is blocked on this one


@dataclass(frozen=True)
class ParentRef:
    """The ticket a consult is about, as the consult's card shows it."""

    key: str
    department_name: str
    link: str | None = None  # its card's permalink, once known


def shown_status(status: str, blocked_on_consult: bool) -> str:
    """A status as people read it: blocked on another department's answer is not the same as blocked, nor as
    waiting on the requester (``status.<this>`` words it)."""
    return BLOCKED_ON_CONSULT if status == Status.BLOCKED.value and blocked_on_consult else status


def status_key(status: str, blocked_on_consult: bool) -> str:
    """The catalogue key of :func:`shown_status`."""
    return f"status.{shown_status(status, blocked_on_consult)}"


def status_text(status: str, translator: Translator, *, waiting_on: ConsultLine | None = None, on: bool = False) -> str:
    """A status in words; blocked on a consult names the department and the consult when they are known (``on``:
    blocked on a consult whose line is not at hand)."""
    if status == Status.BLOCKED.value and waiting_on is not None:
        return translator.t("consult.status.waiting_on", department=waiting_on.department_name, consult=waiting_on.key)
    return translator.t(status_key(status, on))


def consult_line(line: ConsultLine, translator: Translator, date: DateText) -> str:
    t = translator.t
    opened = line.status == Status.OPEN.value
    return t(
        "consult.card.line",
        key=line.key,
        department=line.department_name,
        owner=line.owner_id,
        status=t(status_key(line.status, False)),
        phase=t("consult.card.phase.acknowledge" if opened else "consult.card.phase.answer"),
        due=date(line.ack_due_at if opened else line.resolve_due_at),
        waiting=t("consult.card.waited_for") if line.waited_for else "",
    )


def consults_section(lines: Sequence[ConsultLine], translator: Translator, date: DateText) -> Block:
    """The parent's open consults, oldest first; past :data:`CONSULTS_SHOWN` (or a section's 3,000 characters)
    the rest are counted."""
    header = translator.t("consult.card.header", count=len(lines))
    rendered = [consult_line(line, translator, date) for line in lines]
    body = fit_lines(
        rendered,
        SECTION_TEXT - len(header) - 1,
        lambda count: translator.t("limits.more", count=count),
        max_lines=CONSULTS_SHOWN,
    )
    return {
        "type": "section",
        "block_id": BlockId.CARD_CONSULTS.value,
        "text": {"type": "mrkdwn", "text": f"{header}\n{body}"},
    }


def question_blocks(parent: ParentRef, question: str, asker_id: str, translator: Translator) -> list[Block]:
    """A consult's card: which ticket it is about (a link to its card when known) and the question in full."""
    t = translator.t
    about = f"<{parent.link}|{parent.key}>" if parent.link else f"*{parent.key}*"
    context = clip(
        t("consult.card.about", department=parent.department_name, parent=about, asker=asker_id), CONTEXT_TEXT
    )
    head = t("consult.card.question")
    return [
        {"type": "context", "block_id": BlockId.CARD_PARENT.value, "elements": [{"type": "mrkdwn", "text": context}]},
        {
            "type": "section",
            "block_id": BlockId.CARD_QUESTION.value,
            "text": {"type": "mrkdwn", "text": f"{head}\n{clip(question, SECTION_TEXT - len(head) - 1)}"},
        },
    ]
