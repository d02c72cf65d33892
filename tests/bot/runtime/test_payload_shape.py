"""Envelope shapes that crashed Bolt or a listener before ``check_shape`` refused them (found by the fuzz suite)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.runtime.payload_shape import MAX_DEPTH, BadShape, check_depth, check_shape
from bot.sandbox import slack_requests
from tests.reliability.hostile import decode_interaction


def click() -> dict[str, Any]:
    body = slack_requests.block_actions_body(
        action_id="crossdesk.ticket.acknowledge", value="SUP-1", user="U0ALICE", channel="C0INTAKE", message_ts="1.2"
    )
    return decode_interaction(body)


def test_real_shapes_pass() -> None:
    check_shape(slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text="refund"))
    check_shape(
        slack_requests.reaction_added_event(
            channel="C0INTAKE", ts="1.2", user="U0BOB", reaction="ticket", item_user="U0ERIN"
        )
    )
    check_shape(slack_requests.app_home_opened_event(user="U0ALICE"))
    check_shape(click())
    check_shape({**click(), "enterprise": None})


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"type": "block_actions", "event": None}, "event must be an object"),
        ({"view": None}, "view must be an object"),
        ({"actions": None}, "actions must be a list"),
        ({"actions": []}, "without actions"),
        ({"actions": [{"action_id": "x"}]}, "block_id"),
        ({"user": {"id": "<!channel>"}}, "user.id is not a Slack id"),
        ({"user": "U0ALICE"}, "user must be an object"),
        ({"channel": {"id": 5}}, "channel.id is not a Slack id"),
        ({"container": {"message_ts": "soon"}}, "container.message_ts"),
        ({"type": 3}, "type must be a string"),
        ({"type": "view_submission", "view": {"callback_id": "x"}}, "view.type and view.callback_id"),
    ],
)
def test_interactions_of_another_shape_are_refused(change: dict[str, Any], problem: str) -> None:
    with pytest.raises(BadShape, match=re.escape(problem)):
        check_shape({**click(), **change})


@pytest.mark.parametrize(
    ("event", "problem"),
    [
        (None, "event must be an object"),
        ({"text": "no type"}, "event.type"),
        ({"type": "message", "user": "", "channel": "C1X", "ts": "1.2"}, "event.user"),
        ({"type": "message", "user": "U1X", "channel": "#general", "ts": "1.2"}, "event.channel"),
        ({"type": "reaction_added", "user": "U1X", "item": {"channel": "C1X", "ts": 12}}, "event.item.ts"),
    ],
)
def test_events_of_another_shape_are_refused(event: Any, problem: str) -> None:
    with pytest.raises(BadShape, match=re.escape(problem)):
        check_shape({"type": "event_callback", "event_id": "Ev1", "event": event})


def test_commands_need_a_user() -> None:
    with pytest.raises(BadShape, match=re.escape("missing command.user_id")):
        check_shape({"command": "/ticket", "text": "help"})


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"event_id": "Ev" + "A" * 63}, "body.event_id is not a Slack id"),  # longer than the column that stores it
        ({"event_id": "<!here> ack SUP-1"}, "body.event_id is not a Slack id"),
        ({"event_id": 7}, "body.event_id is not a Slack id"),
    ],
)
def test_event_ids_must_look_like_slacks(change: dict[str, Any], problem: str) -> None:
    event = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text="refund")
    with pytest.raises(BadShape, match=re.escape(problem)):
        check_shape({**event, **change})


def test_ids_longer_than_slacks_are_refused() -> None:
    """A 33-character user id would overflow the 32-character columns on PostgreSQL: refused at the door."""
    check_shape(slack_requests.message_event(channel="C0INTAKE", user="U" + "A" * 31, text="refund"))
    with pytest.raises(BadShape, match=re.escape("event.user is not a Slack id")):
        check_shape(slack_requests.message_event(channel="C0INTAKE", user="U" + "A" * 32, text="refund"))


@pytest.mark.parametrize("field", ["team_id", "enterprise_id", "api_app_id"])
def test_outsized_workspace_ids_are_refused_before_bolt_passes_them_to_slack(field: str) -> None:
    # Found by the fuzz suite: Bolt put a 3,588-character team_id into a conversations.history URL.
    event = slack_requests.reaction_added_event(
        channel="C0INTAKE", ts="1.2", user="U0BOB", reaction="ticket", item_user="U0ERIN"
    )
    with pytest.raises(BadShape, match=re.escape(f"body.{field} is not a Slack id")):
        check_shape({**event, field: "退" * 3588})
    with pytest.raises(BadShape, match=re.escape("team.id is not a Slack id")):
        check_shape({**click(), "team": {"id": "T" * 40}})


def _nested(depth: int) -> Any:
    """Objects and lists alternating, ``depth`` levels in all (the outermost an object)."""
    value: Any = "leaf"
    for level in range(depth - 1):
        value = [value] if level % 2 else {"next": value}
    return {"type": "block_actions", "deep": value} if depth > 1 else {}


def test_nesting_is_bounded_without_recursing() -> None:
    check_depth(_nested(MAX_DEPTH))
    with pytest.raises(BadShape, match=re.escape(f"nested more than {MAX_DEPTH} levels deep")):
        check_depth(_nested(MAX_DEPTH + 1))
    with pytest.raises(BadShape, match="nested more than"):
        check_depth(_nested(50_000))  # far past the interpreter's recursion limit: the walk has no stack to run out
    with pytest.raises(BadShape, match="nested more than"):
        check_shape({**click(), "state": _nested(200)})
