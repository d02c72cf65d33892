"""The end of a ticket and its way back: resolve, confirm (by the requester) or close, reopen, and the
auto-close of resolved tickets that stayed quiet."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.surfaces.cards import resolution_blocks
from bot.surfaces.ids import OutboxPurpose
from bot.tickets import consults, links, satisfaction
from bot.tickets.change import Change, ChangeRunner, clean, clear_offer, with_dash
from bot.tickets.notices import SYSTEM_ACTOR
from bot.tickets.pauses import stop_clock
from bot.tickets.permissions import Action
from bot.tickets.prompts import PromptRef
from bot.tickets.sla import due_times
from bot.tickets.states import Status
from storage import links as link_rows
from storage import tickets as ticket_rows
from storage.consults import CONSULT
from storage.models import Ticket

log = logging.getLogger(__name__)


async def resolve(flow: ChangeRunner, key: str, actor_id: str, note: str | None) -> Ticket:
    """Resolved with a note; a consult is resolved by its answer, so its note is the answer (``consults``)."""
    async with flow.change(key, actor_id, Action.RESOLVE, active=True) as change:
        if change.ticket.kind == CONSULT:
            await consults.answer_within(flow, change, None, clean(note))
        else:
            await _resolve(change, clean(note))
    flow.metrics.tickets_resolved.labels(change.ticket.department_key).inc()
    return change.ticket


async def _resolve(change: Change, note: str | None) -> None:
    """Resolved, and the requester asked (unless they resolved it) to confirm, or to reopen it before it closes
    on its own, and to rate how it was handled (``satisfaction``)."""
    ticket = change.ticket
    await change.acknowledge_if_open()
    await change.add_event(action="resolved", moves_to=Status.RESOLVED, note=note)
    ticket.resolved_at = change.now
    await stop_clock(change)
    clear_offer(ticket)
    await change.say("thread.resolved", note=with_dash(note))
    if ticket.requester_id != change.actor_id:
        text = change.t(
            "dm.resolved",
            key=ticket.key,
            title=ticket.title,
            actor=change.actor_id,
            note=with_dash(note),
            closes=change.messages.date(change.now + change.workspace.auto_close_after),
            link=change.messages.link(),
        )
        blocks = resolution_blocks(ticket.key, text, change.messages.translator)
        await change.ask(OutboxPurpose.RESOLUTION_PROMPT, ticket.requester_id, text, blocks)
    assert ticket.id is not None
    followers = (await link_rows.followers_of(change.session, [ticket.id])).get(ticket.id, [])
    await links.tell_followers(change, note, followers)  # the requesters of its duplicates
    # The requester hears it already; an account manager who asked for the ticket is not told twice.
    await change.tell_manager(
        "customers.dm.resolved", told=(ticket.requester_id,), actor=change.actor_id, note=with_dash(note)
    )
    await satisfaction.ask(change, followers)  # a rating, asked once of each person however often it is resolved


async def close(flow: ChangeRunner, key: str, actor_id: str, note: str | None, prompt: PromptRef | None) -> Ticket:
    """Close a resolved ticket (the requester's confirmation, ``/ticket close``)."""
    async with flow.change(key, actor_id, Action.CLOSE, prompt=prompt) as change:
        await _close(change, clean(note))
    return change.ticket


async def close_or_resolve(flow: ChangeRunner, key: str, actor_id: str, note: str | None) -> Ticket:
    """``/ticket close``: resolve an active ticket, close a resolved one."""
    async with flow.db.read() as session:
        ticket = await flow.load(session, key, for_update=False)
    if Status(ticket.status) == Status.RESOLVED:
        return await close(flow, key, actor_id, note, None)
    return await resolve(flow, key, actor_id, note)


async def _close(change: Change, note: str | None) -> None:
    await change.add_event(action="closed", moves_to=Status.CLOSED, note=note)
    change.ticket.closed_at = change.now
    await change.say("thread.closed", note=with_dash(note))


async def reopen(flow: ChangeRunner, key: str, actor_id: str, reason: str | None, prompt: PromptRef | None) -> Ticket:
    """Back to open with fresh deadlines from now: resolving had stopped the reminders, the new deadline starts
    them again."""
    async with flow.change(key, actor_id, Action.REOPEN, prompt=prompt) as change:
        ticket = change.ticket
        ticket.acknowledged_at = ticket.resolved_at = ticket.closed_at = None
        ticket.sla_started_at = change.now
        ticket.ack_due_at, ticket.resolve_due_at = due_times(
            change.now, ticket.priority, flow.workspace, await change.owner_zone(), ticket.kind
        )
        clear_offer(ticket)
        ticket.paused_at = None
        await change.add_event(action="reopened", moves_to=Status.OPEN, note=clean(reason))
        await links.reopened(change)  # a duplicate reopened is its own work again
        await change.say("thread.reopened")
        if ticket.owner_id != actor_id:
            text = change.t(
                "dm.reopened", actor=actor_id, key=ticket.key, title=ticket.title, link=change.messages.link()
            )
            await change.tell(ticket.owner_id, text)
    return ticket


async def auto_close(flow: ChangeRunner, now: datetime | None) -> list[str]:
    """Close resolved tickets that stayed quiet for ``auto_close_after``; returns their keys.

    Rows are locked with SKIP LOCKED, so replicas running this at the same moment share the work.
    """
    now = now or flow.clock.now()
    cutoff = now - flow.workspace.auto_close_after
    closed: list[str] = []
    async with flow.db.transaction() as session:
        for ticket in await ticket_rows.resolved_before(session, cutoff):
            change = flow.on(session, ticket, SYSTEM_ACTOR, now)
            await _close(change, None)
            flow.finish(change)
            closed.append(ticket.key)
    if closed:
        flow.wake_outbox()
        log.info("auto-closed %s", ", ".join(closed))
    return closed
