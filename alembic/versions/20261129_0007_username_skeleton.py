"""users.username_skeleton: the Unicode TR39 confusable skeleton of each name, unique

Existing rows are backfilled. Names registered before this rule that already look alike keep
working: the oldest keeps the plain skeleton, each later one gets it suffixed with its own id
(so it stays unique, and a new look-alike of any of them is still refused).

Revision ID: 0005_skeleton
Revises: 0004
Create Date: 2026-11-29 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op
from onlyjobless.services.confusables import skeleton

revision: str = "0005_skeleton"
down_revision: str | None = "0005_budget"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_users = sa.table(
    "users",
    sa.column("id", sa.Uuid()),
    sa.column("username", sa.String()),
    sa.column("created_at", sa.DateTime()),
    sa.column("username_skeleton", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("username_skeleton", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True)
        )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_users.c.id, _users.c.username).order_by(_users.c.created_at, _users.c.id)
    ).all()
    seen: set[str] = set()
    for user_id, username in rows:
        form = skeleton(username)
        value = form if form not in seen else f"{form}\x1f{user_id.hex}"
        seen.add(form)
        connection.execute(sa.update(_users).where(_users.c.id == user_id).values(username_skeleton=value))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column(
            "username_skeleton", existing_type=sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=False
        )
        batch_op.create_index(batch_op.f("ix_users_username_skeleton"), ["username_skeleton"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_username_skeleton"))
        batch_op.drop_column("username_skeleton")
