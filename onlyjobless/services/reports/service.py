"""Reports of a user's own chats, as a model and as downloadable Markdown and PDF files."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from onlyjobless.services.interviews import Interviews
from onlyjobless.services.reports.markdown import render_markdown
from onlyjobless.services.reports.model import Report, build_report
from onlyjobless.services.reports.pdf import render_pdf


@dataclass(frozen=True)
class Download:
    """A rendered report, ready to be saved."""

    filename: str
    media_type: str
    data: bytes


class Reports:
    """Every call names the user: another user's chat is not found; an unevaluated one is a Conflict."""

    def __init__(self, interviews: Interviews) -> None:
        self._interviews = interviews

    async def report(self, user_id: uuid.UUID, chat_id: object) -> Report:
        return build_report(await self._interviews.view(user_id, chat_id))

    async def markdown(self, user_id: uuid.UUID, chat_id: object) -> Download:
        report = await self.report(user_id, chat_id)
        return Download(f"{report.slug}.md", "text/markdown", render_markdown(report).encode())

    async def pdf(self, user_id: uuid.UUID, chat_id: object) -> Download:
        """Laid out in a worker thread (fonts and pages take a moment)."""
        report = await self.report(user_id, chat_id)
        return Download(f"{report.slug}.pdf", "application/pdf", await asyncio.to_thread(render_pdf, report))
