"""Can the app serve: the SQL database, the chat store and the LLM, each checked in bounded time.

Without the LLM the app still works (offline hints, answers and evaluation), so only the SQL
database and the chat store decide whether it can serve; the LLM makes it "degraded".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.engine import Engine

from onlyjobless.llm import LLM
from onlyjobless.storage import db
from onlyjobless.storage.chats import ChatStore

log = logging.getLogger(__name__)

CHECK_SECONDS = 3.0
State = Literal["ok", "down"]
Part = Literal["database", "chat_store", "llm"]


@dataclass(frozen=True)
class HealthReport:
    """Each part "ok" or "down"; `status` is "ok" only when all three are."""

    database: State
    chat_store: State
    llm: State

    @property
    def status(self) -> Literal["ok", "degraded"]:
        return "ok" if self.database == self.chat_store == self.llm == "ok" else "degraded"

    @property
    def down(self) -> list[Part]:
        """The parts that do not answer, by name: what "degraded" is about."""
        parts: dict[Part, State] = {"database": self.database, "chat_store": self.chat_store, "llm": self.llm}
        return [name for name, state in parts.items() if state == "down"]

    @property
    def serving(self) -> bool:
        """The app works: the SQL database and the chat store answer (the LLM may be down)."""
        return self.database == "ok" and self.chat_store == "ok"


async def check_health(
    engine: Engine, store: ChatStore, llm: LLM, *, seconds: float = CHECK_SECONDS
) -> HealthReport:
    """Check the three parts at once, none for longer than `seconds`."""
    database, chat_store, model = await asyncio.gather(
        _state("database", asyncio.to_thread(db.ping, engine), seconds),
        _state("chat store", store.ping(), seconds),
        _state("llm", llm.is_available(), seconds),
    )
    return HealthReport(database=database, chat_store=chat_store, llm=model)


async def _state(part: str, check: Awaitable[object], seconds: float) -> State:
    """Down when the check fails, answers False or takes longer than `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            answer = await check
    except Exception as exc:  # noqa: BLE001 - any failure of a dependency means "down" here
        log.warning("health: %s is down (%s)", part, type(exc).__name__)
        return "down"
    return "down" if answer is False else "ok"
