"""What the in-process UI tests set up: counted service calls, a chat due for evaluation, a verdict."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from onlyjobless.services.hub import Services
from onlyjobless.services.interviews import ChatView
from tests.support.fake_ollama_script import Reply
from tests.support.llm_replies import evaluation_replies
from tests.support.reflex_tab import Tab

PASSWORD = "correct horse battery"
LONG_ANSWER = (
    "I would explain the core idea first, then the trade-offs, then a concrete example from a "
    "production system, what went wrong, how we measured it and what we changed afterwards."
)


@dataclass
class Calls:
    """How many times each spied service method was called."""

    counts: dict[str, int]

    def __getitem__(self, name: str) -> int:
        return self.counts.get(name, 0)

    def reset(self) -> None:
        self.counts.clear()


def spy(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, calls: Calls) -> None:
    """Count the calls of one async service method, letting them through."""
    real = getattr(owner, name)

    async def counted(*args: Any, **kwargs: Any) -> Any:
        calls.counts[name] = calls.counts.get(name, 0) + 1
        return await real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)


async def user_of(tab: Tab, services: Services) -> uuid.UUID:
    """The id of the user the tab is signed in as."""
    return (await services.accounts.user_for_session(tab.cookie.partition("=")[2])).user.id


async def chat_waiting_for_evaluation(services: Services, user_id: uuid.UUID) -> ChatView:
    """A chat whose every question was answered: its evaluation is due."""
    view = await services.interviews.start(user_id, "devops", "en")
    while not view.evaluation_due:
        view = await services.interviews.answer(user_id, view.chat.id, LONG_ANSWER)
    return view


def evaluation_reply(count: int, score: int = 7, **timing: Any) -> list[Reply]:
    """The LLM's evaluation of `count` answers, every one scored `score`: a grade each, then the summary."""
    return evaluation_replies([score] * count, summary="Solid, with gaps.", **timing)
