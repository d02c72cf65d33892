"""The one shape of every change to an existing ticket: :meth:`ChangeRunner.change` opens it, :class:`Change`
records and queues what it does.

Every workflow verb (``bot.tickets.workflow``) is one transaction of the same steps: load and lock the ticket, refuse a
stale button, check the permission, let the verb change the ticket, record who did it and when (ticket events,
only through :class:`Change`, which fills in both), queue what people see (``bot.tickets.notices``: card,
thread line, DMs; settling the prompts that no longer stand), commit, and wake the outbox sender. The verbs
state only what is particular to them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.errors import BadRequest, TicketNotFound
from bot.outbox.interface import Outbox
from bot.outbox.writer import OutboxWriter
from bot.runtime.clock import Clock
from bot.runtime.metrics import Metrics
from bot.surfaces.cards import Block
from bot.surfaces.ids import OutboxPurpose
from bot.surfaces.text import clip, neutralise_broadcasts
from bot.tickets import permissions, prompts
from bot.tickets.notices import TicketMessenger
from bot.tickets.permissions import Action, TicketParties
from bot.tickets.prompts import PromptRef
from bot.tickets.sla import WorkingCalendar, owner_zone
from bot.tickets.states import ACTIVE_STATUSES, Status, check_move
from config.live import LiveWorkspace
from config.schema import WorkspaceConfig
from storage import audit, events
from storage import customers as customer_rows
from storage import tickets as ticket_rows
from storage.audit import EventRecord
from storage.database import Database
from storage.models import Ticket
from storage.prompts import prompts_of


def clean(text: str | None) -> str | None:
    """A reason or note (Slack text: escaped where it was typed, see :mod:`bot.surfaces.text`), without broadcasts;
    ``None`` when blank."""
    if text is None or not text.strip():
        return None
    return clip(neutralise_broadcasts(text.strip()), 2000)


def with_dash(note: str | None) -> str:
    """A note as it follows a thread line or DM (" — why"), or nothing."""
    return f" — {note}" if note else ""


def clear_offer(ticket: Ticket) -> None:
    """No hand-off is pending any more (accepted, declined, or the ticket resolved or reopened)."""
    ticket.pending_owner_id = ticket.pending_department_key = ticket.pending_reason = None
    ticket.pending_by_id = None
    ticket.pending_at = None


def require_active(ticket: Ticket) -> None:
    if Status(ticket.status) not in ACTIVE_STATUSES:
        raise BadRequest("error.not_active", key=ticket.key, status=ticket.status)


def require_offer(ticket: Ticket) -> None:
    if ticket.pending_owner_id is None:
        raise BadRequest("error.no_pending_handoff", key=ticket.key)


def parties(ticket: Ticket, manager_id: str | None = None) -> TicketParties:
    """Who a permission check knows of ``ticket``; ``manager_id`` is its customer's account manager, when it has one
    (:func:`parties_in` reads it)."""
    return TicketParties(
        ticket.key,
        ticket.department_key,
        ticket.owner_id,
        ticket.requester_id,
        ticket.pending_owner_id,
        manager_id=manager_id,
    )


async def parties_in(session: AsyncSession, ticket: Ticket) -> TicketParties:
    """:func:`parties`, with the account manager of the ticket's customer read (one query, only when it has one)."""
    return parties(ticket, await customer_rows.manager_of(session, ticket.customer_id))


def schedule_reminders(ticket: Ticket) -> None:
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


class Change:
    """One change to one ticket inside its transaction: who makes it (``actor_id``), when (``now``), and the
    audit events and Slack messages it adds. Events are only recorded here, so each one says who and when."""

    def __init__(
        self,
        session: AsyncSession,
        ticket: Ticket,
        actor_id: str,
        now: datetime,
        messages: TicketMessenger,
        workspace: WorkspaceConfig,
    ) -> None:
        self.session = session
        self.ticket = ticket
        self.actor_id = actor_id
        self.now = now
        self.messages = messages
        self.workspace = workspace
        self.recorded = False  # whether anything happened: a change that records nothing commits nothing
        self.repeated = False  # the Slack event that asks for it was handled before: do nothing

    # ------------------------------------------------------------------ the audit trail (who, what, when)

    async def add_event(
        self,
        *,
        action: str,
        moves_to: Status | None = None,
        from_value: str | None = None,
        to_value: str | None = None,
        note: str | None = None,
        slack_ts: str | None = None,
        by: str | None = None,
        declined: bool = False,
    ) -> None:
        """A ticket event by the change's actor (or ``by``: the bot, for what it does on its own) at its moment.

        An event that ``moves_to`` a new status moves the ticket there if the state machine allows it (else
        ``InvalidTransition``; ``declined``: closed unresolved — a consult turned down, a duplicate — see
        :func:`check_move`) and records both statuses; the reminder ladder starts again for the new phase (set its
        deadlines first), and a ticket that stops being blocked waits on no consult any more. ``action`` is always
        a literal at the call, so a test finds each one's words.
        """
        if moves_to is not None:
            previous = Status(self.ticket.status)
            self.ticket.status = check_move(previous, moves_to, key=self.ticket.key, declined=declined).value
            self.ticket.updated_at = self.now
            schedule_reminders(self.ticket)
            if moves_to != Status.BLOCKED:
                self.ticket.blocked_on_id = None
            from_value, to_value = previous.value, moves_to.value
        assert self.ticket.id is not None, "a change is made to a ticket that exists"
        event = EventRecord(
            self.ticket.id,
            actor_id=by or self.actor_id,
            action=action,
            at=self.now,
            from_value=from_value,
            to_value=to_value,
            note=note,
            slack_ts=slack_ts,
        )
        await audit.record(self.session, [event])
        self.recorded = True

    async def acknowledge(self) -> None:
        await self.add_event(action="acknowledged", moves_to=Status.ACKNOWLEDGED)
        self.ticket.acknowledged_at = self.now

    async def acknowledge_if_open(self) -> None:
        """Moving an open ticket on (resolve, pause, taking it over) acknowledges it first, recorded as its own
        step."""
        if Status(self.ticket.status) == Status.OPEN:
            await self.acknowledge()

    # ------------------------------------------------------------------ what people see (the outbox)

    def t(self, message_key: str, /, **params: Any) -> str:
        return self.messages.t(message_key, **params)

    async def say(self, note_key: str, *, by: str | None = None, **params: Any) -> None:
        """The card updated, a line (who, what, when) in the ticket's thread, stale prompts settled."""
        await self.messages.changed(self.session, self.ticket, self.now, note_key, by or self.actor_id, **params)

    async def tell(self, channel: str, text: str) -> None:
        """A DM (``channel`` = a user id) or channel post about the ticket."""
        await self.messages.notify(self.session, self.ticket, self.now, channel, text)

    async def tell_manager(self, message_key: str, *, told: tuple[str, ...] = (), **params: Any) -> None:
        """The account manager of the ticket's customer, told what happened (``customers.dm.*``), unless they did it,
        own the ticket or are among those ``told`` already; nothing for a ticket without a customer or a customer
        without a manager."""
        manager = await customer_rows.manager_of(self.session, self.ticket.customer_id)
        if manager is not None and manager not in (self.actor_id, self.ticket.owner_id, *told):
            await self.tell(manager, self.messages.for_manager(message_key, self.ticket, **params))

    async def ask(self, purpose: OutboxPurpose, user_id: str, text: str, blocks: list[Block]) -> None:
        """A DM with buttons (a prompt, ``bot.tickets.prompts``)."""
        await self.messages.prompt(self.session, self.ticket, self.now, purpose, user_id, text, blocks)

    # ------------------------------------------------------------------ reading around the ticket

    async def owner_zone(self) -> ZoneInfo | None:
        return await owner_zone(self.session, self.ticket.owner_id)

    async def calendar(self) -> WorkingCalendar:
        """The working hours the ticket's SLA clock runs in (its owner's time zone)."""
        return WorkingCalendar.from_workspace(self.workspace, await self.owner_zone())


class ChangeRunner(OutboxWriter):
    """What the workflow verbs share: the ticket's skeleton of checks and the commit around a verb's own steps."""

    def __init__(
        self,
        db: Database,
        workspace: WorkspaceConfig | LiveWorkspace,
        clock: Clock,
        outbox: Outbox,
        messages: TicketMessenger,
        metrics: Metrics | None = None,
    ) -> None:
        super().__init__(db, workspace, clock, outbox)
        self.messages = messages
        self.metrics = metrics or Metrics()

    @asynccontextmanager
    async def change(
        self,
        key: str,
        actor_id: str,
        action: Action | None,
        *,
        prompt: PromptRef | None = None,
        offered: bool = False,
        active: bool = False,
        event_id: str | None = None,
        event_kind: str = "",
    ) -> AsyncIterator[Change]:
        """One verb on ticket ``key`` by ``actor_id``, in one transaction; refusals raise and change nothing.

        In order: the ticket is loaded and locked (``TicketNotFound``); a Slack event (``event_id``) handled
        before yields a change marked ``repeated``, unchecked; a click on a prompt that no longer stands is
        refused (``prompt``); a hand-off answer needs a pending hand-off (``offered``: before the permission,
        since the person offered it has a role only while it is pending); ``actor_id`` needs permission for
        ``action`` (``None``: anyone the verb lets through); the ticket must be active (``active``). At the end
        the ticket is stamped with the change's moment, the event marked handled, and the outbox sender woken
        once the commit is done, unless nothing was recorded.
        """
        async with self.db.transaction() as session:
            ticket = await self.load(session, key)
            change = Change(session, ticket, actor_id, self.clock.now(), self.messages, self.workspace)
            change.repeated = bool(event_id) and await events.was_processed(session, event_id or "")
            if not change.repeated:
                await self.require_current(session, ticket, prompt)
                if offered:
                    require_offer(ticket)
                if action is not None:
                    permissions.require(actor_id, action, await parties_in(session, ticket), self.workspace)
                if active:
                    require_active(ticket)
            yield change
            if change.recorded:
                self.finish(change)
                if event_id:
                    await events.mark_processed(session, [(event_id, event_kind)], change.now)
        if change.recorded:
            self.outbox.wake()

    def wake_outbox(self) -> None:
        """Tell the outbox sender that a commit queued messages (for changes made outside :meth:`change`)."""
        self.outbox.wake()

    def on(self, session: AsyncSession, ticket: Ticket, actor_id: str, now: datetime) -> Change:
        """A change to a ticket already loaded and locked in ``session`` (several at once: auto-close)."""
        return Change(session, ticket, actor_id, now, self.messages, self.workspace)

    @staticmethod
    def finish(change: Change) -> None:
        change.ticket.updated_at = change.now
        ticket_rows.save(change.session, change.ticket)

    async def load(self, session: AsyncSession, key: str, *, for_update: bool = True) -> Ticket:
        ticket = await ticket_rows.by_key(session, key, for_update=for_update)
        if ticket is None:
            raise TicketNotFound(key=key.upper())
        return ticket

    async def require_current(self, session: AsyncSession, ticket: Ticket, prompt: PromptRef | None) -> None:
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
        last = await audit.last_change(session, ticket.id, ignoring=prompts.QUIET_ACTIONS)
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
