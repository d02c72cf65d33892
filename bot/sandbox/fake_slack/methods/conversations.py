"""The ``conversations.*`` Web API methods: opening DMs and group DMs, channel info, history and threads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sandbox.fake_slack.methods.common import (
    find_channel,
    joined,
    time_window,
)
from bot.sandbox.fake_slack.models import JsonDict
from bot.sandbox.fake_slack.protocol import ApiError, ApiRequest, api_method, one_page

if TYPE_CHECKING:
    from bot.sandbox.fake_slack.state import WorkspaceState


@api_method("conversations.open")
def _conversations_open(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    channel_id = request.text("channel")
    if channel_id:
        channel = find_channel(workspace, channel_id)
        already_open = True
    else:
        user_ids = [u.strip() for u in (request.text("users") or "").split(",") if u.strip()]
        if not user_ids:
            raise ApiError("users_list_not_supplied")
        if any(u not in workspace.users for u in user_ids):
            raise ApiError("user_not_found")
        others = [u for u in dict.fromkeys(user_ids) if u != workspace.bot_user_id] or [workspace.bot_user_id]
        if len(others) > 8:
            raise ApiError("too_many_users")
        if len(others) == 1:
            already_open = others[0] in workspace._dm_by_user
            channel = workspace.channels[workspace.dm_channel_for(others[0])]
        else:
            mpim_id, already_open = workspace._mpim_for(others)
            channel = workspace.channels[mpim_id]
    body: JsonDict = {}
    if already_open:
        body.update({"no_op": True, "already_open": True})
    body["channel"] = channel.to_api(workspace.bot_user_id) if request.flag("return_im") else {"id": channel.id}
    return body


@api_method("conversations.info")
def _conversations_info(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    channel = find_channel(workspace, request.text("channel"))
    info = channel.to_api(workspace.bot_user_id)
    if request.flag("include_num_members") and not channel.is_im:
        info["num_members"] = len(channel.members)
    return {"channel": info}


@api_method("conversations.history")
def _conversations_history(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    channel = joined(workspace, find_channel(workspace, request.text("channel")))
    within = time_window(request)
    newest_first = [m for m in reversed(workspace.messages_in(channel.id)) if within(m)]
    page, next_cursor = one_page(
        newest_first, lambda m: m.ts, request, kind="next_ts", default_limit=100, max_limit=999
    )
    include_metadata = request.flag("include_all_metadata")
    body: JsonDict = {
        "messages": [workspace._message_to_api(m, include_metadata=include_metadata) for m in page],
        "has_more": bool(next_cursor),
        "pin_count": 0,
    }
    if next_cursor:
        body["response_metadata"] = {"next_cursor": next_cursor}
    return body


@api_method("conversations.replies")
def _conversations_replies(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    channel = joined(workspace, find_channel(workspace, request.text("channel")))
    message = workspace.message(channel.id, request.required("ts"))
    if message is None:
        raise ApiError("thread_not_found")
    # Any ts in a thread names the whole thread; an unthreaded message is a thread of one. Like Slack, the
    # parent comes first whatever oldest/latest say, and only the first page carries it.
    root_ts = message.thread_ts or message.ts
    within = time_window(request)
    parent, *replies = workspace.messages_in(channel.id, thread_ts=root_ts)
    thread = [parent, *(m for m in replies if within(m))]
    page, next_cursor = one_page(thread, lambda m: m.ts, request, kind="next_ts", default_limit=1000, max_limit=1000)
    include_metadata = request.flag("include_all_metadata")
    body: JsonDict = {
        "messages": [workspace._message_to_api(m, include_metadata=include_metadata) for m in page],
        "has_more": bool(next_cursor),
    }
    if next_cursor:
        body["response_metadata"] = {"next_cursor": next_cursor}
    return body
