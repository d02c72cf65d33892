"""Customers as records (name, aliases, lifecycle stage, account manager, external id) with their own audit trail,
tickets linked to them, and satisfaction ratings.

Existing tickets keep their free-text ``customer_name``; ``customer_id`` is empty until they are linked.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=True),
        sa.Column("manager_id", sa.String(length=32), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("at_risk_since", storage.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_key"),
        sa.UniqueConstraint("external_id"),
    )
    op.create_index("ix_customers_manager_id", "customers", ["manager_id"], unique=False)
    op.create_table(
        "customer_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_value", sa.String(length=200), nullable=True),
        sa.Column("to_value", sa.String(length=200), nullable=True),
        sa.Column("at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_customer_events_customer_id", "customer_events", ["customer_id"], unique=False)
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("asked_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("answered_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("prompt_channel", sa.String(length=32), nullable=True),
        sa.Column("prompt_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id", "user_id", name="uq_ratings_ticket_user"),
    )
    op.create_index("ix_ratings_ticket_id", "ratings", ["ticket_id"], unique=False)
    op.create_index("ix_ratings_answered_at", "ratings", ["answered_at"], unique=False)
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_tickets_customer_id", "customers", ["customer_id"], ["id"])
        batch_op.create_index("ix_tickets_customer_status", ["customer_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_customer_status")
        batch_op.drop_constraint("fk_tickets_customer_id", type_="foreignkey")
        batch_op.drop_column("customer_id")
    op.drop_index("ix_ratings_answered_at", table_name="ratings")
    op.drop_index("ix_ratings_ticket_id", table_name="ratings")
    op.drop_table("ratings")
    op.drop_index("ix_customer_events_customer_id", table_name="customer_events")
    op.drop_table("customer_events")
    op.drop_index("ix_customers_manager_id", table_name="customers")
    op.drop_table("customers")
