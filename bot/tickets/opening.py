"""Opening a ticket, from any door: routing, numbering, the round robin, due times, and the first messages.

Tickets opened at the same moment are written together (:class:`GroupCommit`); a repeated Slack event or a
message opened twice is answered with the ticket that already exists. It never sees a Slack payload and never
calls Slack: the new ticket's messages are queued in the outbox in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.customers.directory import CustomerDirectory
from bot.errors import BadRequest
from bot.outbox.interface import Commit, Outbox
from bot.outbox.writer import OutboxWriter
from bot.people.away import away_among
from bot.runtime.clock import Clock
from bot.runtime.group_commit import GroupCommit
from bot.runtime.metrics import Metrics
from bot.surfaces.text import clip, to_plain, without_links
from bot.tickets.notices import SYSTEM_ACTOR, TicketMessenger
from bot.tickets.routing import is_complaint, pick_owner, route, title_from_text
from bot.tickets.sla import due_times, zone_named
from bot.tickets.states import Status
from config.live import LiveWorkspace
from config.schema import LIFECYCLE_STAGES, PRIORITIES, Department, WorkspaceConfig
from storage import audit, directory, events
from storage import customers as customer_rows
from storage import tickets as ticket_rows
from storage.audit import EventRecord
from storage.consults import TICKET
from storage.customers import Summary
from storage.database import Database
from storage.directory import OwnerProfile
from storage.models import Ticket

log = logging.getLogger(__name__)


class Source(StrEnum):
    MESSAGE = "message"
    COMMAND = "command"
    REACTION = "reaction"
    MODAL = "modal"


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
    customer_name: str | None = None  # a customer by name: linked when known, kept as text otherwise
    customer_id: int | None = None  # a customer chosen in a form; without either, the text names one or none
    lifecycle_stage: str | None = None
    is_complaint: bool = False
    private: bool = False  # asked in a private channel or a DM: only the people involved may see it
    kind: str = TICKET  # or CONSULT: a question to ``department_key`` about the ticket ``parent_id``
    parent_id: int | None = None


@dataclass(frozen=True)
class OpenResult:
    ticket: Ticket | None
    created: bool
    duplicate_event: bool = False


@dataclass(frozen=True)
class _Opening:
    request: TicketRequest
    text: str  # the request's text, cleaned


class _Batch(Enum):
    SAME_MESSAGE = "same message"  # an earlier opening of the same batch is about to make this message a ticket


def _created_events(ticket: Ticket, now: datetime, linked: Summary | None, chosen: bool) -> list[EventRecord]:
    """Its creation, and its customer when it has one (``chosen`` in a form or a command, else named in its text)."""
    assert ticket.id is not None, "add the ticket first"
    created = EventRecord(
        ticket.id, actor_id=ticket.requester_id, action="created", at=now, to_value=ticket.owner_id, note=ticket.source
    )
    if linked is None:
        return [created]
    # Linked because its text names the customer: the bot did it, and a wrong guess is one click to fix.
    actor = ticket.requester_id if chosen else SYSTEM_ACTOR
    return [created, EventRecord(ticket.id, actor_id=actor, action="customer_linked", at=now, to_value=linked.name)]


class TicketOpener(OutboxWriter):
    """Opens tickets; :class:`bot.tickets.service.TicketService` hands ``open_ticket`` here."""

    def __init__(
        self,
        db: Database,
        workspace: WorkspaceConfig | LiveWorkspace,
        clock: Clock,
        outbox: Outbox,
        messages: TicketMessenger,
        metrics: Metrics,
        customers: CustomerDirectory | None = None,
    ) -> None:
        super().__init__(db, workspace, clock, outbox)
        self.metrics = metrics
        self.messages = messages
        # Who the customers are, in memory: a new ticket is linked to the one its text names without a query.
        self.customers = customers if customers is not None else CustomerDirectory()
        self._openings: GroupCommit[_Opening, OpenResult] = GroupCommit(self._open_batch)

    async def open_ticket(self, request: TicketRequest) -> OpenResult:
        """Open a ticket, or return the one that already exists for the same message or event.

        Tickets opened at the same moment are written together (:class:`GroupCommit`): one transaction, a few
        statements, and on SQLite one turn of the writer for the whole batch. Each caller still returns only
        once its own ticket is committed.
        """
        result = await self._openings.submit(self._checked(request))
        if result.created and result.ticket is not None:
            self._opened(result.ticket)
        return result

    async def open_within(self, session: AsyncSession, request: TicketRequest) -> Ticket:
        """Open a ticket inside a transaction the caller holds, numbered and owned as any other (a consult, asked
        in its parent's change, so both commit together). Its audit event is written here; its messages are the
        caller's to queue, since they speak of what the caller did."""
        [ticket], _ = await self._create(session, [self._checked(request)], self.clock.now())
        self._opened(ticket)
        return ticket

    def _checked(self, request: TicketRequest) -> _Opening:
        """What is wrong with ``request`` said before anything is written (``BadRequest``)."""
        text = request.text.replace("\x00", "").strip()  # a message fetched from Slack may carry NUL
        if not text:
            raise BadRequest("error.empty_text")
        if request.priority is not None and request.priority not in PRIORITIES:
            raise BadRequest("error.bad_priority", priority=request.priority)
        if request.lifecycle_stage is not None and request.lifecycle_stage not in LIFECYCLE_STAGES:
            raise BadRequest("error.bad_request")
        if request.department_key is not None and self.workspace.department(request.department_key) is None:
            raise BadRequest("error.unknown_department", department=request.department_key)
        return _Opening(request, text)

    def _opened(self, ticket: Ticket) -> None:
        self.metrics.tickets_opened.labels(ticket.department_key).inc()
        log.info("opened %s for %s (source %s)", ticket.key, ticket.owner_id, ticket.source)

    async def _open_batch(self, openings: list[_Opening]) -> list[OpenResult | BaseException]:
        """Write a batch of openings in one transaction. A repeated event or message (a Slack retry that raced
        past the door's check, the same message opened on another replica at the same moment) fails the whole
        transaction on a unique key; then each is written on its own, looked up first, so one request's
        conflict never costs the others their ticket."""
        try:
            results: list[OpenResult | BaseException] = list(await self._open_committed(openings, thorough=False))
        except IntegrityError:
            results = [await self._open_alone(opening) for opening in openings]
        return results

    async def _open_committed(self, openings: list[_Opening], *, thorough: bool) -> list[OpenResult]:
        """One transaction for ``openings``; once it has committed, the outbox sends their messages at once."""
        async with self.outbox.committing() as commit:
            return await self._open_together(commit, openings, thorough=thorough)

    async def _open_alone(self, opening: _Opening) -> OpenResult | BaseException:
        try:
            return (await self._open_committed([opening], thorough=True))[0]
        except IntegrityError as error:
            # Another request (a Slack retry on another replica, a second reaction) won the race.
            try:
                async with self.db.read() as session:
                    existing = (await self._existing(session, [opening], thorough=True))[0]
            except Exception as lookup_error:
                return lookup_error
            return existing if isinstance(existing, OpenResult) else error
        except Exception as error:
            return error

    async def _existing(
        self, session: AsyncSession, openings: list[_Opening], *, thorough: bool
    ) -> list[OpenResult | _Batch | None]:
        """For each opening: the event already handled, or the ticket its message already is, else ``None``.

        Within the batch too: the second of two openings with one event id, or of one message, is answered
        by the first. Not ``thorough``, the database is asked only what its constraints cannot answer: whether
        a reacted-to message is a ticket's card. A repeated event id or a message opened twice then fails the
        transaction on a unique key, and the openings are tried again one by one, thoroughly (see
        :meth:`_open_batch`) — rare, where asking first would cost every batch two queries.
        """
        requests = [opening.request for opening in openings]
        seen = await events.processed_among(session, [r.event_id for r in requests if r.event_id and thorough])
        made = await ticket_rows.by_origins(
            session,
            [
                (r.origin_channel, r.origin_ts)
                for r in requests
                # A message event's origin is a person's new message, never a card; should a reaction have
                # made it a ticket first, the origin's unique key refuses the second one.
                if r.origin_channel and r.origin_ts and (thorough or r.source != Source.MESSAGE)
            ],
        )
        answers: list[OpenResult | _Batch | None] = []
        coming: set[tuple[str, str]] = set()
        for request in requests:
            origin = (
                (request.origin_channel, request.origin_ts) if request.origin_channel and request.origin_ts else None
            )
            if request.event_id and request.event_id in seen:
                answers.append(OpenResult(ticket=None, created=False, duplicate_event=True))
            elif origin is not None and origin in made:
                answers.append(OpenResult(ticket=made[origin], created=False))
            elif origin is not None and origin in coming:
                answers.append(_Batch.SAME_MESSAGE)
            else:
                answers.append(None)
                if request.event_id:
                    seen.add(request.event_id)
                if origin is not None:
                    coming.add(origin)
        return answers

    async def _open_together(self, commit: Commit, openings: list[_Opening], *, thorough: bool) -> list[OpenResult]:
        answers = await self._existing(commit.session, openings, thorough=thorough)
        fresh = [opening for opening, answer in zip(openings, answers, strict=True) if answer is None]
        now = self.clock.now()
        created, managers = await self._create(commit.session, fresh, now) if fresh else ([], {})
        if created:
            calls = [call for t in created for call in self.messages.new_ticket(t, managers.get(t.id or 0))]
            await commit.queue(calls, now, created)
        by_origin: dict[tuple[str | None, str | None], Ticket] = {(t.origin_channel, t.origin_ts): t for t in created}
        new_tickets = iter(created)
        results: list[OpenResult] = []
        for opening, answer in zip(openings, answers, strict=True):
            if answer is None:
                results.append(OpenResult(ticket=next(new_tickets), created=True))
            elif answer is _Batch.SAME_MESSAGE:
                request = opening.request
                results.append(OpenResult(ticket=by_origin[(request.origin_channel, request.origin_ts)], created=False))
            else:
                results.append(answer)
        return results

    async def _create(
        self, session: AsyncSession, openings: list[_Opening], now: datetime
    ) -> tuple[list[Ticket], dict[int, str]]:
        """Create the tickets of ``openings`` (none of them exists yet) with their audit events; their messages are
        the caller's to queue (a new ticket announces itself, a consult is spoken of by the change that asks it).
        Also returns the account manager to tell of each ticket linked to a customer (ticket id → manager)."""
        departments = []
        for opening in openings:
            key = opening.request.department_key or route(to_plain(opening.text), self.workspace)
            department = self.workspace.department(key)
            assert department is not None, "route() only returns configured departments"
            departments.append(department)
        # Who is away and each owner's time zone, asked once and before any department's row is locked: on
        # PostgreSQL every ticket of a department waits for that lock, so it is held for as little as can be.
        # User groups count as their members (``rotation_of``); away is said (/ticket away) or a Slack status.
        workspace = self.workspace
        rotations = {department.key: workspace.rotation_of(department) for department in departments}
        owners = sorted({owner for rotation in rotations.values() for owner in rotation})
        profiles = await directory.owner_profiles(session, owners)
        away = away_among(profiles, workspace.away_statuses, now)
        linked = await self._customers_of(session, openings)  # also before the lock (it reads only when it must)
        # Numbers and owners, department by department (in a fixed order, so two replicas never deadlock).
        numbered: dict[int, tuple[int, str]] = {}
        for department_key in sorted({department.key for department in departments}):
            members = [i for i, department in enumerate(departments) if department.key == department_key]
            department = departments[members[0]]
            number, turn = await directory.take_numbers_and_turn(session, department_key, len(members))
            for offset, index in enumerate(members):
                rotation = rotations[department_key]
                owner_id, next_turn = pick_owner(rotation, turn, away)
                # Skipping someone away must not hand the next person two tickets in a row.
                turn = next_turn % len(rotation)
                numbered[index] = (number + offset, owner_id)
            await directory.set_next_turn(session, department_key, turn)
        tickets = [
            self._new_ticket(
                opening, department, *numbered[index], profiles.get(numbered[index][1]), now, linked[index]
            )
            for index, (opening, department) in enumerate(zip(openings, departments, strict=True))
        ]
        await ticket_rows.add(session, tickets)
        chosen = [o.request.customer_id is not None or bool(o.request.customer_name) for o in openings]
        trail = [e for t, c, by in zip(tickets, linked, chosen, strict=True) for e in _created_events(t, now, c, by)]
        await audit.record(session, trail)
        await events.mark_processed(
            session,
            [(o.request.event_id, o.request.event_type or "event") for o in openings if o.request.event_id],
            now,
        )
        managers = {
            ticket.id: customer.manager_id
            for ticket, customer in zip(tickets, linked, strict=True)
            if ticket.id is not None and customer is not None and customer.manager_id
        }
        return tickets, managers

    async def _customers_of(self, session: AsyncSession, openings: list[_Opening]) -> list[Summary | None]:
        """Each opening's customer: the one chosen (by id, or by a name that is a customer's), else the one its text
        names (from memory: :class:`CustomerDirectory`); a consult has none of its own. A chosen customer this
        process does not know yet (made by another replica a moment ago) is read from the database."""
        found: list[Summary | None] = []
        unknown: list[int] = []
        for opening in openings:
            request = opening.request
            if request.kind != TICKET:
                found.append(None)
            elif request.customer_id is not None:
                found.append(self.customers.get(request.customer_id))
                if found[-1] is None:
                    unknown.append(request.customer_id)
            elif request.customer_name:
                found.append(self.customers.named(request.customer_name))
            else:  # named in its text: nothing to read when no customer is known
                found.append(self.customers.match(to_plain(opening.text)) if len(self.customers) else None)
        if unknown:
            read = {s.id: s for s in await customer_rows.summaries_of(session, unknown)}
            found = [
                read.get(o.request.customer_id or 0) if c is None and o.request.customer_id else c
                for o, c in zip(openings, found, strict=True)
            ]
        return found

    def _new_ticket(
        self,
        opening: _Opening,
        department: Department,
        number: int,
        owner_id: str,
        owner: OwnerProfile | None,
        now: datetime,
        linked: Summary | None = None,
    ) -> Ticket:
        request = opening.request
        priority = request.priority or "normal"
        customer = linked.name if linked is not None else (request.customer_name or "").strip()
        zone = zone_named(owner.tz if owner else None)
        ack_due, resolve_due = due_times(now, priority, self.workspace, zone, request.kind)
        # A consult is internal work about a ticket that is counted already: never a complaint of its own.
        complaint = request.kind == TICKET and (
            request.is_complaint or is_complaint(opening.text, self.workspace.complaint_keywords)
        )
        return ticket_rows.new_ticket(
            key=f"{department.key}-{number}",
            department_key=department.key,
            number=number,
            owner_id=owner_id,
            requester_id=request.requester_id,
            title=title_from_text(without_links(request.title or opening.text)),
            text=opening.text,
            priority=priority,
            status=Status.OPEN.value,
            source=request.source.value,
            origin_channel=request.origin_channel,
            origin_ts=request.origin_ts,
            # A private ticket's thread is its card's, where only the people involved are (card_home); the
            # conversation it came from may hold people who must not read what happens to it.
            thread_channel=None if request.private else request.origin_channel,
            thread_ts=None if request.private else request.origin_thread_ts or request.origin_ts,
            customer_name=clip(without_links(customer), 200) if customer else None,
            customer_id=linked.id if linked is not None else None,
            # The customer's stage unless the form said otherwise: the digest counts complaints by it.
            lifecycle_stage=request.lifecycle_stage or (linked.stage if linked is not None else None),
            is_complaint=complaint,
            is_private=request.private,
            kind=request.kind,
            parent_id=request.parent_id,
            created_at=now,
            updated_at=now,
            ack_due_at=ack_due,
            resolve_due_at=resolve_due,
            next_reminder_at=ack_due,
            sla_started_at=now,
        )
