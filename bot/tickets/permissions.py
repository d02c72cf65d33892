"""Who may do what to a ticket. Checked on the server for every action: anyone who sees a button can click it.

| action                     | requester | owner | department member | lead | account manager | admin | anyone else |
|----------------------------|-----------|-------|-------------------|------|-----------------|-------|-------------|
| acknowledge                |           |  yes  |                   |      |                 |  yes  |             |
| assign (hand off)          |           |  yes  |                   | yes  |                 |  yes  |             |
| accept / decline (*)       |           |       |                   |      |                 |  yes  |             |
| escalate                   |    yes    |  yes  |        yes        | yes  |       yes       |  yes  |             |
| resolve                    |           |  yes  |                   | yes  |                 |  yes  |             |
| pause (waiting/blocked)    |           |  yes  |                   | yes  |                 |  yes  |             |
| resume                     |    yes    |  yes  |                   | yes  |                 |  yes  |             |
| close (a resolved one)     |    yes    |  yes  |                   | yes  |                 |  yes  |             |
| reopen                     |    yes    |  yes  |                   | yes  |                 |  yes  |             |
| ask another department     |           |  yes  |                   | yes  |       yes       |  yes  |             |
| answer / decline a consult |           |  yes  |                   | yes  |                 |  yes  |             |
| link to another ticket     |           |  yes  |        yes        | yes  |                 |  yes  |             |
| close as a duplicate       |           |  yes  |                   | yes  |                 |  yes  |             |
| set its customer           |    yes    |  yes  |        yes        | yes  |       yes       |  yes  |             |
| comment, show, list        | everybody (**)                                                                        |

(*) and the person the hand-off was offered to: that role exists only while a hand-off is pending.
The account manager is the one of the ticket's customer (``bot.customers``): they follow their customers' work in
every department — comment, ask other departments, escalate, correct which customer it is — but never own it, so
nothing here lets them act as its owner.
"Department member" and "lead" are of the department that owns the ticket now: for asking, the ticket asked about
(the parent); for answering or declining, the consult, whose department is the one asked. Linking and closing as a
duplicate are checked on the ticket named first (``KEY`` of ``/ticket link KEY OTHER``); the other one must only be
visible.
(**) A private ticket (made from a private channel or a DM) is seen only by its requester, its owner, the person
it is offered to, the members and leads of every department it has belonged to, the people following it (the
requesters of its duplicates), and admins (:func:`may_see`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.errors import NotAllowed
from config.schema import WorkspaceConfig


class Role(StrEnum):
    OFFERED = "offered"  # the person a pending hand-off was offered to
    REQUESTER = "requester"
    OWNER = "owner"
    MEMBER = "member"
    LEAD = "lead"
    MANAGER = "manager"  # the account manager of the ticket's customer
    ADMIN = "admin"


class Action(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    ASSIGN = "assign"
    ANSWER_HANDOFF = "answer_handoff"
    ESCALATE = "escalate"
    RESOLVE = "resolve"
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"
    REOPEN = "reopen"
    ASK = "ask"  # ask another department a question about the ticket (a consult)
    ANSWER = "answer"  # answer a consult, or decline it with a reason
    LINK = "link"  # relate it to another ticket
    DUPLICATE = "duplicate"  # close it as a duplicate of another ticket
    SET_CUSTOMER = "set_customer"  # link it to a customer, or another one


ALLOWED: dict[Action, tuple[Role, ...]] = {
    Action.ACKNOWLEDGE: (Role.OWNER, Role.ADMIN),
    Action.ASSIGN: (Role.OWNER, Role.LEAD, Role.ADMIN),
    Action.ANSWER_HANDOFF: (Role.OFFERED, Role.ADMIN),
    Action.ESCALATE: (Role.REQUESTER, Role.OWNER, Role.MEMBER, Role.LEAD, Role.MANAGER, Role.ADMIN),
    Action.RESOLVE: (Role.OWNER, Role.LEAD, Role.ADMIN),
    Action.PAUSE: (Role.OWNER, Role.LEAD, Role.ADMIN),
    Action.RESUME: (Role.REQUESTER, Role.OWNER, Role.LEAD, Role.ADMIN),
    Action.CLOSE: (Role.REQUESTER, Role.OWNER, Role.LEAD, Role.ADMIN),
    Action.REOPEN: (Role.REQUESTER, Role.OWNER, Role.LEAD, Role.ADMIN),
    Action.ASK: (Role.OWNER, Role.LEAD, Role.MANAGER, Role.ADMIN),
    Action.ANSWER: (Role.OWNER, Role.LEAD, Role.ADMIN),
    Action.LINK: (Role.OWNER, Role.MEMBER, Role.LEAD, Role.ADMIN),
    Action.DUPLICATE: (Role.OWNER, Role.LEAD, Role.ADMIN),
    Action.SET_CUSTOMER: (Role.REQUESTER, Role.OWNER, Role.MEMBER, Role.LEAD, Role.MANAGER, Role.ADMIN),
}


@dataclass(frozen=True)
class TicketParties:
    """The people a permission check needs to know about, without the ticket row itself."""

    key: str
    department_key: str
    owner_id: str
    requester_id: str
    pending_owner_id: str | None = None
    private: bool = False
    followers: tuple[str, ...] = ()  # the requesters of its duplicates (``storage.links``), when known
    manager_id: str | None = None  # the account manager of its customer, when it has one


def roles_of(user_id: str, ticket: TicketParties, workspace: WorkspaceConfig) -> set[Role]:
    roles: set[Role] = set()
    department = workspace.department(ticket.department_key)
    if user_id == ticket.requester_id:
        roles.add(Role.REQUESTER)
    if user_id == ticket.owner_id:
        roles.add(Role.OWNER)
    if ticket.pending_owner_id is not None and user_id == ticket.pending_owner_id:
        roles.add(Role.OFFERED)
    if department is not None:
        # A user group given as owners or lead counts as its members (``WorkspaceConfig.owners_of``/``leads_of``).
        if user_id in workspace.owners_of(department):
            roles.add(Role.MEMBER)
        if user_id in workspace.leads_of(department):
            roles.update({Role.LEAD, Role.MEMBER})
    if ticket.manager_id is not None and user_id == ticket.manager_id:
        roles.add(Role.MANAGER)
    if user_id in workspace.admins:
        roles.add(Role.ADMIN)
    return roles


def may(user_id: str, action: Action, ticket: TicketParties, workspace: WorkspaceConfig) -> bool:
    return bool(roles_of(user_id, ticket, workspace) & set(ALLOWED[action]))


def require(user_id: str, action: Action, ticket: TicketParties, workspace: WorkspaceConfig) -> None:
    """Raise ``NotAllowed`` naming who may do ``action`` when ``user_id`` may not."""
    if not may(user_id, action, ticket, workspace):
        raise NotAllowed(
            key=ticket.key,
            action=action.value,
            # An account manager is named only on a ticket that has a customer with one.
            roles=[role.value for role in ALLOWED[action] if role != Role.MANAGER or ticket.manager_id],
        )


def may_see(user_id: str, ticket: TicketParties, workspace: WorkspaceConfig, departments: Iterable[str]) -> bool:
    """Whether ``user_id`` may read ``ticket`` (its title, text and history) anywhere the bot shows it.

    ``departments`` are those the ticket has belonged to (it passed through them); their people worked on it or
    may have to again, so they keep seeing it after it moved on. Everything else about a private ticket stays with
    the people it concerns: it came from a conversation others could not read.
    """
    if not ticket.private or user_id in workspace.admins:
        return True
    if user_id in (ticket.requester_id, ticket.owner_id, ticket.pending_owner_id) or user_id in ticket.followers:
        return True
    if ticket.manager_id is not None and user_id == ticket.manager_id:
        return True
    for key in {*departments, ticket.department_key}:
        department = workspace.department(key)
        if department is not None and user_id in workspace.people_of(department):
            return True
    return False
