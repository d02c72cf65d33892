from __future__ import annotations

import pytest

from bot.errors import NotAllowed
from bot.permissions import ALLOWED, Action, Role, TicketParties, may, require, roles_of
from config.schema import WorkspaceConfig

TICKET = TicketParties(key="SUP-1", department_key="SUP", owner_id="U0ALICE", requester_id="U0ERIN")
PEOPLE = {
    Role.REQUESTER: "U0ERIN",
    Role.OWNER: "U0ALICE",
    Role.MEMBER: "U0BOB",
    Role.LEAD: "U0LEADSUP",
    Role.ADMIN: "U0ADMIN",
    "anyone": "U0STRANGER",
}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(PEOPLE))
def test_matrix(action: Action, role: Role | str, workspace: WorkspaceConfig) -> None:
    user = PEOPLE[role]
    expected = role in ALLOWED[action]
    assert may(user, action, TICKET, workspace) == expected
    if not expected:
        with pytest.raises(NotAllowed) as caught:
            require(user, action, TICKET, workspace)
        assert caught.value.params["roles"] == [r.value for r in ALLOWED[action]]


def test_roles(workspace: WorkspaceConfig) -> None:
    assert roles_of("U0LEADSUP", TICKET, workspace) == {Role.LEAD, Role.MEMBER}
    assert roles_of("U0STRANGER", TICKET, workspace) == set()
