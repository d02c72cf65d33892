"""The message catalogue, one module per area; ``bot.surfaces.i18n`` merges them.

Tickets have the most messages, so their area is split by surface: the card and App Home, replies to people,
notices the bot sends on its own, and forms. Add an area by writing a module with
``MESSAGES = {"en": {...}, "zh": {...}}`` and listing it here (a test fails on a module left out).
"""

from __future__ import annotations

from bot.surfaces.catalogue import (
    admin,
    config,
    consults,
    customers,
    digest,
    goals,
    handoffs,
    links,
    reminders,
    sandbox,
    satisfaction,
    standups,
    tickets_cards,
    tickets_forms,
    tickets_notices,
    tickets_replies,
)

AREAS: list[dict[str, dict[str, str]]] = [
    admin.MESSAGES,
    tickets_cards.MESSAGES,
    tickets_replies.MESSAGES,
    tickets_notices.MESSAGES,
    tickets_forms.MESSAGES,
    digest.MESSAGES,
    handoffs.MESSAGES,
    standups.MESSAGES,
    reminders.MESSAGES,
    sandbox.MESSAGES,
    consults.MESSAGES,
    links.MESSAGES,
    goals.MESSAGES,
    customers.MESSAGES,
    satisfaction.MESSAGES,
    config.MESSAGES,
]
