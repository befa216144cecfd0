"""Moving spent refresh tokens back in time, past the grace window, without waiting for it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from onlyjobless.storage.users import RefreshToken


def age_spent_tokens(engine: Engine, seconds: float = 11.0) -> None:
    """Every spent refresh token looks spent `seconds` earlier than it was."""
    with Session(engine) as session:
        for row in session.exec(select(RefreshToken).where(col(RefreshToken.used_at).is_not(None))):
            assert row.used_at is not None
            row.used_at -= timedelta(seconds=seconds)
            session.add(row)
        session.commit()
