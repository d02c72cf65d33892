"""Indexes for what runs on every tick and every App Home: due times, statuses, and the digest's date ranges.

The single-column owner, requester and department indexes become composite ones that also cover the status
and the creation order those queries filter and sort on; the digest's range scans get their own indexes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# (name, columns) created on tickets, and the single-column ones they replace.
_TICKET_INDEXES = [
    ("ix_tickets_owner_status_created", ["owner_id", "status", "created_at"]),
    ("ix_tickets_requester_status_created", ["requester_id", "status", "created_at"]),
    ("ix_tickets_department_status_created", ["department_key", "status", "created_at"]),
    ("ix_tickets_created_at", ["created_at"]),
    ("ix_tickets_acknowledged_at", ["acknowledged_at"]),
    ("ix_tickets_resolved_at", ["resolved_at"]),
]
_REPLACED = [
    ("ix_tickets_owner_id", ["owner_id"]),
    ("ix_tickets_requester_id", ["requester_id"]),
    ("ix_tickets_department_key", ["department_key"]),
]


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name, _columns in _REPLACED:
            batch_op.drop_index(name)
        for name, columns in _TICKET_INDEXES:
            batch_op.create_index(name, columns, unique=False)
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_events_action_at", ["action", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_events_action_at")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name, _columns in reversed(_TICKET_INDEXES):
            batch_op.drop_index(name)
        for name, columns in _REPLACED:
            batch_op.create_index(name, columns, unique=False)
