"""What ``crossdesk export`` writes about tickets: one row per ticket (with its linked work), or every entry of one
ticket's history. Imported when exporting, not when the bot starts."""

from __future__ import annotations

from sqlmodel import col, select

from bot.surfaces.text import mentioned_users, to_plain
from bot.tickets.relations import export_columns
from storage import audit
from storage import tickets as ticket_store
from storage.database import Database
from storage.directory import display_names
from storage.models import Ticket

# Linked work, filled in by ``bot.tickets.relations.export_columns``.
LINKED_WORK_FIELDS = ("duplicate_of", "related", "followers")
EXPORT_FIELDS = (
    "key",
    "department_key",
    "status",
    "priority",
    "owner_id",
    "requester_id",
    "title",
    "source",
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "ack_due_at",
    "resolve_due_at",
    "origin_channel",
    "origin_ts",
    "escalation_level",
    *LINKED_WORK_FIELDS,
)


def export_value(field: str, value: object, names: dict[str, str]) -> object:
    """A ticket's field as the export shows it: times in ISO 8601, the title (and a history entry's note) as plain
    text (it is kept as Slack text, ``&amp;`` and ``<@U…>``; a spreadsheet shows ``&`` and the person's name)."""
    if field in ("title", "note") and isinstance(value, str):
        return to_plain(value, names)
    return value.isoformat() if hasattr(value, "isoformat") else value


HISTORY_FIELDS = ("key", "at", "actor_id", "action", "from_value", "to_value", "note", "slack_ts")


async def ticket_rows(db: Database) -> list[dict[str, object]]:
    """Every ticket, oldest first, with the columns of :data:`EXPORT_FIELDS`."""
    async with db.read() as session:
        tickets = (await session.exec(select(Ticket).order_by(col(Ticket.id)))).all()
        mentioned = {user for ticket in tickets for user in mentioned_users(ticket.title)}
        names = await display_names(session, sorted(mentioned))
        linked = await export_columns(session, tickets)
    own = [name for name in EXPORT_FIELDS if name not in LINKED_WORK_FIELDS]
    return [
        {**{name: export_value(name, getattr(ticket, name), names) for name in own}, **linked[ticket.id or 0]}
        for ticket in tickets
    ]


async def history_rows(db: Database, key: str) -> list[dict[str, object]] | None:
    """Every event of ticket ``key``, oldest first, notes in full (``/ticket show`` lists only the newest)."""
    async with db.read() as session:
        ticket = await ticket_store.by_key(session, key)
        if ticket is None or ticket.id is None:
            return None
        events = await audit.events_of(session, ticket.id)
        mentioned = {user for event in events for user in mentioned_users(event.note or "")}
        names = await display_names(session, sorted(mentioned))
    return [
        {"key": ticket.key, **{name: export_value(name, getattr(event, name), names) for name in HISTORY_FIELDS[1:]}}
        for event in events
    ]
