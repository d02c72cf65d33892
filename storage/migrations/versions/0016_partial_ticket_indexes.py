"""Eight ticket indexes keep entries only for rows where their column is set (see ``storage.indexes.only_set``): a
new ticket has no parent, pending owner, duplicate, customer, card, acknowledgement or resolution, so its
transaction no longer writes a page of each of those indexes. Every query that reads them compares the column
with a value, which both databases take as "not NULL", so the same plans serve them. Rebuilding reads the tickets
table once per index.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# Name, columns, and the column that must be set for a row to have an entry.
_PARTIAL = (
    ("ix_tickets_card", ["card_channel", "card_ts"], "card_ts"),
    ("ix_tickets_status_resolved_at", ["status", "resolved_at"], "resolved_at"),
    ("ix_tickets_pending_owner", ["pending_owner_id"], "pending_owner_id"),
    ("ix_tickets_acknowledged_at", ["acknowledged_at"], "acknowledged_at"),
    ("ix_tickets_resolved_at", ["resolved_at"], "resolved_at"),
    ("ix_tickets_parent", ["parent_id"], "parent_id"),
    ("ix_tickets_customer_status", ["customer_id", "status"], "customer_id"),
    ("ix_tickets_duplicate_of", ["duplicate_of_id"], "duplicate_of_id"),
)


def upgrade() -> None:
    for name, columns, column in _PARTIAL:
        where = sa.text(f"{column} IS NOT NULL")
        op.drop_index(name, table_name="tickets")
        op.create_index(name, "tickets", columns, unique=False, sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    for name, columns, _column in _PARTIAL:
        op.drop_index(name, table_name="tickets")
        op.create_index(name, "tickets", columns, unique=False)
