"""The ``views.*`` Web API methods: modals (open, push, update) on a trigger_id, and App Home (publish)."""

from __future__ import annotations

import re

from bot.sandbox.fake_slack import block_rules
from bot.sandbox.fake_slack.models import JsonDict, Trigger
from bot.sandbox.fake_slack.protocol import ApiError, ApiRequest, api_method
from bot.sandbox.fake_slack.state import TRIGGER_SECONDS, WorkspaceState

# A user's modal stack holds at most three views (views.push refuses a fourth).
MAX_VIEW_STACK = 3
# What Slack's trigger ids look like ("12345.98765.abcd2358fdea"); anything else is invalid_trigger_id.
TRIGGER_SHAPE = re.compile(r"^\d+\.\d+\.[0-9A-Za-z]+$")


def _view(request: ApiRequest, *, expected_type: str) -> JsonDict:
    view = request.decoded("view", error="invalid_arguments")
    if view is None:
        raise ApiError.missing("view")
    if not isinstance(view, dict):
        raise ApiError("invalid_arguments", messages=["[ERROR] view must be an object [json-pointer:/view]"])
    problems = block_rules.view_problems(view, expected_type)
    if problems:
        raise ApiError("invalid_arguments", messages=problems)
    return view


def _check_external_id(workspace: WorkspaceState, view: JsonDict, own_id: str | None) -> None:
    external_id = view.get("external_id")
    if external_id and any(v["external_id"] == external_id and v["id"] != own_id for v in workspace.views.values()):
        raise ApiError("duplicate_external_id")


def _exchange_trigger(workspace: WorkspaceState, trigger_id: str) -> str:
    """Use up a trigger for views.open/push; returns whose it is ("" for one the fake did not issue).

    A well-formed trigger the fake never issued (a payload a test or the load generator built by hand) cannot
    be dated, so only its single use is checked: it is recorded here at its first exchange.
    """
    if not TRIGGER_SHAPE.match(trigger_id):
        raise ApiError("invalid_trigger_id")
    trigger = workspace.triggers.get(trigger_id)
    if trigger is None:
        workspace.triggers[trigger_id] = Trigger(user="", issued_at=workspace.clock.now(), exchanged=True)
        return ""
    if trigger.exchanged:
        raise ApiError("exchanged_trigger_id")
    if (workspace.clock.now() - trigger.issued_at).total_seconds() > TRIGGER_SECONDS:
        raise ApiError("expired_trigger_id")
    trigger.exchanged = True
    return trigger.user


def _trigger(request: ApiRequest) -> str:
    trigger_id = request.text("trigger_id") or request.text("interactivity_pointer")
    if not trigger_id:
        raise ApiError.missing("trigger_id")
    return trigger_id


@api_method("views.open")
def _views_open(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    trigger_id = _trigger(request)
    view = _view(request, expected_type="modal")
    _check_external_id(workspace, view, None)
    user = _exchange_trigger(workspace, trigger_id)
    stored = workspace._store_view(view, view_id=None, root_id=None, previous_id=None)
    workspace.modal_stacks[user] = [stored["id"]]
    return {"view": stored}


@api_method("views.push")
def _views_push(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    trigger_id = _trigger(request)
    view = _view(request, expected_type="modal")
    issued = workspace.triggers.get(trigger_id)
    stack = workspace.modal_stacks.setdefault(issued.user if issued else "", [])
    if len(stack) >= MAX_VIEW_STACK:
        raise ApiError("push_limit_reached")
    _check_external_id(workspace, view, None)
    _exchange_trigger(workspace, trigger_id)
    root_id = workspace.views[stack[0]]["id"] if stack else None
    stored = workspace._store_view(view, view_id=None, root_id=root_id, previous_id=stack[-1] if stack else None)
    stack.append(stored["id"])
    return {"view": stored}


@api_method("views.update")
def _views_update(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    view_id, external_id = request.text("view_id"), request.text("external_id")
    if not view_id and not external_id:
        raise ApiError("invalid_arguments", messages=["[ERROR] either view_id or external_id is required"])
    current = workspace.views.get(view_id or "")
    if current is None and external_id:
        current = next((v for v in workspace.views.values() if v["external_id"] == external_id), None)
    if current is None:
        raise ApiError("not_found")
    expected_hash = request.text("hash")
    if expected_hash and expected_hash != current["hash"]:
        raise ApiError("hash_conflict")
    view = _view(request, expected_type=str(current["type"]))
    _check_external_id(workspace, view, current["id"])
    stored = workspace._store_view(
        view, view_id=current["id"], root_id=current["root_view_id"], previous_id=current["previous_view_id"]
    )
    return {"view": stored}


@api_method("views.publish")
def _views_publish(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    user_id = request.text("user_id")
    if not user_id or user_id not in workspace.users:
        raise ApiError("invalid_arguments", messages=["invalid `user_id`"])
    current_id = workspace.home_views.get(user_id)
    expected_hash = request.text("hash")
    if expected_hash and current_id and expected_hash != workspace.views[current_id]["hash"]:
        raise ApiError("hash_conflict")
    view = _view(request, expected_type="home")
    _check_external_id(workspace, view, current_id)
    stored = workspace._store_view(view, view_id=current_id, root_id=None, previous_id=None)
    workspace.home_views[user_id] = stored["id"]
    return {"view": stored}
