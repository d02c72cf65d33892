"""The ``usergroups.*`` Web API methods the bot reads: a group's members, and every group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sandbox.fake_slack.models import JsonDict
from bot.sandbox.fake_slack.protocol import ApiError, ApiRequest, api_method

if TYPE_CHECKING:
    from bot.sandbox.fake_slack.state import WorkspaceState


@api_method("usergroups.users.list")
def _usergroups_users_list(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    group = workspace.user_groups.get(request.required("usergroup"))
    if group is None:
        raise ApiError("no_such_subteam")
    return {"users": list(group.users)}


@api_method("usergroups.list")
def _usergroups_list(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    with_users = request.flag("include_users")
    return {"usergroups": [g.to_api(workspace.team_id, with_users=with_users) for g in workspace.user_groups.values()]}
