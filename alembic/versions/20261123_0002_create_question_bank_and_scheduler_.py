"""create question bank and scheduler tables

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 21:43:30.506654
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import onlyjobless.storage.types
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bank_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vacancy_slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("model", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", onlyjobless.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("activated_at", onlyjobless.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("bank_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bank_versions_vacancy_slug"), ["vacancy_slug"], unique=False)
        batch_op.create_index(
            "uq_bank_versions_active",
            ["vacancy_slug", "language"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )
        batch_op.create_index(
            "uq_bank_versions_building",
            ["vacancy_slug", "language"],
            unique=True,
            sqlite_where=sa.text("status = 'building'"),
            postgresql_where=sa.text("status = 'building'"),
        )

    op.create_table(
        "scheduler_runs",
        sa.Column("job", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("slot", onlyjobless.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("started_at", onlyjobless.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", onlyjobless.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.PrimaryKeyConstraint("job", "slot"),
    )
    op.create_table(
        "bank_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("key_points", sa.JSON(), nullable=False),
        sa.Column("hint", sqlmodel.sql.sqltypes.AutoString(length=600), nullable=False),
        sa.Column("model_answer", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["bank_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("bank_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bank_questions_version_id"), ["version_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bank_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_questions_version_id"))

    op.drop_table("bank_questions")
    op.drop_table("scheduler_runs")
    with op.batch_alter_table("bank_versions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_bank_versions_building",
            sqlite_where=sa.text("status = 'building'"),
            postgresql_where=sa.text("status = 'building'"),
        )
        batch_op.drop_index(
            "uq_bank_versions_active",
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )
        batch_op.drop_index(batch_op.f("ix_bank_versions_vacancy_slug"))

    op.drop_table("bank_versions")
