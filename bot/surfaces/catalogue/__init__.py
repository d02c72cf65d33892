"""The message catalogue, one module per area; ``bot.surfaces.i18n`` merges them.

Add an area by writing a module with ``MESSAGES = {"en": {...}, "zh": {...}}`` and listing it here.
"""

from __future__ import annotations

from bot.surfaces.catalogue import digest, reminders, sandbox, standups, tickets

AREAS: list[dict[str, dict[str, str]]] = [
    tickets.MESSAGES,
    digest.MESSAGES,
    standups.MESSAGES,
    reminders.MESSAGES,
    sandbox.MESSAGES,
]
