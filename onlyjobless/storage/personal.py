"""Erasing an account from the SQL database: the user and every row that names them."""

from __future__ import annotations

import uuid

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import col

from onlyjobless.storage.db import in_thread, session_scope
from onlyjobless.storage.login_failures import LoginFailure
from onlyjobless.storage.quota import GenerationLease, InterviewCounter
from onlyjobless.storage.users import LoginTicket, RefreshToken, User


class AccountEraser:
    """Deletes a user with their sessions, tickets, quota rows and login-failure counts."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @in_thread
    def erase(self, user_id: uuid.UUID) -> bool:
        """One transaction; False when there was no such user. The name is free afterwards."""
        with session_scope(self._engine) as session:
            user = session.get(User, user_id)
            if user is None:
                return False
            # Explicit, not left to ON DELETE CASCADE: SQLite enforces it only when enabled.
            for table in (RefreshToken, LoginTicket, InterviewCounter, GenerationLease):
                session.execute(delete(table).where(col(table.user_id) == user_id))
            session.execute(delete(LoginFailure).where(col(LoginFailure.key) == f"user:{user.username_key}"))
            session.execute(delete(User).where(col(User.id) == user_id))
        return True
