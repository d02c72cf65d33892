"""Partial indexes: an index entry only for the rows that will be searched for.

Most tickets never have a parent, a pending owner, a duplicate or a customer, and none has been acknowledged or
resolved when it is created; an index over such a column would give every new ticket an entry nobody searches for,
and the ticket's transaction would write that index's page (see bench/PROFILE.md, twelfth round). Every query that
reads these indexes compares the column with a value, which tells both databases it is not NULL, so the partial
index serves it (``tests/storage/test_partial_index_plans.py`` asks both for their plans).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text


def only_set(column: str) -> dict[str, Any]:
    """Keyword arguments that make an ``Index`` partial: only rows where ``column`` is set have an entry."""
    where = text(f"{column} IS NOT NULL")
    return {"sqlite_where": where, "postgresql_where": where}
