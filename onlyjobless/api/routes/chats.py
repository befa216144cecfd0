"""Interviews: start, answer, hint, model answer, finish, retry, history; the daily quota and budget."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.sse import EventSourceResponse, ServerSentEvent

from onlyjobless.api.deps import IdentityDep, ServicesDep
from onlyjobless.api.fields import ChatId, Cursor
from onlyjobless.api.responses import PRIVATE, errors, stream_errors
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
from onlyjobless.services.reports import Download

router = APIRouter(tags=["interviews"])
# What an action on one chat may meet: not yours, not now, refused input.
ON_CHAT = (*PRIVATE, 404, 409, 422)
# Message numbers are 64-bit integers in every store: a larger `before` is refused, not sent to one.
MAX_SEQ = 2**63 - 1


def _download_responses(media_type: str) -> dict[int | str, dict[str, Any]]:
    """A download's success (a file, not JSON) and its refusals (409: not evaluated yet)."""
    return {200: {"content": {media_type: {}}}, **errors(*ON_CHAT)}


@router.get("/quota", response_model=QuotaOut, responses=errors(*PRIVATE))
async def read_quota(who: IdentityDep, svc: ServicesDep) -> QuotaOut:
    return QuotaOut.model_validate(await svc.interviews.quota.status(who.user.id))


@router.get("/budget", response_model=QuotaOut, responses=errors(*PRIVATE))
async def read_budget(who: IdentityDep, svc: ServicesDep) -> QuotaOut:
    """Today's LLM generations: hints, model answers, evaluations, banks a start generates."""
    return QuotaOut.model_validate(await svc.interviews.budget.status(who.user.id))


@router.get("/chats", response_model=ChatListOut, responses=errors(*PRIVATE, 422))
async def list_chats(
    who: IdentityDep,
    svc: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Cursor = None,
) -> ChatListOut:
    return ChatListOut.model_validate(
        await svc.interviews.list_chats(who.user.id, limit=limit, cursor=cursor)
    )


@router.post(
    "/chats",
    status_code=status.HTTP_201_CREATED,
    response_model=ChatOut,
    responses=errors(*PRIVATE, 400, 422, 429),
)
async def start_chat(body: StartIn, who: IdentityDep, svc: ServicesDep) -> ChatOut:
    view = await svc.interviews.start(who.user.id, body.position, who.user.preferred_language)
    return ChatOut.of(view)


@router.delete("/chats", status_code=status.HTTP_204_NO_CONTENT, responses=errors(*PRIVATE))
async def clear_history(who: IdentityDep, svc: ServicesDep) -> Response:
    await svc.interviews.clear(who.user.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/chats/{chat_id}", response_model=ChatOut, responses=errors(*PRIVATE, 404, 422))
async def read_chat(
    chat_id: ChatId,
    who: IdentityDep,
    svc: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=100, description="Messages per page.")] = 50,
    before: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_SEQ,
            description="The `before` of a page read earlier: the page of messages before it.",
        ),
    ] = None,
) -> ChatOut:
    """The chat and its newest page of messages; `before` pages back through a long chat."""
    return ChatOut.of(await svc.interviews.view(who.user.id, chat_id, limit=limit, before=before))


def _file(download: Download) -> Response:
    """A download, with its file name in ASCII and in UTF-8 (RFC 6266) for any title."""
    fallback = download.filename.encode("ascii", "ignore").decode().lstrip("-") or "report"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(download.filename)}"
    media_type = download.media_type + ("; charset=utf-8" if download.media_type.startswith("text/") else "")
    return Response(download.data, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get(
    "/chats/{chat_id}/report.md", response_class=Response, responses=_download_responses("text/markdown")
)
async def report_markdown(chat_id: ChatId, who: IdentityDep, svc: ServicesDep) -> Response:
    """The evaluation report as Markdown, in the chat's language; 409 before the evaluation."""
    return _file(await svc.reports.markdown(who.user.id, chat_id))


@router.get(
    "/chats/{chat_id}/report.pdf", response_class=Response, responses=_download_responses("application/pdf")
)
async def report_pdf(chat_id: ChatId, who: IdentityDep, svc: ServicesDep) -> Response:
    """The evaluation report as PDF, in the chat's language; 409 before the evaluation."""
    return _file(await svc.reports.pdf(who.user.id, chat_id))


@router.post("/chats/{chat_id}/answer", response_model=ChatOut, responses=errors(*ON_CHAT, 400))
async def answer(chat_id: ChatId, body: AnswerIn, who: IdentityDep, svc: ServicesDep) -> ChatOut:
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
async def _hint(chat_id: ChatId, who: IdentityDep, svc: ServicesDep) -> AsyncIterator[Event]:
    return await svc.interviews.hint(who.user.id, chat_id)


async def _model_answer(chat_id: ChatId, who: IdentityDep, svc: ServicesDep) -> AsyncIterator[Event]:
    return await svc.interviews.model_answer(who.user.id, chat_id)


async def _finish(chat_id: ChatId, who: IdentityDep, svc: ServicesDep) -> AsyncIterator[Event]:
    return await svc.interviews.finish(who.user.id, chat_id)


@router.post("/chats/{chat_id}/hint", response_class=EventSourceResponse, responses=stream_errors(*ON_CHAT))
async def hint(
    events: Annotated[AsyncIterator[Event], Depends(_hint)], who: IdentityDep
) -> AsyncIterator[ServerSentEvent]:
    async for event in relay(events, who.user.preferred_language, _message_body):
        yield event


@router.post(
    "/chats/{chat_id}/model-answer", response_class=EventSourceResponse, responses=stream_errors(*ON_CHAT)
)
async def model_answer(
    events: Annotated[AsyncIterator[Event], Depends(_model_answer)], who: IdentityDep
) -> AsyncIterator[ServerSentEvent]:
    async for event in relay(events, who.user.preferred_language, _message_body):
        yield event


@router.post("/chats/{chat_id}/finish", response_class=EventSourceResponse, responses=stream_errors(*ON_CHAT))
async def finish(
    events: Annotated[AsyncIterator[Event], Depends(_finish)], who: IdentityDep
) -> AsyncIterator[ServerSentEvent]:
    async for event in relay(events, who.user.preferred_language, _evaluation_body):
        yield event


@router.post("/chats/{chat_id}/retry", response_model=ChatOut, responses=errors(*ON_CHAT, 400, 429))
async def retry(chat_id: ChatId, body: RetryIn, who: IdentityDep, svc: ServicesDep) -> ChatOut:
    return ChatOut.of(await svc.interviews.retry(who.user.id, chat_id, body.mode))
