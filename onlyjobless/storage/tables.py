"""Imports every SQL table so that metadata (and Alembic) sees them all."""

from onlyjobless.storage.bank import BankQuestionRow, BankVersion
from onlyjobless.storage.chats.sql_tables import ChatMessageRow, ChatRow
from onlyjobless.storage.login_failures import LoginFailure
from onlyjobless.storage.quota import GenerationCounter, GenerationLease, InterviewCounter
from onlyjobless.storage.schedule import SchedulerRun
from onlyjobless.storage.users import LoginTicket, RefreshToken, User

__all__ = [
    "BankQuestionRow",
    "BankVersion",
    "ChatMessageRow",
    "ChatRow",
    "GenerationCounter",
    "GenerationLease",
    "InterviewCounter",
    "LoginFailure",
    "LoginTicket",
    "RefreshToken",
    "SchedulerRun",
    "User",
]
