"""Buttons on the ticket card. Each calls the same service as its ``/ticket`` subcommand."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.commands import KEY_PATTERN
from bot.ids import ActionId
from handlers.payloads import MalformedPayload, mapping, services_of, text


def _clicked(body: dict[str, Any]) -> tuple[str, str]:
    """(ticket key from the button's value, the person who clicked)."""
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        raise MalformedPayload("block_actions without actions")
    key = text(mapping(actions[0], "action"), "value")
    if not KEY_PATTERN.match(key):
        raise MalformedPayload("button value is not a ticket key")
    return key.upper(), text(mapping(body.get("user"), "user"), "id")


async def on_acknowledge(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    key, user = _clicked(body)
    await services_of(context).tickets.acknowledge(key, user)
    await ack()


async def on_resolve(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    key, user = _clicked(body)
    await services_of(context).tickets.close(key, user)
    await ack()


async def on_reassign_or_escalate(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """Until the hand-off and escalation flows exist, say which subcommand does the job."""
    _key, user = _clicked(body)
    action_id = text(mapping(body["actions"][0], "action"), "action_id")
    services = services_of(context)
    if action_id == ActionId.REASSIGN.value:
        message = services.replies.t("usage.assign")
    else:
        message = services.replies.t("usage.not_yet", subcommand="escalate")
    channel = mapping(body.get("channel") or body.get("container") or {}, "channel")
    channel_id = channel.get("id") or channel.get("channel_id")
    if isinstance(channel_id, str):
        await services.tickets.tell_text(user, channel_id, message)
    await ack()


def register(app: AsyncApp) -> None:
    app.action(ActionId.ACKNOWLEDGE.value)(on_acknowledge)
    app.action(ActionId.RESOLVE.value)(on_resolve)
    app.action(ActionId.REASSIGN.value)(on_reassign_or_escalate)
    app.action(ActionId.ESCALATE.value)(on_reassign_or_escalate)
