"""The reminder tick's index covers the status as well as the due time.

The tick asks for tickets that are open or acknowledged and whose next reminder is due. With an index on the
due time alone, SQLite's planner (without statistics) took the status index instead, read every open and
acknowledged ticket and sorted them: the tick grew with the working set. ``(status, next_reminder_at)`` answers
both conditions from the index, so the tick reads only the tickets that are due.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_next_reminder")
        batch_op.create_index("ix_tickets_status_next_reminder", ["status", "next_reminder_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_status_next_reminder")
        batch_op.create_index("ix_tickets_next_reminder", ["next_reminder_at"], unique=False)
