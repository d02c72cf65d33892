"""Indexes for linked work: a ticket's duplicates (its card and ``/ticket show`` list them), and the tickets someone
follows (``/ticket list`` and App Home show them beside the ones they asked for). Building the first reads the
tickets table once.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tickets_duplicate_of", "tickets", ["duplicate_of_id"], unique=False)
    op.create_index("ix_ticket_followers_user", "ticket_followers", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ticket_followers_user", table_name="ticket_followers")
    op.drop_index("ix_tickets_duplicate_of", table_name="tickets")
