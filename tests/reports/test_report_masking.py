"""The public version of every export carries no personal data.

Opinions below hold names (after an honorific, and a bare name that is only known from the
submitter field), phone numbers in several spellings, 12-digit citizen IDs, an old 9-digit ID
and e-mail addresses, in the text, in a stale `masked_text`, in the department's answer and in
the submitter field. Each public document is opened and every cell, paragraph, table cell,
header and footer is searched, and so is the raw XML of every part of the file.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from office_readers import docx_texts, raw_xml_text, xlsx_texts

from triage.jurisdiction import Jurisdiction
from triage.reports import EXPORT_KINDS, ReportData, ReportOpinion, export_bytes

NAMES = ["Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Thu Hà", "Đặng Quốc Khánh",
         "Hoàng Minh Đức", "Vũ Thị Hằng"]
PHONES = ["0912 345 678", "+84 904 123 456", "024 3383 1234", "0983.456.789"]
IDS = ["001078012345", "038 090 001 234", "112233445"]
EMAILS = ["nguyenvanan.st@gmail.com", "tran.bich.ngoc@sontay.hanoi.gov.vn"]
SECRETS = NAMES + PHONES + IDS + EMAILS


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.fixture
def personal_data(jurisdiction: Jurisdiction) -> ReportData:
    opinions = [
        ReportOpinion(
            id="p-1", cluster="g1", cluster_size=2, sources=["p-1", "p-2"],
            text="Ông Nguyễn Văn An ở tổ 3 đề nghị cấp sổ đỏ lần đầu cho thửa đất ông khai hoang "
                 "năm 1990, điện thoại 0912 345 678, email nguyenvanan.st@gmail.com.",
            submitter="Ông Nguyễn Văn An", locality="trung_hung", category="first_issuance",
            department="tnmt",
            answer="Đã liên hệ ông Nguyễn Văn An qua số 0912 345 678, hẹn làm việc ngày 12/9.",
        ),
        ReportOpinion(
            id="p-2", cluster="g1", duplicate_of="p-1", cluster_size=2,
            text="bà Trần Thị Bích Ngọc (CCCD 001078012345) cũng đề nghị cấp sổ lần đầu cho đất "
                 "khai hoang; liên hệ +84 904 123 456.",
            # A stale masked text from an older detector: the public version re-masks it.
            masked_text="bà Trần Thị Bích Ngọc (CCCD 001078012345) cũng đề nghị cấp sổ lần đầu "
                        "cho đất khai hoang; liên hệ [số điện thoại].",
            submitter="Bà Trần Thị Bích Ngọc", locality="kim_son", category="first_issuance",
            department="tnmt",
        ),
        ReportOpinion(
            id="p-3", cluster="g2",
            text="Chị Lê Thu Hà, số CMND 112233445, số máy bàn 024 3383 1234, căn cước "
                 "038 090 001 234, đề nghị hạ diện tích tối thiểu tách thửa.",
            submitter="Chị Lê Thu Hà", locality="duong_lam",
            category="transaction_registration", department="vpdkdd", escalate=True,
            escalation_level="city",
            escalation_reason="Diện tích tối thiểu tách thửa do UBND Thành phố quy định.",
        ),
        ReportOpinion(
            id="p-4", cluster="g3",
            text="Đặng Quốc Khánh đề nghị hướng dẫn thủ tục sang tên; thư gửi "
                 "tran.bich.ngoc@sontay.hanoi.gov.vn; ĐT 0983.456.789.",
            submitter="Đặng Quốc Khánh", locality=None, category="transaction_registration",
            department="vpdkdd", deadline=date(2023, 9, 15),
        ),
        ReportOpinion(
            id="p-5", cluster="g4",
            text="Đề nghị sửa đường liên thôn bị xuống cấp.",
            submitter="Ông Hoàng Minh Đức (tổ 9)", locality="xuan_son", category="off_topic",
            department="qldt", answer="Đã đưa vào kế hoạch duy tu năm 2024.",
        ),
        ReportOpinion(
            id="p-6", cluster="g5",
            text="Đề nghị giảm thuế thu nhập cá nhân khi chuyển nhượng cho người thân.",
            submitter="Vũ Thị Hằng", locality="le_loi", category="transaction_registration",
            department="thue", escalate=True, escalation_level="central",
            escalation_reason="Thuế suất do luật quy định, thuộc thẩm quyền Quốc hội.",
        ),
    ]
    return ReportData("Hội nghị đối thoại năm 2023", jurisdiction, date(2023, 9, 6), opinions,
                      public=True)


def _texts(kind: str, content: bytes) -> list[str]:
    return xlsx_texts(content) if kind == "xlsx" else docx_texts(content)


def _leaks(kind: str, content: bytes) -> list[str]:
    texts = _texts(kind, content)
    joined = "\n".join(texts)
    digits = "\n".join(_digits(t) for t in texts)
    raw = raw_xml_text(content)
    found = [s for s in SECRETS if s in joined or s in raw]
    found += [s for s in PHONES + IDS if _digits(s) in digits]
    return found


@pytest.mark.parametrize("kind", sorted(EXPORT_KINDS))
def test_public_exports_carry_no_personal_data(kind: str, personal_data: ReportData) -> None:
    content = export_bytes(personal_data, kind)
    assert _leaks(kind, content) == []
    # The documents still say something: masked forms and the requests themselves remain.
    joined = "\n".join(_texts(kind, content))
    if kind != "escalations":
        assert "Ông N.V.A." in joined
        assert "[số điện thoại]" in joined
        assert "[email]" in joined
        assert "Đ.Q.K. đề nghị hướng dẫn thủ tục sang tên" in joined
    assert "[số CCCD/CMND]" in joined
    assert "diện tích tối thiểu tách thửa" in joined


@pytest.mark.parametrize("kind", sorted(EXPORT_KINDS))
def test_internal_exports_keep_them(kind: str, personal_data: ReportData) -> None:
    """The search above can see personal data: the internal lists do contain it."""
    personal_data.public = False
    content = export_bytes(personal_data, kind)
    leaks = _leaks(kind, content)
    assert "Lê Thu Hà" in leaks and "038 090 001 234" in leaks
    if kind != "escalations":
        assert {"Nguyễn Văn An", "0912 345 678", "nguyenvanan.st@gmail.com"} <= set(leaks)
        assert "Hoàng Minh Đức" in leaks  # named only as submitter, listed as a source


def test_public_sample_exports_hide_every_submitter(sample_data: ReportData) -> None:
    sample_data.public = True
    submitter_names = ["Nguyễn Văn Bình", "Kiều Thị Hoa", "Lê Văn Nam", "Đỗ Văn Hải",
                       "Phùng Văn Tuấn", "Phạm Thị Lan", "Trần Thị Mai", "Khuất Duy Tiến"]
    for kind in EXPORT_KINDS:
        content = export_bytes(sample_data, kind)
        joined = "\n".join(_texts(kind, content)) + raw_xml_text(content)
        assert [n for n in submitter_names if n in joined] == [], kind
        assert "0912 345 678" not in joined and "lenam.st@gmail.com" not in joined
