"""Reports and exports: the documents the plan asks for, built from plain `ReportData`.

- `build_xlsx`: the follow-up workbook (one sheet per department, escalations, overdue items,
  a summary of counts);
- `build_report_docx`: "Báo cáo tổng hợp ý kiến, kiến nghị của Nhân dân";
- `build_escalations_docx`: the list of requests sent up to the city / central level.

With `ReportData.public` set, every text is masked with the intake's personal-data detector
and submitters are left out, so the documents can be published.
"""

from triage.reports.export import EXPORT_KINDS, ExportKind, export_bytes, write_export
from triage.reports.letterhead import Letterhead, letterhead_for, place_and_date
from triage.reports.models import (
    RecordError,
    ReportData,
    ReportOpinion,
    report_opinions_from_records,
)
from triage.reports.view import Issue, ReportView
from triage.reports.word import build_escalations_docx, build_report_docx
from triage.reports.xlsx import build_xlsx

__all__ = [
    "EXPORT_KINDS",
    "ExportKind",
    "Issue",
    "Letterhead",
    "RecordError",
    "ReportData",
    "ReportOpinion",
    "ReportView",
    "build_escalations_docx",
    "build_report_docx",
    "build_xlsx",
    "export_bytes",
    "letterhead_for",
    "place_and_date",
    "report_opinions_from_records",
    "write_export",
]
