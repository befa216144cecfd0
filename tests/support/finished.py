"""Interviews finished through the REST API with a scripted evaluation, for reports and progress."""

from __future__ import annotations

from typing import Any

from tests.support.api_client import Client, long_answer
from tests.support.fake_http import FakeLLMServer
from tests.support.llm_replies import evaluation_replies

RUSSIAN_ANSWER = (
    "Глобальная блокировка интерпретатора не даёт двум потокам выполнять байт-код одновременно, "
    "поэтому для вычислений я беру процессы, а для ввода-вывода — потоки или asyncio; в прошлом "
    "проекте мы так ускорили обработку очереди заказов в четыре раза и измерили это профилировщиком."
)


async def finished_chat(
    client: Client, fake_llm: FakeLLMServer, scores: list[int], position: str = "python разработчик"
) -> dict[str, Any]:
    """Start, answer as many questions as there are scores, end the interview; the chat as read after."""
    started = await client.start(position)
    assert started.status_code == 201, started.text
    chat_id = started.json()["id"]
    answer = RUSSIAN_ANSWER if started.json()["language"] == "ru" else long_answer("threads")
    for _ in scores:
        answered = await client.post(f"/api/chats/{chat_id}/answer", json={"content": answer})
        assert answered.status_code == 200, answered.text
    fake_llm.script(*evaluation_replies(scores))
    status, events = await client.events(f"/api/chats/{chat_id}/finish")
    assert status == 200 and events[-1][0] == "done", events[-1]
    return (await client.get(f"/api/chats/{chat_id}")).json()  # type: ignore[no-any-return]
