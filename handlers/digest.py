"""``/digest``: the daily digest's numbers as of now, and ``/digest week`` the weekly review of the shared goals;
both answered only to the person who asked."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.surfaces.digest_views import header_text
from bot.surfaces.ids import Command
from bot.surfaces.review_views import unknown_digest_blocks
from handlers.payloads import mapping, services_of, text

WEEK = ("week", "weekly", "周", "周报")


async def on_digest_command(ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext) -> None:
    """Compute first, then answer: the digest is a few grouped queries, the review a few dozen, both well inside
    Slack's 3 seconds."""
    services = services_of(context)
    payload = mapping(command, "command")
    user = text(payload, "user_id")
    asked = text(payload, "text", required=False).strip().lower()
    now = services.clock.now()
    if not asked:
        blocks = await services.digest.on_demand(user, now)
    elif asked in WEEK:
        blocks = await services.review.on_demand(user, now)
    else:
        blocks = unknown_digest_blocks(services.translator, asked)
    fallback = header_text(blocks) or str(blocks[0]["text"]["text"])
    await ack(response_type="ephemeral", blocks=blocks, text=fallback)


def register(app: AsyncApp) -> None:
    app.command(Command.DIGEST.value)(on_digest_command)
