"""The generation lease: taken when a stream starts, released however it ends, never held by a stream
that was only created."""

from __future__ import annotations

import gc
import uuid

from onlyjobless.services.hub import Services
from onlyjobless.services.interviews import Delta, Done, Failed
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply

PASSWORD = "correct horse battery"


async def _chat(services: Services) -> tuple[uuid.UUID, str]:
    user = await services.accounts.register("leaseholder", PASSWORD, "en")
    view = await services.interviews.start(user.id, "devops", "en")
    return user.id, view.chat.id


async def test_a_stream_never_iterated_holds_no_lease(services: Services, fake_ollama: FakeOllama) -> None:
    user_id, chat_id = await _chat(services)
    abandoned = await services.interviews.hint(user_id, chat_id)  # a client that went away at once
    closed = await services.interviews.model_answer(user_id, chat_id)
    await closed.aclose()  # closed before its first event
    del abandoned
    gc.collect()
    assert fake_ollama.chat_requests == []
    # Neither holds the user's lease: the next generation is not refused, and runs to the end.
    fake_ollama.script(Reply(text="A complete hint."))
    events = [event async for event in await services.interviews.hint(user_id, chat_id)]
    assert isinstance(events[-1], Done) and events[-1].message.content == "A complete hint."
    # Nor does the one that just finished.
    fake_ollama.script(Reply(text="A model answer."))
    events = [event async for event in await services.interviews.model_answer(user_id, chat_id)]
    assert isinstance(events[-1], Done)


async def test_a_stream_that_loses_the_race_for_the_lease_says_busy(
    services: Services, fake_ollama: FakeOllama
) -> None:
    user_id, chat_id = await _chat(services)
    first = await services.interviews.hint(user_id, chat_id)
    second = await services.interviews.model_answer(user_id, chat_id)  # both created while free
    fake_ollama.script(Reply(text="one two three four", chunk_delay=0.05))
    assert isinstance(await anext(first), Delta)  # the first one runs and holds the lease
    assert [event async for event in second] == [Failed("generation_busy")]
    rest = [event async for event in first]
    assert isinstance(rest[-1], Done)
    assert len(fake_ollama.chat_requests) == 1  # the refused stream never reached the LLM


async def test_finish_flips_the_chat_only_when_its_stream_runs(
    services: Services, fake_ollama: FakeOllama
) -> None:
    user_id, chat_id = await _chat(services)
    abandoned = await services.interviews.finish(user_id, chat_id)
    await abandoned.aclose()
    view = await services.interviews.view(user_id, chat_id)
    assert view.chat.status == "active" and not view.evaluation_due
    events = [event async for event in await services.interviews.finish(user_id, chat_id)]
    assert isinstance(events[-1], Done) and events[-1].chat is not None
    assert events[-1].chat.status == "finished" and fake_ollama.chat_requests == []  # nothing answered
