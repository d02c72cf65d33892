"""Work across departments: consults (a ticket asking another department about its parent), the consult a
ticket is blocked on, duplicates, related tickets, and followers (the requesters of duplicates).

Every existing ticket is an ordinary ticket: ``kind`` is ``ticket`` for all of them and the new links are empty.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="ticket"))
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("blocked_on_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_tickets_parent_id", "tickets", ["parent_id"], ["id"])
        batch_op.create_foreign_key("fk_tickets_blocked_on_id", "tickets", ["blocked_on_id"], ["id"])
        batch_op.create_foreign_key("fk_tickets_duplicate_of_id", "tickets", ["duplicate_of_id"], ["id"])
        batch_op.create_index("ix_tickets_parent", ["parent_id"], unique=False)
        batch_op.create_index("ix_tickets_kind_created_at", ["kind", "created_at"], unique=False)
    op.create_table(
        "ticket_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["other_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id", "other_id", name="uq_ticket_links_pair"),
    )
    op.create_index("ix_ticket_links_ticket_id", "ticket_links", ["ticket_id"], unique=False)
    op.create_index("ix_ticket_links_other_id", "ticket_links", ["other_id"], unique=False)
    op.create_table(
        "ticket_followers",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("via_ticket_id", sa.Integer(), nullable=True),
        sa.Column("added_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["via_ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("ticket_id", "user_id"),
    )


def downgrade() -> None:
    op.drop_table("ticket_followers")
    op.drop_index("ix_ticket_links_other_id", table_name="ticket_links")
    op.drop_index("ix_ticket_links_ticket_id", table_name="ticket_links")
    op.drop_table("ticket_links")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_kind_created_at")
        batch_op.drop_index("ix_tickets_parent")
        batch_op.drop_constraint("fk_tickets_duplicate_of_id", type_="foreignkey")
        batch_op.drop_constraint("fk_tickets_blocked_on_id", type_="foreignkey")
        batch_op.drop_constraint("fk_tickets_parent_id", type_="foreignkey")
        for column in ("duplicate_of_id", "blocked_on_id", "parent_id", "kind"):
            batch_op.drop_column(column)
