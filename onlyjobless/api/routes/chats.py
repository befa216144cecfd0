"""Interviews: start, answer, hint, model answer, finish, retry, history; and the daily quota."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from onlyjobless.api.deps import IdentityDep, ServicesDep
from onlyjobless.api.schemas import Body
from onlyjobless.api.sse import stream_events
from onlyjobless.domain.chats import ChatQuestion, ChatSummary, Message
from onlyjobless.services.interviews import ChatView, Done
from onlyjobless.settings import MAX_ANSWER_LENGTH

router = APIRouter(tags=["interviews"])


class StartIn(Body):
    position: str = Field(max_length=1000)


class AnswerIn(Body):
    # The limit is documented here and enforced by the service, whose refusal names it.
    content: str = Field(json_schema_extra={"maxLength": MAX_ANSWER_LENGTH})


class RetryIn(Body):
    mode: Literal["all", "mistakes"]


class QuotaOut(BaseModel):
    limit: int
    used: int
    remaining: int
    resets_at: datetime


class ChatListItem(BaseModel):
    id: str
    title: str
    vacancy: str
    language: str
    status: str
    stale: bool
    created_at: datetime
    overall_score: float | None


class ChatListOut(BaseModel):
    items: list[ChatListItem]
    next_cursor: str | None


class ProgressOut(BaseModel):
    position: int
    total: int
    answered: int


class ChatOut(BaseModel):
    id: str
    title: str
    vacancy: str
    language: str
    status: str
    stale: bool
    evaluation_due: bool
    attempt: int
    bank_version: int
    current: int | None
    round: list[int]
    progress: ProgressOut
    overall_score: float | None
    summary: str | None
    evaluation_source: str | None
    questions: list[ChatQuestion]
    messages: list[Message]
    created_at: datetime

    @classmethod
    def of(cls, view: ChatView) -> ChatOut:
        chat = view.chat
        return cls(
            id=chat.id,
            title=chat.title,
            vacancy=chat.vacancy,
            language=chat.language,
            status=chat.status,
            stale=view.stale,
            evaluation_due=view.evaluation_due,
            attempt=chat.attempt,
            bank_version=chat.bank_version,
            current=chat.current,
            round=chat.round,
            progress=ProgressOut(**view.progress.__dict__),
            overall_score=chat.overall_score,
            summary=chat.summary,
            evaluation_source=chat.evaluation_source,
            questions=chat.questions,
            messages=view.messages,
            created_at=chat.created_at,
        )


@router.get("/quota", response_model=QuotaOut)
async def read_quota(who: IdentityDep, svc: ServicesDep) -> QuotaOut:
    return QuotaOut(**(await svc.interviews.quota.status(who.user.id)).__dict__)


@router.get("/chats", response_model=ChatListOut)
async def list_chats(
    who: IdentityDep,
    svc: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> ChatListOut:
    page = await svc.interviews.list_chats(who.user.id, limit=limit, cursor=cursor)
    active = await svc.interviews.stale_versions({(c.vacancy, c.language) for c in page.items})

    def item(summary: ChatSummary) -> ChatListItem:
        current = active.get((summary.vacancy, summary.language))
        stale = current is not None and current > summary.bank_version
        return ChatListItem(**summary.model_dump(exclude={"bank_version"}), stale=stale)

    return ChatListOut(items=[item(c) for c in page.items], next_cursor=page.next_cursor)


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
    return {"message": done.message.model_dump(mode="json"), "offline": done.offline}


def _evaluation_body(done: Done) -> dict[str, Any]:
    body = _message_body(done)
    if done.chat is not None:
        body["overall_score"] = done.chat.overall_score
        body["summary"] = done.chat.summary
        body["questions"] = [
            {
                "index": q.index,
                "score": q.score,
                "mistakes": q.mistakes,
                "feedback": q.feedback.model_dump() if q.feedback else None,
            }
            for q in done.chat.questions
            if q.index in done.chat.round
        ]
    return body


@router.post("/chats/{chat_id}/hint", response_class=StreamingResponse)
async def hint(chat_id: str, who: IdentityDep, svc: ServicesDep) -> StreamingResponse:
    events = await svc.interviews.hint(who.user.id, chat_id)
    return stream_events(events, who.user.preferred_language, _message_body)


@router.post("/chats/{chat_id}/model-answer", response_class=StreamingResponse)
async def model_answer(chat_id: str, who: IdentityDep, svc: ServicesDep) -> StreamingResponse:
    events = await svc.interviews.model_answer(who.user.id, chat_id)
    return stream_events(events, who.user.preferred_language, _message_body)


@router.post("/chats/{chat_id}/finish", response_class=StreamingResponse)
async def finish(chat_id: str, who: IdentityDep, svc: ServicesDep) -> StreamingResponse:
    events = await svc.interviews.finish(who.user.id, chat_id)
    return stream_events(events, who.user.preferred_language, _evaluation_body)


@router.post("/chats/{chat_id}/retry", response_model=ChatOut)
async def retry(chat_id: str, body: RetryIn, who: IdentityDep, svc: ServicesDep) -> ChatOut:
    return ChatOut.of(await svc.interviews.retry(who.user.id, chat_id, body.mode))
