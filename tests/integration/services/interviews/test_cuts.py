"""A hint cut off with its worker: the stream's placeholder is marked once its lease's holder is
gone, the hint can be asked again at once, and the two tries are counted once. On SQLite and
PostgreSQL (the `engine` fixture), with the chats in the SQL store and in the Mongo wire server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from onlyjobless import i18n
from onlyjobless.domain.chats import MessageKind
from onlyjobless.domain.errors import ChatStoreDown, Conflict
from onlyjobless.services.hub import Services, build_services
from onlyjobless.services.interviews import Delta, Done, Failed
from onlyjobless.services.interviews.cuts import CUT, WRITING
from onlyjobless.settings import Settings
from onlyjobless.storage.chats.mongo import MongoChatStore
from tests.support.cut_streams import killed_mid_stream
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply

LEASE_SECONDS = 0.6  # renewed every 0.2 s; a holder without a renewal for 0.4 s is gone
HINT = "Name the trade-off first, then one example."


@pytest.fixture(params=["sql", "mongo"])
def services(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Services]:
    changes: dict[str, object] = {"generation_lease_seconds": LEASE_SECONDS}
    if request.param == "mongo":
        changes["mongodb_url"] = SecretStr(request.getfixturevalue("mongo_url"))
        changes["mongodb_db"] = request.getfixturevalue("mongo_database")
    built = build_services(settings.model_copy(update=changes))
    yield built
    if isinstance(built.interviews.store, MongoChatStore):
        built.interviews.store._database.client.close()


async def _chat(services: Services, language: str = "en") -> tuple[uuid.UUID, str]:
    user = await services.accounts.register(f"cut_{uuid.uuid4().hex[:8]}", "correct horse battery", language)
    view = await services.interviews.start(user.id, "devops", language)
    return user.id, view.chat.id


async def _until_gone(services: Services) -> None:
    await asyncio.sleep(services.interviews._leases.stale_after.total_seconds() * 1.25)


async def test_a_cut_hint_is_marked_and_asked_again_at_once_counted_once(
    services: Services, fake_ollama: FakeOllama
) -> None:
    user_id, chat_id = await _chat(services)
    before = await services.interviews.view(user_id, chat_id)
    await killed_mid_stream(services, user_id, chat_id, MessageKind.HINT)

    # While its holder may still be alive: the try is left out and the hint refused as busy.
    running = await services.interviews.view(user_id, chat_id)
    assert running.writing and running.messages == before.messages
    with pytest.raises(Conflict, match="generation_busy"):
        await services.interviews.hint(user_id, chat_id)

    await _until_gone(services)
    cut = await services.interviews.view(user_id, chat_id)
    assert not cut.writing
    assert cut.messages[: len(before.messages)] == before.messages
    mark = cut.messages[-1]
    assert mark.kind == MessageKind.HINT and not mark.complete and mark.meta == {CUT: True}
    assert mark.content == i18n.translate("interview.cut_hint", "en")
    assert cut.questions[-1].hint is None  # no hint was given

    fake_ollama.script(Reply(text=HINT))
    events = [event async for event in await services.interviews.hint(user_id, chat_id)]
    assert isinstance(events[-1], Done) and events[-1].message.content == HINT
    assert (await services.interviews.budget.status(user_id)).used == 1  # the cut try and this one: once

    after = await services.interviews.view(user_id, chat_id)
    assert [m.content for m in after.messages[-2:]] == [mark.content, HINT]
    assert after.questions[-1].hint == HINT and not after.writing
    again = [event async for event in await services.interviews.hint(user_id, chat_id)]
    assert again == [Delta(HINT), Done(events[-1].message)]  # stored: replayed, not counted
    assert (await services.interviews.budget.status(user_id)).used == 1


async def test_after_a_cut_a_stopped_try_counts_the_next_one_again(
    services: Services, fake_ollama: FakeOllama
) -> None:
    user_id, chat_id = await _chat(services, "ru")
    await killed_mid_stream(services, user_id, chat_id, MessageKind.MODEL_ANSWER)
    await _until_gone(services)
    mark = (await services.interviews.view(user_id, chat_id)).messages[-1]
    assert mark.content == i18n.translate("interview.cut_model_answer", "ru")

    fake_ollama.script(Reply(text="one two three four five six", chunk_delay=0.05))
    stream = await services.interviews.model_answer(user_id, chat_id)
    assert isinstance(await anext(stream), Delta)
    await stream.aclose()  # stopped by the user: kept as incomplete, the placeholder goes
    messages = await services.interviews.store.list_messages(str(user_id), chat_id)
    assert not any(WRITING in m.meta for m in messages[-1:])
    assert messages[-1].meta == {"stopped": True} and not messages[-1].complete
    assert (await services.interviews.budget.status(user_id)).used == 1

    fake_ollama.script(Reply(text="A model answer."))
    events = [event async for event in await services.interviews.model_answer(user_id, chat_id)]
    assert isinstance(events[-1], Done)
    assert (await services.interviews.budget.status(user_id)).used == 2  # a new try, as before


async def test_a_running_stream_keeps_a_placeholder_that_goes_when_it_ends(
    services: Services, fake_ollama: FakeOllama
) -> None:
    user_id, chat_id = await _chat(services)
    fake_ollama.script(Reply(text="one two three four", chunk_delay=0.05))
    stream = await services.interviews.hint(user_id, chat_id)
    assert isinstance(await anext(stream), Delta)
    stored = await services.interviews.store.list_messages(str(user_id), chat_id)
    assert isinstance(stored[-1].meta.get(WRITING), str) and stored[-1].content == ""
    view = await services.interviews.view(user_id, chat_id)
    assert view.writing and all(WRITING not in m.meta for m in view.messages)
    rest = [event async for event in stream]
    assert isinstance(rest[-1], Done)
    stored = await services.interviews.store.list_messages(str(user_id), chat_id)
    assert all(WRITING not in m.meta for m in stored) and stored[-1].complete

    fake_ollama.script(Reply(text="one two three four", error_after=2))
    failed = [event async for event in await services.interviews.model_answer(user_id, chat_id)]
    assert isinstance(failed[-1], Failed)
    stored = await services.interviews.store.list_messages(str(user_id), chat_id)
    assert all(WRITING not in m.meta for m in stored)


async def test_an_older_page_shows_its_cut_mark(services: Services, fake_ollama: FakeOllama) -> None:
    user_id, chat_id = await _chat(services)
    await killed_mid_stream(services, user_id, chat_id, MessageKind.HINT)
    await _until_gone(services)
    fake_ollama.script(Reply(text=HINT))
    [event async for event in await services.interviews.hint(user_id, chat_id)]
    newest = await services.interviews.view(user_id, chat_id, limit=1)
    assert newest.before is not None
    older = await services.interviews.earlier(user_id, chat_id, newest.before, limit=1)
    assert [m.meta for m in older.items] == [{CUT: True}]
    plain = await services.interviews.earlier(user_id, chat_id, older.before or 1, limit=1)
    assert all(CUT not in m.meta for m in plain.items)


async def test_a_placeholder_the_store_could_not_remove_does_not_fail_the_stream(
    services: Services, fake_ollama: FakeOllama, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_id, chat_id = await _chat(services)

    async def down(*_: object) -> bool:
        raise ChatStoreDown("gone")

    monkeypatch.setattr(services.interviews.store, "delete_message", down)
    fake_ollama.script(Reply(text=HINT))
    events = [event async for event in await services.interviews.hint(user_id, chat_id)]
    assert isinstance(events[-1], Done) and events[-1].message.content == HINT
    stored = await services.interviews.store.list_messages(str(user_id), chat_id)
    assert [m.meta.get(WRITING) is not None for m in stored[-2:]] == [True, False]
