from __future__ import annotations

import itertools

import pytest

from bot.errors import InvalidTransition
from bot.tickets.states import TRANSITIONS, Status, can_move, check_move

ALLOWED = {
    ("open", "acknowledged"),
    ("acknowledged", "waiting"),
    ("acknowledged", "blocked"),
    ("acknowledged", "resolved"),
    ("waiting", "acknowledged"),
    ("waiting", "resolved"),
    ("blocked", "acknowledged"),
    ("blocked", "resolved"),
    ("resolved", "closed"),
    ("resolved", "open"),  # reopen
    ("closed", "open"),  # reopen
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product([s.value for s in Status], repeat=2)))
def test_every_pair_of_states(current: str, target: str) -> None:
    assert can_move(current, target) == ((current, target) in ALLOWED)
    if (current, target) in ALLOWED:
        assert check_move(current, target, key="SUP-1") == Status(target)
    else:
        with pytest.raises(InvalidTransition) as caught:
            check_move(current, target, key="SUP-1")
        assert caught.value.params == {"key": "SUP-1", "current": current, "target": target}


def test_every_state_has_a_way_out() -> None:
    assert all(TRANSITIONS[status] for status in Status)


@pytest.mark.parametrize("current", list(Status), ids=str)
def test_a_declined_consult_closes_from_any_active_status(current: Status) -> None:
    from bot.tickets.states import ACTIVE_STATUSES

    if current in ACTIVE_STATUSES:
        assert not can_move(current, Status.CLOSED)  # only declining closes a question unanswered
        assert check_move(current, Status.CLOSED, key="ENG-7", declined=True) == Status.CLOSED
    elif current == Status.RESOLVED:  # an ordinary close
        assert check_move(current, Status.CLOSED, key="ENG-7", declined=True) == Status.CLOSED
    else:
        with pytest.raises(InvalidTransition):
            check_move(current, Status.CLOSED, key="ENG-7", declined=True)
