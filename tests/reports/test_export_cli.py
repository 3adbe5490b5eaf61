"""`triage export`: from a JSONL of triage records to the documents, with clear errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from office_readers import open_xlsx, xlsx_texts

from triage.cli import EXIT_INPUT, main

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "reports" / "sample-records.jsonl"


@pytest.mark.parametrize(("kind", "suffix"), [("xlsx", ".xlsx"), ("report", ".docx"),
                                              ("escalations", ".docx")])
def test_export_each_kind(kind: str, suffix: str, tmp_path: Path) -> None:
    out = tmp_path / "sub" / f"out{suffix}"
    status = main(["export", str(SAMPLE), "--kind", kind, "--out", str(out),
                   "--today", "2023-09-06"])
    assert status == 0
    content = out.read_bytes()
    if suffix == ".xlsx":
        assert "Tổng hợp" in open_xlsx(content).sheetnames
    else:
        paragraphs = [p.text for p in Document(io.BytesIO(content)).paragraphs]
        assert any("Hội nghị đối thoại năm 2023" in p for p in paragraphs)
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temp left


def test_export_public_and_options(tmp_path: Path) -> None:
    out = tmp_path / "cong-khai.xlsx"
    status = main(["export", str(SAMPLE), "--kind", "xlsx", "--out", str(out), "--public",
                   "--today", "2023-09-06", "--campaign", "Đối thoại 2023",
                   "--scope", "Toàn thị xã"])
    assert status == 0
    texts = xlsx_texts(out.read_bytes())
    assert "Đối thoại 2023" in texts
    assert "Phạm vi: Toàn thị xã" in texts
    assert not any("Nguyễn Văn Bình" in t for t in texts)


def test_bad_json_line_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "records.jsonl"
    source.write_text('{"id": "a", "text": "Đề nghị cấp sổ."}\n{not json}\n', encoding="utf-8")
    status = main(["export", str(source), "--kind", "report", "--out", str(tmp_path / "r.docx")])
    assert status == EXIT_INPUT
    err = capsys.readouterr().err
    assert "Dòng 2 không phải JSON hợp lệ" in err
    assert not (tmp_path / "r.docx").exists()


def test_record_without_text_is_refused(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "records.jsonl"
    source.write_text('{"id": "a"}\n', encoding="utf-8")
    status = main(["export", str(source), "--kind", "xlsx", "--out", str(tmp_path / "x.xlsx")])
    assert status == EXIT_INPUT
    assert "thiếu nội dung ý kiến" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--today", "06/09/2023"], "--today '06/09/2023': ngày phải có dạng YYYY-MM-DD."),
        (["--dialogue-date", "15.9"], "--dialogue-date '15.9'"),
    ],
)
def test_bad_dates_are_refused(args: list[str], message: str, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["export", str(SAMPLE), "--kind", "xlsx", "--out", str(tmp_path / "x.xlsx"),
                   *args])
    assert status == EXIT_INPUT
    assert message in capsys.readouterr().err


def test_missing_and_empty_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "x.xlsx")
    assert main(["export", str(tmp_path / "none.jsonl"), "--kind", "xlsx", "--out", out]) \
        == EXIT_INPUT
    assert "Không tìm thấy tệp đầu vào" in capsys.readouterr().err
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert main(["export", str(empty), "--kind", "xlsx", "--out", out]) == EXIT_INPUT
    assert "không có bản ghi nào" in capsys.readouterr().err
