"""Block Kit for the daily digest: the message of ``/digest`` and of the daily post, its thread replies when the
departments do not all fit, and their fallback text.

Pure functions of a :class:`~bot.schedule.digest_report.DigestReport`, so the digest service decides *what* the
numbers are and these decide *how they look* (as ``standup_views.py`` does for stand-ups).
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.schedule.digest_report import STAGES, UNKNOWN_STAGE, DepartmentNumbers, DigestReport, OpenTicket
from bot.schedule.handoff_map import HandoffMap
from bot.surfaces.cards import Block
from bot.surfaces.digest_satisfaction import department_field, shows_stages, stage_section
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
    return _main_blocks(report, main, len(rest), "digest.more_departments_here", on_demand=True)


def render_messages(report: DigestReport) -> list[list[Block]]:
    """The daily post: the message of :func:`render_blocks`, and when the departments do not all fit in it, the
    others in thread replies of up to Slack's 50 blocks each."""
    main, rest = _split(report)
    messages = [_main_blocks(report, main, len(rest), "digest.more_departments", on_demand=False)]
    parts = chunked(rest, MESSAGE_BLOCKS - 1)  # each reply: a line saying what it continues, then sections
    t = Translator(report.language).t
    for number, part in enumerate(parts, start=2):
        note = t("digest.continued", day=report.day.isoformat(), part=number, parts=len(parts) + 1)
        messages.append([_context(note), *part])
    return messages


# What the first message holds besides the departments: header, context, divider, oldest open, complaints (and the
# hand-offs between departments, when there were any: :func:`shows_handoffs`).
_FIXED_BLOCKS = 5


def shows_handoffs(report: DigestReport) -> bool:
    """Whether the digest speaks of hand-offs: only when a consult was asked or answered, or a ticket bounced."""
    return report.handoffs is not None and not report.handoffs.is_empty


def _split(report: DigestReport) -> tuple[list[Block], list[Block]]:
    """Department sections for the first message and for the thread. When they do not all fit, the departments
    with the most overdue and open work come first, so the first message shows where help is needed."""
    departments = list(report.departments)
    fixed = _FIXED_BLOCKS + shows_handoffs(report) + shows_stages(report)  # satisfaction by stage, once answered
    if len(departments) > MESSAGE_BLOCKS - fixed:
        departments.sort(key=lambda d: (-d.overdue, -d.open, -d.opened))  # stable: file order among equals
    sections = [_department_section(report, department) for department in departments]
    room = MESSAGE_BLOCKS - fixed
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
            department_field(translator, department.satisfaction),
        ],
    }


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _main_blocks(
    report: DigestReport, sections: list[Block], left_out: int, note_key: str, *, on_demand: bool
) -> list[Block]:
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
    if shows_stages(report):
        blocks.append(stage_section(report, translator, [(s, _stage_name(translator, s)) for s in STAGES]))
    if report.handoffs is not None and shows_handoffs(report):
        text = _handoffs_text(report.handoffs, translator, len(report.days), on_demand=on_demand)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    return blocks


def _share(translator: Translator, ratio: float | None) -> str:
    return translator.t("digest.no_value") if ratio is None else translator.t("handoff.share", share=round(ratio * 100))


def handoff_summary(handoffs: HandoffMap, translator: Translator) -> str:
    """The one line of the hand-off map the digest shows: the slowest pair (by median time to answer); while no
    consult was answered, what was asked and bounced; with no consult at all, the pair most bounced between."""
    slowest, totals = handoffs.slowest, handoffs.totals
    if totals.asked == 0 and slowest is None:
        bounced = max(handoffs.pairs, key=lambda pair: pair.bounces)  # an empty map shows no line at all
        return translator.t(
            "handoff.digest.most_bounced",
            left=clip(handoffs.name(bounced.asking), DEPARTMENT_NAME_SHOWN),
            arrived=clip(handoffs.name(bounced.answering), DEPARTMENT_NAME_SHOWN),
            count=bounced.bounces,
        )
    if slowest is None or slowest.median_hours is None:
        return translator.t("handoff.digest.none_answered", asked=totals.asked, bounces=totals.bounces)
    return translator.t(
        "handoff.digest.slowest",
        asking=clip(handoffs.name(slowest.asking), DEPARTMENT_NAME_SHOWN),
        answering=clip(handoffs.name(slowest.answering), DEPARTMENT_NAME_SHOWN),
        hours=f"{slowest.median_hours:.1f}",
        count=slowest.answered,
        share=round((slowest.within_sla_ratio or 0) * 100),
    )


def _handoffs_text(handoffs: HandoffMap, translator: Translator, days: int, *, on_demand: bool) -> str:
    """The hand-offs section: its header and summary line; then the picture's place in the daily post, or every
    pair in ``/digest``, which has no picture (an ephemeral answer cannot carry a file)."""
    t = translator.t
    head = f"{t('handoff.digest.header', days=days)}\n{handoff_summary(handoffs, translator)}"
    if not on_demand:
        return clip(f"{head}\n{t('handoff.digest.picture')}", SECTION_TEXT)
    lines = [
        t(
            "handoff.digest.pair",
            asking=clip(handoffs.name(pair.asking), DEPARTMENT_NAME_SHOWN),
            answering=clip(handoffs.name(pair.answering), DEPARTMENT_NAME_SHOWN),
            asked=pair.asked,
            answered=pair.answered,
            median=_hours(translator, pair.median_hours),
            share=_share(translator, pair.within_sla_ratio),
            bounces=pair.bounces,
        )
        for pair in handoffs.pairs
    ]

    def more(count: int) -> str:
        return t("limits.more", count=count)

    head = clip(head, SECTION_TEXT // 2)
    return f"{head}\n{fit_lines(lines, SECTION_TEXT - len(head) - 1, more)}"


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
