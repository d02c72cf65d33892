"""Escalation: by a person (``/ticket escalate``, the button, the :rotating_light: reaction), at most once per
cooldown, and by the bot for a ticket passed between departments too often."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.errors import BadRequest
from bot.tickets.change import Change, ChangeRunner, clean, schedule_reminders, with_dash
from bot.tickets.notices import SYSTEM_ACTOR, bounce_note
from bot.tickets.permissions import Action
from bot.tickets.sla import WorkingCalendar, advance, sla_target, working_time_between
from config.schema import PRIORITIES
from storage import audit
from storage.models import Ticket

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


async def escalate(flow: ChangeRunner, key: str, actor_id: str, reason: str | None, event_id: str | None) -> Ticket:
    """Raise priority one level, ping the lead and tell the department channel, at most once per cooldown."""
    async with flow.change(
        key, actor_id, Action.ESCALATE, active=True, event_id=event_id, event_kind="reaction_added"
    ) as change:
        ticket = change.ticket
        if change.repeated:
            return ticket
        cooldown = flow.workspace.escalation.cooldown
        if ticket.last_escalated_at is not None and change.now < ticket.last_escalated_at + cooldown:
            again = change.messages.date(ticket.last_escalated_at + cooldown)
            raise BadRequest("error.escalation_cooldown", key=ticket.key, again=again)
        note = clean(reason)
        previous = ticket.priority
        ticket.priority = raised(previous)
        calendar = await change.calendar()
        before = sla_target(flow.workspace, previous, ticket.kind)
        after = sla_target(flow.workspace, ticket.priority, ticket.kind)
        # While paused the clock stands at the moment it stopped.
        reference = ticket.paused_at or change.now
        ticket.ack_due_at = tightened(ticket.ack_due_at, before.acknowledge, after.acknowledge, reference, calendar)
        ticket.resolve_due_at = tightened(ticket.resolve_due_at, before.resolve, after.resolve, reference, calendar)
        if ticket.reminder_count == 0:
            schedule_reminders(ticket)
        ticket.escalation_level += 1
        ticket.last_escalated_at = change.now
        await change.add_event(action="escalated", from_value=previous, to_value=ticket.priority, note=note)
        priority = change.t("priority." + ticket.priority)
        await change.say("thread.escalated", priority=priority, reason=with_dash(note))
        await _tell_department(change, priority, with_dash(note))
        await change.tell_manager(
            "customers.dm.escalated", actor=change.actor_id, priority=priority, reason=with_dash(note)
        )
    return ticket


async def _tell_department(change: Change, priority: str, reason: str) -> None:
    """The lead by DM (unless they escalated it) and the department channel; a private ticket's channel notice
    says neither what it is nor why it was escalated."""
    ticket = change.ticket
    department = change.workspace.department(ticket.department_key)
    if department is None:
        return
    text = change.t(
        "department.escalated",
        key=ticket.key,
        title=ticket.title,
        actor=change.actor_id,
        owner=ticket.owner_id,
        priority=priority,
        reason=reason,
        link=change.messages.link(),
    )
    for lead in change.workspace.leads_of(department):  # a lead given as a user group: each of its members
        if lead != change.actor_id:
            await change.tell(lead, text)
    if department.channel:
        if ticket.is_private:
            text = change.t(
                "department.escalated_private",
                key=ticket.key,
                actor=change.actor_id,
                owner=ticket.owner_id,
                priority=priority,
            )
        await change.tell(department.channel, text)


async def escalate_bounces(change: Change) -> None:
    """A ticket passed around too often goes to the leads of every department it passed through."""
    ticket = change.ticket
    path = await audit.departments_passed(change.session, ticket)
    names = ", ".join(change.messages.department_name(key) for key in path)
    ticket.escalation_level += 1  # not last_escalated_at: a person may still escalate it right away
    await change.add_event(action="escalated", note=bounce_note(path), by=SYSTEM_ACTOR)
    await change.say("thread.bounce_escalated", by=SYSTEM_ACTOR, count=ticket.bounce_count, departments=names)
    workspace = change.workspace
    leads = [lead for key in path if (d := workspace.department(key)) is not None for lead in workspace.leads_of(d)]
    for lead in dict.fromkeys(leads):
        text = change.t(
            "dm.bounce_escalated",
            key=ticket.key,
            title=ticket.title,
            count=ticket.bounce_count,
            departments=names,
            owner=ticket.owner_id,
            link=change.messages.link(),
        )
        await change.tell(lead, text)
    await change.tell_manager("customers.dm.bounced", count=ticket.bounce_count, departments=names)
    log.warning("%s bounced %s times (%s); leads pinged", ticket.key, ticket.bounce_count, names)
