"""Slack user groups as owners and leads, and Slack statuses as "away": the members of every user group the
workspace file names (read from Slack, so every replica sees the same membership), and each member's Slack status
with when it ends.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_groups",
        sa.Column("group_id", sa.String(length=32), nullable=False),
        sa.Column("read_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("group_id"),
    )
    op.create_table(
        "user_group_members",
        sa.Column("group_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["user_groups.group_id"]),
        sa.PrimaryKeyConstraint("group_id", "user_id"),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_emoji", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("status_text", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("status_until", storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("status_at", storage.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("status_at")
        batch_op.drop_column("status_until")
        batch_op.drop_column("status_text")
        batch_op.drop_column("status_emoji")
    op.drop_table("user_group_members")
    op.drop_table("user_groups")
