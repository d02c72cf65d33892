"""The changes made to customers (``customer_events``, written by :mod:`storage.customers`), read newest first for
the Admin view's list."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Customer, CustomerEvent


async def recent(session: AsyncSession, limit: int) -> list[tuple[CustomerEvent, str]]:
    """The last ``limit`` changes made to customers, newest first, each with the customer's name now."""
    statement = (
        select(CustomerEvent, Customer.name)
        .join(Customer, col(Customer.id) == col(CustomerEvent.customer_id))
        .order_by(col(CustomerEvent.id).desc())
        .limit(limit)
    )
    return [(event, str(name)) for event, name in (await session.exec(statement)).all()]
