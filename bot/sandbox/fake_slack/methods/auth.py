"""Web API methods about tokens: ``auth.test`` (who the bot is) and ``apps.connections.open`` (a Socket Mode URL)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sandbox.fake_slack.models import JsonDict
from bot.sandbox.fake_slack.protocol import ApiRequest, api_method

if TYPE_CHECKING:
    from bot.sandbox.fake_slack.state import WorkspaceState


@api_method("auth.test")
def _auth_test(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    return {
        "url": workspace.url,
        "team": workspace.team_name,
        "user": workspace.users[workspace.bot_user_id].name,
        "team_id": workspace.team_id,
        "user_id": workspace.bot_user_id,
        "bot_id": workspace.bot_id,
        "is_enterprise_install": False,
    }


@api_method("apps.connections.open")
def _apps_connections_open(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    host = request.origin.split("://", 1)[-1]
    return {"url": f"ws://{host}/socket?ticket={workspace._issue_socket_ticket()}&app_id={workspace.app_id}"}
