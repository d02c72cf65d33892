"""Overdue reminders and the escalation ladder.

When an acknowledge or resolve deadline passes, the owner is reminded, again every
``reminders.repeat_every`` until the ticket is acknowledged or resolved. After ``escalate_after``
unanswered reminders the department lead is told and the ticket marked escalated; one step later the
admins are told. Noise stays bounded: each person gets at most one message per tick, listing all their
overdue tickets, and it replaces their previous reminder instead of piling up. With replicas, one of them runs
the tick's pass for everyone (:mod:`bot.schedule.turns`), so that stays true however many replicas tick.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from typing import Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.outbox.interface import Outbox
from bot.outbox.writer import OutboxWriter
from bot.runtime.clock import Clock
from bot.schedule.turns import REMINDERS, Turns
from bot.surfaces.ids import OutboxPurpose
from bot.tickets.notices import SYSTEM_ACTOR, TicketMessenger, reminders_note
from bot.tickets.sla import WorkingCalendar, advance, zone_named
from bot.tickets.states import Status
from config.live import LiveWorkspace
from config.schema import WorkspaceConfig
from storage import audit, directory, outbox, reminders
from storage import tickets as ticket_rows
from storage.audit import EventRecord
from storage.consults import CONSULT
from storage.database import Database
from storage.models import Ticket
from storage.tickets import OwnerOverdue, ReminderStep

log = logging.getLogger(__name__)

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
            rungs: dict[int, Literal["lead", "admins"]] = {}
            for reminder in due:
                step = reminder.reminder_count + 1
                rung = self._rung(step)
                level = reminder.escalation_level + (1 if rung == "lead" else 0)
                steps.append(ReminderStep(reminder.id, step, repeat_at[reminder.owner_id], level))
                audit_trail.append(
                    EventRecord(reminder.id, actor_id=SYSTEM_ACTOR, action="reminded", at=now, to_value=str(step))
                )
                if rung == "lead":
                    note = reminders_note(ladder.escalate_after)
                    audit_trail.append(
                        EventRecord(reminder.id, actor_id=SYSTEM_ACTOR, action="escalated", at=now, note=note)
                    )
                if rung is not None:
                    rungs[reminder.id] = rung
            await ticket_rows.set_reminder_steps(session, steps)
            await audit.record(session, audit_trail)
            whole = await ticket_rows.plain_by_ids(session, rungs)
            lead_lines: dict[str, list[Ticket]] = defaultdict(list)
            admin_lines: list[Ticket] = []
            for reminder in due:
                rung = rungs.get(reminder.id)
                if rung is None:
                    continue
                ticket = whole[reminder.id]
                if rung == "lead":
                    department = self.workspace.department(ticket.department_key)
                    lead = department.lead if department is not None else None
                    if lead:
                        lead_lines[lead].append(ticket)
                    await self.messages.changed(
                        session,
                        ticket,
                        now,
                        "reminder.thread.lead" if lead else "reminder.thread.no_lead",
                        SYSTEM_ACTOR,
                        count=ladder.escalate_after,
                        lead=lead,
                    )
                else:
                    admin_lines.append(ticket)
                    await self.messages.changed(session, ticket, now, "reminder.thread.admins", SYSTEM_ACTOR)
            texts: dict[str, list[str]] = defaultdict(list)
            overdue = await ticket_rows.overdue_owned_by(session, set(owners), now, REMINDER_LINES)
            for owner, owned in sorted(overdue.items()):
                texts[owner].append(self._owner_text(owned))
            for lead, escalated in lead_lines.items():
                texts[lead].append(self._escalated_text("reminder.lead_header", escalated))
            for admin in self.workspace.admins if admin_lines else []:
                texts[admin].append(self._escalated_text("reminder.admin_header", admin_lines))
            await self._send(session, {person: "\n\n".join(parts) for person, parts in texts.items()}, now)
        self.outbox.wake()
        log.info("reminded %s ticket(s): %s", len(due), ", ".join(t.key for t in due))
        return len(due)

    def _rung(self, step: int) -> Literal["lead", "admins"] | None:
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
