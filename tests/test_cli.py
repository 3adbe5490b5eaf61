"""The `triage` command, run as users run it (the installed console script)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from triage.text import encode_legacy

TRIAGE = str(Path(sys.executable).parent / "triage")
FIXTURES = Path(__file__).parent / "fixtures" / "intake"
CONTRACT_FIELDS = {
    "id", "text", "locality", "category", "confidence", "department", "escalate",
    "escalation_level", "escalation_reason", "cluster", "duplicate_of", "needs_review",
}


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([TRIAGE, *args], input=stdin, capture_output=True, timeout=300)


def records(out: bytes) -> list[dict]:
    return [json.loads(line) for line in out.decode("utf-8").splitlines()]


def test_jsonl_from_stdin_gives_contract_records_in_input_order():
    lines = [
        {"id": "hue-1", "text": "Đề nghị sớm cấp sổ đỏ lần đầu cho các hộ ở xã Kim Sơn đã sử "
                                "dụng đất ổn định từ trước năm 1993."},
        {"id": "hue-2", "text": "Thủ tục sang tên sổ đỏ khi mua bán đất ở chi nhánh văn phòng "
                                "đăng ký đất đai quá chậm, đề nghị rút ngắn thời gian."},
        {"id": "hue-3", "text": "De nghi sua den duong o to 7 phuong Le Loi bi hong lau ngay."},
        {"id": "hue-4", "text": "Đề nghị sớm cấp giấy chứng nhận lần đầu cho các hộ ở xã Kim "
                                "Sơn đã sử dụng đất ổn định từ trước năm 1993."},
    ]
    stdin = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode()
    result = run("run", "-", "--format", "jsonl", stdin=stdin)
    assert result.returncode == 0, result.stderr.decode()
    out = records(result.stdout)
    assert [r["id"] for r in out] == ["hue-1", "hue-2", "hue-3", "hue-4"]
    for record in out:
        assert set(record) >= CONTRACT_FIELDS
        assert 0 <= record["confidence"] <= 1
    assert [r["category"] for r in out[:3]] == [
        "first_issuance", "transaction_registration", "off_topic"]
    assert out[0]["locality"] == "kim_son" and out[2]["locality"] == "le_loi"
    # The same request with "sổ đỏ" and "giấy chứng nhận" is one issue with two sources.
    assert out[3]["cluster"] == out[0]["cluster"]
    assert out[3]["duplicate_of"] == "hue-1" and out[0]["duplicate_of"] is None
    assert out[1]["cluster"] != out[0]["cluster"]


def test_compiled_document_takes_localities_from_sections(tmp_path: Path):
    target = tmp_path / "out.jsonl"
    result = run("run", str(FIXTURES / "tong_hop_mttq_thi_xa.txt"), "--out", str(target))
    assert result.returncode == 0, result.stderr.decode()
    out = records(target.read_bytes())
    assert len(out) >= 8
    assert out[0]["locality"] == "trung_hung"
    assert any(r["locality"] == "duong_lam" for r in out)
    assert all(not r["text"].startswith(("1.", "2.", "-", "a)")) for r in out)
    # Phone numbers in a submitted opinion are masked in the public text.
    phones = [r for r in out if "0912 345 678" in r["text"]]
    assert phones and all("0912 345 678" not in r["masked_text"] for r in phones)


def test_tcvn3_document_is_repaired(tmp_path: Path):
    text = ("I. XÃ ĐƯỜNG LÂM\n1. Đề nghị thị xã sớm cấp giấy chứng nhận quyền sử dụng đất lần "
            "đầu cho các hộ dân thôn Mông Phụ.\n")
    source = tmp_path / "cu.txt"
    source.write_bytes(encode_legacy(text, "tcvn3").encode("utf-8"))
    result = run("run", str(source))
    assert result.returncode == 0, result.stderr.decode()
    [record] = records(result.stdout)
    assert "cấp giấy chứng nhận quyền sử dụng đất lần đầu" in record["text"]
    assert record["category"] == "first_issuance"
    assert record["locality"] == "duong_lam"


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_other_output_formats(fmt: str):
    result = run("run", str(FIXTURES / "excel_dan_tsv.txt"), "--format", fmt)
    assert result.returncode == 0, result.stderr.decode()
    text = result.stdout.decode()
    assert "category" in text.splitlines()[0]
    assert len(text.splitlines()) > 2


@pytest.mark.parametrize(
    ("stdin", "needle"),
    [
        (b"", "trống"),
        (b"\x00\x01\x02binary\xff\xfe" * 50, "không phải văn bản"),
        (b'{"text": "ok"}\n{"text": "hai"}\n{broken\n', "Dòng 3"),
    ],
)
def test_unreadable_input_fails_with_one_line_and_no_output(tmp_path: Path, stdin, needle):
    target = tmp_path / "out.jsonl"
    result = run("run", "-", "--out", str(target), stdin=stdin)
    assert result.returncode == 2
    message = result.stderr.decode().strip()
    assert len(message.splitlines()) == 1
    assert needle in message
    assert not target.exists()
    assert result.stdout == b""


def test_missing_file_is_a_clear_error():
    result = run("run", "/nonexistent/batch.txt")
    assert result.returncode == 2
    assert "Không tìm thấy" in result.stderr.decode()
