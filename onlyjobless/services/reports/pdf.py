"""The report as a PDF document (fpdf2), set in DejaVu Sans so Cyrillic and other scripts render.

The font comes from Debian's fonts-dejavu-core package (installed by the Makefile and the
Dockerfile); FONT_DIR overrides where it is looked for.
"""

from __future__ import annotations

import os
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from onlyjobless import i18n
from onlyjobless.domain.errors import Unavailable
from onlyjobless.services.reports.model import Report, ReportEntry

DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVu"
MARGIN = 18


def font_dir() -> Path:
    return Path(os.environ.get("FONT_DIR", DEFAULT_FONT_DIR))


class _Document(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self._footer_text = footer_text
        folder = font_dir()
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if not regular.is_file() or not bold.is_file():
            raise Unavailable("report_font_missing")
        self.add_font(FONT, "", regular)
        self.add_font(FONT, "B", bold)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(120)
        self.cell(0, 5, f"{self._footer_text} · {self.page_no()}", align="C")
        self.set_text_color(0)

    def block(self, text: str, size: float = 10, style: str = "", height: float = 5.2) -> None:
        """A paragraph across the page's width."""
        self.set_font(FONT, style, size)
        self.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def gap(self, height: float = 2.5) -> None:
        self.ln(height)


def _chart(doc: _Document, report: Report) -> None:
    """A bar per question (its score out of ten), numbered as asked."""
    scored = report.entries
    width = doc.w - 2 * MARGIN
    top, height = doc.get_y() + 2, 32
    if top + height + 8 > doc.h - MARGIN:
        doc.add_page()
        top = doc.get_y() + 2
    step = width / max(len(scored), 1)
    bar = min(step * 0.6, 14)
    doc.set_draw_color(200)
    doc.line(MARGIN, top + height, MARGIN + width, top + height)
    doc.set_font(FONT, "", 7)
    for position, entry in enumerate(scored):
        score = entry.row.score or 0
        x = MARGIN + position * step + (step - bar) / 2
        filled = height * score / 10
        doc.set_fill_color(*((214, 110, 40) if entry.row.mistake else (46, 140, 87)))
        if filled:
            doc.rect(x, top + height - filled, bar, filled, style="F")
        doc.set_xy(x - 2, top + height + 0.5)
        doc.cell(bar + 4, 4, str(entry.row.number), align="C")
    doc.set_xy(MARGIN, top + height + 6)


def _entry(doc: _Document, entry: ReportEntry, t: dict[str, str], language: str) -> None:
    row = entry.row
    doc.gap(3)
    doc.block(f"{row.number}. {row.topic} — {i18n.score_text(row.score, language)}", 12, "B", 6)
    doc.block(row.text, 10)
    doc.gap(1.5)
    doc.block(t["report.your_answer"], 9, "B")
    doc.set_text_color(70)
    doc.block(entry.answer or t["report.no_answer"], 9.5)
    doc.set_text_color(0)
    if row.feedback is not None:
        for key, value in (
            ("evaluation.good", row.feedback.good),
            ("evaluation.missing", row.feedback.missing),
            ("evaluation.strong_answer", row.feedback.strong_answer),
        ):
            if value:
                doc.gap(1.5)
                doc.block(t[key], 9, "B")
                doc.block(value, 9.5)


def render_pdf(report: Report) -> bytes:
    """The whole report on A4 pages: heading, overall score, chart, summary, every question."""
    language = report.language
    t = i18n.strings(language)
    doc = _Document(f"OnlyJobless · {report.title}")
    doc.set_title(f"{t['report.title']}: {report.title}")
    doc.set_creator("OnlyJobless")
    doc.add_page()
    doc.block(f"{t['report.title']}: {report.title}", 17, "B", 8)
    doc.block(f"{t['report.attempt']} {report.attempt} · {report.created_at:%Y-%m-%d}", 9)
    doc.gap()
    doc.block(f"{t['evaluation.overall']}: {i18n.score_text(report.overall_score, language)}", 14, "B", 7)
    if report.estimate:
        doc.block(t["evaluation.offline_label"], 9)
    _chart(doc, report)
    if report.summary:
        doc.block(report.summary, 10)
    for entry in report.entries:
        _entry(doc, entry, t, language)
    return bytes(doc.output())
