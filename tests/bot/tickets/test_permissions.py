"""Every cell of the permission matrix, for every action and every kind of person."""

from __future__ import annotations

import pytest

from bot.errors import NotAllowed
from bot.tickets.permissions import ALLOWED, Action, Role, TicketParties, may, may_see, require, roles_of
from config.schema import WorkspaceConfig

# SUP-1: Erin asked, Alice owns, and a hand-off to Dan (Engineering) is waiting for his answer.
TICKET = TicketParties(
    key="SUP-1",
    department_key="SUP",
    owner_id="U0ALICE",
    requester_id="U0ERIN",
    pending_owner_id="U0DAN",
    manager_id="U0MANAGER",  # the account manager of its customer
)
PEOPLE: dict[Role | str, str] = {
    Role.REQUESTER: "U0ERIN",
    Role.OWNER: "U0ALICE",
    Role.MEMBER: "U0BOB",
    Role.LEAD: "U0LEADSUP",
    Role.ADMIN: "U0ADMIN",
    Role.OFFERED: "U0DAN",
    Role.MANAGER: "U0MANAGER",
    "anyone else": "U0STRANGER",
}
EXPECTED = {  # the documented matrix, written out again so a change to ALLOWED must change this too
    Action.ACKNOWLEDGE: {Role.OWNER, Role.ADMIN},
    Action.ASSIGN: {Role.OWNER, Role.LEAD, Role.ADMIN},
    Action.ANSWER_HANDOFF: {Role.OFFERED, Role.ADMIN},
    Action.ESCALATE: {Role.REQUESTER, Role.OWNER, Role.MEMBER, Role.LEAD, Role.MANAGER, Role.ADMIN},
    Action.RESOLVE: {Role.OWNER, Role.LEAD, Role.ADMIN},
    Action.PAUSE: {Role.OWNER, Role.LEAD, Role.ADMIN},
    Action.RESUME: {Role.REQUESTER, Role.OWNER, Role.LEAD, Role.ADMIN},
    Action.CLOSE: {Role.REQUESTER, Role.OWNER, Role.LEAD, Role.ADMIN},
    Action.REOPEN: {Role.REQUESTER, Role.OWNER, Role.LEAD, Role.ADMIN},
    Action.ASK: {Role.OWNER, Role.LEAD, Role.MANAGER, Role.ADMIN},  # of the ticket asked about
    Action.ANSWER: {Role.OWNER, Role.LEAD, Role.ADMIN},  # of the consult: its owner, the asked department's lead
    Action.LINK: {Role.OWNER, Role.MEMBER, Role.LEAD, Role.ADMIN},
    Action.DUPLICATE: {Role.OWNER, Role.LEAD, Role.ADMIN},
    # The account manager follows their customer's work and corrects the customer, never owns it.
    Action.SET_CUSTOMER: {Role.REQUESTER, Role.OWNER, Role.MEMBER, Role.LEAD, Role.MANAGER, Role.ADMIN},
}


def test_matrix_is_the_documented_one() -> None:
    assert {action: set(roles) for action, roles in ALLOWED.items()} == EXPECTED


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(PEOPLE))
def test_every_cell(action: Action, role: Role | str, workspace: WorkspaceConfig) -> None:
    user = PEOPLE[role]
    expected = role in EXPECTED[action]
    assert may(user, action, TICKET, workspace) == expected
    if expected:
        require(user, action, TICKET, workspace)
    else:
        with pytest.raises(NotAllowed) as caught:
            require(user, action, TICKET, workspace)
        assert caught.value.params["roles"] == [r.value for r in ALLOWED[action]]


def test_roles(workspace: WorkspaceConfig) -> None:
    assert roles_of("U0LEADSUP", TICKET, workspace) == {Role.LEAD, Role.MEMBER}
    assert roles_of("U0DAN", TICKET, workspace) == {Role.OFFERED}  # a member of ENG, not of SUP
    assert roles_of("U0STRANGER", TICKET, workspace) == set()
    no_offer = TicketParties("SUP-1", "SUP", "U0ALICE", "U0ERIN")
    assert roles_of("U0DAN", no_offer, workspace) == set()


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("U0ERIN", True),  # the requester
        ("U0ALICE", True),  # the owner
        ("U0DAN", True),  # offered it: must read it to answer
        ("U0BOB", True),  # Support, where it is
        ("U0LEADSUP", True),
        ("U0CAROL", True),  # Engineering, where it was before (see the departments below)
        ("U0ADMIN", True),
        ("U0LEADSALES", False),
        ("U0STRANGER", False),
    ],
)
def test_a_private_ticket_is_seen_by_the_people_it_concerns(
    person: str, sees: bool, workspace: WorkspaceConfig
) -> None:
    private = TicketParties(
        key="SUP-1",
        department_key="SUP",
        owner_id="U0ALICE",
        requester_id="U0ERIN",
        pending_owner_id="U0DAN",
        private=True,
    )
    assert may_see(person, private, workspace, ["ENG", "SUP"]) is sees
    assert may_see(person, TICKET, workspace, []) is True  # a public one: everybody


def test_the_department_a_private_ticket_is_in_counts_even_when_not_passed(workspace: WorkspaceConfig) -> None:
    private = TicketParties(key="SUP-1", department_key="SUP", owner_id="U0ALICE", requester_id="U0ERIN", private=True)
    assert may_see("U0BOB", private, workspace, [])
    assert not may_see("U0CAROL", private, workspace, [])


def test_a_private_ticket_is_seen_by_the_requesters_of_its_duplicates(workspace: WorkspaceConfig) -> None:
    private = TicketParties(key="SUP-1", department_key="SUP", owner_id="U0ALICE", requester_id="U0ERIN", private=True)
    assert not may_see("U0STRANGER", private, workspace, [])
    followed = TicketParties(
        key="SUP-1",
        department_key="SUP",
        owner_id="U0ALICE",
        requester_id="U0ERIN",
        private=True,
        followers=("U0STRANGER",),
    )
    assert may_see("U0STRANGER", followed, workspace, [])
    assert not may_see("U0LEADSALES", followed, workspace, [])


def test_a_private_ticket_is_seen_by_its_customers_account_manager(workspace: WorkspaceConfig) -> None:
    private = TicketParties("SUP-1", "SUP", "U0ALICE", "U0ERIN", private=True, manager_id="U0LEADSALES")
    assert may_see("U0LEADSALES", private, workspace, [])
    assert roles_of("U0LEADSALES", private, workspace) == {Role.MANAGER}
    assert not may_see("U0LEADSALES", TicketParties("SUP-1", "SUP", "U0ALICE", "U0ERIN", private=True), workspace, [])
