"""chat contents encrypted at rest: the key id of each chat and message

Revision ID: 0005_crypto
Revises: 0004
Create Date: 2026-11-29 09:40:00

The sealed values replace the plain ones in the same columns (JSON holds a sealed string as
well as a list); rows written before stay readable and `python -m onlyjobless keys rotate`
seals them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0005_crypto"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("chats", "chat_messages"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
            )


def downgrade() -> None:
    for table in ("chat_messages", "chats"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("key_id")
