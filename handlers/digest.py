"""``/digest``: the daily digest's numbers as of now, answered only to the person who asked."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.surfaces.digest_views import header_text
from bot.surfaces.ids import Command
from handlers.payloads import mapping, services_of, text


async def on_digest_command(ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext) -> None:
    """Compute first, then answer: the report is a few grouped queries, well inside Slack's 3 seconds."""
    services = services_of(context)
    user = text(mapping(command, "command"), "user_id")
    blocks = await services.digest.on_demand(user, services.clock.now())
    await ack(response_type="ephemeral", blocks=blocks, text=header_text(blocks))


def register(app: AsyncApp) -> None:
    app.command(Command.DIGEST.value)(on_digest_command)
