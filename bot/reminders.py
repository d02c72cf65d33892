"""Overdue reminders and the escalation ladder.

When an acknowledge or resolve deadline passes, the owner is reminded, again every
``reminders.repeat_every`` until the ticket is acknowledged or resolved. After ``escalate_after``
unanswered reminders the department lead is told and the ticket marked escalated; one step later the
admins are told. Noise stays bounded: each person gets at most one message per tick, listing all their
overdue tickets, and it replaces their previous reminder instead of piling up.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.ids import OutboxPurpose
from bot.outbox_writer import OutboxWriter
from bot.sla import WorkingCalendar, advance, zone_named
from bot.states import Status
from bot.ticket_messages import SYSTEM_ACTOR, TicketMessenger
from config.schema import WorkspaceConfig
from storage import directory, outbox, reminders
from storage import tickets as ticket_rows
from storage.database import Database
from storage.models import Ticket
from storage.tickets import OverdueLine

log = logging.getLogger(__name__)


class ReminderService(OutboxWriter):
    def __init__(
        self,
        db: Database,
        workspace: WorkspaceConfig,
        clock: Clock,
        messages: TicketMessenger,
        on_outbox: Callable[[], None] | None = None,
        batch: int = 100,
    ) -> None:
        super().__init__(db, workspace, clock, on_outbox)
        self.messages = messages
        self.batch = batch

    async def tick(self) -> int:
        """Send the reminders that fell due; returns how many tickets were reminded."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            due = list(await ticket_rows.reminders_due(session, now, self.batch))
            if not due:
                return 0
            owners_due: set[str] = set()
            lead_lines: dict[str, list[Ticket]] = defaultdict(list)
            admin_lines: list[Ticket] = []
            ladder = self.workspace.reminders
            # One calendar per owner, looked up before any ticket changes: a query after a change would
            # flush first, and a hundred flushes cost more than the rest of the tick.
            profiles = await directory.owner_profiles(session, sorted({ticket.owner_id for ticket in due}))
            calendars = {
                owner: WorkingCalendar.from_workspace(
                    self.workspace, zone_named(profiles[owner].tz if owner in profiles else None)
                )
                for owner in {ticket.owner_id for ticket in due}
            }
            # The tickets are changed here and written below in one statement, not flushed object by object
            # (a hundred ORM flushes cost more than the rest of the tick): they are in no session.
            steps: list[tuple[int, int, datetime, int]] = []
            audit: list[dict[str, object]] = []
            for ticket in due:
                assert ticket.id is not None
                ticket.reminder_count += 1
                step = ticket.reminder_count
                # Repeats count working time: nobody is chased up the ladder overnight or over a weekend.
                calendar = calendars[ticket.owner_id]
                ticket.next_reminder_at = advance(now, ladder.repeat_every, calendar)
                owners_due.add(ticket.owner_id)
                audit.append(
                    ticket_rows.event_row(
                        ticket.id, actor_id=SYSTEM_ACTOR, action="reminded", at=now, to_value=str(step)
                    )
                )
                department = self.workspace.department(ticket.department_key)
                if step == ladder.escalate_after + 1:
                    ticket.escalation_level += 1
                    lead = department.lead if department is not None else None
                    if lead:
                        lead_lines[lead].append(ticket)
                    audit.append(
                        ticket_rows.event_row(
                            ticket.id,
                            actor_id=SYSTEM_ACTOR,
                            action="escalated",
                            at=now,
                            note=f"reminders:{ladder.escalate_after}",
                        )
                    )
                    await self.messages.changed(
                        session,
                        ticket,
                        now,
                        "reminder.thread.lead",
                        SYSTEM_ACTOR,
                        count=ladder.escalate_after,
                        lead=lead or "—",
                    )
                elif step == ladder.escalate_after + 2 and self.workspace.admins:
                    admin_lines.append(ticket)
                    await self.messages.changed(session, ticket, now, "reminder.thread.admins", SYSTEM_ACTOR)
                assert ticket.next_reminder_at is not None
                steps.append((ticket.id, ticket.reminder_count, ticket.next_reminder_at, ticket.escalation_level))
            await ticket_rows.set_reminder_steps(session, steps)
            await ticket_rows.insert_events(session, audit)
            texts: dict[str, list[str]] = defaultdict(list)
            for owner, lines in (await self._overdue_by_owner(session, owners_due, now)).items():
                texts[owner].append(self._owner_text(lines, now))
            for lead, escalated in lead_lines.items():
                texts[lead].append(self._escalated_text("reminder.lead_header", escalated))
            for admin in self.workspace.admins if admin_lines else []:
                texts[admin].append(self._escalated_text("reminder.admin_header", admin_lines))
            await self._send(session, {person: "\n\n".join(parts) for person, parts in texts.items()}, now)
        self._on_outbox()
        log.info("reminded %s ticket(s): %s", len(due), ", ".join(t.key for t in due))
        return len(due)

    async def _overdue_by_owner(
        self, session: AsyncSession, owners: set[str], now: datetime
    ) -> dict[str, list[OverdueLine]]:
        grouped: dict[str, list[OverdueLine]] = defaultdict(list)
        for ticket in await ticket_rows.overdue_owned_by(session, owners, now):
            grouped[ticket.owner_id].append(ticket)
        return grouped

    def _owner_text(self, tickets: list[OverdueLine], now: datetime) -> str:
        t = self.messages.t
        lines = [t("reminder.header", count=len(tickets))]
        for ticket in tickets:
            phase = "acknowledge" if Status(ticket.status) == Status.OPEN else "resolve"
            due = ticket.ack_due_at if phase == "acknowledge" else ticket.resolve_due_at
            lines.append(
                t(
                    f"reminder.line.{phase}",
                    key=ticket.key,
                    title=ticket.title,
                    due=self.messages.date(due),
                    step=ticket.reminder_count,
                )
            )
        lines.append(t("reminder.footer"))
        return "\n".join(lines)

    def _escalated_text(self, header_key: str, tickets: list[Ticket]) -> str:
        t = self.messages.t
        lines = [t(header_key, count=self.workspace.reminders.escalate_after)]
        for ticket in tickets:
            phase = "acknowledge" if Status(ticket.status) == Status.OPEN else "resolve"
            due = ticket.ack_due_at if phase == "acknowledge" else ticket.resolve_due_at
            lines.append(
                t(
                    "reminder.escalated_line",
                    key=ticket.key,
                    title=ticket.title,
                    owner=ticket.owner_id,
                    phase=t(f"reminder.phase.{phase}"),
                    due=self.messages.date(due),
                )
            )
        return "\n".join(lines)

    async def _send(self, session: AsyncSession, texts: dict[str, str], now: datetime) -> None:
        """One DM per person; the previous reminder is deleted once the new one is posted."""
        previous = await reminders.last_reminders(session, list(texts))
        for person, text in sorted(texts.items()):
            new = outbox.enqueue(
                session,
                method="chat.postMessage",
                payload={"channel": person, "text": text},
                purpose=OutboxPurpose.REMINDER,
                now=now,
            )
            old = previous.get(person)
            if old is not None:
                await session.flush()
                outbox.enqueue(
                    session,
                    method="chat.delete",
                    payload={"channel": old.channel, "ts": old.ts},
                    purpose=OutboxPurpose.NOTICE,
                    now=now,
                    depends_on=new,
                )
