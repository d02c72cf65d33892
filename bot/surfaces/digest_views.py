"""Block Kit for the daily digest: the message of ``/digest`` and of the daily post, its thread replies when the
departments do not all fit, and their fallback text.

Pure functions of a :class:`~bot.schedule.digest_report.DigestReport`, so the digest service decides *what* the
numbers are and these decide *how they look* (as ``standup_views.py`` does for stand-ups).
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.schedule.digest_report import STAGES, UNKNOWN_STAGE, DepartmentNumbers, DigestReport, OpenTicket
from bot.surfaces.cards import Block
from bot.surfaces.i18n import Translator
from bot.surfaces.limits import MESSAGE_BLOCKS, SECTION_TEXT, chunked, clip, fit_lines

DEPARTMENT_NAME_SHOWN = 100  # a department's name in the digest; the file does not bound it


def _hours(translator: Translator, value: float | None) -> str:
    return translator.t("digest.no_value") if value is None else translator.t("digest.hours", hours=f"{value:.1f}")


def _age(translator: Translator, age: timedelta) -> str:
    days, hours = divmod(max(int(age.total_seconds() // 3600), 0), 24)
    return translator.t("digest.age", days=days, hours=hours)


def _field(label: str, value: object) -> Block:
    return {"type": "mrkdwn", "text": f"*{label}*\n{value}"}


def fallback_text(report: DigestReport) -> str:
    """The notification and screen-reader text of a digest message."""
    return Translator(report.language).t(
        "digest.fallback",
        day=report.day.isoformat(),
        opened=report.total("opened"),
        resolved=report.total("resolved"),
        open=report.total("open"),
        overdue=report.total("overdue"),
    )


def header_text(blocks: list[Block]) -> str:
    """The header of rendered digest blocks (of a thread reply, the line saying what it continues): the fallback
    text of a message that has only the blocks."""
    header = next((b for b in blocks if b.get("type") == "header"), None)
    if header is not None:
        return str(header["text"]["text"])
    context = next((b for b in blocks if b.get("type") == "context"), None)
    return str(context["elements"][0]["text"]) if context else ""


def render_blocks(report: DigestReport) -> list[Block]:
    """The digest as one message (the ``/digest`` answer): header, one section per department, the oldest open
    tickets, complaints by lifecycle stage. Departments beyond what a message holds are counted; the daily post
    lists them in its thread (:func:`render_messages`)."""
    main, rest = _split(report)
    return _main_blocks(report, main, len(rest), "digest.more_departments_here")


def render_messages(report: DigestReport) -> list[list[Block]]:
    """The daily post: the message of :func:`render_blocks`, and when the departments do not all fit in it, the
    others in thread replies of up to Slack's 50 blocks each."""
    main, rest = _split(report)
    messages = [_main_blocks(report, main, len(rest), "digest.more_departments")]
    parts = chunked(rest, MESSAGE_BLOCKS - 1)  # each reply: a line saying what it continues, then sections
    t = Translator(report.language).t
    for number, part in enumerate(parts, start=2):
        note = t("digest.continued", day=report.day.isoformat(), part=number, parts=len(parts) + 1)
        messages.append([_context(note), *part])
    return messages


# What the first message holds besides the departments: header, context, divider, oldest open, complaints.
_FIXED_BLOCKS = 5


def _split(report: DigestReport) -> tuple[list[Block], list[Block]]:
    """Department sections for the first message and for the thread. When they do not all fit, the departments
    with the most overdue and open work come first, so the first message shows where help is needed."""
    departments = list(report.departments)
    if len(departments) > MESSAGE_BLOCKS - _FIXED_BLOCKS:
        departments.sort(key=lambda d: (-d.overdue, -d.open, -d.opened))  # stable: file order among equals
    sections = [_department_section(report, department) for department in departments]
    room = MESSAGE_BLOCKS - _FIXED_BLOCKS
    if len(sections) <= room:
        return sections, []
    room -= 1  # the line saying where the others are
    return sections[:room], sections[room:]


def _department_section(report: DigestReport, department: DepartmentNumbers) -> Block:
    translator = Translator(report.language)
    t = translator.t
    overdue = f":warning: {department.overdue}" if department.overdue else "0"
    name = clip(department.name, DEPARTMENT_NAME_SHOWN)
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": t("digest.department", name=name, key=department.key)},
        "fields": [
            _field(t("digest.opened"), department.opened),
            _field(t("digest.resolved"), department.resolved),
            _field(t("digest.open"), department.open),
            _field(t("digest.overdue"), overdue),
            _field(t("digest.median_ack"), _hours(translator, department.median_ack_hours)),
            _field(t("digest.median_resolve"), _hours(translator, department.median_resolve_hours)),
            _field(t("digest.bounces"), department.bounced),
        ],
    }


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _main_blocks(report: DigestReport, sections: list[Block], left_out: int, note_key: str) -> list[Block]:
    translator = Translator(report.language)
    t = translator.t
    day = report.day.isoformat()
    as_of = report.generated_at.astimezone(ZoneInfo(report.timezone)).strftime("%H:%M")
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": t("digest.header", day=day)}},
        _context(t("digest.context", day=day, tz=report.timezone, days=len(report.days), time=as_of)),
        *sections,
    ]
    if left_out:
        blocks.append(_context(t(note_key, count=left_out)))
    blocks.append({"type": "divider"})
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _oldest_text(report, translator)}})
    total = sum(report.complaints.values())
    blocks.append(
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": t("digest.complaints.header", days=len(report.days), total=total)},
            "fields": [_field(_stage_name(translator, stage), report.complaints[stage]) for stage in STAGES],
        }
    )
    return blocks


def _stage_name(translator: Translator, stage: str) -> str:
    return translator.t("digest.stage.unknown" if stage == UNKNOWN_STAGE else f"stage.{stage}")


_PAUSED = {"waiting": "consult.digest.waiting", "blocked": "consult.digest.blocked"}


def _paused(translator: Translator, ticket: OpenTicket) -> str:
    """Why an old ticket is not moving, when it is on hold: waiting on its requester, on another department's
    answer, or blocked."""
    if ticket.status == "blocked" and ticket.blocked_on_consult:
        return translator.t("consult.digest.blocked_on_consult")
    return translator.t(_PAUSED[ticket.status]) if ticket.status in _PAUSED else ""


def _oldest_text(report: DigestReport, translator: Translator) -> str:
    header = translator.t("digest.oldest.header")
    if not report.oldest_open:
        return f"{header}\n{translator.t('digest.oldest.none')}"
    lines: list[str] = []
    for ticket in report.oldest_open:
        label = f"<{ticket.link}|{ticket.key}>" if ticket.link else f"*{ticket.key}*"
        lines.append(
            translator.t(
                "digest.oldest.line",
                ticket=label,
                title=ticket.title,
                department=clip(ticket.department_name, DEPARTMENT_NAME_SHOWN),
                owner=ticket.owner_id,
                age=_age(translator, ticket.age),
            )
            + _paused(translator, ticket)
        )

    def more(count: int) -> str:
        return translator.t("limits.more", count=count)

    return f"{header}\n{fit_lines(lines, SECTION_TEXT - len(header) - 1, more)}"
