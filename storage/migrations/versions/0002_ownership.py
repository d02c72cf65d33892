"""Ownership: pending hand-offs, bounce count, escalation time, customer fields, auto-close index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_escalated_at", storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("bounce_count", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("pending_owner_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("pending_department_key", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("pending_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("pending_by_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("pending_at", storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("customer_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("lifecycle_stage", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("is_complaint", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index("ix_tickets_status_resolved_at", ["status", "resolved_at"], unique=False)
        batch_op.create_index("ix_tickets_pending_owner", ["pending_owner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_pending_owner")
        batch_op.drop_index("ix_tickets_status_resolved_at")
        for column in (
            "is_complaint",
            "lifecycle_stage",
            "customer_name",
            "pending_at",
            "pending_by_id",
            "pending_reason",
            "pending_department_key",
            "pending_owner_id",
            "bounce_count",
            "last_escalated_at",
        ):
            batch_op.drop_column(column)
