"""The evaluation report downloaded through REST: Markdown and PDF, the owner's only, once evaluated."""

from __future__ import annotations

import io
from urllib.parse import unquote

import httpx
from pypdf import PdfReader

from tests.support.api_client import Client, sign_in
from tests.support.fake_http import FakeLLMServer
from tests.support.finished import RUSSIAN_ANSWER, finished_chat


async def test_a_russian_report_downloads_as_markdown_and_pdf(
    api: httpx.AsyncClient, fake_llm: FakeLLMServer
) -> None:
    olga = await sign_in(api, "olga", "ru")
    chat = await finished_chat(olga, fake_llm, [7, 4])
    assert chat["status"] == "finished"
    first_question = chat["questions"][chat["round"][0]]["text"]

    markdown = await olga.get(f"/api/chats/{chat['id']}/report.md")
    assert markdown.status_code == 200
    assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    disposition = markdown.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=UTF-8''")[1]).endswith("attempt-1.md")
    text = markdown.text
    assert text.startswith(f"# Отчёт: {chat['title']}\n")
    assert "**Общая оценка: 0,9/10**" in text  # (7 + 4) / 12: unanswered questions count as 0
    assert f"*{first_question}*" in text
    assert "— 7/10" in text and "— 4/10" in text and "— нет ответа" in text
    assert "> " + RUSSIAN_ANSWER in text
    assert (
        "good 1" in text and "missing 2" in text and "GIL (Global Interpreter Lock)" in text
    )  # the model answer

    pdf = await olga.get(f"/api/chats/{chat['id']}/report.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    extracted = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert f"Отчёт: {chat['title']}" in extracted
    assert "Общая оценка: 0,9/10" in extracted
    assert " ".join(first_question.split()) in extracted
    assert " ".join(RUSSIAN_ANSWER.split()) in extracted  # the candidate's own words, intact


async def test_another_users_report_is_not_found(alice: Client, bob: Client, fake_llm: FakeLLMServer) -> None:
    chat = await finished_chat(alice, fake_llm, [9])
    for suffix in ("md", "pdf"):
        refused = await bob.get(f"/api/chats/{chat['id']}/report.{suffix}")
        assert refused.status_code == 404, refused.text
        assert refused.json()["error"]["code"] == "not_found"
        assert (await alice.get(f"/api/chats/{chat['id']}/report.{suffix}")).status_code == 200
    assert (await alice.get("/api/chats/no-such-chat/report.md")).status_code == 404


async def test_no_report_before_the_evaluation(alice: Client) -> None:
    started = (await alice.start("devops")).json()
    for suffix in ("md", "pdf"):
        refused = await alice.get(f"/api/chats/{started['id']}/report.{suffix}")
        assert refused.status_code == 409
        error = refused.json()["error"]
        assert error["code"] == "report_not_ready"
        assert error["message"] == "This interview is not evaluated yet, so it has no report."


async def test_the_report_needs_a_signed_in_user(api: httpx.AsyncClient) -> None:
    assert (await api.get("/api/chats/x/report.md")).status_code == 401
