"""The ``chat.*`` Web API methods: posting, ephemeral messages, updating, deleting and permalinks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sandbox.fake_slack.methods.common import (
    MAX_TEXT_LENGTH,
    checked_attachments,
    checked_blocks,
    checked_metadata,
    find_channel,
    find_message,
    joined,
    message_content,
    postable_channel,
)
from bot.sandbox.fake_slack.models import FakeMessage, JsonDict
from bot.sandbox.fake_slack.protocol import ApiError, ApiRequest, api_method

if TYPE_CHECKING:
    from bot.sandbox.fake_slack.state import WorkspaceState


@api_method("chat.postMessage")
def _chat_post_message(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    channel = joined(workspace, postable_channel(workspace, request.text("channel")))
    text, blocks, attachments = message_content(request)
    metadata = checked_metadata(request)
    # Slack threads a reply-to-a-reply under the parent, and posts to the channel when the ts is unknown.
    thread_ts = workspace._thread_root(channel.id, request.text("thread_ts"))
    broadcast = thread_ts is not None and request.flag("reply_broadcast")
    message = FakeMessage(
        channel=channel.id,
        ts=workspace.next_ts(),
        text=text,
        user=workspace.bot_user_id,
        bot_id=workspace.bot_id,
        blocks=blocks,
        thread_ts=thread_ts,
        metadata=metadata,
        attachments=attachments,
        subtype="thread_broadcast" if broadcast else None,
    )
    workspace._add_message(message)
    return {"channel": channel.id, "ts": message.ts, "message": workspace._message_to_api(message)}


@api_method("chat.postEphemeral")
def _chat_post_ephemeral(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    channel = joined(workspace, find_channel(workspace, request.text("channel")))
    user = request.text("user")
    if not user or user not in workspace.users:
        raise ApiError("user_not_found")
    if user not in channel.members:
        raise ApiError("user_not_in_channel")
    text, blocks, attachments = message_content(request)
    message = FakeMessage(
        channel=channel.id,
        ts=workspace.next_ts(),
        text=text,
        user=workspace.bot_user_id,
        bot_id=workspace.bot_id,
        blocks=blocks,
        attachments=attachments,
        thread_ts=request.text("thread_ts") or None,
        subtype="ephemeral",
        visible_to=user,
    )
    workspace.ephemeral_messages.append(message)
    return {"message_ts": message.ts}


@api_method("chat.update")
def _chat_update(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    channel = joined(workspace, find_channel(workspace, request.text("channel")))
    message = find_message(workspace, channel, request.text("ts"))
    if message.bot_id != workspace.bot_id:
        raise ApiError("cant_update_message")
    blocks = checked_blocks(request) if "blocks" in request.args else message.blocks
    attachments = checked_attachments(request) if "attachments" in request.args else message.attachments
    text = request.text("text") if "text" in request.args else message.text
    if not text and not blocks and not attachments:
        raise ApiError("no_text")
    if len(text or "") > MAX_TEXT_LENGTH:
        raise ApiError("msg_too_long")
    if "metadata" in request.args:
        message.metadata = checked_metadata(request)
    message.text, message.blocks, message.attachments = text or "", blocks, attachments
    message.edited = {"user": workspace.bot_user_id, "ts": workspace.next_ts()}
    return {
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": workspace._message_to_api(message),
    }


@api_method("chat.delete")
def _chat_delete(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    channel = find_channel(workspace, request.text("channel"))
    message = find_message(workspace, channel, request.text("ts"))
    if message.bot_id != workspace.bot_id:
        raise ApiError("cant_delete_message")
    workspace._remove_message(message)
    return {"channel": channel.id, "ts": message.ts}


@api_method("chat.getPermalink")
def _chat_get_permalink(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    channel = find_channel(workspace, request.text("channel"))
    message = find_message(workspace, channel, request.text("message_ts"))
    return {"channel": channel.id, "permalink": workspace.permalink(channel.id, message.ts)}
