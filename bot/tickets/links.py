"""Linked work: two tickets about related work (``/ticket link KEY OTHER``), and a ticket closed as a duplicate of
another (``/ticket duplicate KEY OTHER``) whose requester then follows that one and hears its outcome.

Each verb changes two tickets in one transaction, through the skeleton of ``bot.tickets.change``: both rows are
locked in the order of their keys, so two people linking the same pair at once wait for each other instead of
deadlocking; the permission is checked on ``KEY``, and ``OTHER`` has to be a ticket the person may see.

A duplicate always points at a ticket that is not itself a duplicate when it is made (asked for one, the answer names
the original): each new arrow ends where no arrow starts, so duplicates never form a cycle. A ticket closed as a
duplicate takes its own followers along. Reopening a duplicate makes it its own work again: it stops being a
duplicate and the people it brought stop following the other ticket.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.errors import BadRequest, NotAllowed
from bot.surfaces.link_card import people_text
from bot.tickets import permissions
from bot.tickets.change import Change, ChangeRunner, clear_offer, parties, with_dash
from bot.tickets.permissions import Action, TicketParties, may_see
from bot.tickets.states import ACTIVE_STATUSES, Status
from storage import audit
from storage import links as link_rows
from storage.consults import TICKET
from storage.links import Follower
from storage.models import Ticket

# Events that name the other ticket in ``to_value`` (``/ticket show`` writes "→ KEY" after them).
LINK_ACTIONS = frozenset({"linked", "duplicate", "duplicate_added", "duplicate_undone", "duplicate_reopened"})


@dataclass(frozen=True)
class Linked:
    ticket: Ticket
    other: Ticket


@dataclass(frozen=True)
class Duplicated:
    ticket: Ticket  # closed as a duplicate
    original: Ticket  # the ticket it is a duplicate of
    followers: tuple[str, ...]  # who follows the original because of it (its requester, unless they asked for both)


async def link(flow: ChangeRunner, key: str, other_key: str, actor_id: str) -> Linked:
    """Relate two tickets: both cards list the other, both histories and threads say who linked them and when."""
    async with _both(flow, key, other_key, actor_id) as (this, that):
        permissions.require(actor_id, Action.LINK, parties(this.ticket), flow.workspace)
        await _require_visible(that)
        ticket, other = this.ticket, that.ticket
        assert ticket.id is not None and other.id is not None
        if await link_rows.is_linked(this.session, ticket.id, other.id):
            raise BadRequest("links.error.already_linked", key=ticket.key, other=other.key)
        link_rows.add_link(this.session, ticket.id, other.id, actor_id, this.now)
        for change, to in ((this, other), (that, ticket)):
            await change.add_event(action="linked", to_value=to.key)
            await change.say("links.thread.linked", other=to.key)
    return Linked(ticket, other)


async def duplicate(flow: ChangeRunner, key: str, other_key: str, actor_id: str) -> Duplicated:
    """Close ``key`` as a duplicate of ``other_key``: its requester (and whoever followed it) follows the other
    ticket from now on and is told so; both threads and cards say what happened."""
    async with _both(flow, key, other_key, actor_id) as (this, into):
        permissions.require(actor_id, Action.DUPLICATE, parties(this.ticket), flow.workspace)
        await _require_visible(into)
        ticket, original = this.ticket, into.ticket
        await _require_duplicable(this, original)
        followers = await _follow(this, original)
        ticket.duplicate_of_id = original.id
        clear_offer(ticket)
        ticket.paused_at = None
        await this.add_event(action="duplicate", to_value=original.key)
        await this.add_event(action="closed", moves_to=Status.CLOSED, declined=True)
        ticket.closed_at = this.now
        await this.say("links.thread.duplicate", other=original.key)
        await into.add_event(action="duplicate_added", to_value=ticket.key)
        await into.say("links.thread.duplicate_added", key=ticket.key, followers=_who_follows(this, followers))
        if ticket.requester_id != actor_id:
            await this.tell(ticket.requester_id, _told_requester(this, original))
    return Duplicated(ticket, original, followers)


async def reopened(change: Change) -> None:
    """A duplicate being reopened is its own work again: it stops being a duplicate, and the people who followed the
    other ticket because of it stop following it. Called inside the reopen, in its transaction."""
    ticket = change.ticket
    if ticket.duplicate_of_id is None or ticket.id is None:
        return
    original = (await link_rows.by_ids(change.session, [ticket.duplicate_of_id])).get(ticket.duplicate_of_id)
    ticket.duplicate_of_id = None
    await link_rows.stop_following_via(change.session, ticket.id)
    if original is None:
        return
    await change.add_event(action="duplicate_undone", to_value=original.key)
    # The original's row is not written (only its history, thread and card), so it needs no lock of its own here.
    there = Change(change.session, original, change.actor_id, change.now, change.messages, change.workspace)
    await there.add_event(action="duplicate_reopened", to_value=ticket.key)
    await there.say("links.thread.duplicate_reopened", key=ticket.key)


async def tell_followers(change: Change, note: str | None, followers: list[Follower]) -> None:
    """The ticket was resolved: everyone following it (``followers``, read once for the whole resolve) hears so, as
    its requester does, with the way back (reopening their own ticket) instead of Confirm / Reopen buttons — only
    the requester confirms or reopens this one."""
    ticket = change.ticket
    vias = await link_rows.by_ids(change.session, [f.via_ticket_id for f in followers if f.via_ticket_id is not None])
    for follower in followers:
        if follower.user_id in (change.actor_id, ticket.requester_id):
            continue
        via = vias.get(follower.via_ticket_id or 0)
        text = change.t(
            "links.dm.followed_resolved",
            key=ticket.key,
            title=ticket.title,
            actor=change.actor_id,
            note=with_dash(note),
            way_back=change.t("links.dm.reopen_yours", key=via.key) if via is not None else "",
        )
        await change.tell(follower.user_id, text)


# ---------------------------------------------------------------------------------------------- the two tickets


@asynccontextmanager
async def _both(flow: ChangeRunner, key: str, other_key: str, actor_id: str) -> AsyncIterator[tuple[Change, Change]]:
    """Changes to ``key`` and ``other_key`` in one transaction, in that order; unknown keys and a ticket named twice
    are refused before anything changes. No permission is checked here: the verb checks its own on ``key``."""
    key, other_key = key.upper(), other_key.upper()
    if key == other_key:
        raise BadRequest("links.error.same_ticket", key=key)
    first, second = sorted((key, other_key))
    async with flow.change(first, actor_id, None) as locked:
        later = flow.on(locked.session, await flow.load(locked.session, second), actor_id, locked.now)
        yield (locked, later) if first == key else (later, locked)
        if later.recorded:
            flow.finish(later)


async def _require_visible(change: Change) -> None:
    """The other ticket must be one the person may see: linking to a private ticket would tell them it exists and
    put their name on its card."""
    ticket = change.ticket
    if not ticket.is_private or ticket.id is None:
        return
    passed = await audit.departments_passed(change.session, ticket)
    following = (await link_rows.following(change.session, [ticket.id])).get(ticket.id, [])
    seen_by = TicketParties(
        ticket.key,
        ticket.department_key,
        ticket.owner_id,
        ticket.requester_id,
        ticket.pending_owner_id,
        private=True,
        followers=tuple(following),
    )
    if not may_see(change.actor_id, seen_by, change.workspace, passed):
        raise NotAllowed("error.private_ticket", key=ticket.key)


async def _require_duplicable(change: Change, original: Ticket) -> None:
    ticket = change.ticket
    for one in (ticket, original):
        if one.kind != TICKET:  # a consult is answered, never merged into other work
            raise BadRequest("links.error.consult", key=one.key)
    if Status(ticket.status) == Status.CLOSED:
        raise BadRequest("error.not_active", key=ticket.key, status=ticket.status)
    if original.duplicate_of_id is not None:
        if original.duplicate_of_id == ticket.id:
            raise BadRequest("links.error.reversed", key=ticket.key, other=original.key)
        first = (await link_rows.by_ids(change.session, [original.duplicate_of_id])).get(original.duplicate_of_id)
        raise BadRequest(
            "links.error.duplicate_of_duplicate",
            key=ticket.key,
            other=original.key,
            original=first.key if first is not None else "?",
        )


async def _follow(change: Change, original: Ticket) -> tuple[str, ...]:
    """The duplicate's requester, and whoever followed the duplicate, follow the original from now on (unless they
    asked for it themselves or follow it already)."""
    ticket = change.ticket
    assert ticket.id is not None and original.id is not None
    earlier = (await link_rows.followers_of(change.session, [ticket.id])).get(ticket.id, [])
    added: list[str] = []
    for user_id in dict.fromkeys([ticket.requester_id, *(follower.user_id for follower in earlier)]):
        if user_id == original.requester_id:
            continue
        if await link_rows.add_follower(change.session, original.id, user_id, ticket.id, change.now):
            added.append(user_id)
    return tuple(added)


def _who_follows(change: Change, followers: tuple[str, ...]) -> str:
    """Who follows the original now, for its thread: their names, unless the duplicate was private."""
    if not followers:
        return ""
    if change.ticket.is_private:
        return change.t("links.thread.followers_private", count=len(followers))
    people = people_text(followers, 0, change.messages.translator)
    return change.t("links.thread.followers", people=people, count=len(followers))


def _told_requester(change: Change, original: Ticket) -> str:
    """The duplicate's requester learns where their request went, and that they will hear its outcome (or that the
    original is already resolved, so they can reopen theirs if that does not settle it)."""
    active = Status(original.status) in ACTIVE_STATUSES
    return change.t(
        "links.dm.duplicate" if active else "links.dm.duplicate_done",
        key=change.ticket.key,
        actor=change.actor_id,
        other=describe(change, original),
        other_key=original.key,
    )


def describe(change: Change, ticket: Ticket) -> str:
    """Another ticket in a line: its key, department, owner and status (never its title: it may be private)."""
    return change.t(
        "links.ticket",
        key=ticket.key,
        department=change.messages.department_name(ticket.department_key),
        owner=ticket.owner_id,
        status=change.t(f"status.{ticket.status}"),
    )
