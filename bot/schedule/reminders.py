"""Overdue reminders and the escalation ladder.

When an acknowledge or resolve deadline passes, the owner is reminded, again every
``reminders.repeat_every`` until the ticket is acknowledged or resolved. After ``escalate_after``
unanswered reminders the department lead is told and the ticket marked escalated; one step later the
admins are told. An urgent ticket whose owner is away (``/ticket away``, or an away Slack status) does not wait
for the ladder: its lead is told at the first reminder. Noise stays bounded: each person gets at most one message
per tick, listing all their overdue tickets, and it replaces their previous reminder instead of piling up. With
replicas, one of them runs the tick's pass for everyone (:mod:`bot.schedule.turns`), so that stays true however
many replicas tick.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from typing import Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.outbox.interface import Outbox
from bot.outbox.writer import OutboxWriter
from bot.people.away import away_among
from bot.runtime.clock import Clock
from bot.schedule.turns import REMINDERS, Turns
from bot.surfaces.ids import OutboxPurpose
from bot.tickets.notices import SYSTEM_ACTOR, TicketMessenger, reminders_note
from bot.tickets.sla import WorkingCalendar, advance, zone_named
from bot.tickets.states import Status
from config.ids import is_group_id
from config.live import LiveWorkspace
from config.schema import WorkspaceConfig
from storage import audit, directory, outbox, reminders
from storage import customers as customer_rows
from storage import tickets as ticket_rows
from storage.audit import EventRecord
from storage.consults import CONSULT
from storage.database import Database
from storage.models import Ticket
from storage.tickets import DueReminder, OwnerOverdue, ReminderStep

log = logging.getLogger(__name__)

# Where a reminder takes a ticket: its lead told after the ladder's reminders, or at once for an urgent ticket
# whose owner is away; the admins one step after the lead.
Rung = Literal["lead", "away", "admins"]
LEAD_RUNGS: tuple[Rung, ...] = ("away", "lead")
LEAD_HEADERS: dict[Rung, str] = {"away": "reminder.away_header", "lead": "reminder.lead_header"}
OWNER_AWAY_NOTE = "urgent and overdue while its owner is away"


def _urgent_while_away(reminder: DueReminder, away: set[str]) -> bool:
    """An urgent ticket overdue while its owner is away, and no lead told of it yet: the lead hears now."""
    return reminder.priority == "urgent" and reminder.owner_id in away and reminder.escalation_level == 0


def _thread_key(rung: Rung, lead: str | None) -> str:
    """The thread line of a ticket taken to its lead: told (a person, or a user group), or no lead to tell."""
    if lead is None:
        return "reminder.thread.no_lead"
    group = "_group" if is_group_id(lead) else ""
    return f"reminder.thread.away{group}" if rung == "away" else f"reminder.thread.lead{group}"


# An owner's reminder lists this many of their overdue tickets (the oldest) and counts the rest: Slack cuts a
# message off at 40,000 characters, and nobody reads the hundredth line.
REMINDER_LINES = 20


class ReminderService(OutboxWriter):
    def __init__(
        self,
        db: Database,
        workspace: WorkspaceConfig | LiveWorkspace,
        clock: Clock,
        outbox: Outbox,
        messages: TicketMessenger,
        batch: int = 200,
        turns: Turns | None = None,
    ) -> None:
        super().__init__(db, workspace, clock, outbox)
        self.messages = messages
        self.batch = batch  # tickets stepped per tick: one replica's pass, so a person hears once per tick
        self.turns = turns or Turns()

    async def tick(self) -> int:
        """Send the reminders that fell due, unless another replica has this tick's turn; returns how many tickets
        were reminded."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            if not await self.turns.take(session, REMINDERS, now):
                return 0
            due = await ticket_rows.reminders_due(session, now, self.batch)
            if not due:
                return 0
            ladder = self.workspace.reminders
            # Every reminder of one owner repeats at the same moment of that owner's working calendar: repeats
            # count working time, so nobody is chased up the ladder overnight or over a weekend.
            owners = sorted({ticket.owner_id for ticket in due})
            profiles = await directory.owner_profiles(session, owners)
            away = away_among(profiles, self.workspace.away_statuses, now)
            repeat_at = {
                owner: advance(
                    now,
                    ladder.repeat_every,
                    WorkingCalendar.from_workspace(
                        self.workspace, zone_named(profiles[owner].tz if owner in profiles else None)
                    ),
                )
                for owner in owners
            }
            # Every step is written in one statement and every event in another; only the tickets that climb
            # the ladder are then read whole (as the steps left them), for their card and thread line.
            steps: list[ReminderStep] = []
            audit_trail: list[EventRecord] = []
            rungs: dict[int, Rung] = {}
            for reminder in due:
                step = reminder.reminder_count + 1
                rung = self._rung(step)
                if rung is None and _urgent_while_away(reminder, away):
                    rung = "away"
                level = reminder.escalation_level + (1 if rung in LEAD_RUNGS else 0)
                steps.append(ReminderStep(reminder.id, step, repeat_at[reminder.owner_id], level))
                audit_trail.append(
                    EventRecord(reminder.id, actor_id=SYSTEM_ACTOR, action="reminded", at=now, to_value=str(step))
                )
                if rung in LEAD_RUNGS:
                    note = reminders_note(ladder.escalate_after) if rung == "lead" else OWNER_AWAY_NOTE
                    audit_trail.append(
                        EventRecord(reminder.id, actor_id=SYSTEM_ACTOR, action="escalated", at=now, note=note)
                    )
                if rung is not None:
                    rungs[reminder.id] = rung
            await ticket_rows.set_reminder_steps(session, steps)
            await audit.record(session, audit_trail)
            whole = await ticket_rows.plain_by_ids(session, rungs)
            escalated = [whole[i] for i, rung in rungs.items() if rung == "lead"]
            managers = await customer_rows.managers_of(session, [t.customer_id for t in escalated if t.customer_id])
            lead_lines: dict[Rung, dict[str, list[Ticket]]] = {rung: defaultdict(list) for rung in LEAD_RUNGS}
            admin_lines: list[Ticket] = []
            for reminder in due:
                rung = rungs.get(reminder.id)
                if rung is None:
                    continue
                ticket = whole[reminder.id]
                if rung in LEAD_RUNGS:
                    department = self.workspace.department(ticket.department_key)
                    leads = self.workspace.leads_of(department) if department is not None else []
                    for lead in leads:  # a lead given as a user group: each member, in their one DM
                        lead_lines[rung][lead].append(ticket)
                    await self.messages.changed(
                        session,
                        ticket,
                        now,
                        _thread_key(rung, department.lead if leads and department is not None else None),
                        SYSTEM_ACTOR,
                        count=ladder.escalate_after,
                        lead=department.lead if department is not None else None,
                        owner=ticket.owner_id,
                    )
                    manager = managers.get(ticket.customer_id or 0) if rung == "lead" else None
                    if manager is not None and manager != ticket.owner_id:  # every escalation, the ladder's too
                        words = "customers.dm.reminders_escalated"
                        text = self.messages.for_manager(words, ticket, count=ladder.escalate_after)
                        await self.messages.notify(session, ticket, now, manager, text)
                else:
                    admin_lines.append(ticket)
                    await self.messages.changed(session, ticket, now, "reminder.thread.admins", SYSTEM_ACTOR)
            texts: dict[str, list[str]] = defaultdict(list)
            overdue = await ticket_rows.overdue_owned_by(session, set(owners), now, REMINDER_LINES)
            for owner, owned in sorted(overdue.items()):
                texts[owner].append(self._owner_text(owned))
            for told, header in LEAD_HEADERS.items():
                for lead, escalated in lead_lines[told].items():
                    texts[lead].append(self._escalated_text(header, escalated))
            for admin in self.workspace.admins if admin_lines else []:
                texts[admin].append(self._escalated_text("reminder.admin_header", admin_lines))
            await self._send(session, {person: "\n\n".join(parts) for person, parts in texts.items()}, now)
        self.outbox.wake()
        log.info("reminded %s ticket(s): %s", len(due), ", ".join(t.key for t in due))
        return len(due)

    def _rung(self, step: int) -> Rung | None:
        """The rung of the escalation ladder reminder number ``step`` reaches: the lead is told after
        ``escalate_after`` unanswered reminders, the admins (if any) one reminder later."""
        after = self.workspace.reminders.escalate_after
        if step == after + 1:
            return "lead"
        if step == after + 2 and self.workspace.admins:
            return "admins"
        return None

    def _owner_text(self, overdue: OwnerOverdue) -> str:
        t = self.messages.t
        lines = [t("reminder.header", count=overdue.total)]
        for ticket in overdue.lines:
            phase = "acknowledge" if ticket.status == Status.OPEN else "resolve"
            due = ticket.ack_due_at if phase == "acknowledge" else ticket.resolve_due_at
            # A consult's says it is a question from another department.
            line_key = f"consult.reminder.line.{phase}" if ticket.kind == CONSULT else f"reminder.line.{phase}"
            lines.append(
                t(
                    line_key,
                    key=ticket.key,
                    title=ticket.title,
                    due=self.messages.date(due),
                    step=ticket.reminder_count,
                )
            )
        if overdue.total > len(overdue.lines):
            lines.append(t("reminder.more", count=overdue.total - len(overdue.lines)))
        lines.append(t("reminder.footer"))
        return "\n".join(lines)

    def _escalated_text(self, header_key: str, tickets: list[Ticket]) -> str:
        t = self.messages.t
        lines = [t(header_key, count=self.workspace.reminders.escalate_after)]
        for ticket in tickets:
            phase = "acknowledge" if Status(ticket.status) == Status.OPEN else "resolve"
            due = ticket.ack_due_at if phase == "acknowledge" else ticket.resolve_due_at
            answer = ticket.kind == CONSULT and phase == "resolve"  # a consult is due to be answered
            lines.append(
                t(
                    "reminder.escalated_line",
                    key=ticket.key,
                    title=ticket.title,
                    owner=ticket.owner_id,
                    phase=t("consult.card.phase.answer" if answer else f"reminder.phase.{phase}"),
                    due=self.messages.date(due),
                )
            )
        return "\n".join(lines)

    async def _send(self, session: AsyncSession, texts: dict[str, str], now: datetime) -> None:
        """One DM per person; the previous reminder is deleted once the new one is posted."""
        previous = await reminders.last_reminders(session, list(texts))
        calls: list[outbox.Call] = []
        for person, text in sorted(texts.items()):
            new = outbox.Call("chat.postMessage", {"channel": person, "text": text}, OutboxPurpose.REMINDER)
            calls.append(new)
            old = previous.get(person)
            if old is not None:
                payload = {"channel": old.channel, "ts": old.ts}
                calls.append(outbox.Call("chat.delete", payload, OutboxPurpose.NOTICE, after=new))
        await outbox.enqueue_calls(session, calls, now)
