"""Every name a customer is found by (its own and its aliases, folded), one row each and each one customer's, so
``/customer``, ``/ticket customer`` and the new-ticket form's type-ahead find a customer by an alias with one
indexed query. Customers made before this have their name (and aliases) added here. And two indexes for what every
tick reads of customers: whether any changed, which are flagged at risk.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _fold(text: str) -> str:
    # The same folding as config.customers.fold_name, written out: a migration must not change with the code.
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def upgrade() -> None:
    names = op.create_table(
        "customer_names",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_customer_names_customer_id", "customer_names", ["customer_id"], unique=False)
    op.create_index(
        "ix_customer_names_prefix",
        "customer_names",
        ["key"],
        unique=False,
        postgresql_ops={"key": "varchar_pattern_ops"},
    )
    # What every tick reads of customers: whether any changed (the matchers), which are flagged at risk.
    op.create_index("ix_customers_updated_at", "customers", ["updated_at"], unique=False)
    op.create_index("ix_customers_at_risk_since", "customers", ["at_risk_since"], unique=False)
    customers = sa.table(
        "customers", sa.column("id", sa.Integer()), sa.column("name", sa.String()), sa.column("aliases", sa.JSON())
    )
    rows: list[dict[str, object]] = []
    taken: set[str] = set()
    existing = op.get_bind().execute(sa.select(customers.c.id, customers.c.name, customers.c.aliases))
    for customer_id, name, aliases in existing:
        for position, text in enumerate([name, *(aliases or [])]):
            key = _fold(str(text))
            if key and key not in taken:  # an alias that is another customer's name stays only on the card
                taken.add(key)
                rows.append({"key": key, "customer_id": customer_id, "alias": position > 0})
    if rows:
        op.bulk_insert(names, rows)


def downgrade() -> None:
    op.drop_index("ix_customers_at_risk_since", table_name="customers")
    op.drop_index("ix_customers_updated_at", table_name="customers")
    op.drop_index("ix_customer_names_prefix", table_name="customer_names")
    op.drop_index("ix_customer_names_customer_id", table_name="customer_names")
    op.drop_table("customer_names")
