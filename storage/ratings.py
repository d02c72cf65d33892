"""Satisfaction ratings: one row per (ticket, person asked), written here and nowhere else.

A row is made when the person is asked (``score`` empty), so "asked once" is the row's unique key on (ticket, user):
a ticket reopened and resolved again finds its row and asks nobody twice. The score and the comment are each
written once, by an ``UPDATE … WHERE … IS NULL``, so two clicks racing each other (or a click replayed from a stale
message) cannot both land: the second sees ``False`` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import goal_metrics
from storage.digest import lifecycle_stage
from storage.models import Customer, Rating, Ticket

SCORES = range(1, 6)  # a rating is a whole number from 1 to 5


@dataclass(frozen=True)
class Satisfaction:
    """Ratings answered in a window for one group (a department, a lifecycle stage): how many, and their mean."""

    answered: int
    total: int  # the sum of their scores

    @property
    def average(self) -> float | None:
        return self.total / self.answered if self.answered else None


@dataclass(frozen=True)
class CustomerContact:
    name: str
    manager_id: str | None


@dataclass(frozen=True)
class RatingLine:
    """A rating as the export shows it: its ticket, where that ticket is, who rated and what they said."""

    key: str
    department_key: str
    stage: str | None
    rater_id: str
    score: int | None
    comment: str | None
    rated_at: datetime | None


# ---------------------------------------------------------------------- writes


async def ask(session: AsyncSession, ticket_id: int, user_id: str, now: datetime) -> bool:
    """Record that ``user_id`` is asked to rate ticket ``ticket_id``; ``True`` only the first time (the caller sends
    the question then), ``False`` when they were asked before, by this resolution or an earlier one."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    values = {"ticket_id": ticket_id, "user_id": user_id, "asked_at": now}
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(Rating).values(**values)
    result = await session.exec(statement.on_conflict_do_nothing(index_elements=["ticket_id", "user_id"]))
    return bool(result.rowcount)


async def record_score(
    session: AsyncSession, ticket_id: int, user_id: str, score: int, now: datetime, prompt: tuple[str, str] | None
) -> bool:
    """Write the score of an asked, unanswered rating (and where its question was, when known); ``False`` when there
    is no such row or it already has a score, and then nothing is written."""
    if score not in SCORES:
        raise ValueError(f"a rating is 1 to 5, not {score}")
    values: dict[str, object] = {"score": score, "answered_at": now}
    if prompt is not None:
        values["prompt_channel"], values["prompt_ts"] = prompt
    statement = (
        update(Rating)
        .where(col(Rating.ticket_id) == ticket_id, col(Rating.user_id) == user_id, col(Rating.score).is_(None))
        .values(**values)
    )
    return bool((await session.exec(statement)).rowcount)


async def add_comment(session: AsyncSession, ticket_id: int, user_id: str, comment: str) -> bool:
    """Write the comment of an asked rating, before or after its score; ``False`` when there is no such row or it
    already has a comment (then nothing is written)."""
    statement = (
        update(Rating)
        .where(col(Rating.ticket_id) == ticket_id, col(Rating.user_id) == user_id, col(Rating.comment).is_(None))
        .values(comment=comment)
    )
    return bool((await session.exec(statement)).rowcount)


# ---------------------------------------------------------------------- reads


async def of(session: AsyncSession, ticket_id: int, user_id: str) -> Rating | None:
    """The rating ``user_id`` was asked for on the ticket, if they were asked."""
    statement = select(Rating).where(col(Rating.ticket_id) == ticket_id, col(Rating.user_id) == user_id)
    return (await session.exec(statement)).first()


async def for_ticket(session: AsyncSession, ticket_id: int) -> Sequence[Rating]:
    """Every rating asked for on the ticket, in the order they were asked."""
    statement = select(Rating).where(col(Rating.ticket_id) == ticket_id).order_by(col(Rating.id))
    return (await session.exec(statement)).all()


async def customer_contact(session: AsyncSession, customer_id: int) -> CustomerContact | None:
    """A ticket's customer as a rating needs it: its name and account manager (asked too when its complaint resolves,
    told of a low score)."""
    statement = select(Customer.name, Customer.manager_id).where(col(Customer.id) == customer_id)
    found = (await session.exec(statement)).first()
    return CustomerContact(found[0], found[1]) if found is not None else None


def _stage() -> object:
    """A rated ticket's lifecycle stage: its customer's as stored, else the ticket's own (``digest.lifecycle_stage``,
    the rule the complaints by stage follow too)."""
    return lifecycle_stage()


async def by_department(session: AsyncSession, start: datetime, end: datetime) -> dict[str, Satisfaction]:
    """Ratings answered in ``[start, end)``, per department that held the ticket when the rating was asked (when it
    was resolved) — the shared goals' ``csat`` counts them so (``goal_metrics.ratings``, the one query for both): a
    ticket handed on or back after its resolution still counts for the department that resolved it."""
    scores = await goal_metrics.ratings(session, start, end)
    return {key: Satisfaction(found.answered, found.total) for key, found in scores.items()}


async def by_stage(session: AsyncSession, start: datetime, end: datetime) -> dict[str | None, Satisfaction]:
    """Ratings answered in ``[start, end)``, per customer lifecycle stage (``None``: not known)."""
    stage = _stage()
    statement = (
        select(stage, func.count(), func.sum(Rating.score))  # type: ignore[call-overload]
        .select_from(Rating)
        .join(Ticket, col(Ticket.id) == col(Rating.ticket_id))
        .outerjoin(Customer, col(Customer.id) == col(Ticket.customer_id))
        .where(col(Rating.answered_at) >= start, col(Rating.answered_at) < end)
        .group_by(stage)
    )
    rows = (await session.exec(statement)).all()
    return {key: Satisfaction(int(n), int(total or 0)) for key, n, total in rows}


async def given(session: AsyncSession) -> list[RatingLine]:
    """Every rating someone gave (a score, a comment or both), oldest ticket first: the export's rows."""
    statement = (
        select(Ticket.key, Ticket.department_key, _stage(), Rating)  # type: ignore[call-overload]
        .select_from(Rating)
        .join(Ticket, col(Ticket.id) == col(Rating.ticket_id))
        .outerjoin(Customer, col(Customer.id) == col(Ticket.customer_id))
        .where(col(Rating.score).is_not(None) | col(Rating.comment).is_not(None))
        .order_by(col(Ticket.id), col(Rating.id))
    )
    return [
        RatingLine(key, department, stage, rating.user_id, rating.score, rating.comment, rating.answered_at)
        for key, department, stage, rating in (await session.exec(statement)).all()
    ]
