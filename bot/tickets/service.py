"""Tickets outside the workflow: open (handed to :mod:`bot.tickets.opening`), comment, show, list, App Home.

Each method that writes is one database transaction that changes the ticket, records who did it and
when, and queues the Slack messages it causes in the outbox — all committed together. It never sees a
Slack payload and never calls Slack; the notifier sends the outbox after commit. Changes to an existing
ticket's ownership and status live in ``bot.tickets.workflow``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.customers.directory import CustomerDirectory
from bot.errors import BadRequest, NotAllowed, TicketNotFound
from bot.outbox.interface import Outbox
from bot.outbox.writer import OutboxWriter
from bot.people.away import away_among
from bot.runtime.clock import Clock
from bot.runtime.metrics import Metrics
from bot.surfaces.home import HomeQueue, home_view
from bot.tickets.notices import TicketMessenger
from bot.tickets.opening import OpenResult, TicketOpener, TicketRequest
from bot.tickets.permissions import TicketParties, may_see
from bot.tickets.relations import NONE, Relations, relations_of_one
from bot.tickets.routing import pick_owner
from bot.tickets.states import ACTIVE_STATUSES, CLOCK_RUNNING, Status
from config.live import LiveWorkspace
from config.schema import WorkspaceConfig
from storage import audit, customer_work, directory, events
from storage import consults as consult_rows
from storage import customers as customer_rows
from storage import links as link_rows
from storage import tickets as ticket_rows
from storage.audit import EventRecord
from storage.database import Database
from storage.models import Ticket, TicketEvent

LIST_LIMIT = 50  # tickets in one /ticket list answer


class ListScope(StrEnum):
    MINE = "mine"  # what you own and what you asked for
    DEPT = "dept"
    OVERDUE = "overdue"
    ALL = "all"  # every open ticket, overdue first: an admin's ``/ticket list``


@dataclass(frozen=True)
class TicketHistory:
    ticket: Ticket
    events: Sequence[TicketEvent] = field(default_factory=list)
    earlier: int = 0  # older events not read: ``/ticket show`` counts them, ``crossdesk export --history`` has them
    parent: Ticket | None = None  # a consult's: the ticket it is about (``/ticket show``)
    consults: Sequence[Ticket] = field(default_factory=list)  # a ticket's questions to other departments, oldest first
    relations: Relations = NONE  # linked work: related tickets, duplicates, followers (``/ticket show``)


def is_overdue(ticket: Ticket, now: datetime) -> bool:
    status = Status(ticket.status)
    if status == Status.OPEN and ticket.ack_due_at is not None and ticket.ack_due_at <= now:
        return True
    return status in CLOCK_RUNNING and ticket.resolve_due_at is not None and ticket.resolve_due_at <= now


def parties_of(ticket: Ticket, followers: Sequence[str] = (), manager_id: str | None = None) -> TicketParties:
    """What a permission or visibility check needs to know of ``ticket`` (and who follows it, and its customer's
    account manager, when known)."""
    return TicketParties(
        ticket.key,
        ticket.department_key,
        ticket.owner_id,
        ticket.requester_id,
        ticket.pending_owner_id,
        private=ticket.is_private,
        followers=tuple(followers),
        manager_id=manager_id,
    )


class TicketService(OutboxWriter):
    def __init__(
        self,
        db: Database,
        workspace: WorkspaceConfig | LiveWorkspace,
        clock: Clock,
        outbox: Outbox,
        messages: TicketMessenger,
        metrics: Metrics | None = None,
        customers: CustomerDirectory | None = None,
    ) -> None:
        super().__init__(db, workspace, clock, outbox)
        self.metrics = metrics or Metrics()
        self.messages = messages
        self.translator = messages.translator
        self._opener = TicketOpener(db, self.live, clock, outbox, messages, self.metrics, customers)

    @property
    def opener(self) -> TicketOpener:
        """What opens tickets; workflow verbs that open one inside their own change (a consult) share it."""
        return self._opener

    async def open_ticket(self, request: TicketRequest) -> OpenResult:
        """Open a ticket, or return the one already made of the same message or event (:mod:`bot.tickets.opening`)."""
        return await self._opener.open_ticket(request)

    async def next_owner(self, department_key: str) -> str | None:
        """Who would own a ticket opened in ``department_key`` now (shown in the new-ticket form)."""
        department = self.workspace.department(department_key)
        if department is None:
            return None
        rotation = self.workspace.rotation_of(department)
        if not rotation:
            return None
        async with self.db.read() as session:
            turn = await directory.current_turn(session, department.key)
            profiles = await directory.owner_profiles(session, rotation)
        away = away_among(profiles, self.workspace.away_statuses, self.clock.now())
        return pick_owner(rotation, turn, away)[0]

    async def set_away(self, user_id: str, away: bool) -> None:
        """Away: the round robin skips this person for new tickets (what they own stays theirs)."""
        if not self.departments_of(user_id):
            raise BadRequest("error.no_department")
        async with self.db.transaction() as session:
            await directory.set_away(session, user_id, away)

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
            await self.messages.ephemeral(session, now, request.origin_channel, request.requester_id, text, ticket.id)
            if request.event_id:
                await events.mark_processed(session, [(request.event_id, request.event_type or "event")], now)
        self.outbox.wake()
        return True

    async def tell(self, user_id: str, channel: str | None, message_key: str, *, event_id: str | None = None) -> None:
        """Send one person a catalogue message (through the outbox), once per event."""
        await self.tell_text(user_id, channel, self.translator.t(message_key), event_id=event_id)

    async def tell_text(self, user_id: str, channel: str | None, text: str, *, event_id: str | None = None) -> None:
        """Ephemeral in ``channel``, or a DM when there is no channel (App Home, modals)."""
        async with self.db.transaction() as session:
            if event_id and await events.was_processed(session, event_id):
                return
            now = self.clock.now()
            if channel:
                await self.messages.ephemeral(session, now, channel, user_id, text)
            else:
                await self.messages.direct(session, now, user_id, text)
            if event_id:
                await events.mark_processed(session, [(event_id, "notice")], now)
        self.outbox.wake()

    # ------------------------------------------------------------------ thread comments

    async def record_comment(
        self, *, channel: str, thread_ts: str, user_id: str, text: str, ts: str, event_id: str | None
    ) -> Ticket | None:
        """Record a reply in a ticket's thread; returns ``None`` when the thread is not a ticket's."""
        async with self.db.transaction() as session:
            ticket = await ticket_rows.by_thread(session, channel, thread_ts)
            if ticket is None:
                return None
            if event_id and await events.was_processed(session, event_id):
                return ticket
            now = self.clock.now()
            assert ticket.id is not None
            comment = EventRecord(ticket.id, actor_id=user_id, action="commented", at=now, note=text, slack_ts=ts)
            await audit.record(session, [comment])
            if event_id:
                await events.mark_processed(session, [(event_id, "message")], now)
            ticket.updated_at = now
            ticket_rows.save(session, ticket)
        return ticket

    # ------------------------------------------------------------------ reading

    async def event_seen(self, event_id: str) -> bool:
        """Whether the Slack event ``event_id`` was already handled (by this or any replica)."""
        async with self.db.read() as session:
            return await events.was_processed(session, event_id)

    async def get(self, key: str) -> Ticket:
        async with self.db.read() as session:
            ticket = await ticket_rows.by_key(session, key)
        if ticket is None:
            raise TicketNotFound(key=key.upper())
        return ticket

    async def history(self, key: str) -> TicketHistory:
        async with self.db.read() as session:
            ticket = await ticket_rows.by_key(session, key)
            if ticket is None:
                raise TicketNotFound(key=key.upper())
            assert ticket.id is not None
            return TicketHistory(ticket=ticket, events=await audit.events_of(session, ticket.id))

    async def show(self, key: str, viewer_id: str, latest: int | None = None) -> TicketHistory:
        """:meth:`history` for ``/ticket show``: a private ticket only for the people who may see it; with
        ``latest``, only that many of the newest events are read and the older ones counted."""
        async with self.db.read() as session:
            ticket = await ticket_rows.by_key(session, key)
            if ticket is None:
                raise TicketNotFound(key=key.upper())
            if not (await self._visible(session, viewer_id, [ticket])):
                raise NotAllowed("error.private_ticket", key=ticket.key)
            assert ticket.id is not None
            parent = await consult_rows.by_id(session, ticket.parent_id) if ticket.parent_id is not None else None
            consults = (await consult_rows.consults_of(session, [ticket.id])).get(ticket.id, [])
            relations = await relations_of_one(session, ticket)
            if latest is None:
                events: Sequence[TicketEvent] = await audit.events_of(session, ticket.id)
                earlier = 0
            else:
                events, total = await audit.latest_events_of(session, ticket.id, latest)
                earlier = total - len(events)
            return TicketHistory(ticket, events, earlier, parent=parent, consults=consults, relations=relations)

    async def visible(self, session: AsyncSession, viewer_id: str, tickets: Sequence[Ticket]) -> list[Ticket]:
        """The ones of ``tickets`` that ``viewer_id`` may see, read in the caller's ``session``."""
        return await self._visible(session, viewer_id, tickets)

    async def _visible(self, session: AsyncSession, viewer_id: str, tickets: Sequence[Ticket]) -> list[Ticket]:
        """The ones of ``tickets`` that ``viewer_id`` may see (:func:`bot.permissions.may_see`); the departments a
        private ticket passed through and the people following it are read in one query each, and only when there
        is a private ticket."""
        private = [ticket for ticket in tickets if ticket.is_private]
        passed = await audit.departments_passed_by(session, private) if private else {}
        following = await link_rows.following(session, [t.id for t in private if t.id is not None]) if private else {}
        managers = await customer_rows.managers_of(session, [t.customer_id for t in private if t.customer_id])
        return [
            ticket
            for ticket in tickets
            if not ticket.is_private
            or may_see(
                viewer_id,
                parties_of(ticket, following.get(ticket.id or 0, []), managers.get(ticket.customer_id or 0)),
                self.workspace,
                passed.get(ticket.id or 0, []),
            )
        ]

    async def find_by_message(self, channel: str, ts: str) -> Ticket | None:
        """The ticket made from the message at (channel, ts), or whose card that message is."""
        async with self.db.read() as session:
            return await ticket_rows.by_origin(session, channel, ts)

    def default_scope(self, actor_id: str) -> ListScope:
        """What a bare ``/ticket list`` shows: an admin every open ticket; anyone else their own and those they
        asked for (a requester has nothing else to follow)."""
        return ListScope.ALL if actor_id in self.workspace.admins else ListScope.MINE

    async def list_tickets(self, actor_id: str, scope: ListScope) -> Sequence[Ticket]:
        """The tickets of ``scope`` that ``actor_id`` may see, at most :data:`LIST_LIMIT`."""
        active = [s.value for s in ACTIVE_STATUSES]
        departments = self.departments_of(actor_id)
        admin = actor_id in self.workspace.admins
        if scope == ListScope.DEPT and not departments:
            raise BadRequest("error.no_department")
        if scope == ListScope.ALL and not admin:
            raise BadRequest("error.bad_request")  # not a choice people make: default_scope gives it to admins
        async with self.db.read() as session:
            if scope == ListScope.MINE:
                owned = await ticket_rows.owned_by(session, actor_id, active, LIST_LIMIT)
                asked = await ticket_rows.requested_by(session, actor_id, active, LIST_LIMIT)
                followed = await link_rows.followed_by(session, actor_id, active, LIST_LIMIT)  # asked for twice
                mine = [*owned, *asked, *followed]
                found = sorted({t.id: t for t in mine}.values(), key=lambda t: (t.created_at, t.id or 0))
            elif scope == ListScope.DEPT:
                found = list(await ticket_rows.in_departments(session, departments, active, LIST_LIMIT))
            else:
                found = list(
                    await ticket_rows.overdue(
                        session,
                        self.clock.now(),
                        unacknowledged=[Status.OPEN.value],
                        unresolved=[s.value for s in CLOCK_RUNNING],
                        # Everyone may ask; each sees what concerns them: their departments' and their own.
                        department_keys=None if admin else departments,
                        involving=None if admin else actor_id,
                        limit=LIST_LIMIT,
                    )
                )
                if scope == ListScope.ALL:
                    overdue_ids = {ticket.id for ticket in found}
                    rest = await ticket_rows.in_statuses(session, active, LIST_LIMIT + len(found))
                    found += [ticket for ticket in rest if ticket.id not in overdue_ids]
            return (await self._visible(session, actor_id, found))[:LIST_LIMIT]

    def departments_of(self, user_id: str) -> list[str]:
        workspace = self.workspace
        return [d.key for d in workspace.departments if user_id in workspace.people_of(d)]

    def is_overdue(self, ticket: Ticket, now: datetime | None = None) -> bool:
        return is_overdue(ticket, now or self.clock.now())

    # ------------------------------------------------------------------ App Home

    async def home_queue(self, user_id: str) -> HomeQueue:
        active = [s.value for s in ACTIVE_STATUSES]
        running = [s.value for s in CLOCK_RUNNING]
        departments = self.departments_of(user_id)
        now = self.clock.now()
        async with self.db.read() as session:
            owned = await ticket_rows.owned_by(session, user_id, active)
            asked_for = [*active, Status.RESOLVED.value]
            requested = await ticket_rows.requested_by(session, user_id, asked_for)
            # What they follow (the duplicates they asked for were closed into it) is theirs to watch as well.
            followed = await link_rows.followed_by(session, user_id, asked_for)
            requested = sorted(
                {t.id: t for t in [*requested, *followed]}.values(),
                key=lambda t: (t.created_at, t.id or 0),
                reverse=True,
            )
            offered = await ticket_rows.offered_to(session, user_id)
            attention: Sequence[Ticket] = []
            if departments:
                attention = await ticket_rows.needing_attention(
                    session, departments, now, unacknowledged=[Status.OPEN.value], unresolved=running
                )
            asked: Sequence[Ticket] = []
            waiting: Sequence[Ticket] = []
            consults: dict[int, list[Ticket]] = {}
            parents: dict[int, Ticket] = {}
            if departments:
                asked = await consult_rows.asked_of(session, departments, active)
                waiting = await consult_rows.owned_waiting_on_consults(session, user_id, active, active)
                consults = await consult_rows.consults_of(session, [t.id for t in waiting if t.id is not None], active)
                parents = await consult_rows.by_ids(session, [c.parent_id for c in asked if c.parent_id is not None])
            # Each list is someone's own or their department's, so all of it is theirs to see; checked all the
            # same, so a new section can never show a private ticket to the wrong person.
            managed, for_customers = await customer_work.open_for_manager(session, user_id, active, LIST_LIMIT)
            everything = [*owned, *requested, *offered, *attention, *asked, *waiting, *for_customers]
            visible = {t.id for t in await self._visible(session, user_id, everything)}
        return HomeQueue(
            owned=[t for t in owned if t.id in visible],
            requested=[t for t in requested if t.id in visible],
            offered=[t for t in offered if t.id in visible],
            department=[t for t in attention if t.id in visible],
            asked=[t for t in asked if t.id in visible] if departments else None,
            waiting=[t for t in waiting if t.id in visible],
            consults=consults,
            parents=parents,
            customers=[t for t in for_customers if t.id in visible],
            managed=len(managed),
        )

    async def publish_home(self, user_id: str) -> None:
        """Queue a ``views.publish`` of ``user_id``'s App Home with their current queue."""
        queue = await self.home_queue(user_id)
        view = home_view(queue, user_id, self.messages, self.clock.now())
        async with self.db.transaction() as session:
            await self.messages.publish_home(session, self.clock.now(), user_id, view)
        self.outbox.wake()
