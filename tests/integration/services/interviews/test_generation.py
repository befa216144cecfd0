"""The generation lease: taken when a stream starts, released however it ends, never held by a stream
that was only created."""

from __future__ import annotations

import gc
import uuid

from onlyjobless.domain.chats import MessageKind, MessageRole, NewMessage
from onlyjobless.services.hub import Services
from onlyjobless.services.interviews import Delta, Done, Failed, Reset
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


async def test_a_second_request_replays_the_stored_hint_without_the_llm(
    services: Services, fake_ollama: FakeOllama
) -> None:
    user_id, chat_id = await _chat(services)
    fake_ollama.script(Reply(text="The first hint."))
    first = [event async for event in await services.interviews.hint(user_id, chat_id)]
    assert isinstance(first[-1], Done)
    fake_ollama.script(Reply(text="Another hint."))
    again = [event async for event in await services.interviews.hint(user_id, chat_id)]
    assert again == [Delta("The first hint."), Done(first[-1].message)]
    assert len(fake_ollama.chat_requests) == 1


async def test_done_carries_the_text_that_was_streamed_when_another_was_stored_meanwhile(
    services: Services, fake_ollama: FakeOllama
) -> None:
    user_id, chat_id = await _chat(services)
    stream = await services.interviews.model_answer(user_id, chat_id)  # nothing stored yet
    chat = await services.interviews.store.get_chat(str(user_id), chat_id)
    earlier = await services.interviews.store.add_message(
        chat.user_id,
        chat.id,
        NewMessage(
            role=MessageRole.INTERVIEWER,
            kind=MessageKind.MODEL_ANSWER,
            content="Stored by another device.",
            question_index=0,
            dedupe_key="model_answer:1:0",
        ),
    )
    fake_ollama.script(Reply(text="Streamed here."))
    events = [event async for event in stream]
    streamed = [e.text for e in events[: events.index(Reset())] if isinstance(e, Delta)]
    assert "".join(streamed) == "Streamed here."
    # What stays is the stored one: the page is told to show it instead, and `done` carries it.
    assert events[-3:] == [Reset(), Delta("Stored by another device."), Done(earlier)]


async def test_a_thinking_block_at_the_start_is_not_shown_or_kept(
    services: Services, fake_ollama: FakeOllama
) -> None:
    user_id, chat_id = await _chat(services)
    fake_ollama.script(
        Reply(text="<think>They asked about pods; keep it short.</think>\n\nThink of pods.", chunk_size=5)
    )
    events = [event async for event in await services.interviews.hint(user_id, chat_id)]
    shown = "".join(event.text for event in events if isinstance(event, Delta))
    assert shown == "Think of pods."
    assert isinstance(events[-1], Done) and events[-1].message.content == "Think of pods."
    assert not events[-1].message.meta.get("offline")


async def test_thinking_ended_by_a_bare_closing_tag_is_replaced_by_the_answer(
    services: Services, fake_ollama: FakeOllama
) -> None:
    """DeepSeek-R1's template opens the block in the prompt: the reply is thinking, `</think>`, answer."""
    user_id, chat_id = await _chat(services)
    fake_ollama.script(Reply(text="The user wants a hint on pods.\n</think>\n\nThink of pods.", chunk_size=5))
    events = [event async for event in await services.interviews.hint(user_id, chat_id)]
    assert events[-3:-1] == [Reset(), Delta("Think of pods.")]  # the page shows the answer alone
    assert isinstance(events[-1], Done) and events[-1].message.content == "Think of pods."
    fake_ollama.script(Reply(text="<thinking>Pods, then.</thinking>\nA pod is a group of containers."))
    events = [event async for event in await services.interviews.model_answer(user_id, chat_id)]
    assert "".join(e.text for e in events if isinstance(e, Delta)) == "A pod is a group of containers."
    assert isinstance(events[-1], Done) and events[-1].message.content == "A pod is a group of containers."


async def test_a_reply_with_no_text_gives_the_banks_hint_badged(
    services: Services, fake_ollama: FakeOllama
) -> None:
    user_id, chat_id = await _chat(services)
    fake_ollama.script(Reply(text="<think>I ran out of tokens while thinking"))
    events = [event async for event in await services.interviews.hint(user_id, chat_id)]
    done = events[-1]
    assert isinstance(done, Done) and done.message.meta.get("offline") is True
    chat = await services.interviews.store.get_chat(str(user_id), chat_id)
    assert chat.current is not None
    assert done.message.content == chat.questions[chat.current].hint.strip() != ""
    assert "".join(event.text for event in events if isinstance(event, Delta)) == done.message.content
