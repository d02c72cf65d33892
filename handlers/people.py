"""``subteam_members_changed`` and ``user_status_changed``: who is in a user group, and who is away by their Slack
status, kept as Slack tells it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from handlers.payloads import MalformedPayload, mapping, services_of, text


def _ids(event: dict[str, Any], name: str) -> list[str]:
    value = event.get(name) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise MalformedPayload(f"{name} must be a list of user ids")
    return list(value)


async def on_subteam_members_changed(event: dict[str, Any], context: AsyncBoltContext) -> None:
    event = dict(mapping(event, "event"))
    await services_of(context).people.members_changed(
        text(event, "subteam_id"), _ids(event, "added_users"), _ids(event, "removed_users")
    )


async def on_user_status_changed(event: dict[str, Any], context: AsyncBoltContext) -> None:
    user = mapping(mapping(event, "event").get("user"), "user")
    profile = mapping(user.get("profile") or {}, "profile")
    await services_of(context).people.status_changed(
        text(user, "id"),
        text(profile, "status_emoji", required=False),
        text(profile, "status_text", required=False),
        profile.get("status_expiration"),
    )


def register(app: AsyncApp) -> None:
    app.event("subteam_members_changed")(on_subteam_members_changed)
    app.event("user_status_changed")(on_user_status_changed)
