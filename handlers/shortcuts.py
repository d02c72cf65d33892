"""The "Create ticket" message shortcut: the new-ticket form, filled from the message and linking to it.

The message's text is Slack text (``&amp;``, ``<@U…>``); the form shows it as the message reads, people by name.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.profiles import display_names
from bot.surfaces.ids import CallbackId
from bot.surfaces.text import mentioned_users, message_link, to_plain, without_links
from bot.surfaces.views import TEXT_MAX
from bot.tickets.routing import title_from_text
from handlers.forms import new_ticket_form, open_form
from handlers.payloads import is_private_conversation, mapping, optional_text, services_of, text


async def on_create_from_message(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    services = services_of(context)
    message = mapping(body.get("message"), "message")
    channel_info = mapping(body.get("channel"), "channel")
    channel = text(channel_info, "id")
    private = is_private_conversation(channel, channel_name=optional_text(channel_info, "name"))
    ts = text(message, "ts")
    user = text(mapping(body.get("user"), "user"), "id")
    existing = await services.tickets.find_by_message(channel, ts)
    if existing is not None:
        await services.tickets.tell_text(user, channel, services.replies.t("command.exists", key=existing.key))
        await ack()
        return
    slack_text = text(message, "text", required=False)
    names = await display_names(services.db, client, mentioned_users(slack_text))
    message_text = to_plain(slack_text, names)
    thread_ts = optional_text(message, "thread_ts")
    link = message_link(services.identity.url, channel, ts, thread_ts) if services.identity.url else ""
    # Cut the message, never the link, to fit the form's 3000 characters.
    room = TEXT_MAX - len(link) - 3
    excerpt = message_text.strip()
    if len(excerpt) > room:
        excerpt = excerpt[: room - 1].rstrip() + "…"
    description = "\n\n".join(part for part in (excerpt, link) if part)
    view = await new_ticket_form(
        services,
        title=title_from_text(to_plain(without_links(slack_text), names)),  # a link's label, not its address
        description=description,
        metadata={
            "channel": channel,
            "origin_channel": channel,
            "origin_ts": ts,
            "origin_thread_ts": thread_ts if thread_ts and thread_ts != ts else None,
            "private": private,
        },
    )
    await open_form(client, text(body, "trigger_id"), view)
    await ack()


def register(app: AsyncApp) -> None:
    app.shortcut(CallbackId.CREATE_FROM_MESSAGE.value)(on_create_from_message)
