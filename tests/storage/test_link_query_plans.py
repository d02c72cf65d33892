"""Linked work's queries are answered from indexes on SQLite: the lookup every ticket change makes (which cards
show this ticket), and the ones App Home, lists and resolutions make (what someone follows, a ticket's followers
and duplicates). None may read a whole table as tickets pile up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from storage import links as link_rows
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Ticket
from tests.storage.test_query_plans import NOW, plan_of


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'plans.db'}")
    await upgrade(database)
    yield database
    await database.dispose()


def a_ticket() -> Ticket:
    return Ticket.model_validate(
        dict(
            id=7,
            key="SUP-7",
            department_key="SUP",
            number=7,
            owner_id="U0ALICE",
            requester_id="U0ERIN",
            title="t",
            text="t",
            priority="normal",
            status="open",
            source="command",
            created_at=NOW,
            updated_at=NOW,
        )
    )


async def test_the_cards_showing_a_ticket_are_found_through_three_indexes(sqlite_db: Database) -> None:
    plan = await plan_of(sqlite_db, lambda session: link_rows.showing(session, a_ticket()))
    assert "(ticket_id=?)" in plan and "ix_ticket_links_other_id (other_id=?)" in plan, plan
    assert "ix_tickets_duplicate_of (duplicate_of_id=?)" in plan, plan
    assert "SCAN" not in plan, plan


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (lambda session: link_rows.followed_by(session, "U0ERIN", ["open", "resolved"]), "ix_ticket_followers_user"),
        (lambda session: link_rows.followers_of(session, [7, 8]), "sqlite_autoindex_ticket_followers_1"),
        (lambda session: link_rows.duplicates_of(session, [7, 8]), "ix_tickets_duplicate_of"),
    ],
    ids=["followed_by", "followers_of", "duplicates_of"],
)
async def test_followers_and_duplicates_are_searched_not_scanned(sqlite_db: Database, query: Any, index: str) -> None:
    plan = await plan_of(sqlite_db, query)
    assert index in plan, plan
    assert "SCAN ticket_followers" not in plan and "SCAN tickets" not in plan, plan
