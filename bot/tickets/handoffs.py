"""Hand-offs with acceptance: a ticket is offered to someone (``/ticket assign``, the Hand off button), who
accepts or declines it; the current owner stays accountable until they accept."""

from __future__ import annotations

from bot.errors import BadRequest
from bot.surfaces.cards import handoff_blocks
from bot.surfaces.ids import OutboxPurpose
from bot.tickets.change import Change, ChangeRunner, clean, clear_offer, with_dash
from bot.tickets.escalation import escalate_bounces
from bot.tickets.permissions import Action
from bot.tickets.prompts import PromptRef
from config.schema import WorkspaceConfig
from storage.consults import CONSULT
from storage.models import Ticket


async def offer(
    flow: ChangeRunner, key: str, actor_id: str, new_owner_id: str, department_key: str | None, reason: str | None
) -> Ticket:
    """Offer the ticket to ``new_owner_id``; taken at once when the person taking it over is the one asking."""
    async with flow.change(key, actor_id, Action.ASSIGN, active=True) as change:
        ticket = change.ticket
        department = department_for(flow.workspace, new_owner_id, department_key, ticket.department_key)
        if ticket.kind == CONSULT and department != ticket.department_key:
            # A question to a department is answered by that department: passing it on elsewhere is declining it.
            name = change.messages.department_name(ticket.department_key)
            raise BadRequest("consult.error.handoff_outside", key=ticket.key, department=name)
        if new_owner_id == ticket.owner_id and department == ticket.department_key:
            raise BadRequest("error.handoff_same_owner", key=ticket.key, owner=new_owner_id)
        note = clean(reason)
        replaced = ticket.pending_owner_id
        if replaced is not None and replaced not in (new_owner_id, actor_id):
            await change.tell(replaced, change.t("dm.offer_withdrawn", key=ticket.key, actor=actor_id))
        ticket.pending_owner_id, ticket.pending_department_key = new_owner_id, department
        ticket.pending_reason, ticket.pending_by_id, ticket.pending_at = note, actor_id, change.now
        await change.add_event(action="handoff_requested", from_value=ticket.owner_id, to_value=new_owner_id, note=note)
        if new_owner_id == actor_id:
            await take_over(change)
            return ticket
        await change.say("thread.handoff_requested", owner=new_owner_id, reason=with_dash(note))
        text = change.t(
            "dm.handoff_offer",
            actor=actor_id,
            key=ticket.key,
            title=ticket.title,
            department=change.messages.department_name(department),
            reason=with_dash(note),
            link=change.messages.link(),
        )
        blocks = handoff_blocks(ticket.key, text, change.messages.translator)
        await change.ask(OutboxPurpose.HANDOFF_PROMPT, new_owner_id, text, blocks)
    return ticket


async def accept(flow: ChangeRunner, key: str, actor_id: str, prompt: PromptRef | None) -> Ticket:
    async with flow.change(key, actor_id, Action.ANSWER_HANDOFF, prompt=prompt, offered=True) as change:
        await take_over(change)
    return change.ticket


async def take_over(change: Change) -> None:
    """The person offered the ticket owns it now (for the department it was offered for). Taking a ticket over is
    acknowledging it; a ticket passed between departments too often is escalated to their leads."""
    ticket = change.ticket
    assert ticket.pending_owner_id is not None and ticket.pending_department_key is not None
    previous_owner, previous_department = ticket.owner_id, ticket.department_key
    ticket.owner_id, ticket.department_key = ticket.pending_owner_id, ticket.pending_department_key
    asked_by = ticket.pending_by_id
    clear_offer(ticket)
    await change.add_event(action="handoff_accepted", from_value=previous_owner, to_value=ticket.owner_id)
    moved = ticket.department_key != previous_department
    if moved:
        ticket.bounce_count += 1
        await change.add_event(
            action="department_changed", from_value=previous_department, to_value=ticket.department_key
        )
    await change.acknowledge_if_open()
    await change.say("thread.handoff_accepted", owner=ticket.owner_id, previous=previous_owner)
    for person in {previous_owner, asked_by} - {None, change.actor_id, ticket.owner_id}:
        assert person is not None
        text = change.t("dm.handoff_accepted", owner=ticket.owner_id, key=ticket.key, link=change.messages.link())
        await change.tell(person, text)
    if moved and ticket.bounce_count >= change.workspace.bounce_limit:
        await escalate_bounces(change)


async def decline(flow: ChangeRunner, key: str, actor_id: str, reason: str | None, prompt: PromptRef | None) -> Ticket:
    note = clean(reason)
    if note is None:
        raise BadRequest("error.reason_required")
    async with flow.change(key, actor_id, Action.ANSWER_HANDOFF, prompt=prompt, offered=True) as change:
        ticket = change.ticket
        offered, asked_by = ticket.pending_owner_id, ticket.pending_by_id
        clear_offer(ticket)
        await change.add_event(action="handoff_declined", from_value=ticket.owner_id, to_value=offered, note=note)
        await change.say("thread.handoff_declined", owner=offered, reason=note)
        for person in {ticket.owner_id, asked_by} - {None, actor_id}:
            assert person is not None
            text = change.t(
                "dm.handoff_declined",
                person=offered,
                key=ticket.key,
                reason=note,
                owner=ticket.owner_id,
                link=change.messages.link(),
            )
            await change.tell(person, text)
    return ticket


def department_for(workspace: WorkspaceConfig, user_id: str, wanted: str | None, current: str) -> str:
    """The department a new owner would own the ticket for; they must be one of its people."""
    if wanted is not None:
        department = workspace.department(wanted)
        if department is None:
            raise BadRequest("error.unknown_department", department=wanted)
        if user_id not in workspace.people_of(department):
            raise BadRequest("error.handoff_not_member", owner=user_id, department=department.name)
        return department.key
    current_department = workspace.department(current)
    if current_department is not None and user_id in workspace.people_of(current_department):
        return current
    for department in workspace.departments:
        if user_id in workspace.people_of(department):
            return department.key
    raise BadRequest("error.handoff_no_department", owner=user_id)
