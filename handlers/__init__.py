"""Slack listeners: each module turns one kind of payload into a call of a ``bot`` service."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.runtime.services import Services
from handlers import (
    actions,
    admin,
    commands,
    customers,
    digest,
    errors,
    home,
    messages,
    middleware,
    people,
    ratings,
    reactions,
    shortcuts,
    standup,
    submissions,
)


def register_all(app: AsyncApp, services: Services) -> None:
    """Register every listener, middleware first so listeners see deduplicated, service-bearing requests."""
    middleware.register(app, services)
    errors.register(app)
    messages.register(app)
    reactions.register(app)
    commands.register(app)
    digest.register(app)
    standup.register(app)
    actions.register(app)
    submissions.register(app)
    ratings.register(app)
    shortcuts.register(app)
    home.register(app)
    customers.register(app)
    people.register(app)
    admin.register(app)
