"""Alembic environment: the URL comes from the caller or the app's settings."""

from __future__ import annotations

from sqlmodel import SQLModel

from alembic import context
from onlyjobless.settings import get_settings
from onlyjobless.storage import tables  # noqa: F401  (registers every table)
from onlyjobless.storage.db import get_engine

config = context.config
url = config.attributes.get("url") or get_settings().sql_url
target_metadata = SQLModel.metadata


def run_offline() -> None:
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = get_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
