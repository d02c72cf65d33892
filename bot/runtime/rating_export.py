"""``crossdesk export --ratings``: every satisfaction rating given, one row each, as the export writes it."""

from __future__ import annotations

from bot.surfaces.text import mentioned_users, to_plain
from config.customers import written_stage
from storage import ratings
from storage.database import Database
from storage.directory import display_names

# The columns, in order: the ticket, where it is (department, the customer's lifecycle stage), who rated, what.
RATING_FIELDS = ("key", "department_key", "stage", "rater_id", "score", "comment", "rated_at")


async def rating_rows(db: Database) -> tuple[list[dict[str, object]], str]:
    """Every rating someone gave (a score, a comment or both), oldest ticket first, and what that is in words. The
    comment is plain text, as a spreadsheet shows it (it is kept as Slack text: ``&amp;``, ``<@U…>``); ``rated_at``
    is ISO 8601, empty for a comment without a score."""
    async with db.read() as session:
        lines = await ratings.given(session)
        mentioned = {user for line in lines for user in mentioned_users(line.comment or "")}
        names = await display_names(session, sorted(mentioned))
    rows: list[dict[str, object]] = [
        {
            "key": line.key,
            "department_key": line.department_key,
            "stage": written_stage(line.stage),
            "rater_id": line.rater_id,
            "score": line.score,
            "comment": to_plain(line.comment, names) if line.comment else line.comment,
            "rated_at": line.rated_at.isoformat() if line.rated_at else None,
        }
        for line in lines
    ]
    return rows, f"{len(rows)} ratings"
