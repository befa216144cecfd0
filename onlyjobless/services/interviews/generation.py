"""Hints and model answers, streamed from the LLM under the user's one-generation lease.

The lease is taken as the stream's first step and released in the same `async with`, so a
stream that is never iterated holds nothing, and one that is closed or cancelled lets go.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence

from onlyjobless import i18n
from onlyjobless.domain.chats import Chat, ChatQuestion, Message, MessageKind, MessageRole
from onlyjobless.llm import LLM, ChatMessage, LLMError, LLMUnavailable, hint_messages, model_answer_messages
from onlyjobless.services.guard import leaks
from onlyjobless.services.interviews.transcript import Transcript
from onlyjobless.services.interviews.views import Delta, Done, Event, Failed, Reset
from onlyjobless.services.quota import GenerationLeases

HISTORY_TURNS = 12
_CONVERSATION = (MessageKind.GREETING, MessageKind.QUESTION, MessageKind.ANSWER)


class Generation:
    """Streams a hint or a model answer for the current question and stores the result."""

    def __init__(self, chats: Transcript, leases: GenerationLeases, llm: LLM) -> None:
        self._chats = chats
        self._leases = leases
        self._llm = llm

    async def stored(self, chat: Chat, kind: MessageKind) -> Message | None:
        """The complete hint (or model answer) already given for the current question, if any."""
        return await self._chats.stored(chat, _dedupe(chat, kind))

    async def replay(self, message: Message) -> AsyncIterator[Event]:
        """A stored result as a stream: one chunk, then Done (no LLM call, no lease)."""
        yield Delta(message.content)
        yield Done(message, offline=bool(message.meta.get("offline")))

    async def stream(self, user_id: uuid.UUID, chat: Chat, kind: MessageKind) -> AsyncIterator[Event]:
        """Delta chunks, then Done (stored; offline, the bank's own text) or Failed."""
        index = chat.current
        assert index is not None
        question = chat.questions[index]
        async with self._leases.hold(user_id) as held:
            if not held:
                yield Failed("generation_busy")
                return
            messages = await self._prompt(chat, question, kind)
            watch = leaks.StreamWatch()
            stream = self._llm.stream(messages)
            try:
                async for chunk in stream:
                    shown = watch.feed(chunk)
                    if watch.leak is not None:
                        break
                    if shown:
                        yield Delta(shown)
            except LLMError as exc:
                if leaks.leak_in(exc.partial) is None:
                    yield await self._failed(chat, question, kind, exc, watch.text)
                    return
                watch.leak = "prompt"
            except (GeneratorExit, asyncio.CancelledError):
                # Stopped by the user (closed or cancelled): keep what arrived, marked incomplete.
                if watch.text and watch.leak is None and leaks.leak_in(watch.text) is None:
                    await self._chats.say(
                        chat, kind, watch.text, question=index, complete=False, meta={"stopped": True}
                    )
                raise
            finally:
                close = getattr(stream, "aclose", None)
                if close is not None:
                    await close()
            async for event in self._conclude(chat, kind, watch):
                yield event

    async def _conclude(
        self, chat: Chat, kind: MessageKind, watch: leaks.StreamWatch
    ) -> AsyncIterator[Event]:
        """Keep the result (or a notice in place of a leak). If another stream stored one first,
        that one stays, and the page is told to show it instead of what was streamed here."""
        if watch.leak is not None:
            yield Reset()
            yield Done(await self._withheld(chat, kind, watch.leak))
            return
        rest = watch.finish()
        if rest:
            yield Delta(rest)
        text = watch.text.strip()
        message = await self._chats.say(chat, kind, text, question=chat.current, dedupe=_dedupe(chat, kind))
        if message.content != text:
            yield Reset()
            yield Delta(message.content)
        yield Done(message)

    async def _withheld(self, chat: Chat, kind: MessageKind, leak: str) -> Message:
        """Store a neutral notice in place of output that leaked the prompts; log it without the text."""
        leaks.report(str(kind), leak)
        notice = i18n.translate("interview.output_withheld", chat.language)
        return await self._chats.say(
            chat, kind, notice, question=chat.current, dedupe=_dedupe(chat, kind), meta={"withheld": True}
        )

    async def _prompt(self, chat: Chat, question: ChatQuestion, kind: MessageKind) -> Sequence[ChatMessage]:
        if kind == MessageKind.HINT:
            history = await self._history(chat)
            return hint_messages(question.text, question.key_points, history, chat.language)
        return model_answer_messages(question.text, question.key_points, chat.language)

    async def _history(self, chat: Chat) -> list[ChatMessage]:
        """The conversation so far as chat turns (the candidate's turns stay data in the prompt)."""
        return [
            ChatMessage("user" if m.role == MessageRole.CANDIDATE else "assistant", m.content)
            for m in await self._chats.recent(chat, _CONVERSATION, HISTORY_TURNS)
        ]

    async def _failed(
        self, chat: Chat, question: ChatQuestion, kind: MessageKind, exc: LLMError, arrived: str
    ) -> Event:
        """Offline before any text: the bank's stored text. Otherwise keep what arrived, incomplete."""
        text = arrived or exc.partial
        if isinstance(exc, LLMUnavailable) and not text:
            stored = question.hint if kind == MessageKind.HINT else question.model_answer
            message = await self._chats.say(
                chat,
                kind,
                stored,
                question=question.index,
                dedupe=_dedupe(chat, kind),
                meta={"offline": True},
            )
            return Done(message, offline=True)
        partial = None
        if text:
            partial = await self._chats.say(chat, kind, text, question=question.index, complete=False)
        return Failed(exc.code, partial)


def _dedupe(chat: Chat, kind: MessageKind) -> str:
    """One complete hint (or model answer) per question and attempt."""
    return f"{kind}:{chat.attempt}:{chat.current}"
