"""Hints and model answers, streamed from the LLM under the user's one-generation lease.

The lease is taken as the stream's first step and released in the same `async with`, so a
stream that is never iterated holds nothing, and one that is closed or cancelled lets go.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence

from onlyjobless import i18n
from onlyjobless.domain.chats import Chat, ChatQuestion, Message, MessageKind, MessagePage, MessageRole
from onlyjobless.llm import (
    LLM,
    ChatMessage,
    LLMError,
    LLMUnavailable,
    hint_messages,
    model_answer_messages,
    without_reasoning,
)
from onlyjobless.services.guard import leaks
from onlyjobless.services.interviews import cuts
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

    async def previous(self, chat: Chat, kind: MessageKind) -> tuple[Message | None, bool, MessagePage]:
        """The complete hint (or model answer) already given for the current question, if any;
        whether the latest try was cut off with its worker; and the chat's newest page, read for
        that (the current question's tries are among its newest messages) and for the prompt."""
        stored, newest = await asyncio.gather(
            self._chats.stored(chat, _dedupe(chat, kind)), self._chats.newest(chat)
        )
        if stored is not None:
            return stored, False, newest
        return None, await cuts.cut_last(self._leases, chat, kind, newest.items), newest

    async def replay(self, message: Message) -> AsyncIterator[Event]:
        """A stored result as a stream: one chunk, then Done (no LLM call, no lease)."""
        yield Delta(message.content)
        yield Done(message, offline=bool(message.meta.get("offline")))

    async def stream(
        self,
        user_id: uuid.UUID,
        chat: Chat,
        kind: MessageKind,
        newest: MessagePage | None = None,
        charge: Callable[[], Awaitable[object]] | None = None,
    ) -> AsyncIterator[Event]:
        """Delta chunks, then Done (stored; offline, the bank's own text) or Failed.

        `newest` is the chat's newest page as read by `previous` (the same request): the prompt's
        history starts from it rather than reading it again. While it runs, a placeholder in the chat names
        its lease (cuts.py): if the worker dies, the chat shows the try as cut once the lease's
        holder is gone. `charge` takes the generation from the budget once the lease is held (it
        raises to refuse), so a stream that lost the lease took nothing.
        """
        index = chat.current
        assert index is not None
        question = chat.questions[index]
        async with self._leases.hold(user_id) as token:
            if token is None:
                yield Failed("generation_busy")
                return
            if charge is not None:
                await charge()
            placeholder: Message | None = await self._chats.say(
                chat, kind, "", question=index, complete=False, meta=cuts.placeholder_meta(token)
            )
            writing = self._write(chat, question, kind, newest)
            try:
                async for event in writing:
                    if isinstance(event, Done | Failed) and placeholder is not None:
                        await self._chats.forget(chat, placeholder)  # before the page reloads the chat
                        placeholder = None
                    yield event
            finally:
                await writing.aclose()  # a stop reaches the writer, which keeps what arrived
                if placeholder is not None:
                    await self._chats.forget(chat, placeholder)

    async def _write(
        self, chat: Chat, question: ChatQuestion, kind: MessageKind, newest: MessagePage | None
    ) -> AsyncGenerator[Event, None]:
        index = question.index
        prompt = await self._prompt(chat, question, kind, newest)
        watch = leaks.StreamWatch()
        stream = self._llm.stream(prompt)
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
        async for event in self._conclude(chat, question, kind, watch):
            yield event

    async def _conclude(
        self, chat: Chat, question: ChatQuestion, kind: MessageKind, watch: leaks.StreamWatch
    ) -> AsyncIterator[Event]:
        """Keep the result (or a notice in place of a leak). If another stream stored one first,
        that one stays, and the page is told to show it instead of what was streamed here. A reply
        with no text (a model that only thought, say) gives way to the bank's text, badged so."""
        if watch.leak is not None:
            yield Reset()
            yield Done(await self._withheld(chat, kind, watch.leak))
            return
        rest = watch.finish()
        if rest:
            yield Delta(rest)
        shown = watch.text.strip()
        text = without_reasoning(shown)
        if text != shown:
            yield Reset()  # the model's thinking was streamed (its opening tag was in the prompt)
        meta = None
        if not text:
            text = (question.hint if kind == MessageKind.HINT else question.model_answer).strip()
            meta = {"offline": True}
            yield Delta(text)
        elif text != shown:
            yield Delta(text)
        message = await self._chats.say(
            chat, kind, text, question=chat.current, dedupe=_dedupe(chat, kind), meta=meta
        )
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

    async def _prompt(
        self, chat: Chat, question: ChatQuestion, kind: MessageKind, newest: MessagePage | None
    ) -> Sequence[ChatMessage]:
        if kind == MessageKind.HINT:
            history = await self._history(chat, newest)
            return hint_messages(question.text, question.key_points, history, chat.language)
        return model_answer_messages(question.text, question.key_points, chat.language)

    async def _history(self, chat: Chat, newest: MessagePage | None) -> list[ChatMessage]:
        """The conversation so far as chat turns (the candidate's turns stay data in the prompt)."""
        return [
            ChatMessage("user" if m.role == MessageRole.CANDIDATE else "assistant", m.content)
            for m in await self._chats.recent(chat, _CONVERSATION, HISTORY_TURNS, newest)
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
