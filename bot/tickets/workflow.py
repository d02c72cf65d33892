"""Changes to an existing ticket: acknowledge, hand off (with acceptance), escalate, resolve, confirm,
close, reopen, and the auto-close of quiet resolved tickets.

Buttons, subcommands, modals and reactions all end here, so each action has one behaviour. Every
method is one transaction: permission check, state move, audit event, and the card update, thread line
and notifications in the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.errors import BadRequest, TicketNotFound
from bot.outbox.writer import OutboxWriter
from bot.runtime.clock import Clock
from bot.runtime.metrics import Metrics
from bot.surfaces.cards import handoff_blocks, resolution_blocks
from bot.surfaces.ids import OutboxPurpose
from bot.surfaces.text import clip, neutralise_broadcasts
from bot.tickets import answers, permissions, prompts
from bot.tickets.answers import DmAnswer
from bot.tickets.notices import SYSTEM_ACTOR, TicketMessenger, bounce_note
from bot.tickets.permissions import Action, TicketParties
from bot.tickets.prompts import PromptRef
from bot.tickets.sla import WorkingCalendar, advance, due_times, extend_after_pause, owner_zone, working_time_between
from bot.tickets.states import ACTIVE_STATUSES, Status, check_move
from config.schema import PRIORITIES, WorkspaceConfig
from storage import events
from storage import tickets as ticket_rows
from storage.database import Database
from storage.models import Ticket
from storage.prompts import prompts_of, ticket_messaged_at

log = logging.getLogger(__name__)


def raised(priority: str) -> str:
    """One level more urgent; urgent stays urgent."""
    index = [str(p) for p in PRIORITIES].index(priority)
    return PRIORITIES[max(index - 1, 0)]


def tightened(
    due: datetime | None, old: timedelta, new: timedelta, reference: datetime, calendar: WorkingCalendar
) -> datetime | None:
    """A deadline moved earlier by the difference between two SLA targets, keeping the working time the
    ticket already used (and any pause it had): what was left shrinks by what the new target saves."""
    if due is None or due <= reference:
        return due  # already overdue: a stricter target cannot make it less so
    saved = calendar.working_span(old) - calendar.working_span(new)
    left = working_time_between(reference, due, calendar) - saved
    return advance(reference, left, calendar) if left > timedelta(0) else reference


def _clean(text: str | None) -> str | None:
    """A reason or note (Slack text: escaped where it was typed, see :mod:`bot.surfaces.text`), without broadcasts;
    ``None`` when blank."""
    if text is None or not text.strip():
        return None
    return clip(neutralise_broadcasts(text.strip()), 2000)


class WorkflowService(OutboxWriter):
    def __init__(
        self,
        db: Database,
        workspace: WorkspaceConfig,
        clock: Clock,
        messages: TicketMessenger,
        on_outbox: Callable[[], None] | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        super().__init__(db, workspace, clock, on_outbox)
        self.messages = messages
        self.metrics = metrics or Metrics()

    # ------------------------------------------------------------------ permission checks without changes

    async def check(self, key: str, actor_id: str, action: Action) -> Ticket:
        """Refuse early (before a form opens) when ``actor_id`` may not do ``action``; changes nothing."""
        async with self.db.transaction() as session:
            ticket = await self._load(session, key, for_update=False)
        permissions.require(actor_id, action, self._parties(ticket), self.workspace)
        if action != Action.REOPEN and Status(ticket.status) not in ACTIVE_STATUSES:
            raise BadRequest("error.not_active", key=ticket.key, status=ticket.status)
        return ticket

    async def check_handoff_answer(self, key: str, actor_id: str, prompt: PromptRef | None = None) -> Ticket:
        async with self.db.transaction() as session:
            ticket = await self._load(session, key, for_update=False)
            await self._require_current(session, ticket, prompt)
        if ticket.pending_owner_id is None:
            raise BadRequest("error.no_pending_handoff", key=ticket.key)
        permissions.require(actor_id, Action.ANSWER_HANDOFF, self._parties(ticket), self.workspace)
        return ticket

    # ------------------------------------------------------------------ acknowledge

    async def acknowledge(self, key: str, actor_id: str) -> Ticket:
        async with self.db.transaction() as session:
            ticket = await self._load(session, key)
            permissions.require(actor_id, Action.ACKNOWLEDGE, self._parties(ticket), self.workspace)
            now = self.clock.now()
            self._acknowledge(ticket, now)
            await ticket_rows.add_event(
                session,
                ticket,
                actor_id=actor_id,
                action="acknowledged",
                at=now,
                from_value=Status.OPEN.value,
                to_value=Status.ACKNOWLEDGED.value,
            )
            session.add(ticket)
            await self.messages.changed(session, ticket, now, "thread.acknowledged", actor_id)
        self._on_outbox()
        return ticket

    # ------------------------------------------------------------------ hand-offs

    async def request_handoff(
        self, key: str, actor_id: str, new_owner_id: str, department_key: str | None = None, reason: str | None = None
    ) -> Ticket:
        """Offer the ticket to ``new_owner_id``; the current owner stays accountable until they accept.

        When the person taking it over is the one asking (a lead taking a ticket), it is accepted at once.
        """
        async with self.db.transaction() as session:
            ticket = await self._load(session, key)
            permissions.require(actor_id, Action.ASSIGN, self._parties(ticket), self.workspace)
            self._require_active(ticket)
            department = self._department_for(new_owner_id, department_key, ticket.department_key)
            if new_owner_id == ticket.owner_id and department == ticket.department_key:
                raise BadRequest("error.handoff_same_owner", key=ticket.key, owner=new_owner_id)
            now = self.clock.now()
            note = _clean(reason)
            replaced = ticket.pending_owner_id
            if replaced is not None and replaced not in (new_owner_id, actor_id):
                withdrawn = self.messages.t("dm.offer_withdrawn", key=ticket.key, actor=actor_id)
                await self.messages.notify(session, ticket, now, replaced, withdrawn)
            ticket.pending_owner_id, ticket.pending_department_key = new_owner_id, department
            ticket.pending_reason, ticket.pending_by_id, ticket.pending_at = note, actor_id, now
            await ticket_rows.add_event(
                session,
                ticket,
                actor_id=actor_id,
                action="handoff_requested",
                at=now,
                from_value=ticket.owner_id,
                to_value=new_owner_id,
                note=note,
            )
            if new_owner_id == actor_id:
                await self._accept(session, ticket, actor_id, now)
            else:
                ticket.updated_at = now
                session.add(ticket)
                reason_text = f" — {note}" if note else ""
                await self.messages.changed(
                    session, ticket, now, "thread.handoff_requested", actor_id, owner=new_owner_id, reason=reason_text
                )
                text = self.messages.t(
                    "dm.handoff_offer",
                    actor=actor_id,
                    key=ticket.key,
                    title=ticket.title,
                    department=self.messages.department_name(department),
                    reason=reason_text,
                    link=self.messages.link(),
                )
                blocks = handoff_blocks(ticket.key, text, self.messages.translator)
                await self.messages.prompt(
                    session, ticket, now, OutboxPurpose.HANDOFF_PROMPT, new_owner_id, text, blocks
                )
        self._on_outbox()
        return ticket

    async def accept_handoff(self, key: str, actor_id: str, prompt: PromptRef | None = None) -> Ticket:
        async with self.db.transaction() as session:
            ticket = await self._load(session, key)
            await self._require_current(session, ticket, prompt)
            if ticket.pending_owner_id is None:
                raise BadRequest("error.no_pending_handoff", key=ticket.key)
            permissions.require(actor_id, Action.ANSWER_HANDOFF, self._parties(ticket), self.workspace)
            await self._accept(session, ticket, actor_id, self.clock.now())
        self._on_outbox()
        return ticket

    async def _accept(self, session: AsyncSession, ticket: Ticket, actor_id: str, now: datetime) -> None:
        assert ticket.pending_owner_id is not None and ticket.pending_department_key is not None
        previous_owner, previous_department = ticket.owner_id, ticket.department_key
        ticket.owner_id, ticket.department_key = ticket.pending_owner_id, ticket.pending_department_key
        asked_by = ticket.pending_by_id
        self._clear_pending(ticket)
        ticket.updated_at = now
        await ticket_rows.add_event(
            session,
            ticket,
            actor_id=actor_id,
            action="handoff_accepted",
            at=now,
            from_value=previous_owner,
            to_value=ticket.owner_id,
        )
        moved = ticket.department_key != previous_department
        if moved:
            ticket.bounce_count += 1
            await ticket_rows.add_event(
                session,
                ticket,
                actor_id=actor_id,
                action="department_changed",
                at=now,
                from_value=previous_department,
                to_value=ticket.department_key,
            )
        # Taking a ticket over is acknowledging it: the new owner has seen it and said yes.
        await self._acknowledge_if_open(session, ticket, actor_id, now)
        session.add(ticket)
        await self.messages.changed(
            session, ticket, now, "thread.handoff_accepted", actor_id, owner=ticket.owner_id, previous=previous_owner
        )
        for person in {previous_owner, asked_by} - {None, actor_id, ticket.owner_id}:
            assert person is not None
            text = self.messages.t(
                "dm.handoff_accepted", owner=ticket.owner_id, key=ticket.key, link=self.messages.link()
            )
            await self.messages.notify(session, ticket, now, person, text)
        if moved and ticket.bounce_count >= self.workspace.bounce_limit:
            await self._escalate_bounces(session, ticket, now)

    async def _escalate_bounces(self, session: AsyncSession, ticket: Ticket, now: datetime) -> None:
        """A ticket passed around too often goes to the leads of every department it passed through."""
        path = await ticket_rows.departments_passed(session, ticket)
        names = ", ".join(self.messages.department_name(key) for key in path)
        ticket.escalation_level += 1  # not last_escalated_at: a person may still escalate it right away
        session.add(ticket)
        await ticket_rows.add_event(
            session,
            ticket,
            actor_id=SYSTEM_ACTOR,
            action="escalated",
            at=now,
            note=bounce_note(path),
        )
        await self.messages.changed(
            session, ticket, now, "thread.bounce_escalated", SYSTEM_ACTOR, count=ticket.bounce_count, departments=names
        )
        leads = [d.lead for key in path if (d := self.workspace.department(key)) is not None and d.lead]
        for lead in dict.fromkeys(leads):
            text = self.messages.t(
                "dm.bounce_escalated",
                key=ticket.key,
                title=ticket.title,
                count=ticket.bounce_count,
                departments=names,
                owner=ticket.owner_id,
                link=self.messages.link(),
            )
            await self.messages.notify(session, ticket, now, lead, text)
        log.warning("%s bounced %s times (%s); leads pinged", ticket.key, ticket.bounce_count, names)

    async def decline_handoff(
        self, key: str, actor_id: str, reason: str | None, prompt: PromptRef | None = None
    ) -> Ticket:
        note = _clean(reason)
        if note is None:
            raise BadRequest("error.reason_required")
        async with self.db.transaction() as session:
            ticket = await self._load(session, key)
            await self._require_current(session, ticket, prompt)
            if ticket.pending_owner_id is None:
                raise BadRequest("error.no_pending_handoff", key=ticket.key)
            permissions.require(actor_id, Action.ANSWER_HANDOFF, self._parties(ticket), self.workspace)
            now = self.clock.now()
            offered, asked_by = ticket.pending_owner_id, ticket.pending_by_id
            self._clear_pending(ticket)
            ticket.updated_at = now
            session.add(ticket)
            await ticket_rows.add_event(
                session,
                ticket,
                actor_id=actor_id,
                action="handoff_declined",
                at=now,
                from_value=ticket.owner_id,
                to_value=offered,
                note=note,
            )
            await self.messages.changed(
                session, ticket, now, "thread.handoff_declined", actor_id, owner=offered, reason=note
            )
            for person in {ticket.owner_id, asked_by} - {None, actor_id}:
                assert person is not None
                text = self.messages.t(
                    "dm.handoff_declined",
                    person=offered,
                    key=ticket.key,
                    reason=note,
                    owner=ticket.owner_id,
                    link=self.messages.link(),
                )
                await self.messages.notify(session, ticket, now, person, text)
        self._on_outbox()
        return ticket

    # ------------------------------------------------------------------ escalation

    async def escalate(
        self, key: str, actor_id: str, reason: str | None = None, *, event_id: str | None = None
    ) -> Ticket:
        """Raise priority one level, ping the lead and tell the department channel, at most once per cooldown."""
        async with self.db.transaction() as session:
            ticket = await self._load(session, key)
            if event_id and await events.was_processed(session, event_id):
                return ticket
            if event_id:
                events.mark_processed(session, event_id, "reaction_added", self.clock.now())
            permissions.require(actor_id, Action.ESCALATE, self._parties(ticket), self.workspace)
            self._require_active(ticket)
            now = self.clock.now()
            cooldown = self.workspace.escalation.cooldown
            if ticket.last_escalated_at is not None and now < ticket.last_escalated_at + cooldown:
                raise BadRequest(
                    "error.escalation_cooldown",
                    key=ticket.key,
                    again=self.messages.date(ticket.last_escalated_at + cooldown),
                )
            note = _clean(reason)
            previous = ticket.priority
            ticket.priority = raised(previous)
            calendar = WorkingCalendar.from_workspace(self.workspace, await self._owner_tz(session, ticket))
            before, after = self.workspace.sla.for_priority(previous), self.workspace.sla.for_priority(ticket.priority)
            # While paused the clock stands at the moment it stopped.
            reference = ticket.paused_at or now
            ticket.ack_due_at = tightened(ticket.ack_due_at, before.acknowledge, after.acknowledge, reference, calendar)
            ticket.resolve_due_at = tightened(ticket.resolve_due_at, before.resolve, after.resolve, reference, calendar)
            if ticket.reminder_count == 0:
                self._schedule_reminders(ticket)
            ticket.escalation_level += 1
            ticket.last_escalated_at = ticket.updated_at = now
            session.add(ticket)
            await ticket_rows.add_event(
                session,
                ticket,
                actor_id=actor_id,
                action="escalated",
                at=now,
                from_value=previous,
                to_value=ticket.priority,
                note=note,
            )
            reason_text = f" — {note}" if note else ""
            priority = self.messages.t("priority." + ticket.priority)
            await self.messages.changed(
                session, ticket, now, "thread.escalated", actor_id, priority=priority, reason=reason_text
            )
            department = self.workspace.department(ticket.department_key)
            text = self.messages.t(
                "department.escalated",
                key=ticket.key,
                title=ticket.title,
                actor=actor_id,
                owner=ticket.owner_id,
                priority=priority,
                reason=reason_text,
                link=self.messages.link(),
            )
            if department is not None and department.lead and department.lead != actor_id:
                await self.messages.notify(session, ticket, now, department.lead, text)
            if department is not None and department.channel:
                if ticket.is_private:  # neither what it is nor why it was escalated, in a channel
                    text = self.messages.t(
                        "department.escalated_private",
                        key=ticket.key,
                        actor=actor_id,
                        owner=ticket.owner_id,
                        priority=priority,
                    )
                await self.messages.notify(session, ticket, now, department.channel, text)
        self._on_outbox()
        return ticket

    # ------------------------------------------------------------------ pause and resume (the SLA clock stops)

    async def pause(self, key: str, actor_id: str, target: Status, note: str | None = None) -> Ticket:
        """Waiting on the requester, or blocked: the SLA clock and the reminders stop until resumed."""
        if target not in (Status.WAITING, Status.BLOCKED):
            raise BadRequest("error.bad_request")
        async with self.db.transaction() as session:
            ticket = await self._load(session, key)
            permissions.require(actor_id, Action.PAUSE, self._parties(ticket), self.workspace)
            self._require_active(ticket)
            now = self.clock.now()
            status = await self._acknowledge_if_open(session, ticket, actor_id, now)
            self._move(ticket, target, now)
            ticket.paused_at = now
            self._schedule_reminders(ticket)
            session.add(ticket)
            text = _clean(note)
            await ticket_rows.add_event(
                session,
                ticket,
                actor_id=actor_id,
                action="paused",
                at=now,
                from_value=status.value,
                to_value=target.value,
                note=text,
            )
            suffix = f" — {text}" if text else ""
            await self.messages.changed(session, ticket, now, f"thread.{target.value}", actor_id, note=suffix)
            if target == Status.WAITING and ticket.requester_id != actor_id:
                message = self.messages.t(
                    "dm.waiting_on_you",
                    actor=actor_id,
                    key=ticket.key,
                    title=ticket.title,
                    note=suffix,
                    link=self.messages.link(),
                )
                await self.messages.notify(session, ticket, now, ticket.requester_id, message)
        self._on_outbox()
        return ticket

    async def resume(self, key: str, actor_id: str) -> Ticket:
        """Back to work: the deadlines move on by the working time the ticket spent paused."""
        async with self.db.transaction() as session:
            ticket = await self._load(session, key)
            permissions.require(actor_id, Action.RESUME, self._parties(ticket), self.workspace)
            if Status(ticket.status) not in (Status.WAITING, Status.BLOCKED):
                raise BadRequest("error.not_paused", key=ticket.key)
            now = self.clock.now()
            await self._resume(session, ticket, actor_id, now)
            await self.messages.changed(
                session, ticket, now, "thread.resumed", actor_id, due=self.messages.date(ticket.resolve_due_at)
            )
        self._on_outbox()
        return ticket

    async def _resume(self, session: AsyncSession, ticket: Ticket, actor_id: str, now: datetime) -> None:
        """The SLA clock runs again with the working time it had left: the deadline moves on by the working time
        the ticket spent paused."""
        status = Status(ticket.status)
        calendar = WorkingCalendar.from_workspace(self.workspace, await self._owner_tz(session, ticket))
        paused_at = ticket.paused_at or now
        ticket.resolve_due_at = extend_after_pause(ticket.resolve_due_at, paused_at, now, calendar)
        ticket.paused_at = None
        self._move(ticket, Status.ACKNOWLEDGED, now)
        self._schedule_reminders(ticket)
        session.add(ticket)
        await ticket_rows.add_event(
            session,
            ticket,
            actor_id=actor_id,
            action="resumed",
            at=now,
            from_value=status.value,
            to_value=Status.ACKNOWLEDGED.value,
        )

    # ------------------------------------------------------------------ the requester answers (waiting ends)

    async def answer_in_thread(
        self, *, channel: str, thread_ts: str, user_id: str, text: str, ts: str, event_id: str | None
    ) -> Ticket | None:
        """A reply in the thread of a ticket that waits on its author (its requester): recorded as a comment, and
        the ticket goes back to work (:meth:`_take_answer`). ``None``, with nothing done, for any other reply:
        that is an ordinary comment (``TicketService.record_comment``).

        Asked first without the writer's lock, so an ordinary comment costs one read more, not a write turn.
        """
        async with self.db.reading() as session:
            found = await ticket_rows.by_thread(session, channel, thread_ts)
        if found is None or not answers.waits_on(found, user_id):
            return None
        async with self.db.transaction() as session:
            ticket = await self._load(session, found.key)
            if event_id and await events.was_processed(session, event_id):
                return ticket
            if not answers.waits_on(ticket, user_id):
                return None  # resumed a moment ago: this reply is an ordinary comment now
            await self._take_answer(session, ticket, user_id, text, ts, event_id, by_dm=False)
        self._on_outbox()
        return ticket

    async def answer_by_dm(
        self, *, channel: str, user_id: str, text: str, ts: str, thread_ts: str | None, event_id: str | None
    ) -> DmAnswer:
        """A DM to the bot from someone one of whose tickets waits on them: the answer to that ticket (which one:
        ``bot.answers.choose``), taken as a reply in its thread would be, and quoted there. When it cannot be told
        which ticket is meant, or none waits, nothing changes and the result says why."""
        async with self.db.reading() as session:
            waiting = list(await ticket_rows.requested_by(session, user_id, [Status.WAITING.value]))
            about = None
            if thread_ts is not None:
                ids = [ticket.id for ticket in waiting if ticket.id is not None]
                about = await ticket_messaged_at(session, ids, channel, thread_ts)
        prefixes = [department.key for department in self.workspace.departments]
        choice = answers.choose(waiting, text, prefixes, in_thread=thread_ts is not None, thread_about=about)
        if choice.ticket is None:
            return choice
        async with self.db.transaction() as session:
            ticket = await self._load(session, choice.ticket.key)
            if event_id and await events.was_processed(session, event_id):
                return DmAnswer(ticket=ticket)
            if not answers.waits_on(ticket, user_id):  # resumed meanwhile: ask again with what waits now
                return DmAnswer(waiting=[other.key for other in waiting if other.key != ticket.key])
            await self._take_answer(session, ticket, user_id, text, ts, event_id, by_dm=True)
        self._on_outbox()
        return DmAnswer(ticket=ticket)

    async def _take_answer(
        self,
        session: AsyncSession,
        ticket: Ticket,
        user_id: str,
        text: str,
        ts: str,
        event_id: str | None,
        *,
        by_dm: bool,
    ) -> None:
        """The requester's answer: a comment, the ticket resumed (by them), a line in its thread, and a DM to the
        owner with the answer; an answer sent by DM is quoted in the thread and its sender told where it went."""
        now = self.clock.now()
        await ticket_rows.add_event(
            session, ticket, actor_id=user_id, action="commented", at=now, note=text, slack_ts=ts
        )
        if event_id:
            events.mark_processed(session, event_id, "message", now)
        await self._resume(session, ticket, user_id, now)
        due = self.messages.date(ticket.resolve_due_at)
        quoted = answers.quoted(_clean(text))
        if by_dm:
            await self.messages.changed(session, ticket, now, "thread.answered_dm", user_id, due=due, answer=quoted)
        else:
            await self.messages.changed(session, ticket, now, "thread.answered", user_id, due=due)
        if ticket.owner_id != user_id:
            told = self.messages.t(
                "dm.requester_answered",
                requester=user_id,
                key=ticket.key,
                title=ticket.title,
                due=due,
                link=self.messages.link(),
                answer=quoted,
            )
            await self.messages.notify(session, ticket, now, ticket.owner_id, told)
        if by_dm:
            taken = self.messages.t("dm.answer_taken", key=ticket.key, owner=ticket.owner_id, link=self.messages.link())
            await self.messages.notify(session, ticket, now, user_id, taken)

    # ------------------------------------------------------------------ resolve, confirm, close, reopen

    async def resolve(self, key: str, actor_id: str, note: str | None = None) -> Ticket:
        async with self.db.transaction() as session:
            ticket = await self._load(session, key)
            permissions.require(actor_id, Action.RESOLVE, self._parties(ticket), self.workspace)
            self._require_active(ticket)
            await self._resolve(session, ticket, actor_id, _clean(note), self.clock.now())
        self._on_outbox()
        self.metrics.tickets_resolved.labels(ticket.department_key).inc()
        return ticket

    async def _resolve(
        self, session: AsyncSession, ticket: Ticket, actor_id: str, note: str | None, now: datetime
    ) -> None:
        status = await self._acknowledge_if_open(session, ticket, actor_id, now)
        self._move(ticket, Status.RESOLVED, now)
        ticket.resolved_at = now
        ticket.paused_at = None
        self._schedule_reminders(ticket)
        self._clear_pending(ticket)
        session.add(ticket)
        await ticket_rows.add_event(
            session,
            ticket,
            actor_id=actor_id,
            action="resolved",
            at=now,
            from_value=status.value,
            to_value=Status.RESOLVED.value,
            note=note,
        )
        suffix = f" — {note}" if note else ""
        await self.messages.changed(session, ticket, now, "thread.resolved", actor_id, note=suffix)
        if ticket.requester_id != actor_id:
            quiet = self.messages.date(now + self.workspace.auto_close_after)
            text = self.messages.t(
                "dm.resolved",
                key=ticket.key,
                title=ticket.title,
                actor=actor_id,
                note=suffix,
                closes=quiet,
                link=self.messages.link(),
            )
            blocks = resolution_blocks(ticket.key, text, self.messages.translator)
            await self.messages.prompt(
                session, ticket, now, OutboxPurpose.RESOLUTION_PROMPT, ticket.requester_id, text, blocks
            )

    async def confirm(self, key: str, actor_id: str, prompt: PromptRef | None = None) -> Ticket:
        """The requester agrees the ticket is resolved: it closes."""
        return await self._close_resolved(key, actor_id, note=None, action="closed", prompt=prompt)

    async def close(self, key: str, actor_id: str, note: str | None = None) -> Ticket:
        """``/ticket close``: resolve an active ticket, close a resolved one."""
        async with self.db.transaction() as session:
            ticket = await self._load(session, key, for_update=False)
        if Status(ticket.status) == Status.RESOLVED:
            return await self._close_resolved(key, actor_id, note=note, action="closed")
        return await self.resolve(key, actor_id, note)

    async def _close_resolved(
        self, key: str, actor_id: str, *, note: str | None, action: str, prompt: PromptRef | None = None
    ) -> Ticket:
        async with self.db.transaction() as session:
            ticket = await self._load(session, key)
            await self._require_current(session, ticket, prompt)
            permissions.require(actor_id, Action.CLOSE, self._parties(ticket), self.workspace)
            now = self.clock.now()
            await self._close(session, ticket, actor_id, _clean(note), now)
        self._on_outbox()
        return ticket

    async def _close(
        self, session: AsyncSession, ticket: Ticket, actor_id: str, note: str | None, now: datetime
    ) -> None:
        previous = ticket.status
        self._move(ticket, Status.CLOSED, now)
        ticket.closed_at = now
        self._schedule_reminders(ticket)
        session.add(ticket)
        await ticket_rows.add_event(
            session,
            ticket,
            actor_id=actor_id,
            action="closed",
            at=now,
            from_value=previous,
            to_value=Status.CLOSED.value,
            note=note,
        )
        await self.messages.changed(session, ticket, now, "thread.closed", actor_id, note=f" — {note}" if note else "")

    async def reopen(
        self, key: str, actor_id: str, reason: str | None = None, prompt: PromptRef | None = None
    ) -> Ticket:
        async with self.db.transaction() as session:
            ticket = await self._load(session, key)
            await self._require_current(session, ticket, prompt)
            permissions.require(actor_id, Action.REOPEN, self._parties(ticket), self.workspace)
            now = self.clock.now()
            previous = ticket.status
            self._move(ticket, Status.OPEN, now)
            ticket.acknowledged_at = ticket.resolved_at = ticket.closed_at = None
            ticket.sla_started_at = now
            ticket.ack_due_at, ticket.resolve_due_at = due_times(
                now, ticket.priority, self.workspace, await self._owner_tz(session, ticket)
            )
            self._clear_pending(ticket)
            ticket.paused_at = None
            self._schedule_reminders(ticket)  # resolving had stopped them; the new deadline starts them again
            session.add(ticket)
            note = _clean(reason)
            await ticket_rows.add_event(
                session,
                ticket,
                actor_id=actor_id,
                action="reopened",
                at=now,
                from_value=previous,
                to_value=Status.OPEN.value,
                note=note,
            )
            await self.messages.changed(session, ticket, now, "thread.reopened", actor_id)
            if ticket.owner_id != actor_id:
                text = self.messages.t(
                    "dm.reopened", actor=actor_id, key=ticket.key, title=ticket.title, link=self.messages.link()
                )
                await self.messages.notify(session, ticket, now, ticket.owner_id, text)
        self._on_outbox()
        return ticket

    async def auto_close(self, now: datetime | None = None) -> list[str]:
        """Close resolved tickets that stayed quiet for ``auto_close_after``; returns their keys.

        Rows are locked with SKIP LOCKED, so replicas running this at the same moment share the work.
        """
        now = now or self.clock.now()
        cutoff = now - self.workspace.auto_close_after
        closed: list[str] = []
        async with self.db.transaction() as session:
            for ticket in await ticket_rows.resolved_before(session, cutoff):
                await self._close(session, ticket, SYSTEM_ACTOR, None, now)
                closed.append(ticket.key)
        if closed:
            self._on_outbox()
            log.info("auto-closed %s", ", ".join(closed))
        return closed

    # ------------------------------------------------------------------ helpers

    async def _load(self, session: AsyncSession, key: str, *, for_update: bool = True) -> Ticket:
        ticket = await ticket_rows.by_key(session, key, for_update=for_update)
        if ticket is None:
            raise TicketNotFound(key=key.upper())
        return ticket

    async def _require_current(self, session: AsyncSession, ticket: Ticket, prompt: PromptRef | None) -> None:
        """A button clicked on a DM acts only while that DM still asks its question (``bot.tickets.prompts``): a Reopen
        from before the ticket was closed, reopened and resolved again, or an Accept on an offer that was
        withdrawn, is answered with what happened since, and changes nothing. A message that is not a tracked
        prompt (the card, when it lives in a DM) always shows the ticket as it is, and acts."""
        if prompt is None or ticket.id is None:
            return
        found = await prompts_of(session, ticket.id, prompts.PROMPT_PURPOSES, OutboxPurpose.PROMPT_UPDATE.value)
        clicked = prompts.clicked(found, prompt)
        if clicked is None or prompts.stands(clicked, found, ticket):
            return
        last = await ticket_rows.last_change(session, ticket.id, ignoring=prompts.QUIET_ACTIONS)
        change = ""
        if last is not None:
            action = f"action.{last.action}"
            change = self.messages.t(
                "prompt.last_change",
                actor=self.messages.who(last.actor_id),
                action=self.messages.t(action) if self.messages.translator.has(action) else last.action,
                at=self.messages.date(last.at),
            )
        raise BadRequest("error.stale_prompt", key=ticket.key, status=ticket.status, change=change)

    @staticmethod
    def _parties(ticket: Ticket) -> TicketParties:
        return TicketParties(
            ticket.key, ticket.department_key, ticket.owner_id, ticket.requester_id, ticket.pending_owner_id
        )

    @staticmethod
    def _move(ticket: Ticket, target: Status, now: datetime) -> None:
        ticket.status = check_move(ticket.status, target, key=ticket.key).value
        ticket.updated_at = now

    def _acknowledge(self, ticket: Ticket, now: datetime) -> None:
        self._move(ticket, Status.ACKNOWLEDGED, now)
        ticket.acknowledged_at = now
        self._schedule_reminders(ticket)

    async def _acknowledge_if_open(self, session: AsyncSession, ticket: Ticket, actor_id: str, now: datetime) -> Status:
        """Moving an open ticket on (resolve, pause) acknowledges it first, recorded as its own step."""
        status = Status(ticket.status)
        if status != Status.OPEN:
            return status
        self._acknowledge(ticket, now)
        await ticket_rows.add_event(
            session,
            ticket,
            actor_id=actor_id,
            action="acknowledged",
            at=now,
            from_value=status.value,
            to_value=Status.ACKNOWLEDGED.value,
        )
        return Status.ACKNOWLEDGED

    @staticmethod
    def _schedule_reminders(ticket: Ticket) -> None:
        """The next overdue reminder is due when the deadline of the current phase passes; a new phase
        (acknowledged, reopened) starts the ladder again, and a paused or finished ticket has none."""
        status = Status(ticket.status)
        if status == Status.OPEN:
            ticket.next_reminder_at = ticket.ack_due_at
        elif status == Status.ACKNOWLEDGED:
            ticket.next_reminder_at = ticket.resolve_due_at
        else:
            ticket.next_reminder_at = None
        ticket.reminder_count = 0

    async def _owner_tz(self, session: AsyncSession, ticket: Ticket) -> ZoneInfo | None:
        return await owner_zone(session, ticket.owner_id)

    @staticmethod
    def _clear_pending(ticket: Ticket) -> None:
        ticket.pending_owner_id = ticket.pending_department_key = ticket.pending_reason = None
        ticket.pending_by_id = None
        ticket.pending_at = None

    @staticmethod
    def _require_active(ticket: Ticket) -> None:
        if Status(ticket.status) not in ACTIVE_STATUSES:
            raise BadRequest("error.not_active", key=ticket.key, status=ticket.status)

    def _department_for(self, user_id: str, wanted: str | None, current: str) -> str:
        """The department a new owner would own the ticket for; they must be one of its people."""
        if wanted is not None:
            department = self.workspace.department(wanted)
            if department is None:
                raise BadRequest("error.unknown_department", department=wanted)
            if user_id not in department.members:
                raise BadRequest("error.handoff_not_member", owner=user_id, department=department.name)
            return department.key
        current_department = self.workspace.department(current)
        if current_department is not None and user_id in current_department.members:
            return current
        for department in self.workspace.departments:
            if user_id in department.members:
                return department.key
        raise BadRequest("error.handoff_no_department", owner=user_id)
