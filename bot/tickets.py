"""The ticket service: open, comment, acknowledge, assign, resolve/close, reopen, show and list.

Each public method is one database transaction that changes the ticket, records who did it and when,
and queues the Slack messages it causes in the outbox — all committed together. It never sees a Slack
payload and never calls Slack; the notifier sends the outbox after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import permissions
from bot.cards import CardData, card_message, slack_date
from bot.clock import Clock
from bot.errors import BadRequest, TicketNotFound
from bot.i18n import Translator
from bot.ids import OutboxPurpose
from bot.permissions import Action, TicketParties
from bot.routing import pick_owner, route, title_from_text
from bot.sla import due_times
from bot.states import ACTIVE_STATUSES, Status, check_move
from bot.text import neutralise_broadcasts, to_plain
from config.schema import PRIORITIES, WorkspaceConfig
from storage import directory, events, outbox
from storage import tickets as ticket_rows
from storage.database import Database
from storage.models import OutboxMessage, Ticket, TicketEvent

log = logging.getLogger(__name__)

CARD_LINK = "{card_link}"  # replaced by the notifier with the card's permalink once the card exists


class Source(StrEnum):
    MESSAGE = "message"
    COMMAND = "command"
    REACTION = "reaction"
    MODAL = "modal"


class ListScope(StrEnum):
    MINE = "mine"
    DEPT = "dept"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class TicketRequest:
    """Everything needed to open a ticket, whatever door it came through."""

    text: str
    requester_id: str
    source: Source
    priority: str | None = None
    title: str | None = None
    department_key: str | None = None
    origin_channel: str | None = None  # the message that became the ticket, if any
    origin_ts: str | None = None
    origin_thread_ts: str | None = None  # set when that message is itself a reply in a thread
    event_id: str | None = None
    event_type: str | None = None


@dataclass(frozen=True)
class OpenResult:
    ticket: Ticket | None
    created: bool
    duplicate_event: bool = False


@dataclass(frozen=True)
class TicketHistory:
    ticket: Ticket
    events: Sequence[TicketEvent] = field(default_factory=list)


class TicketService:
    def __init__(
        self,
        db: Database,
        workspace: WorkspaceConfig,
        clock: Clock,
        on_outbox: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.workspace = workspace
        self.clock = clock
        self.translator = Translator(workspace.language)
        self._on_outbox = on_outbox or (lambda: None)

    def set_outbox_listener(self, listener: Callable[[], None]) -> None:
        """``listener`` is called after each commit that queued Slack messages."""
        self._on_outbox = listener

    # ------------------------------------------------------------------ opening

    async def open_ticket(self, request: TicketRequest) -> OpenResult:
        """Open a ticket, or return the one that already exists for the same message or event."""
        text = request.text.strip()
        if not text:
            raise BadRequest("error.empty_text")
        if request.priority is not None and request.priority not in PRIORITIES:
            raise BadRequest("error.bad_request")
        try:
            async with self.db.transaction() as session:
                existing = await self._existing(session, request)
                if existing is not None:
                    return existing
                ticket = await self._create(session, request, text)
        except IntegrityError:
            # Another request (a Slack retry on another replica, a second reaction) won the race.
            async with self.db.transaction() as session:
                existing = await self._existing(session, request)
            if existing is None:
                raise
            return existing
        self._on_outbox()
        log.info("opened %s for %s (source %s)", ticket.key, ticket.owner_id, ticket.source)
        return OpenResult(ticket=ticket, created=True)

    async def _existing(self, session: AsyncSession, request: TicketRequest) -> OpenResult | None:
        if request.event_id and await events.was_processed(session, request.event_id):
            return OpenResult(ticket=None, created=False, duplicate_event=True)
        if request.origin_channel and request.origin_ts:
            ticket = await ticket_rows.by_origin(session, request.origin_channel, request.origin_ts)
            if ticket is not None:
                return OpenResult(ticket=ticket, created=False)
        return None

    async def _create(self, session: AsyncSession, request: TicketRequest, text: str) -> Ticket:
        now = self.clock.now()
        department_key = request.department_key or route(text, self.workspace)
        department = self.workspace.department(department_key)
        if department is None:
            raise BadRequest("error.bad_request")
        number, turn = await directory.take_number_and_turn(session, department.key)
        away = await directory.away_members(session, list(department.owners))
        owner_id, _ = pick_owner(department.owners, turn, away)
        priority = request.priority or "normal"
        ack_due, resolve_due = due_times(now, priority, self.workspace)
        thread_channel = request.origin_channel
        thread_ts = request.origin_thread_ts or request.origin_ts
        ticket = Ticket(
            key=f"{department.key}-{number}",
            department_key=department.key,
            number=number,
            owner_id=owner_id,
            requester_id=request.requester_id,
            title=title_from_text(to_plain(request.title or text)),
            text=text,
            priority=priority,
            status=Status.OPEN.value,
            source=request.source.value,
            origin_channel=request.origin_channel,
            origin_ts=request.origin_ts,
            thread_channel=thread_channel,
            thread_ts=thread_ts,
            created_at=now,
            updated_at=now,
            ack_due_at=ack_due,
            resolve_due_at=resolve_due,
        )
        session.add(ticket)
        await session.flush()
        await ticket_rows.add_event(
            session,
            ticket,
            actor_id=request.requester_id,
            action="created",
            at=now,
            to_value=owner_id,
            note=request.source.value,
        )
        if request.event_id:
            events.mark_processed(session, request.event_id, request.event_type or "event", now)
        await self._queue_new_ticket_messages(session, ticket, now)
        await session.flush()
        return ticket

    def _card_home(self, ticket: Ticket) -> tuple[str, str | None]:
        """Where the card goes: into the origin message's thread, else the department channel."""
        if ticket.thread_channel:
            return ticket.thread_channel, ticket.thread_ts
        department = self.workspace.department(ticket.department_key)
        if department is not None and department.channel:
            return department.channel, None
        if self.workspace.intake_channels:
            return self.workspace.intake_channels[0], None
        return (
            ticket.requester_id,
            None,
        )  # a DM with the requester: there is always somewhere to put it

    async def _queue_new_ticket_messages(self, session: AsyncSession, ticket: Ticket, now: datetime) -> None:
        t = self.translator.t
        channel, thread_ts = self._card_home(ticket)
        card_payload: dict[str, Any] = {
            "channel": channel,
            **card_message(self._card(ticket), self.translator, self.workspace.tz),
        }
        if thread_ts:
            card_payload["thread_ts"] = thread_ts
        card = outbox.enqueue(
            session,
            method="chat.postMessage",
            payload=card_payload,
            purpose=OutboxPurpose.CARD,
            now=now,
            ticket_id=ticket.id,
        )
        await session.flush()  # the card's id is needed by the rows that link to it
        priority = t("priority." + ticket.priority)
        link = t("dm.open_ticket", url=CARD_LINK)
        dm_text = t(
            "dm.new_ticket",
            key=ticket.key,
            priority=priority,
            requester=ticket.requester_id,
            title=ticket.title,
            ack_due=slack_date(ticket.ack_due_at, self.workspace.tz, self.translator),
            link=link,
        )
        outbox.enqueue(
            session,
            method="chat.postMessage",
            payload={"channel": ticket.owner_id, "text": dm_text},
            purpose=OutboxPurpose.NOTICE,
            now=now,
            ticket_id=ticket.id,
            depends_on=card,
        )
        department = self.workspace.department(ticket.department_key)
        if department is not None and department.channel and department.channel != channel:
            notice = t(
                "department.new_ticket",
                key=ticket.key,
                priority=priority,
                owner=ticket.owner_id,
                title=ticket.title,
                link=link,
            )
            outbox.enqueue(
                session,
                method="chat.postMessage",
                payload={"channel": department.channel, "text": notice},
                purpose=OutboxPurpose.NOTICE,
                now=now,
                ticket_id=ticket.id,
                depends_on=card,
            )

    async def point_to_existing(self, request: TicketRequest) -> bool:
        """For a second ticket reaction: tell the reactor which ticket the message already is.

        Returns ``True`` when nothing more is to be done (the message is a ticket, or the event was seen).
        """
        if not (request.origin_channel and request.origin_ts):
            return False
        async with self.db.transaction() as session:
            if request.event_id and await events.was_processed(session, request.event_id):
                return True
            ticket = await ticket_rows.by_origin(session, request.origin_channel, request.origin_ts)
            if ticket is None:
                return False
            now = self.clock.now()
            text = self.translator.t("reaction.exists", key=ticket.key, owner=ticket.owner_id)
            payload = {"channel": request.origin_channel, "user": request.requester_id, "text": text}
            outbox.enqueue(
                session,
                method="chat.postEphemeral",
                payload=payload,
                purpose=OutboxPurpose.NOTICE,
                now=now,
                ticket_id=ticket.id,
            )
            if request.event_id:
                events.mark_processed(session, request.event_id, request.event_type or "event", now)
        self._on_outbox()
        return True

    async def tell(self, user_id: str, channel: str, message_key: str, *, event_id: str | None = None) -> None:
        """Send one person an ephemeral catalogue message in ``channel`` (through the outbox), once per event."""
        await self.tell_text(user_id, channel, self.translator.t(message_key), event_id=event_id)

    async def tell_text(self, user_id: str, channel: str, text: str, *, event_id: str | None = None) -> None:
        async with self.db.transaction() as session:
            if event_id and await events.was_processed(session, event_id):
                return
            now = self.clock.now()
            payload = {"channel": channel, "user": user_id, "text": text}
            outbox.enqueue(session, method="chat.postEphemeral", payload=payload, purpose=OutboxPurpose.NOTICE, now=now)
            if event_id:
                events.mark_processed(session, event_id, "notice", now)
        self._on_outbox()

    # ------------------------------------------------------------------ thread comments

    async def record_comment(
        self,
        *,
        channel: str,
        thread_ts: str,
        user_id: str,
        text: str,
        ts: str,
        event_id: str | None,
    ) -> Ticket | None:
        """Record a reply in a ticket's thread; returns ``None`` when the thread is not a ticket's."""
        async with self.db.transaction() as session:
            ticket = await ticket_rows.by_thread(session, channel, thread_ts)
            if ticket is None:
                return None
            if event_id and await events.was_processed(session, event_id):
                return ticket
            now = self.clock.now()
            await ticket_rows.add_event(
                session,
                ticket,
                actor_id=user_id,
                action="commented",
                at=now,
                note=text,
                slack_ts=ts,
            )
            if event_id:
                events.mark_processed(session, event_id, "message", now)
            ticket.updated_at = now
            session.add(ticket)
        return ticket

    # ------------------------------------------------------------------ changes by people

    async def acknowledge(self, key: str, actor_id: str) -> Ticket:
        async with self.db.transaction() as session:
            ticket = await self._load(session, key)
            permissions.require(actor_id, Action.ACKNOWLEDGE, self._parties(ticket), self.workspace)
            now = self.clock.now()
            self._move(session, ticket, Status.ACKNOWLEDGED, now)
            ticket.acknowledged_at = now
            await ticket_rows.add_event(
                session,
                ticket,
                actor_id=actor_id,
                action="acknowledged",
                at=now,
                from_value=Status.OPEN.value,
                to_value=Status.ACKNOWLEDGED.value,
            )
            await self._queue_card_change(session, ticket, now, "thread.acknowledged", actor_id)
        self._on_outbox()
        return ticket

    async def assign(self, key: str, actor_id: str, new_owner_id: str) -> Ticket:
        async with self.db.transaction() as session:
            ticket = await self._load(session, key)
            permissions.require(actor_id, Action.ASSIGN, self._parties(ticket), self.workspace)
            if Status(ticket.status) not in ACTIVE_STATUSES:
                raise BadRequest(
                    "error.invalid_transition",
                    key=ticket.key,
                    current=ticket.status,
                    target="assigned",
                )
            if new_owner_id == ticket.owner_id:
                return ticket
            now = self.clock.now()
            previous = ticket.owner_id
            ticket.owner_id = new_owner_id
            ticket.updated_at = now
            session.add(ticket)
            await ticket_rows.add_event(
                session,
                ticket,
                actor_id=actor_id,
                action="assigned",
                at=now,
                from_value=previous,
                to_value=new_owner_id,
            )
            await self._queue_card_change(session, ticket, now, "thread.assigned", actor_id, owner=new_owner_id)
            if new_owner_id != actor_id:
                text = self.translator.t(
                    "dm.assigned",
                    actor=actor_id,
                    key=ticket.key,
                    title=ticket.title,
                    link=self.translator.t("dm.open_ticket", url=CARD_LINK),
                )
                await self._queue_notice(session, ticket, now, new_owner_id, text)
        self._on_outbox()
        return ticket

    async def close(self, key: str, actor_id: str, note: str | None = None) -> Ticket:
        """``/ticket close``: resolve an active ticket (acknowledging it on the way), close a resolved one."""
        async with self.db.transaction() as session:
            ticket = await self._load(session, key)
            now = self.clock.now()
            note_text = neutralise_broadcasts(note.strip()) if note and note.strip() else None
            suffix = f" — {note_text}" if note_text else ""
            status = Status(ticket.status)
            if status == Status.RESOLVED:
                permissions.require(actor_id, Action.CLOSE, self._parties(ticket), self.workspace)
                self._move(session, ticket, Status.CLOSED, now)
                ticket.closed_at = now
                await ticket_rows.add_event(
                    session,
                    ticket,
                    actor_id=actor_id,
                    action="closed",
                    at=now,
                    from_value=status.value,
                    to_value=Status.CLOSED.value,
                    note=note_text,
                )
                await self._queue_card_change(session, ticket, now, "thread.closed", actor_id, note=suffix)
            else:
                permissions.require(actor_id, Action.RESOLVE, self._parties(ticket), self.workspace)
                if status == Status.OPEN:
                    self._move(session, ticket, Status.ACKNOWLEDGED, now)
                    ticket.acknowledged_at = now
                    await ticket_rows.add_event(
                        session,
                        ticket,
                        actor_id=actor_id,
                        action="acknowledged",
                        at=now,
                        from_value=status.value,
                        to_value=Status.ACKNOWLEDGED.value,
                    )
                    status = Status.ACKNOWLEDGED
                self._move(session, ticket, Status.RESOLVED, now)
                ticket.resolved_at = now
                await ticket_rows.add_event(
                    session,
                    ticket,
                    actor_id=actor_id,
                    action="resolved",
                    at=now,
                    from_value=status.value,
                    to_value=Status.RESOLVED.value,
                    note=note_text,
                )
                await self._queue_card_change(session, ticket, now, "thread.resolved", actor_id, note=suffix)
                if ticket.requester_id != actor_id:
                    text = self.translator.t("dm.resolved", key=ticket.key, actor=actor_id, note=suffix)
                    await self._queue_notice(session, ticket, now, ticket.requester_id, text)
        self._on_outbox()
        return ticket

    async def reopen(self, key: str, actor_id: str) -> Ticket:
        async with self.db.transaction() as session:
            ticket = await self._load(session, key)
            permissions.require(actor_id, Action.REOPEN, self._parties(ticket), self.workspace)
            now = self.clock.now()
            previous = ticket.status
            self._move(session, ticket, Status.OPEN, now)
            ticket.acknowledged_at = ticket.resolved_at = ticket.closed_at = None
            ticket.ack_due_at, ticket.resolve_due_at = due_times(now, ticket.priority, self.workspace)
            await ticket_rows.add_event(
                session,
                ticket,
                actor_id=actor_id,
                action="reopened",
                at=now,
                from_value=previous,
                to_value=Status.OPEN.value,
            )
            await self._queue_card_change(session, ticket, now, "thread.reopened", actor_id)
        self._on_outbox()
        return ticket

    # ------------------------------------------------------------------ reading

    async def history(self, key: str) -> TicketHistory:
        async with self.db.transaction() as session:
            ticket = await self._load(session, key, for_update=False)
            assert ticket.id is not None
            return TicketHistory(ticket=ticket, events=await ticket_rows.events_of(session, ticket.id))

    async def find_by_message(self, channel: str, ts: str) -> Ticket | None:
        async with self.db.transaction() as session:
            return await ticket_rows.by_origin(session, channel, ts)

    async def list_tickets(self, actor_id: str, scope: ListScope) -> Sequence[Ticket]:
        active = [s.value for s in ACTIVE_STATUSES]
        departments = self.departments_of(actor_id)
        async with self.db.transaction() as session:
            if scope == ListScope.MINE:
                return await ticket_rows.owned_by(session, actor_id, active)
            if scope == ListScope.DEPT:
                if not departments:
                    raise BadRequest("error.no_department")
                return await ticket_rows.in_departments(session, departments, active)
            limit_to: list[str] | None = None
            if actor_id not in self.workspace.admins:
                if not departments:
                    raise BadRequest("error.no_department")
                limit_to = departments
            return await ticket_rows.overdue(
                session,
                self.clock.now(),
                unacknowledged=[Status.OPEN.value],
                unresolved=active,
                department_keys=limit_to,
            )

    def departments_of(self, user_id: str) -> list[str]:
        return [d.key for d in self.workspace.departments if user_id in d.members]

    def is_overdue(self, ticket: Ticket, now: datetime | None = None) -> bool:
        now = now or self.clock.now()
        status = Status(ticket.status)
        if status == Status.OPEN and ticket.ack_due_at is not None and ticket.ack_due_at <= now:
            return True
        return status in ACTIVE_STATUSES and ticket.resolve_due_at is not None and ticket.resolve_due_at <= now

    # ------------------------------------------------------------------ helpers

    async def _load(self, session: AsyncSession, key: str, *, for_update: bool = True) -> Ticket:
        ticket = await ticket_rows.by_key(session, key, for_update=for_update)
        if ticket is None:
            raise TicketNotFound(key=key.upper())
        return ticket

    @staticmethod
    def _parties(ticket: Ticket) -> TicketParties:
        return TicketParties(ticket.key, ticket.department_key, ticket.owner_id, ticket.requester_id)

    @staticmethod
    def _move(session: AsyncSession, ticket: Ticket, target: Status, now: datetime) -> None:
        ticket.status = check_move(ticket.status, target, key=ticket.key).value
        ticket.updated_at = now
        session.add(ticket)

    def _card(self, ticket: Ticket) -> CardData:
        department = self.workspace.department(ticket.department_key)
        return CardData(
            key=ticket.key,
            title=ticket.title,
            department_name=department.name if department else ticket.department_key,
            owner_id=ticket.owner_id,
            requester_id=ticket.requester_id,
            priority=ticket.priority,
            status=ticket.status,
            source=ticket.source,
            ack_due_at=ticket.ack_due_at,
            resolve_due_at=ticket.resolve_due_at,
        )

    async def _card_row(self, session: AsyncSession, ticket: Ticket) -> OutboxMessage | None:
        statement = (
            select(OutboxMessage)
            .where(
                col(OutboxMessage.ticket_id) == ticket.id,
                col(OutboxMessage.purpose) == OutboxPurpose.CARD.value,
            )
            .order_by(col(OutboxMessage.id))
        )
        return (await session.exec(statement)).first()

    async def _queue_card_change(
        self,
        session: AsyncSession,
        ticket: Ticket,
        now: datetime,
        note_key: str,
        actor_id: str,
        **params: Any,
    ) -> None:
        """Update the card in place and add a one-line entry (who, what, when) to the ticket's thread."""
        card_row = await self._card_row(session, ticket)
        at = slack_date(now, self.workspace.tz, self.translator)
        outbox.enqueue(
            session,
            method="chat.update",
            payload=card_message(self._card(ticket), self.translator, self.workspace.tz),
            purpose=OutboxPurpose.CARD_UPDATE,
            now=now,
            ticket_id=ticket.id,
            depends_on=card_row,
        )
        line = self.translator.t(note_key, actor=actor_id, at=at, **params)
        outbox.enqueue(
            session,
            method="chat.postMessage",
            payload={"text": line},
            purpose=OutboxPurpose.THREAD_NOTE,
            now=now,
            ticket_id=ticket.id,
            depends_on=card_row,
        )

    async def _queue_notice(
        self,
        session: AsyncSession,
        ticket: Ticket,
        now: datetime,
        channel: str,
        text: str,
    ) -> None:
        card_row = await self._card_row(session, ticket)
        outbox.enqueue(
            session,
            method="chat.postMessage",
            payload={"channel": channel, "text": text},
            purpose=OutboxPurpose.NOTICE,
            now=now,
            ticket_id=ticket.id,
            depends_on=card_row,
        )
