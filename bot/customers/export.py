"""``crossdesk export --customers``: every customer with its stage, account manager, aliases, external id, risk, and
how many of its tickets are open and finished, as CSV or JSON rows. Read a page at a time."""

from __future__ import annotations

from bot.tickets.states import ACTIVE_STATUSES
from config.customers import written_stage
from storage import customer_work
from storage import customers as customer_rows
from storage.database import Database

CUSTOMER_FIELDS = (
    "name",
    "aliases",
    "stage",
    "manager",
    "external_id",
    "open_tickets",
    "closed_tickets",
    "at_risk_since",
    "created_at",
)
ALIAS_SEPARATOR = "; "  # as ``crossdesk import-customers`` reads them, so an export imports again


async def customer_export_rows(db: Database, page: int = 1000) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    async with db.read() as session:
        counts = await customer_work.ticket_counts(session, [status.value for status in ACTIVE_STATUSES])
        after = 0
        while customers := await customer_rows.page(session, after, page):
            for customer in customers:
                open_count, finished = counts.get(customer.id or 0, (0, 0))
                rows.append(
                    {
                        "name": customer.name,
                        "aliases": ALIAS_SEPARATOR.join(customer.aliases),
                        "stage": written_stage(customer.stage) or "",
                        "manager": customer.manager_id or "",
                        "external_id": customer.external_id or "",
                        "open_tickets": open_count,
                        "closed_tickets": finished,
                        "at_risk_since": customer.at_risk_since.isoformat() if customer.at_risk_since else "",
                        "created_at": customer.created_at.isoformat(),
                    }
                )
            after = customers[-1].id or 0
    return rows
