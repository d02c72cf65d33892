"""What several Web API methods share: finding the channel and message named, the bot's membership, and checking
message content (text, Block Kit, attachments, metadata) and time windows as Slack does."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.sandbox.fake_slack import block_rules
from bot.sandbox.fake_slack.models import FakeChannel, FakeMessage, JsonDict
from bot.sandbox.fake_slack.protocol import ApiError, ApiRequest

if TYPE_CHECKING:
    from bot.sandbox.fake_slack.state import WorkspaceState

# A limit Slack enforces; a bot that breaks it in production should break here first. Block Kit's are in block_rules.
MAX_TEXT_LENGTH = 40_000


def _ts_micros(ts: str) -> int | None:
    """A ts as an integer of microseconds, for ordering; ``None`` when it is not a Slack ts."""
    seconds, _, fraction = ts.strip().partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()) or len(fraction) > 6:
        return None
    return int(seconds) * 1_000_000 + int(fraction.ljust(6, "0") or 0)


def find_channel(workspace: WorkspaceState, channel_id: str | None) -> FakeChannel:
    channel = workspace.channels.get(channel_id or "")
    if channel is None:
        raise ApiError("channel_not_found")
    return channel


def postable_channel(workspace: WorkspaceState, value: str | None) -> FakeChannel:
    """Where chat.postMessage posts: a conversation id, a ``#name``, or a user id (the app's DM with them)."""
    value = value or ""
    if value[:1] in {"U", "W"} and value in workspace.users:
        return workspace.channels[workspace.dm_channel_for(value)]
    if value.startswith("#"):
        for channel in workspace.channels.values():
            if channel.name == value[1:] and not channel.is_im:
                return channel
    return find_channel(workspace, value)


def joined(workspace: WorkspaceState, channel: FakeChannel) -> FakeChannel:
    """``channel`` if the bot is in it. A private channel it is not in does not exist for it (channel_not_found);
    a public one needs an invitation (not_in_channel: the app has chat:write, not chat:write.public)."""
    if workspace.bot_user_id in channel.members:
        return channel
    raise ApiError("channel_not_found" if channel.is_private else "not_in_channel")


def find_message(workspace: WorkspaceState, channel: FakeChannel, ts: str | None) -> FakeMessage:
    message = workspace.message(channel.id, ts or "")
    if message is None:
        raise ApiError("message_not_found")
    return message


def checked_blocks(request: ApiRequest) -> list[JsonDict] | None:
    """The message's blocks, checked as Slack checks them, with the block and action ids Slack fills in."""
    blocks = request.decoded("blocks", error="invalid_blocks_format")
    if blocks is None:
        return None
    if not isinstance(blocks, list):
        raise ApiError("invalid_blocks_format")
    problems = block_rules.block_problems(blocks)
    if problems:
        raise ApiError("invalid_blocks", messages=problems)
    return block_rules.with_generated_ids(blocks)


def checked_attachments(request: ApiRequest) -> list[JsonDict] | None:
    attachments = request.decoded("attachments", error="invalid_attachments")
    if attachments is not None and not isinstance(attachments, list):
        raise ApiError("invalid_attachments")
    return attachments


def checked_metadata(request: ApiRequest) -> JsonDict | None:
    metadata = request.decoded("metadata", error="invalid_metadata_format")
    if metadata is None:
        return None
    if (
        not isinstance(metadata, dict)
        or not isinstance(metadata.get("event_type"), str)
        or not isinstance(metadata.get("event_payload"), dict)
    ):
        raise ApiError("invalid_metadata_format")
    return metadata


def message_content(request: ApiRequest) -> tuple[str, list[JsonDict] | None, list[JsonDict] | None]:
    text = request.text("text") or ""
    blocks = checked_blocks(request)
    attachments = checked_attachments(request)
    if not text and not blocks and not attachments:
        raise ApiError("no_text")
    if len(text) > MAX_TEXT_LENGTH:
        raise ApiError("msg_too_long")
    return text, blocks, attachments


def time_window(request: ApiRequest) -> Callable[[FakeMessage], bool]:
    """conversations.history/replies: ``oldest``/``latest`` bounds, exclusive unless ``inclusive``."""
    inclusive = request.flag("inclusive")
    latest_text, oldest_text = request.text("latest"), request.text("oldest")
    latest = _ts_micros(latest_text) if latest_text else None
    oldest = _ts_micros(oldest_text) if oldest_text else 0
    if latest_text and latest is None:
        raise ApiError("invalid_ts_latest")
    if oldest is None:
        raise ApiError("invalid_ts_oldest")

    def within(message: FakeMessage) -> bool:
        ts = _ts_micros(message.ts) or 0
        if latest is not None and (ts > latest or (ts == latest and not inclusive)):
            return False
        return ts > oldest or (ts == oldest and inclusive)

    return within
