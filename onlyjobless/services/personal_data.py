"""A user's own data: all of it as one JSON document, or all of it erased."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

from onlyjobless.domain.errors import NotFound
from onlyjobless.services.accounts import Accounts
from onlyjobless.services.interviews.views import SeenQuestion, seen_questions
from onlyjobless.storage.chats import ChatStore
from onlyjobless.storage.personal import AccountEraser

EXPORT_FORMAT = 1


def _seen(question: SeenQuestion) -> dict[str, Any]:
    feedback = question.feedback.model_dump(mode="json") if question.feedback is not None else None
    return {**asdict(question), "feedback": feedback}


class PersonalData:
    """Export and erasure across the SQL database and whichever store holds the chats."""

    def __init__(self, engine: Engine, accounts: Accounts, chats: ChatStore) -> None:
        self._accounts = accounts
        self._chats = chats
        self._eraser = AccountEraser(engine)

    async def export(self, user_id: uuid.UUID) -> dict[str, Any]:
        """The account (never the password hash) and every chat with its messages, opened."""
        user = await self._accounts.get_user(user_id)
        owner = str(user_id)
        chats: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            page = await self._chats.list_chats(owner, limit=100, cursor=cursor)
            for item in page.items:
                try:
                    chat = await self._chats.get_chat(owner, item.id)
                    messages = await self._chats.list_messages(owner, item.id)
                except NotFound:  # deleted while the export ran
                    continue
                # The questions as the chat's own view shows them: the export must not hand out
                # key points, the bank's hints and model answers, or questions not yet asked.
                document = chat.model_dump(mode="json", exclude={"user_id", "questions"})
                document["questions"] = [_seen(question) for question in seen_questions(chat, messages)]
                document["messages"] = [
                    message.model_dump(mode="json", exclude={"dedupe_key"}) for message in messages
                ]
                chats.append(document)
            cursor = page.next_cursor
            if cursor is None:
                break
        return {
            "format": EXPORT_FORMAT,
            "exported_at": datetime.now(UTC),
            "account": asdict(user),
            "chats": chats,
        }

    async def delete_account(self, user_id: uuid.UUID, password: object) -> None:
        """With the user's password: every chat and message, then the account and its rows.

        The chats go first, so a chat store that is down (ChatStoreDown, 503) leaves the
        account in place to try again; a sweep after the account is gone catches a chat an
        interview created meanwhile.
        """
        await self._accounts.check_password(user_id, password)
        owner = str(user_id)
        await self._chats.delete_all(owner)
        if not await self._eraser.erase(user_id):
            raise NotFound("user_not_found")
        await self._chats.delete_all(owner)
