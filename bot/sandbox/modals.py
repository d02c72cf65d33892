"""Slack's side of a person's open modals: the stack of views, required fields checked before the app hears of a
submission, and what the app's ``response_action`` answer does (errors inline, update, push, clear, or close)."""

from __future__ import annotations

from typing import Any

from bot.sandbox.fake_slack.models import JsonDict
from bot.sandbox.fake_slack.workspace import SlackWorkspace

REQUIRED = "Please fill out this field."
TOO_LONG = "Please use {count} characters or fewer."
TOO_SHORT = "Please use at least {count} characters."
_INITIAL_KEYS = ("initial_value", "initial_option", "initial_options", "initial_user")


def missing_required(view: JsonDict, answers: JsonDict) -> dict[str, str]:
    """Required inputs left empty (and with no initial value), by block id, with Slack's own message."""
    return {
        block["block_id"]: REQUIRED
        for block in view.get("blocks", [])
        if block.get("type") == "input"
        and not block.get("optional")
        and answers.get(block["block_id"]) in (None, "", [])
        and not any(block.get("element", {}).get(key) for key in _INITIAL_KEYS)
    }


def wrong_length(view: JsonDict, answers: JsonDict) -> dict[str, str]:
    """Text answers longer than their input's ``max_length`` (or shorter than ``min_length``), by block id: Slack's
    box refuses them before the app hears anything, so the page's does too."""
    errors: dict[str, str] = {}
    for block in view.get("blocks", []):
        element = block.get("element", {})
        answer = answers.get(block.get("block_id"))
        if block.get("type") != "input" or element.get("type") != "plain_text_input" or not isinstance(answer, str):
            continue
        longest, shortest = element.get("max_length"), element.get("min_length")
        if isinstance(longest, int) and len(answer) > longest:
            errors[block["block_id"]] = TOO_LONG.format(count=longest)
        elif isinstance(shortest, int) and answer and len(answer) < shortest:
            errors[block["block_id"]] = TOO_SHORT.format(count=shortest)
    return errors


class Modals:
    """Each person's modal stack in the fake workspace, and the inline errors shown on their top view."""

    def __init__(self, workspace: SlackWorkspace) -> None:
        self.workspace = workspace
        self.errors: dict[str, dict[str, str]] = {}  # view id -> block id -> message

    def top(self, user: str) -> str | None:
        stack = self.workspace.modal_stacks.get(user, [])
        return stack[-1] if stack else None

    def show_errors(self, view_id: str, errors: dict[str, str]) -> dict[str, str]:
        self.errors[view_id] = errors
        self.workspace.changed("form")
        return errors

    def answered(self, user: str, view_id: str, body: JsonDict) -> dict[str, str]:
        """Apply the app's answer to a submission of ``view_id``; returns the inline errors it asked for (if any)."""
        stack = self.workspace.modal_stacks.setdefault(user, [])
        self.errors.pop(view_id, None)
        action = body.get("response_action")
        view: Any = body.get("view")
        if action == "errors":
            errors = body.get("errors")
            errors = errors if isinstance(errors, dict) else {}
            return self.show_errors(view_id, {str(k): str(v) for k, v in errors.items()})
        current = self.workspace.views[view_id]
        if action == "update" and isinstance(view, dict):
            root_id, previous_id = current["root_view_id"], current["previous_view_id"]
            self.workspace._store_view(view, view_id=view_id, root_id=root_id, previous_id=previous_id)
        elif action == "push" and isinstance(view, dict):
            stored = self.workspace._store_view(
                view, view_id=None, root_id=current["root_view_id"], previous_id=view_id
            )
            stack.append(stored["id"])
        elif action == "clear":
            stack.clear()
        elif stack:
            stack.pop()
        self.workspace.changed("form")
        return {}

    def close(self, user: str, view_id: str) -> None:
        """Cancel: only the top view closes, like Slack's close button."""
        stack = self.workspace.modal_stacks.get(user, [])
        if stack and stack[-1] == view_id:
            stack.pop()
            self.errors.pop(view_id, None)
            self.workspace.changed("form")
