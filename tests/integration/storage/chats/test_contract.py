"""The ChatStore contract: every implementation behaves the same, on its real backend."""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bson import ObjectId
from pydantic import SecretStr
from sqlalchemy import create_engine

from onlyjobless.domain.chats import ChatQuestion, Feedback, NewChat, NewMessage
from onlyjobless.domain.errors import ChatStoreDown, InvalidInput, NotFound
from onlyjobless.settings import Settings
from onlyjobless.storage.chats import ChatStore, RevisionConflict
from onlyjobless.storage.chats.factory import build_chat_store
from onlyjobless.storage.chats.mongo import MongoChatStore
from onlyjobless.storage.chats.sql import SqlChatStore

ALICE, BOB = str(uuid.uuid4()), str(uuid.uuid4())


def question(index: int, **flags: Any) -> ChatQuestion:
    return ChatQuestion(
        index=index,
        topic=f"topic {index}",
        text=f"Что такое GIL? ({index})",
        key_points=["one lock", "per interpreter"],
        hint="Think about threads.",
        model_answer="A global interpreter lock.",
        **flags,
    )


def new_chat(user_id: str = ALICE, title: str = "Python developer") -> NewChat:
    return NewChat(
        user_id=user_id,
        title=title,
        vacancy="python-developer",
        language="ru",
        bank_version=7,
        questions=[
            question(0, used=True, mistakes=True, score=6, feedback=Feedback(good="a", missing="b")),
            question(1, used=True, score=10, feedback=Feedback(strong_answer="c")),
            question(2),
        ],
        round=[2, 0, 1],
        current=2,
        attempt=2,
        status="active",
    )


def utc(moment: datetime) -> bool:
    return moment.tzinfo is not None and moment.utcoffset() == timedelta(0)


# -- chats ----------------------------------------------------------------------------------


async def test_create_and_get_round_trip(store: ChatStore) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    original = new_chat()
    created = await store.create_chat(original)

    assert isinstance(created.id, str) and created.id
    assert created.revision == 0
    assert created.overall_score is None and created.summary is None and created.evaluation_source is None
    assert utc(created.created_at) and utc(created.updated_at)
    assert before <= created.created_at <= datetime.now(UTC) + timedelta(seconds=1)
    assert created.updated_at == created.created_at
    assert created.model_dump(include=set(NewChat.model_fields)) == original.model_dump()

    fetched = await store.get_chat(ALICE, created.id)
    assert fetched == created
    assert utc(fetched.created_at) and utc(fetched.updated_at)
    assert fetched.questions[0].mistakes and fetched.questions[0].used
    assert fetched.questions[0].feedback == Feedback(good="a", missing="b")
    assert fetched.questions[2].score is None and fetched.questions[2].feedback is None


async def test_ids_are_distinct(store: ChatStore) -> None:
    ids = {(await store.create_chat(new_chat())).id for _ in range(5)}
    assert len(ids) == 5


async def test_another_users_chat_is_not_found(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat(ALICE))
    with pytest.raises(NotFound):
        await store.get_chat(BOB, chat.id)


def foreign_ids(real_id: str) -> list[Any]:
    """Ids that name no chat of this store: malformed, of another store's shape, not strings."""
    return [
        "",
        "nope",
        real_id.upper(),
        real_id + " ",
        " " + real_id,
        real_id[:-1],
        uuid.uuid4().hex,  # the SQL store's shape
        str(ObjectId()),  # the Mongo store's shape
        str(uuid.uuid4()),
        "0" * 24,
        "0" * 32,
        {"$ne": None},
        {"$gt": ""},
        ["x"],
        None,
        42,
        b"0" * 12,
        ObjectId(),
    ]


async def test_unknown_and_malformed_ids_are_not_found(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat())
    await store.add_message(ALICE, chat.id, NewMessage(role="interviewer", kind="greeting", content="Hi"))
    for bad in foreign_ids(chat.id):
        with pytest.raises(NotFound):
            await store.get_chat(ALICE, bad)
        with pytest.raises(NotFound):
            await store.list_messages(ALICE, bad)
        with pytest.raises(NotFound):
            await store.add_message(ALICE, bad, NewMessage(role="candidate", kind="answer", content="x"))
        with pytest.raises(NotFound):
            await store.update_chat(ALICE, bad, 0, {"title": "x"})
    assert len(await store.list_messages(ALICE, chat.id)) == 1
    assert (await store.get_chat(ALICE, chat.id)).revision == 0


async def test_owner_that_is_not_a_string_owns_nothing(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat())
    for owner in [{"$ne": None}, None, 0, [ALICE]]:
        with pytest.raises(NotFound):
            await store.get_chat(owner, chat.id)  # type: ignore[arg-type]
        with pytest.raises(NotFound):
            await store.list_messages(owner, chat.id)  # type: ignore[arg-type]
        with pytest.raises(NotFound):
            await store.list_chats(owner)  # type: ignore[arg-type]
        with pytest.raises(NotFound):
            await store.delete_all(owner)  # type: ignore[arg-type]
    assert (await store.get_chat(ALICE, chat.id)).id == chat.id


# -- listing --------------------------------------------------------------------------------


async def test_list_chats_newest_first_and_paginated(store: ChatStore) -> None:
    created = [await store.create_chat(new_chat(ALICE, title=f"chat {i}")) for i in range(25)]
    for _ in range(3):
        await store.create_chat(new_chat(BOB, title="bob's"))
    expected = sorted(created, key=lambda c: (c.created_at, c.id), reverse=True)

    seen: list[str] = []
    cursor: str | None = None
    sizes: list[int] = []
    while True:
        page = await store.list_chats(ALICE, limit=10, cursor=cursor)
        sizes.append(len(page.items))
        seen += [item.id for item in page.items]
        for item in page.items:
            assert item.title != "bob's"
            assert utc(item.created_at)
        cursor = page.next_cursor
        if cursor is None:
            break
        assert isinstance(cursor, str)
    assert sizes == [10, 10, 5]
    assert seen == [chat.id for chat in expected]
    assert len(set(seen)) == 25

    first = (await store.list_chats(ALICE, limit=1)).items[0]
    newest = expected[0]
    assert first.model_dump() == {
        "id": newest.id,
        "title": newest.title,
        "vacancy": newest.vacancy,
        "language": newest.language,
        "status": newest.status,
        "bank_version": newest.bank_version,
        "created_at": newest.created_at,
        "overall_score": None,
    }


async def test_list_chats_exact_page_and_empty(store: ChatStore) -> None:
    assert (await store.list_chats(ALICE)).model_dump() == {"items": [], "next_cursor": None}
    for _ in range(10):
        await store.create_chat(new_chat())
    page = await store.list_chats(ALICE, limit=10)
    assert len(page.items) == 10
    assert page.next_cursor is None


async def test_list_chats_limit_is_clamped(store: ChatStore) -> None:
    for _ in range(3):
        await store.create_chat(new_chat())
    assert len((await store.list_chats(ALICE, limit=0)).items) == 1
    assert len((await store.list_chats(ALICE, limit=-5)).items) == 1
    assert len((await store.list_chats(ALICE, limit=10_000)).items) == 3


async def test_list_chats_ties_on_created_at_are_broken_by_id(store: ChatStore) -> None:
    """Many chats in the same millisecond still page without duplicates or gaps."""
    created = await asyncio.gather(*(store.create_chat(new_chat()) for _ in range(12)))
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = await store.list_chats(ALICE, limit=5, cursor=cursor)
        seen += [item.id for item in page.items]
        if (cursor := page.next_cursor) is None:
            break
    assert sorted(seen) == sorted(chat.id for chat in created)
    assert len(seen) == 12


async def test_newer_chats_do_not_disturb_a_cursor(store: ChatStore) -> None:
    for _ in range(6):
        await store.create_chat(new_chat())
    first = await store.list_chats(ALICE, limit=3)
    await store.create_chat(new_chat(title="newest"))
    second = await store.list_chats(ALICE, limit=3, cursor=first.next_cursor)
    ids = [item.id for item in first.items + second.items]
    assert len(set(ids)) == 6
    assert "newest" not in {item.title for item in second.items}


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


MALFORMED_CURSORS: list[Any] = [
    "",
    "garbage",
    "!!!!",
    "курсор",
    b64("x|y"),
    b64("no separator"),
    b64("2026-01-01T00:00:00|" + "a" * 32),  # naive time
    b64("2026-01-01T00:00:00+00:00|" + "g" * 32),
    b64("2026-01-01T00:00:00+00:00|" + "a" * 32 + "|extra"),
    b64("2026-01-01T00:00:00+00:00|"),
    b64("not a date|" + "a" * 24),
    "A" * 1000,
    123,
    {"$gt": ""},
]


async def test_malformed_cursor_is_invalid_input(store: ChatStore) -> None:
    await store.create_chat(new_chat())
    for cursor in MALFORMED_CURSORS:
        with pytest.raises(InvalidInput) as refused:
            await store.list_chats(ALICE, cursor=cursor)
        assert refused.value.code == "cursor_invalid"


async def test_cursor_of_another_store_shape_is_invalid(store: ChatStore) -> None:
    for _ in range(3):
        await store.create_chat(new_chat())
    cursor = (await store.list_chats(ALICE, limit=1)).next_cursor
    assert cursor is not None
    stamp, chat_id = base64.urlsafe_b64decode(cursor).decode().split("|")
    other = uuid.uuid4().hex if len(chat_id) == 24 else str(ObjectId())
    with pytest.raises(InvalidInput):
        await store.list_chats(ALICE, cursor=b64(f"{stamp}|{other}"))


# -- updates --------------------------------------------------------------------------------


async def test_update_chat_sets_fields_and_bumps_revision(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat())
    questions = [q.model_copy() for q in chat.questions]
    questions[2] = questions[2].model_copy(
        update={"used": True, "mistakes": True, "score": 3, "feedback": Feedback(good="g")}
    )
    updated = await store.update_chat(
        ALICE,
        chat.id,
        0,
        {
            "questions": questions,
            "current": None,
            "status": "finished",
            "overall_score": 6.5,
            "summary": "Решительно, но неточно.",
            "evaluation_source": "llm",
        },
    )
    assert updated.revision == 1
    assert updated.updated_at >= chat.updated_at and utc(updated.updated_at)
    assert updated.created_at == chat.created_at
    assert updated.status == "finished" and updated.current is None
    assert updated.questions[2].score == 3 and updated.questions[2].feedback == Feedback(good="g")
    assert updated.overall_score == 6.5 and updated.evaluation_source == "llm"
    assert updated.summary == "Решительно, но неточно."
    assert updated.title == chat.title and updated.round == chat.round
    assert await store.get_chat(ALICE, chat.id) == updated

    # Plain values work as well as models; the whole allowed set can change.
    again = await store.update_chat(
        ALICE,
        chat.id,
        1,
        {
            "title": "Retry",
            "attempt": 3,
            "round": [0],
            "current": 0,
            "bank_version": 8,
            "status": "active",
            "questions": [q.model_dump() for q in chat.questions],
            "overall_score": None,
            "summary": None,
            "evaluation_source": None,
        },
    )
    assert again.revision == 2
    assert (again.title, again.attempt, again.round, again.current, again.bank_version) == (
        "Retry",
        3,
        [0],
        0,
        8,
    )
    assert again.questions == chat.questions
    assert await store.get_chat(ALICE, chat.id) == again


async def test_stale_revision_is_a_conflict(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat())
    await store.update_chat(ALICE, chat.id, 0, {"title": "first"})
    with pytest.raises(RevisionConflict):
        await store.update_chat(ALICE, chat.id, 0, {"title": "second"})
    with pytest.raises(RevisionConflict):
        await store.update_chat(ALICE, chat.id, 5, {"title": "second"})
    fetched = await store.get_chat(ALICE, chat.id)
    assert (fetched.title, fetched.revision) == ("first", 1)


async def test_concurrent_updates_of_one_revision_let_one_win(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat())
    results = await asyncio.gather(
        *(store.update_chat(ALICE, chat.id, 0, {"title": f"t{i}"}) for i in range(8)),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(r, RevisionConflict) for r in results if isinstance(r, BaseException))
    assert (await store.get_chat(ALICE, chat.id)).revision == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"nonsense": 1},
        {"user_id": BOB},
        {"id": "x"},
        {"revision": 99},
        {"created_at": "2020-01-01T00:00:00+00:00"},
        {"message_seq": 0},
        {"title": "ok", "$set": {"user_id": BOB}},
        {"status": "bogus"},
        {"questions": [{"index": 0}]},
        {"round": "not a list"},
        {"evaluation_source": "human"},
    ],
)
async def test_bad_changes_are_a_value_error_and_change_nothing(
    store: ChatStore, changes: dict[str, Any]
) -> None:
    chat = await store.create_chat(new_chat())
    with pytest.raises(ValueError):
        await store.update_chat(ALICE, chat.id, 0, changes)
    assert await store.get_chat(ALICE, chat.id) == chat


async def test_revision_must_be_an_int(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat())
    for revision in ["0", None, {"$gte": 0}, True, 0.0]:
        with pytest.raises(ValueError):
            await store.update_chat(ALICE, chat.id, revision, {"title": "x"})  # type: ignore[arg-type]
    assert (await store.get_chat(ALICE, chat.id)).revision == 0


async def test_update_of_another_users_chat_is_not_found(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat(ALICE))
    with pytest.raises(NotFound):
        await store.update_chat(BOB, chat.id, 0, {"title": "stolen"})
    assert (await store.get_chat(ALICE, chat.id)).title == chat.title


# -- messages -------------------------------------------------------------------------------


async def test_messages_are_numbered_and_listed_in_order(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat())
    sent = [
        NewMessage(role="interviewer", kind="greeting", content="Здравствуйте!"),
        NewMessage(role="interviewer", kind="question", content="Q?", question_index=2, attempt=2),
        NewMessage(
            role="candidate",
            kind="answer",
            content="A\nmultiline",
            question_index=2,
            attempt=2,
            meta={"tokens": 3, "nested": {"list": [1, "two", None]}},
        ),
        NewMessage(role="interviewer", kind="hint", content="cut off", complete=False, question_index=2),
        NewMessage(role="system", kind="notice", content="note"),
    ]
    stored = [await store.add_message(ALICE, chat.id, message) for message in sent]
    assert [m.seq for m in stored] == [1, 2, 3, 4, 5]
    for message, original in zip(stored, sent, strict=True):
        assert message.model_dump(include=set(NewMessage.model_fields)) == original.model_dump()
        assert message.chat_id == chat.id
        assert utc(message.created_at)
    assert len({m.id for m in stored}) == 5

    listed = await store.list_messages(ALICE, chat.id)
    assert listed == stored


async def test_dedupe_key_returns_the_existing_message(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat())
    other = await store.create_chat(new_chat())
    first = await store.add_message(
        ALICE, chat.id, NewMessage(role="interviewer", kind="greeting", content="Hi", dedupe_key="greeting:1")
    )
    again = await store.add_message(
        ALICE,
        chat.id,
        NewMessage(role="interviewer", kind="greeting", content="Different", dedupe_key="greeting:1"),
    )
    assert again == first
    following = await store.add_message(
        ALICE, chat.id, NewMessage(role="interviewer", kind="question", content="Q", dedupe_key="q:0")
    )
    assert following.seq == 2  # the duplicate took no number
    unkeyed = [
        await store.add_message(ALICE, chat.id, NewMessage(role="candidate", kind="answer", content="a"))
        for _ in range(2)
    ]
    assert [m.seq for m in unkeyed] == [3, 4]

    # Keys are per chat.
    elsewhere = await store.add_message(
        ALICE,
        other.id,
        NewMessage(role="interviewer", kind="greeting", content="Hi", dedupe_key="greeting:1"),
    )
    assert elsewhere.id != first.id and elsewhere.seq == 1
    assert [m.content for m in await store.list_messages(ALICE, chat.id)] == ["Hi", "Q", "a", "a"]


async def test_concurrent_appends_get_distinct_consecutive_numbers(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat())
    stored = await asyncio.gather(
        *(
            store.add_message(ALICE, chat.id, NewMessage(role="candidate", kind="answer", content=str(i)))
            for i in range(20)
        )
    )
    assert sorted(m.seq for m in stored) == list(range(1, 21))
    listed = await store.list_messages(ALICE, chat.id)
    assert [m.seq for m in listed] == list(range(1, 21))
    assert sorted(m.content for m in listed) == sorted(str(i) for i in range(20))


async def test_concurrent_appends_with_one_key_store_one_message(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat())
    stored = await asyncio.gather(
        *(
            store.add_message(
                ALICE,
                chat.id,
                NewMessage(role="interviewer", kind="question", content=str(i), dedupe_key="q:0:1"),
            )
            for i in range(10)
        )
    )
    assert len({m.id for m in stored}) == 1
    listed = await store.list_messages(ALICE, chat.id)
    assert len(listed) == 1 and listed[0] == stored[0]


async def test_messages_of_another_users_chat_are_not_found(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat(ALICE))
    await store.add_message(ALICE, chat.id, NewMessage(role="interviewer", kind="greeting", content="Hi"))
    with pytest.raises(NotFound):
        await store.list_messages(BOB, chat.id)
    with pytest.raises(NotFound):
        await store.add_message(BOB, chat.id, NewMessage(role="candidate", kind="answer", content="x"))
    with pytest.raises(NotFound):
        await store.add_message(
            BOB, chat.id, NewMessage(role="candidate", kind="answer", content="x", dedupe_key="k")
        )
    assert [m.content for m in await store.list_messages(ALICE, chat.id)] == ["Hi"]


async def test_list_messages_of_an_empty_chat(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat())
    assert await store.list_messages(ALICE, chat.id) == []


# -- deleting and health --------------------------------------------------------------------


async def test_delete_all_removes_only_that_users_chats(store: ChatStore) -> None:
    mine = [await store.create_chat(new_chat(ALICE)) for _ in range(3)]
    theirs = [await store.create_chat(new_chat(BOB)) for _ in range(2)]
    for chat in mine + theirs:
        for i in range(2):
            await store.add_message(
                chat.user_id, chat.id, NewMessage(role="candidate", kind="answer", content=str(i))
            )

    assert await store.delete_all(ALICE) == 3
    assert (await store.list_chats(ALICE)).items == []
    for chat in mine:
        with pytest.raises(NotFound):
            await store.get_chat(ALICE, chat.id)
        with pytest.raises(NotFound):
            await store.list_messages(ALICE, chat.id)
    assert {item.id for item in (await store.list_chats(BOB)).items} == {c.id for c in theirs}
    for chat in theirs:
        assert len(await store.list_messages(BOB, chat.id)) == 2
    assert await store.delete_all(ALICE) == 0

    # Alice starts over cleanly.
    fresh = await store.create_chat(new_chat(ALICE))
    message = await store.add_message(ALICE, fresh.id, NewMessage(role="system", kind="notice", content="n"))
    assert message.seq == 1


async def test_ping(store: ChatStore) -> None:
    await store.ping()


# -- an unreachable backend (not parametrized: one unreachable server of each kind) ---------


async def assert_down_quickly(store: ChatStore, chat_id: str) -> None:
    calls: list[Callable[[], Awaitable[object]]] = [
        store.ping,
        lambda: store.create_chat(new_chat()),
        lambda: store.get_chat(ALICE, chat_id),
        lambda: store.list_chats(ALICE),
        lambda: store.update_chat(ALICE, chat_id, 0, {"title": "x"}),
        lambda: store.add_message(ALICE, chat_id, NewMessage(role="candidate", kind="answer", content="x")),
        lambda: store.list_messages(ALICE, chat_id),
        lambda: store.delete_all(ALICE),
    ]
    for call in calls:
        started = time.monotonic()
        with pytest.raises(ChatStoreDown):
            await call()
        assert time.monotonic() - started < 5


async def test_sql_store_down_is_reported_quickly() -> None:
    engine = create_engine("postgresql+psycopg://x@127.0.0.1:1/x", connect_args={"connect_timeout": 2})
    try:
        await assert_down_quickly(SqlChatStore(engine), uuid.uuid4().hex)
    finally:
        engine.dispose()


async def test_mongo_store_down_is_reported_quickly() -> None:
    store = MongoChatStore.from_url("mongodb://127.0.0.1:1", "x", timeout_ms=1000)
    try:
        await assert_down_quickly(store, str(ObjectId()))
    finally:
        store._database.client.close()


# -- choosing the store ---------------------------------------------------------------------


def settings(**values: Any) -> Settings:
    return Settings.model_validate({"ONLYJOBLESS_ENV": "test", "JWT_SECRET": "x" * 40, **values})


async def test_factory_picks_mongo_when_a_url_is_set(mongo_url: str, mongo_database: str) -> None:
    chosen = build_chat_store(
        settings(MONGODB_URL=SecretStr(mongo_url), MONGODB_DB=mongo_database), create_engine("sqlite://")
    )
    assert isinstance(chosen, MongoChatStore)
    database = chosen._database
    try:
        assert database.name == mongo_database
        assert database.list_collection_names() == []  # indexes wait for first use
        chat = await chosen.create_chat(new_chat())
        assert (await chosen.get_chat(ALICE, chat.id)).id == chat.id
        assert {"chat_seq", "chat_dedupe", "user"} <= set(database["messages"].index_information())
        assert "user_created" in database["chats"].index_information()
    finally:
        database.client.close()


def test_factory_picks_sql_otherwise() -> None:
    engine = create_engine("sqlite://")
    chosen = build_chat_store(settings(MONGODB_URL=None), engine)
    assert isinstance(chosen, SqlChatStore)
    assert chosen._engine is engine
