"""The rating DM of a resolved ticket: a score button (its value is the score, its block names the ticket), *Add a
comment* and the comment's form. Each calls one workflow verb (``bot.tickets.satisfaction``); refusals (a score that
is not 1–5, someone else's question, a second score) answer through the one error path and change nothing."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.surfaces.commands import KEY_PATTERN
from bot.surfaces.ids import RATE_BUTTONS, ActionId, BlockId, CallbackId
from bot.surfaces.rating_views import rated_key
from bot.surfaces.views import rating_comment_modal
from handlers.forms import open_form
from handlers.payloads import (
    MalformedPayload,
    clicked_in,
    dm_prompt,
    form_values,
    mapping,
    metadata,
    services_of,
    text,
)


def _action(body: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """(the clicked element's action, the person who clicked)."""
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        raise MalformedPayload("block_actions without actions")
    return dict(mapping(actions[0], "action")), text(mapping(body.get("user"), "user"), "id")


async def on_rate(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """A score: the button's value, for the ticket its block names."""
    services = services_of(context)
    action, user = _action(body)
    key = rated_key(text(action, "block_id"))
    if key is None or not KEY_PATTERN.match(key):
        raise MalformedPayload("a rating button outside a rating's block")
    value = text(action, "value")
    await services.workflow.rate(key.upper(), user, value, prompt=dm_prompt(*clicked_in(body)))
    await ack()


async def on_rating_comment(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """*Add a comment*: checked first (asked, not commented yet), then the form, remembering the DM it came from."""
    services = services_of(context)
    action, user = _action(body)
    key = text(action, "value")
    if not KEY_PATTERN.match(key):
        raise MalformedPayload("button value is not a ticket key")
    channel, ts, from_home = clicked_in(body)
    ticket = await services.workflow.check_rating_comment(key.upper(), user, prompt=dm_prompt(channel, ts, from_home))
    view = rating_comment_modal(services.translator, ticket.key)
    origin = json.loads(view["private_metadata"])
    origin.update({"channel": channel, "message_ts": ts, "home": from_home})
    view["private_metadata"] = json.dumps(origin, ensure_ascii=False)
    await open_form(client, text(body, "trigger_id"), view)
    await ack()


async def on_rating_comment_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The comment's form: a blank comment is an inline field error; the DM it came from shows it is saved."""
    services = services_of(context)
    values, origin = form_values(view), metadata(view)
    comment = values.get(BlockId.FORM_COMMENT.value)
    if not isinstance(comment, str) or not comment.strip():
        errors = {BlockId.FORM_COMMENT.value: services.replies.t("rating.error.comment_required")}
        await ack(response_action="errors", errors=errors)
        return
    user = text(mapping(body.get("user"), "user"), "id")
    prompt = dm_prompt(origin.get("channel"), origin.get("message_ts"), bool(origin.get("home")))
    await services.workflow.comment_rating(text(origin, "key"), user, comment, prompt=prompt)
    await ack()


def register(app: AsyncApp) -> None:
    for action in RATE_BUTTONS:
        app.action(action.value)(on_rate)
    app.action(ActionId.RATING_COMMENT.value)(on_rating_comment)
    app.view(CallbackId.RATING_COMMENT.value)(on_rating_comment_submitted)
