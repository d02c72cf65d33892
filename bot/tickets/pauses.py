"""Pauses: a ticket waits on its requester or is blocked, and its SLA clock and reminders stop until it resumes
(by hand, or because the requester answered: in the ticket's thread or by DM to the bot)."""

from __future__ import annotations

from bot.errors import BadRequest
from bot.tickets import answers
from bot.tickets.answers import DmAnswer
from bot.tickets.change import Change, ChangeRunner, clean, with_dash
from bot.tickets.permissions import Action
from bot.tickets.sla import extend_after_pause
from bot.tickets.states import Status
from storage import tickets as ticket_rows
from storage.models import Ticket
from storage.prompts import ticket_messaged_at


async def pause(flow: ChangeRunner, key: str, actor_id: str, target: Status, note: str | None) -> Ticket:
    """Waiting on the requester, or blocked: the SLA clock and the reminders stop until resumed."""
    if target not in (Status.WAITING, Status.BLOCKED):
        raise BadRequest("error.bad_request")
    async with flow.change(key, actor_id, Action.PAUSE, active=True) as change:
        ticket = change.ticket
        await change.acknowledge_if_open()
        text = clean(note)
        await change.add_event(action="paused", moves_to=target, note=text)
        ticket.paused_at = change.now
        await change.say(f"thread.{target.value}", note=with_dash(text))
        if target == Status.WAITING and ticket.requester_id != actor_id:
            message = change.t(
                "dm.waiting_on_you",
                actor=actor_id,
                key=ticket.key,
                title=ticket.title,
                note=with_dash(text),
                link=change.messages.link(),
            )
            await change.tell(ticket.requester_id, message)
    return ticket


async def resume(flow: ChangeRunner, key: str, actor_id: str) -> Ticket:
    """Back to work: the deadlines move on by the working time the ticket spent paused."""
    async with flow.change(key, actor_id, Action.RESUME) as change:
        if Status(change.ticket.status) not in (Status.WAITING, Status.BLOCKED):
            raise BadRequest("error.not_paused", key=change.ticket.key)
        await restart_clock(change)
        await change.say("thread.resumed", due=change.messages.date(change.ticket.resolve_due_at))
    return change.ticket


async def restart_clock(change: Change) -> None:
    """The SLA clock runs again with the working time it had left: the deadline moves on by the working time
    the ticket spent paused."""
    ticket = change.ticket
    calendar = await change.calendar()
    paused_at = ticket.paused_at or change.now
    ticket.resolve_due_at = extend_after_pause(ticket.resolve_due_at, paused_at, change.now, calendar)
    ticket.paused_at = None
    await change.add_event(action="resumed", moves_to=Status.ACKNOWLEDGED)


async def stop_clock(change: Change) -> None:
    """The ticket is finished (resolved, or a consult answered): a clock that was paused keeps what it had left, so
    the deadline moves on by the working time spent paused, as a resume would have moved it. The stored deadline
    is then the one the work was judged against (the shared goals read ``resolved_at <= resolve_due_at``)."""
    ticket = change.ticket
    if ticket.paused_at is not None:
        calendar = await change.calendar()
        ticket.resolve_due_at = extend_after_pause(ticket.resolve_due_at, ticket.paused_at, change.now, calendar)
    ticket.paused_at = None


async def answer_in_thread(
    flow: ChangeRunner, *, channel: str, thread_ts: str, user_id: str, text: str, ts: str, event_id: str | None
) -> Ticket | None:
    """A reply in the thread of a ticket that waits on its author (its requester): recorded as a comment, and
    the ticket goes back to work (:func:`_take_answer`). ``None``, with nothing done, for any other reply:
    that is an ordinary comment (``TicketService.record_comment``).

    Asked first without the writer's lock, so an ordinary comment costs one read more, not a write turn.
    """
    async with flow.db.read() as session:
        found = await ticket_rows.by_thread(session, channel, thread_ts)
    if found is None or not answers.waits_on(found, user_id):
        return None
    async with flow.change(found.key, user_id, None, event_id=event_id, event_kind="message") as change:
        if change.repeated:
            return change.ticket
        if not answers.waits_on(change.ticket, user_id):
            return None  # resumed a moment ago: this reply is an ordinary comment now
        await _take_answer(change, text, ts, by_dm=False)
    return change.ticket


async def answer_by_dm(
    flow: ChangeRunner, *, channel: str, user_id: str, text: str, ts: str, thread_ts: str | None, event_id: str | None
) -> DmAnswer:
    """A DM to the bot from someone one of whose tickets waits on them: the answer to that ticket (which one:
    ``bot.tickets.answers.choose``), taken as a reply in its thread would be, and quoted there. When it cannot be told
    which ticket is meant, or none waits, nothing changes and the result says why."""
    async with flow.db.read() as session:
        waiting = list(await ticket_rows.requested_by(session, user_id, [Status.WAITING.value]))
        about = None
        if thread_ts is not None:
            ids = [ticket.id for ticket in waiting if ticket.id is not None]
            about = await ticket_messaged_at(session, ids, channel, thread_ts)
    prefixes = [department.key for department in flow.workspace.departments]
    choice = answers.choose(waiting, text, prefixes, in_thread=thread_ts is not None, thread_about=about)
    if choice.ticket is None:
        return choice
    async with flow.change(choice.ticket.key, user_id, None, event_id=event_id, event_kind="message") as change:
        ticket = change.ticket
        if change.repeated:
            return DmAnswer(ticket=ticket)
        if not answers.waits_on(ticket, user_id):  # resumed meanwhile: ask again with what waits now
            return DmAnswer(waiting=[other.key for other in waiting if other.key != ticket.key])
        await _take_answer(change, text, ts, by_dm=True)
    return DmAnswer(ticket=ticket)


async def _take_answer(change: Change, text: str, ts: str, *, by_dm: bool) -> None:
    """The requester's answer: a comment, the ticket resumed (by them), a line in its thread, and a DM to the
    owner with the answer; an answer sent by DM is quoted in the thread and its sender told where it went."""
    ticket, user_id = change.ticket, change.actor_id
    await change.add_event(action="commented", note=text, slack_ts=ts)
    await restart_clock(change)
    due = change.messages.date(ticket.resolve_due_at)
    quoted = answers.quoted(clean(text))
    if by_dm:
        await change.say("thread.answered_dm", due=due, answer=quoted)
    else:
        await change.say("thread.answered", due=due)
    if ticket.owner_id != user_id:
        told = change.t(
            "dm.requester_answered",
            requester=user_id,
            key=ticket.key,
            title=ticket.title,
            due=due,
            link=change.messages.link(),
            answer=quoted,
        )
        await change.tell(ticket.owner_id, told)
    if by_dm:
        taken = change.t("dm.answer_taken", key=ticket.key, owner=ticket.owner_id, link=change.messages.link())
        await change.tell(user_id, taken)
