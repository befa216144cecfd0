"""daily LLM generation budget per user; when a bank generation failed (its cool-down)

Revision ID: 0005_budget
Revises: 0004
Create Date: 2026-11-29 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

import onlyjobless.storage.types
from alembic import op

revision: str = "0005_budget"
down_revision: str | None = "0005_crypto"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "generation_counters",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "day"),
    )
    with op.batch_alter_table("bank_versions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_at", onlyjobless.storage.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("bank_versions", schema=None) as batch_op:
        batch_op.drop_column("failed_at")
    op.drop_table("generation_counters")
