"""The report screen's state: the report of a chat's latest evaluated attempt, and its downloads."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from onlyjobless import i18n
from onlyjobless.domain.errors import Conflict, NotFound, ServiceError
from onlyjobless.services import hub
from onlyjobless.services.reports import Download, Report, ReportEntry
from onlyjobless.ui import routes
from onlyjobless.ui.language import language_of
from onlyjobless.ui.session import acting_user
from onlyjobless.ui.sidebar import not_signed_in, open_private_page


@dataclass
class ReportCard:
    """One question of the report, ready to show."""

    number: int
    topic: str
    text: str
    score: int
    score_label: str
    answered: bool
    mistake: bool
    good: str
    missing: str
    strong: str
    answer: str


def report_card(entry: ReportEntry, language: str) -> ReportCard:
    row, feedback = entry.row, entry.row.feedback
    return ReportCard(
        number=row.number,
        topic=row.topic,
        text=row.text,
        score=row.score or 0,
        score_label=i18n.score_text(row.score, language),
        answered=row.score is not None,
        mistake=row.mistake,
        good=feedback.good if feedback else "",
        missing=feedback.missing if feedback else "",
        strong=feedback.strong_answer if feedback else "",
        answer=entry.answer,
    )


class ReportState(rx.State):
    """What the report page shows; every value is computed by services/reports."""

    shown_chat: rx.Field[str] = rx.field("")
    title: rx.Field[str] = rx.field("")
    attempt: rx.Field[int] = rx.field(0)
    overall: rx.Field[str] = rx.field("")
    summary: rx.Field[str] = rx.field("")
    estimate: rx.Field[bool] = rx.field(False)
    cards: rx.Field[list[ReportCard]] = rx.field(default_factory=list)
    chart: rx.Field[list[dict[str, int]]] = rx.field(default_factory=list)
    loaded: rx.Field[bool] = rx.field(False)
    not_found: rx.Field[bool] = rx.field(False)
    not_ready: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")

    def chat_in_url(self) -> str:
        """The chat id from the URL (/chat/[chat_id]/report)."""
        return str(getattr(self, "chat_id", ""))

    def show(self, report: Report, language: str) -> None:
        cards = [report_card(entry, language) for entry in report.entries]
        self.shown_chat, self.title, self.attempt = report.chat_id, report.title, report.attempt
        self.overall = i18n.score_text(report.overall_score, language)
        self.summary, self.estimate, self.cards = report.summary, report.estimate, cards
        self.chart = [{"number": card.number, "score": card.score} for card in cards]

    @rx.event
    async def open(self):
        """On load: the session check, the sidebar, then the report (or why there is none)."""
        self.loaded = self.not_found = self.not_ready = False
        self.error, self.cards, self.chart = "", [], []
        self.shown_chat = self.chat_in_url()
        who = await open_private_page(self)
        if who is None:
            return await not_signed_in(self)
        language = await language_of(self)
        try:
            self.show(await hub.get_services().reports.report(who.user.id, self.chat_in_url()), language)
        except NotFound:
            self.not_found = True
        except Conflict:
            self.not_ready = True
        except ServiceError as exc:
            self.error = i18n.error_message(exc, language)
        self.loaded = True
        return None

    async def _download(self, kind: str):
        try:
            who = await acting_user(self)
        except ServiceError as exc:  # cannot be checked now: said here, the user stays
            self.error = i18n.error_message(exc, await language_of(self))
            return None
        if who is None:
            return rx.redirect(routes.LOGIN, replace=True)
        self.error = ""
        reports = hub.get_services().reports
        render = reports.markdown if kind == "md" else reports.pdf
        try:
            file: Download = await render(who.user.id, self.chat_in_url())
        except ServiceError as exc:
            self.error = i18n.error_message(exc, await language_of(self))
            return None
        return rx.download(data=file.data, filename=file.filename, mime_type=file.media_type)

    @rx.event
    async def download_markdown(self):
        return await self._download("md")

    @rx.event
    async def download_pdf(self):
        return await self._download("pdf")
