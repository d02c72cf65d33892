"""The ``reactions.*`` Web API methods: the bot adding an emoji reaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sandbox.fake_slack.methods.common import (
    find_channel,
    find_message,
    joined,
)
from bot.sandbox.fake_slack.models import JsonDict
from bot.sandbox.fake_slack.protocol import ApiError, ApiRequest, api_method

if TYPE_CHECKING:
    from bot.sandbox.fake_slack.state import WorkspaceState


@api_method("reactions.add")
def _reactions_add(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    channel = joined(workspace, find_channel(workspace, request.text("channel")))
    message = find_message(workspace, channel, request.text("timestamp"))
    name = request.text("name") or ""
    if not name or ":" in name or " " in name:
        raise ApiError("invalid_name")
    users = message.reactions.setdefault(name, [])
    if workspace.bot_user_id in users:
        raise ApiError("already_reacted")
    users.append(workspace.bot_user_id)
    return {}
