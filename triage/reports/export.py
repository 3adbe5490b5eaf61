"""One entry point for every export, so the CLI and the API offer the same kinds of document."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from triage.reports.models import ReportData
from triage.reports.word import build_escalations_docx, build_report_docx
from triage.reports.xlsx import build_xlsx

__all__ = ["EXPORT_KINDS", "ExportKind", "export_bytes", "write_export"]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class ExportKind:
    name: str
    suffix: str
    media_type: str
    build: Callable[[ReportData], bytes]
    filename: str  # a default file name (without suffix) for downloads
    description: str  # Vietnamese, for a menu or a help text


EXPORT_KINDS: dict[str, ExportKind] = {
    "xlsx": ExportKind("xlsx", ".xlsx", XLSX_MEDIA_TYPE, build_xlsx, "tong-hop-y-kien",
                       "Bảng tổng hợp Excel: từng cơ quan, vượt thẩm quyền, quá hạn, số liệu"),
    "report": ExportKind("report", ".docx", DOCX_MEDIA_TYPE, build_report_docx,
                         "bao-cao-tong-hop", "Báo cáo tổng hợp ý kiến, kiến nghị của Nhân dân"),
    "escalations": ExportKind("escalations", ".docx", DOCX_MEDIA_TYPE, build_escalations_docx,
                              "danh-sach-vuot-tham-quyen",
                              "Danh sách ý kiến, kiến nghị vượt thẩm quyền gửi cấp trên"),
}


def export_bytes(data: ReportData, kind: str) -> bytes:
    """The document of `kind` ("xlsx", "report", "escalations") as bytes."""
    try:
        return EXPORT_KINDS[kind].build(data)
    except KeyError:
        raise ValueError(f"unknown export kind {kind!r}; expected one of {sorted(EXPORT_KINDS)}")\
            from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_export(data: ReportData, kind: str, path: str | Path) -> Path:
    """Writes the document whole or not at all (a temporary file renamed into place)."""
    content = export_bytes(data, kind)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; a report is not
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
