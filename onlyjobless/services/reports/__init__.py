"""The evaluation report of one attempt: its model, and its renderings as Markdown and PDF.

- model: the report built from a chat view (rows of the evaluation, the candidate's answers)
- markdown: the report as a Markdown document
- pdf: the report as a PDF document, with a Unicode font so every language renders
- service: `Reports`, what the REST API and the report screen call
"""

from onlyjobless.services.reports.model import Report, ReportEntry, build_report
from onlyjobless.services.reports.service import Download, Reports

__all__ = ["Download", "Report", "ReportEntry", "Reports", "build_report"]
