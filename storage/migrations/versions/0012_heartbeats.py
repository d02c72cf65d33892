"""Heartbeats, and which sender holds each outbox lease: rows leased to a sender whose heartbeat stopped are taken
over within seconds instead of when the lease runs out. Rows leased before this have no holder and keep waiting
for their lease, as before. And job turns: one replica per tick runs the jobs that speak to people (reminders,
stand-up nudges), so each person hears from them once per tick.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "heartbeats",
        sa.Column("process", sa.String(length=80), nullable=False),
        sa.Column("part", sa.String(length=16), nullable=False),
        sa.Column("started_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("beat_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("stopped_at", storage.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("process", "part"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=80), nullable=True))
    op.create_table(
        "job_turns",
        sa.Column("job", sa.String(length=80), nullable=False),
        sa.Column("turn_start", storage.types.UTCDateTime(), nullable=False),
        sa.Column("taken_by", sa.String(length=80), nullable=False),
        sa.Column("taken_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("job"),
    )


def downgrade() -> None:
    op.drop_table("job_turns")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("claimed_by")
    op.drop_table("heartbeats")
