"""The ratings repository on a real database (SQLite and PostgreSQL): asked once, a score and a comment each written
once, and the reads per ticket, department, lifecycle stage and window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from config.loader import EXAMPLE_PATH, load_workspace
from storage import directory, ratings
from storage import tickets as ticket_rows
from storage.database import Database
from storage.models import Customer, Ticket

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def tickets(db: Database, *specs: tuple[str, str | None, int | None]) -> list[Ticket]:
    """Tickets ``(department, lifecycle stage, customer id)``, numbered in their departments."""
    async with db.transaction() as session:
        await directory.sync_workspace(session, load_workspace(EXAMPLE_PATH))
    made: list[Ticket] = []
    async with db.transaction() as session:
        for number, (department, stage, customer) in enumerate(specs, start=1):
            ticket = ticket_rows.new_ticket(
                key=f"{department}-{number}",
                department_key=department,
                number=number,
                owner_id="U0ALICE",
                requester_id="U0ERIN",
                title=f"problem {number}",
                text=f"problem {number}",
                priority="normal",
                status="resolved",
                source="command",
                lifecycle_stage=stage,
                customer_id=customer,
                created_at=NOW,
                updated_at=NOW,
            )
            made.append(ticket)
        await ticket_rows.add(session, made)
    return made


async def customer(db: Database, name: str, stage: str | None, manager: str | None) -> int:
    """A customer row as the customers' repository makes one (tests write it directly)."""
    async with db.transaction() as session:
        row = Customer(name=name, name_key=name.lower(), stage=stage, manager_id=manager)
        row.created_at = row.updated_at = NOW
        session.add(row)
        await session.flush()
        assert row.id is not None
        return row.id


async def test_a_person_is_asked_once_and_scores_and_comments_once(db: Database) -> None:
    [ticket] = await tickets(db, ("SUP", None, None))
    assert ticket.id is not None
    async with db.transaction() as session:
        assert await ratings.ask(session, ticket.id, "U0ERIN", NOW)
        assert not await ratings.ask(session, ticket.id, "U0ERIN", NOW + DAY)  # resolved again: not asked again
        assert await ratings.of(session, ticket.id, "U0BOB") is None
        assert not await ratings.record_score(session, ticket.id, "U0BOB", 5, NOW, None)  # never asked
    async with db.transaction() as session:
        assert await ratings.add_comment(session, ticket.id, "U0ERIN", "slow, but 谢谢")  # before the score
        assert await ratings.record_score(session, ticket.id, "U0ERIN", 4, NOW + DAY, ("D0ERIN", "1700000000.1"))
        assert not await ratings.record_score(session, ticket.id, "U0ERIN", 1, NOW + 2 * DAY, None)
        assert not await ratings.add_comment(session, ticket.id, "U0ERIN", "changed my mind")
    async with db.transaction() as session:
        [rating] = await ratings.for_ticket(session, ticket.id)
    assert (rating.user_id, rating.score, rating.comment) == ("U0ERIN", 4, "slow, but 谢谢")
    assert (rating.asked_at, rating.answered_at) == (NOW, NOW + DAY)
    assert (rating.prompt_channel, rating.prompt_ts) == ("D0ERIN", "1700000000.1")


async def test_a_score_outside_one_to_five_is_never_written(db: Database) -> None:
    [ticket] = await tickets(db, ("SUP", None, None))
    assert ticket.id is not None
    async with db.transaction() as session:
        await ratings.ask(session, ticket.id, "U0ERIN", NOW)
        for score in (0, 6, 9):
            with pytest.raises(ValueError, match="1 to 5"):
                await ratings.record_score(session, ticket.id, "U0ERIN", score, NOW, None)
        rating = await ratings.of(session, ticket.id, "U0ERIN")
    assert rating is not None and rating.score is None


async def test_satisfaction_per_department_and_stage_counts_answers_in_the_window(db: Database) -> None:
    acme = await customer(db, "ACME Corp", "retention", "U0ERIN")
    sup, eng, own_stage, unknown = await tickets(
        db, ("SUP", None, acme), ("ENG", "growth", None), ("SUP", "conversion", acme), ("ENG", None, None)
    )
    async with db.transaction() as session:
        for ticket, user, score, when in (
            (sup, "U0ERIN", 2, NOW),
            (sup, "U0LEADSUP", 4, NOW + DAY),
            (eng, "U0ERIN", 5, NOW),
            (own_stage, "U0ERIN", 3, NOW),
            (unknown, "U0ERIN", 1, NOW - 10 * DAY),  # answered before the window
        ):
            assert ticket.id is not None
            await ratings.ask(session, ticket.id, user, when)
            await ratings.record_score(session, ticket.id, user, score, when, None)
        assert unknown.id is not None
        await ratings.ask(session, unknown.id, "U0BOB", NOW)  # asked, never answered: not counted
    start, end = NOW - DAY, NOW + 2 * DAY
    async with db.transaction() as session:
        departments = await ratings.by_department(session, start, end)
        stages = await ratings.by_stage(session, start, end)
        exported = await ratings.given(session)
    assert departments == {"SUP": ratings.Satisfaction(3, 9), "ENG": ratings.Satisfaction(1, 5)}
    assert departments["SUP"].average == 3.0
    # A linked customer's stored stage wins (as for the complaints by stage); without a customer, the ticket's own.
    assert stages == {"retention": ratings.Satisfaction(3, 9), "growth": ratings.Satisfaction(1, 5)}
    assert [(line.key, line.department_key, line.stage, line.rater_id, line.score) for line in exported] == [
        ("SUP-1", "SUP", "retention", "U0ERIN", 2),
        ("SUP-1", "SUP", "retention", "U0LEADSUP", 4),
        ("ENG-2", "ENG", "growth", "U0ERIN", 5),
        ("SUP-3", "SUP", "retention", "U0ERIN", 3),
        ("ENG-4", "ENG", None, "U0ERIN", 1),
    ]
    async with db.transaction() as session:
        contact = await ratings.customer_contact(session, acme)
        assert await ratings.customer_contact(session, acme + 100) is None
    assert contact == ratings.CustomerContact("ACME Corp", "U0ERIN")
