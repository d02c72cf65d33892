"""``app_home_opened``: publish the person's queue on their App Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from handlers.payloads import mapping, services_of, text


async def on_app_home_opened(event: dict[str, Any], context: AsyncBoltContext) -> None:
    event = dict(mapping(event, "event"))
    if event.get("tab", "home") != "home":
        return  # the Messages tab needs nothing from us
    await services_of(context).tickets.publish_home(text(event, "user"))


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(on_app_home_opened)
