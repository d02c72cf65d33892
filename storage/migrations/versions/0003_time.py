"""Time: SLA pause, reminder ladder, periodic job runs, reminder messages, stand-up entries.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_at", storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("sla_started_at", storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("next_reminder_at", storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("reminder_count", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_tickets_next_reminder", ["next_reminder_at"], unique=False)
        # A ticket keeps its key when it moves department, so (department, number) is no longer unique;
        # the key is, and the department's counter hands out each number once.
        batch_op.drop_constraint("uq_tickets_department_number", type_="unique")
    # Tickets already open when this runs get their reminder schedule (and SLA start) from their deadlines.
    op.execute("UPDATE tickets SET next_reminder_at = ack_due_at WHERE status = 'open'")
    op.execute("UPDATE tickets SET next_reminder_at = resolve_due_at WHERE status = 'acknowledged'")
    op.execute("UPDATE tickets SET sla_started_at = created_at")
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(length=80), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("started_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("finished_at", storage.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("job", "period"),
    )
    op.create_table(
        "reminder_messages",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("sent_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "standup_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_key", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("asked_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("nudged_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("answered_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("skipped", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("prompt_channel", sa.String(length=32), nullable=True),
        sa.Column("prompt_ts", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("department_key", "user_id", "day", name="uq_standup_entry"),
    )
    with op.batch_alter_table("standup_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_standup_entries_department_key"), ["department_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_standup_entries_day"), ["day"], unique=False)


def downgrade() -> None:
    op.drop_table("standup_entries")
    op.drop_table("reminder_messages")
    op.drop_table("job_runs")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_tickets_department_number", ["department_key", "number"])
        batch_op.drop_index("ix_tickets_next_reminder")
        for column in ("reminder_count", "next_reminder_at", "sla_started_at", "paused_at"):
            batch_op.drop_column(column)
