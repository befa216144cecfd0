"""Interviews: start, answer, hint, model answer, finish, retry, history; and the daily quota."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.sse import EventSourceResponse, ServerSentEvent

from onlyjobless.api.deps import IdentityDep, ServicesDep
from onlyjobless.api.schemas import (
    AnswerIn,
    ChatListOut,
    ChatOut,
    MessageOut,
    QuotaOut,
    ReportRowOut,
    RetryIn,
    StartIn,
)
from onlyjobless.api.sse import relay
from onlyjobless.services.interviews import Done, Event

router = APIRouter(tags=["interviews"])


@router.get("/quota", response_model=QuotaOut)
async def read_quota(who: IdentityDep, svc: ServicesDep) -> QuotaOut:
    return QuotaOut.model_validate(await svc.interviews.quota.status(who.user.id))


@router.get("/chats", response_model=ChatListOut)
async def list_chats(
    who: IdentityDep,
    svc: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> ChatListOut:
    return ChatListOut.model_validate(
        await svc.interviews.list_chats(who.user.id, limit=limit, cursor=cursor)
    )


@router.post("/chats", status_code=status.HTTP_201_CREATED, response_model=ChatOut)
async def start_chat(body: StartIn, who: IdentityDep, svc: ServicesDep) -> ChatOut:
    view = await svc.interviews.start(who.user.id, body.position, who.user.preferred_language)
    return ChatOut.of(view)


@router.delete("/chats", status_code=status.HTTP_204_NO_CONTENT)
async def clear_history(who: IdentityDep, svc: ServicesDep) -> Response:
    await svc.interviews.clear(who.user.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/chats/{chat_id}", response_model=ChatOut)
async def read_chat(chat_id: str, who: IdentityDep, svc: ServicesDep) -> ChatOut:
    return ChatOut.of(await svc.interviews.view(who.user.id, chat_id))


@router.post("/chats/{chat_id}/answer", response_model=ChatOut)
async def answer(chat_id: str, body: AnswerIn, who: IdentityDep, svc: ServicesDep) -> ChatOut:
    return ChatOut.of(await svc.interviews.answer(who.user.id, chat_id, body.content))


def _message_body(done: Done) -> dict[str, Any]:
    return {
        "message": MessageOut.model_validate(done.message).model_dump(mode="json"),
        "offline": done.offline,
    }


def _evaluation_body(done: Done) -> dict[str, Any]:
    body = _message_body(done)
    if done.chat is not None:
        body["overall_score"] = done.chat.overall_score
        body["summary"] = done.chat.summary
        body["evaluation_source"] = done.chat.evaluation_source
        body["questions"] = [ReportRowOut.of(row).model_dump(mode="json") for row in done.report]
    return body


# The generation begins in a dependency: a refusal before its first event is a plain JSON error.
async def _hint(chat_id: str, who: IdentityDep, svc: ServicesDep) -> AsyncIterator[Event]:
    return await svc.interviews.hint(who.user.id, chat_id)


async def _model_answer(chat_id: str, who: IdentityDep, svc: ServicesDep) -> AsyncIterator[Event]:
    return await svc.interviews.model_answer(who.user.id, chat_id)


async def _finish(chat_id: str, who: IdentityDep, svc: ServicesDep) -> AsyncIterator[Event]:
    return await svc.interviews.finish(who.user.id, chat_id)


@router.post("/chats/{chat_id}/hint", response_class=EventSourceResponse)
async def hint(
    events: Annotated[AsyncIterator[Event], Depends(_hint)], who: IdentityDep
) -> AsyncIterator[ServerSentEvent]:
    async for event in relay(events, who.user.preferred_language, _message_body):
        yield event


@router.post("/chats/{chat_id}/model-answer", response_class=EventSourceResponse)
async def model_answer(
    events: Annotated[AsyncIterator[Event], Depends(_model_answer)], who: IdentityDep
) -> AsyncIterator[ServerSentEvent]:
    async for event in relay(events, who.user.preferred_language, _message_body):
        yield event


@router.post("/chats/{chat_id}/finish", response_class=EventSourceResponse)
async def finish(
    events: Annotated[AsyncIterator[Event], Depends(_finish)], who: IdentityDep
) -> AsyncIterator[ServerSentEvent]:
    async for event in relay(events, who.user.preferred_language, _evaluation_body):
        yield event


@router.post("/chats/{chat_id}/retry", response_model=ChatOut)
async def retry(chat_id: str, body: RetryIn, who: IdentityDep, svc: ServicesDep) -> ChatOut:
    return ChatOut.of(await svc.interviews.retry(who.user.id, chat_id, body.mode))
