"""Slack's side of a submitted modal: required fields, and each ``response_action`` the app may answer with."""

from __future__ import annotations

from typing import Any

import pytest

from bot.sandbox.fake_slack.workspace import SlackWorkspace
from bot.sandbox.modals import REQUIRED, TOO_LONG, TOO_SHORT, Modals, missing_required, wrong_length


def _modal(title: str, *, optional: bool = False, initial: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": "value"}
    if initial is not None:
        element["initial_value"] = initial
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [{"type": "input", "block_id": "note", "optional": optional, "label": {}, "element": element}],
    }


@pytest.fixture
def modals() -> Modals:
    workspace = SlackWorkspace()
    workspace.add_user("U0ALICE", "alice")
    return Modals(workspace)


def _open(modals: Modals, title: str) -> str:
    view_id: str = modals.workspace._store_view(_modal(title), view_id=None, root_id=None, previous_id=None)["id"]
    modals.workspace.modal_stacks.setdefault("U0ALICE", []).append(view_id)
    return view_id


def test_required_inputs_are_checked_unless_optional_or_prefilled() -> None:
    assert missing_required(_modal("a"), {}) == {"note": REQUIRED}
    assert missing_required(_modal("a"), {"note": "  x"}) == {}
    assert missing_required(_modal("a", optional=True), {}) == {}
    assert missing_required(_modal("a", initial="kept"), {}) == {}


def test_text_longer_than_max_length_or_shorter_than_min_length_is_refused_before_the_app_hears() -> None:
    view = _modal("a")
    view["blocks"][0]["element"].update(max_length=5, min_length=2)
    assert wrong_length(view, {"note": "123456"}) == {"note": TOO_LONG.format(count=5)}
    assert wrong_length(view, {"note": "1"}) == {"note": TOO_SHORT.format(count=2)}
    assert wrong_length(view, {"note": "12345"}) == wrong_length(view, {"note": None}) == {}
    assert wrong_length(_modal("no limit"), {"note": "x" * 4000}) == {}


def test_errors_keep_the_view_open_and_are_shown_inline(modals: Modals) -> None:
    view_id = _open(modals, "Reassign")
    assert modals.answered("U0ALICE", view_id, {"response_action": "errors", "errors": {"note": "Say why"}}) == {
        "note": "Say why"
    }
    assert modals.top("U0ALICE") == view_id and modals.errors[view_id] == {"note": "Say why"}
    assert modals.answered("U0ALICE", view_id, {"response_action": "errors", "errors": ["not", "a", "dict"]}) == {}


def test_update_push_clear_and_plain_acknowledgement(modals: Modals) -> None:
    first = _open(modals, "First")
    modals.answered("U0ALICE", first, {"response_action": "update", "view": _modal("Updated")})
    assert modals.top("U0ALICE") == first and modals.workspace.views[first]["title"]["text"] == "Updated"
    modals.answered("U0ALICE", first, {"response_action": "push", "view": _modal("Second")})
    second = modals.top("U0ALICE")
    assert second != first and modals.workspace.views[second or ""]["previous_view_id"] == first
    modals.answered("U0ALICE", second or "", {})
    assert modals.top("U0ALICE") == first  # no response_action: only the submitted view closes
    modals.answered("U0ALICE", first, {"response_action": "push", "view": _modal("Again")})
    modals.answered("U0ALICE", modals.top("U0ALICE") or "", {"response_action": "clear"})
    assert modals.top("U0ALICE") is None


def test_closing_only_closes_the_view_on_top(modals: Modals) -> None:
    bottom, top = _open(modals, "Bottom"), _open(modals, "Top")
    modals.close("U0ALICE", bottom)
    assert modals.top("U0ALICE") == top
    modals.close("U0ALICE", top)
    assert modals.top("U0ALICE") == bottom
