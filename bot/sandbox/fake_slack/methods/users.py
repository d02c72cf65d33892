"""The ``users.*`` Web API methods: one member, or all of them a page at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sandbox.fake_slack.models import JsonDict
from bot.sandbox.fake_slack.protocol import ApiError, ApiRequest, api_method, one_page

if TYPE_CHECKING:
    from bot.sandbox.fake_slack.state import WorkspaceState


@api_method("users.info")
def _users_info(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    user = workspace.users.get(request.text("user") or "")
    if user is None:
        raise ApiError("user_not_found")
    return {"user": user.to_api(workspace.team_id)}


@api_method("users.list")
def _users_list(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    users = list(workspace.users.values())
    page, next_cursor = one_page(users, lambda u: u.id, request, kind="user", default_limit=0, max_limit=1000)
    return {
        "members": [user.to_api(workspace.team_id) for user in page],
        "cache_ts": int(workspace.clock.now().timestamp()),
        "response_metadata": {"next_cursor": next_cursor},
    }


@api_method("users.profile.get")
def _users_profile_get(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    user = workspace.users.get(request.text("user") or "")
    if user is None:
        raise ApiError("user_not_found")
    return {"profile": user.profile(workspace.team_id)}
