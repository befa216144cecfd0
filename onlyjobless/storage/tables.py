"""Imports every SQL table so that metadata (and Alembic) sees them all."""

from onlyjobless.storage.users import LoginFailure, LoginTicket, RefreshToken, User

__all__ = ["LoginFailure", "LoginTicket", "RefreshToken", "User"]
