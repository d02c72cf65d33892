"""Consults: a department asks another one a question about a ticket it keeps, on the record and on a clock.

A consult is a ticket of its own in the department asked (its own key, an owner by round robin, due times on
``sla.consult``), of kind ``consult`` with ``parent_id`` the ticket asked about. The parent keeps its owner and
nothing moves between departments, so asking is never a bounce. The consult's owner answers it (the answer goes to
the parent's thread and owner, and the consult resolves) or declines it with a reason (back to the asker; the
consult closes unanswered). The parent may wait for the answer, blocked on the consult with its clock stopped; the
clock restarts, with the working time it had left, when that consult is answered or declined.

Each verb changes two tickets in one transaction; it locks the ticket it names first, then the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.errors import BadRequest
from bot.surfaces.ids import OutboxPurpose
from bot.tickets import answers, permissions
from bot.tickets.change import Change, ChangeRunner, clean, clear_offer, parties, parties_in, require_active
from bot.tickets.opening import Source, TicketRequest
from bot.tickets.pauses import restart_clock, stop_clock
from bot.tickets.permissions import Action
from bot.tickets.states import ACTIVE_STATUSES, CLOCK_RUNNING, Status
from storage import consults as consult_rows
from storage import outbox
from storage import tickets as ticket_rows
from storage.consults import CONSULT
from storage.models import Ticket

if TYPE_CHECKING:
    from bot.tickets.opening import TicketOpener


@dataclass(frozen=True)
class Question:
    """A question for another department about ticket ``parent_key``, from any door (command, form)."""

    parent_key: str
    department_key: str
    text: str
    asker_id: str
    priority: str | None = None  # None: normal, on ``sla.consult``; a priority only ever makes it due sooner
    wait: bool = False  # the parent waits for the answer, its clock stopped
    source: Source = Source.COMMAND


@dataclass(frozen=True)
class Asked:
    consult: Ticket
    parent: Ticket
    waiting: bool  # whether the parent now waits for the answer


def require_consult(ticket: Ticket) -> None:
    if ticket.kind != CONSULT:
        raise BadRequest("consult.error.not_consult", key=ticket.key)


async def ask(flow: ChangeRunner, opener: TicketOpener, question: Question) -> Asked:
    """Open the consult in the department asked, record it on the parent, and tell both sides."""
    department = flow.workspace.department(question.department_key.upper())
    if department is None:
        raise BadRequest("error.unknown_department", department=question.department_key)
    if not question.text.strip():
        raise BadRequest("consult.error.question_required")
    async with flow.change(question.parent_key, question.asker_id, Action.ASK, active=True) as change:
        parent = change.ticket
        if parent.kind == CONSULT:
            raise BadRequest("consult.error.consult_of_consult", key=parent.key)
        if department.key == parent.department_key:
            raise BadRequest("consult.error.same_department", key=parent.key, department=department.name)
        request = TicketRequest(
            text=question.text,
            requester_id=question.asker_id,
            source=question.source,
            priority=question.priority,
            department_key=department.key,
            private=parent.is_private,  # a question about a private ticket stays among the people it concerns
            kind=CONSULT,
            parent_id=parent.id,
        )
        consult = await opener.open_within(change.session, request)
        # From the department asking to the department asked, as the hand-off map reads it.
        await change.add_event(
            action="consult_asked", from_value=parent.department_key, to_value=consult.department_key, note=consult.key
        )
        waiting = question.wait and Status(parent.status) in CLOCK_RUNNING
        if waiting:
            await change.acknowledge_if_open()
            await _wait_for(change, consult)
        await change.say(
            "consult.thread.asked",
            consult=consult.key,
            department=department.name,
            owner=consult.owner_id,
            due=change.messages.date(consult.resolve_due_at),
            waiting=change.t("consult.waiting_note") if waiting else "",
            question=answers.quoted(clean(question.text)),
        )
        await outbox.enqueue_calls(change.session, _announce(change, consult, parent), change.now)
    return Asked(consult=consult, parent=parent, waiting=waiting)


def _announce(change: Change, consult: Ticket, parent: Ticket) -> list[outbox.Call]:
    """The consult's card (in the department asked), its owner's DM and, when the card is not there, a line in the
    department's channel. The card is drawn when it is sent, as a new ticket's is."""
    messages = change.messages
    channel, thread_ts = messages.card_home(consult)
    payload: dict[str, object] = {"channel": channel}
    if thread_ts:
        payload["thread_ts"] = thread_ts
    card = outbox.Call("chat.postMessage", payload, OutboxPurpose.CARD.value, consult.id)
    dm = change.t(
        "consult.dm.new",
        asker=consult.requester_id,
        department=messages.department_name(parent.department_key),
        parent=parent.key,
        title=parent.title,
        key=consult.key,
        priority=change.t("priority." + consult.priority),
        ack_due=messages.date(consult.ack_due_at),
        resolve_due=messages.date(consult.resolve_due_at),
        link=messages.link(),
        question=answers.quoted(clean(consult.text)),
    )
    calls = [card, _post(consult, consult.owner_id, dm, card)]
    department = change.workspace.department(consult.department_key)
    if department is not None and department.channel and department.channel != channel:
        key = "department.new_private_ticket" if consult.is_private else "consult.department.new"
        notice = change.t(
            key,
            key=consult.key,
            priority=change.t("priority." + consult.priority),
            owner=consult.owner_id,
            department=messages.department_name(parent.department_key),
            title=consult.title,
            link=messages.link(),
        )
        calls.append(_post(consult, department.channel, notice, card))
    return calls


def _post(ticket: Ticket, channel: str, text: str, card: outbox.Call) -> outbox.Call:
    payload = {"channel": channel, "text": text}
    return outbox.Call("chat.postMessage", payload, OutboxPurpose.NOTICE.value, ticket.id, card)


async def _wait_for(change: Change, consult: Ticket) -> None:
    """The ticket waits for ``consult``'s answer: blocked on it, its clock stopped (``pauses.restart_clock`` starts
    it again)."""
    await change.add_event(action="waiting_on_consult", moves_to=Status.BLOCKED, note=consult.key)
    change.ticket.paused_at = change.now
    change.ticket.blocked_on_id = consult.id


async def wait_for(flow: ChangeRunner, key: str, actor_id: str, consult_key: str) -> Asked:
    """``/ticket block KEY CONSULT`` and the card's *Pause…* menu: ``key`` waits for its consult's answer."""
    async with flow.change(key, actor_id, Action.PAUSE, active=True) as change:
        parent = change.ticket
        consult = await ticket_rows.by_key(change.session, consult_key)
        if consult is None or consult.parent_id != parent.id or Status(consult.status) not in ACTIVE_STATUSES:
            found = await consult_rows.consults_of(change.session, [parent.id or 0], [s.value for s in ACTIVE_STATUSES])
            keys = ", ".join(f"*{c.key}*" for c in found.get(parent.id or 0, []))
            if not keys:
                raise BadRequest("consult.error.no_open_consult", key=parent.key, consult=consult_key.upper())
            raise BadRequest("consult.error.not_open_consult", key=parent.key, consult=consult_key.upper(), open=keys)
        if Status(parent.status) not in CLOCK_RUNNING:
            raise BadRequest("consult.error.already_paused", key=parent.key, status=parent.status)
        await change.acknowledge_if_open()
        await _wait_for(change, consult)
        department = change.messages.department_name(consult.department_key)
        await change.say("consult.thread.waiting", consult=consult.key, department=department)
    return Asked(consult=consult, parent=parent, waiting=True)


# ---------------------------------------------------------------------------------------------- the answer side


async def _parent_of(flow: ChangeRunner, change: Change) -> Change:
    """The consult's parent, locked in the same transaction, as a change by the same person at the same moment."""
    consult = change.ticket
    assert consult.parent_id is not None, "a consult always has a parent"
    parent = await consult_rows.by_id(change.session, consult.parent_id, for_update=True)
    assert parent is not None, "a ticket is never deleted"
    return flow.on(change.session, parent, change.actor_id, change.now)


async def _begin_reply(flow: ChangeRunner, change: Change) -> Change:
    """The checks of an answer or a decline, in the order people read them: is it a consult, may they, is it open."""
    consult = change.ticket
    require_consult(consult)
    permissions.require(change.actor_id, Action.ANSWER, parties(consult), flow.workspace)
    require_active(consult)
    return await _parent_of(flow, change)


async def answer(flow: ChangeRunner, key: str, actor_id: str, text: str | None) -> Asked:
    """``/ticket answer`` and *Answer*: the consult resolves with the answer, which goes to the parent."""
    note = clean(text)
    if note is None:
        raise BadRequest("consult.error.answer_required", key=key.upper())
    async with flow.change(key, actor_id, None) as change:
        on_parent = await _begin_reply(flow, change)
        await answer_within(flow, change, on_parent, note)
    flow.metrics.tickets_resolved.labels(change.ticket.department_key).inc()
    return Asked(consult=change.ticket, parent=on_parent.ticket, waiting=False)


async def answer_within(flow: ChangeRunner, change: Change, on_parent: Change | None, note: str | None) -> None:
    """Answer the consult of ``change`` (also what resolving a consult does: its resolution note is the answer)."""
    consult = change.ticket
    if note is None:
        raise BadRequest("consult.error.resolve_with_answer", key=consult.key)
    on_parent = on_parent or await _parent_of(flow, change)
    await change.acknowledge_if_open()
    await change.add_event(action="answered", moves_to=Status.RESOLVED, note=note)
    consult.resolved_at = change.now
    await stop_clock(change)
    clear_offer(consult)
    quoted = answers.quoted(note)
    await change.say("consult.thread.answered_here", parent=on_parent.ticket.key, answer=quoted)
    await on_parent.add_event(
        action="consult_answered", from_value=consult.department_key, to_value=consult.key, note=note
    )
    await _reply_to_parent(flow, change, on_parent, "answered", answer=quoted)


async def decline(flow: ChangeRunner, key: str, actor_id: str, reason: str | None) -> Asked:
    """Decline a consult with a reason: it closes unanswered, and the reason goes back to whoever asked."""
    note = clean(reason)
    if note is None:
        raise BadRequest("error.reason_required")
    async with flow.change(key, actor_id, None) as change:
        on_parent = await _begin_reply(flow, change)
        consult = change.ticket
        await change.add_event(action="declined", moves_to=Status.CLOSED, note=note, declined=True)
        consult.closed_at, consult.paused_at = change.now, None
        clear_offer(consult)
        await change.say("consult.thread.declined_here", reason=note)
        await on_parent.add_event(
            action="consult_declined", from_value=consult.department_key, to_value=consult.key, note=note
        )
        await _reply_to_parent(flow, change, on_parent, "declined", reason=note)
    return Asked(consult=consult, parent=on_parent.ticket, waiting=False)


async def _reply_to_parent(flow: ChangeRunner, change: Change, on_parent: Change, outcome: str, **params: str) -> None:
    """What an answer or a decline does to the parent: its clock restarts if it waited for this consult, a line in
    its thread (and its card updated), and a DM to its owner and to whoever asked."""
    consult, parent = change.ticket, on_parent.ticket
    resumed = ""
    if Status(parent.status) == Status.BLOCKED and parent.blocked_on_id == consult.id:
        await restart_clock(on_parent)
        resumed = on_parent.t("consult.resumed_note", due=on_parent.messages.date(parent.resolve_due_at))
    department = change.messages.department_name(consult.department_key)
    await on_parent.say(
        f"consult.thread.{outcome}", consult=consult.key, department=department, resumed=resumed, **params
    )
    text = on_parent.t(
        f"consult.dm.{outcome}",
        actor=change.actor_id,
        department=department,
        consult=consult.key,
        parent=parent.key,
        title=parent.title,
        resumed=resumed,
        link=on_parent.messages.link(),
        **params,
    )
    for person in dict.fromkeys([parent.owner_id, consult.requester_id]):
        if person != change.actor_id:
            await on_parent.tell(person, text)
    flow.finish(on_parent)


# ---------------------------------------------------------------------------------------------- checks for forms


async def check_ask(flow: ChangeRunner, key: str, actor_id: str) -> Ticket:
    """Refuse before the *Ask another department* form opens, as asking would; changes nothing."""
    async with flow.db.read() as session:
        ticket = await flow.load(session, key, for_update=False)
        who = await parties_in(session, ticket)
    permissions.require(actor_id, Action.ASK, who, flow.workspace)
    require_active(ticket)
    if ticket.kind == CONSULT:
        raise BadRequest("consult.error.consult_of_consult", key=ticket.key)
    if all(department.key == ticket.department_key for department in flow.workspace.departments):
        raise BadRequest("consult.error.no_other_department")  # a form with nothing to choose from
    return ticket


async def check_answer(flow: ChangeRunner, key: str, actor_id: str) -> tuple[Ticket, Ticket]:
    """Refuse before the *Answer* or *Decline* form opens, as answering would; the consult and its parent."""
    async with flow.db.read() as session:
        consult = await flow.load(session, key, for_update=False)
        require_consult(consult)
        permissions.require(actor_id, Action.ANSWER, parties(consult), flow.workspace)
        require_active(consult)
        parent = await consult_rows.by_id(session, consult.parent_id or 0)
    assert parent is not None, "a consult always has a parent"
    return consult, parent
