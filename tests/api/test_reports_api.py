"""Documents and follow-up through the API, from stored opinions: exports of any filtered view
(opened with openpyxl and python-docx), the public version without personal data, the
departments' answers, statuses and overdue lists counted in working days, campaign dates and
roles. The answer deadline of the 2023 plan is 30/8/2023; 1/9–4/9 are Quốc khánh holidays."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from api_helpers import OPINIONS, auth
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BEFORE = "2023-08-28"  # before the deadline: nothing is late
LATE = "2023-09-06"  # 31/8, 5/9 and 6/9 are the three working days late
STATUSES = ("chưa trả lời", "đã trả lời", "quá hạn")

NAMES = ["Nguyễn Văn Bình", "Trần Thị Hoa", "Lê Quang Vinh"]
PHONES = ["0912 345 678", "0983.456.789"]
IDS = ["001185012345"]
EMAILS = ["hoa.tran.sontay@gmail.com"]
PERSONAL = [
    {"text": "Ông Nguyễn Văn Bình ở thôn Mông Phụ, điện thoại 0912 345 678, đề nghị cấp giấy "
             "chứng nhận lần đầu cho thửa đất số 125 tờ bản đồ số 7 mà gia đình ông sử dụng "
             "ổn định từ năm 1985.",
     "submitter": "Ông Nguyễn Văn Bình", "locality": "duong_lam"},
    {"text": "Bà Trần Thị Hoa (CCCD 001185012345, email hoa.tran.sontay@gmail.com) phản ánh hồ "
             "sơ đăng ký biến động sang tên thửa đất nhận chuyển nhượng nộp từ tháng 3 đến nay "
             "chưa được giải quyết.",
     "submitter": "Trần Thị Hoa", "locality": "trung_hung"},
    {"text": "Đề nghị hướng dẫn thủ tục tách thửa để tặng cho con; liên hệ anh Lê Quang Vinh "
             "số 0983.456.789.",
     "submitter": "Lê Quang Vinh", "locality": "kim_son"},
]


def xlsx_texts(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    texts = list(workbook.sheetnames)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            texts.extend(str(c.value) for c in row if c.value is not None)
    return texts


def docx_texts(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        texts.extend(p.text for p in section.header.paragraphs)
        texts.extend(p.text for p in section.footer.paragraphs)
    return texts


def raw_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def issue_rows(content: bytes) -> dict[str, list[Any]]:
    """The issue rows of every department sheet (STT, nội dung, nguồn, địa bàn, hạn,
    trạng thái...), by the representative's text."""
    workbook = load_workbook(io.BytesIO(content))
    rows: dict[str, list[Any]] = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            if isinstance(row[0], int) and len(row) > 5 and row[5] in STATUSES:
                rows[str(row[1])] = list(row)
    return rows


def texts_of(kind: str, content: bytes) -> str:
    return "\n".join(xlsx_texts(content) if kind == "xlsx" else docx_texts(content))


def export(client: TestClient, key: str, kind: str, **params: Any) -> bytes:
    r = client.get(f"/api/v1/exports/{kind}", params=params, headers=auth(key))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == (XLSX if kind == "xlsx" else DOCX)
    assert r.headers["content-disposition"].startswith("attachment; filename=")
    return r.content


def records(client: TestClient, key: str, **params: Any) -> list[dict[str, Any]]:
    r = client.get("/api/v1/opinions", params={"limit": 500, **params}, headers=auth(key))
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


@pytest.fixture
def stored(client: TestClient, keys: dict[str, str]) -> dict[str, Any]:
    """The helpers' opinions (two of them duplicates) and three carrying personal data; the
    city's land-price request is flagged to go up to the city."""
    r = client.post("/api/v1/batches", json={"items": [{"text": t} for t in OPINIONS]},
                    headers=auth(keys["intake"]))
    assert r.status_code == 201, r.text
    first = r.json()
    r = client.post("/api/v1/batches", json={"items": PERSONAL},
                    headers=auth(keys["xa-duong-lam"]))
    assert r.status_code == 201, r.text
    second = r.json()
    by_text = {rec["text"]: rec for rec in first["records"] + second["records"]}
    prices = by_text[OPINIONS[4]]["opinion_id"]
    r = client.post(f"/api/v1/opinions/{prices}/corrections", headers=auth(keys["reviewer"]),
                    json={"escalation": {"escalate": True, "level": "city",
                                         "reason": "Bảng giá đất do UBND Thành phố ban hành."}})
    assert r.status_code == 200, r.text
    return {"first": first, "second": second, "by_text": by_text, "prices": prices}


def test_xlsx_export_shows_departments_duplicates_and_statuses(
    client: TestClient, keys: dict[str, str], stored: dict[str, Any]
) -> None:
    reviewer = keys["reviewer"]
    r = client.get("/api/v1/exports/xlsx", params={"today": BEFORE}, headers=auth(reviewer))
    assert r.status_code == 200
    assert 'filename="tong-hop-y-kien-20230828.xlsx"' in r.headers["content-disposition"]
    workbook = load_workbook(io.BytesIO(r.content))
    recs = records(client, reviewer, today=BEFORE)
    assert {rec["status"] for rec in recs} == {"chưa trả lời"}
    assert {rec["deadline"] for rec in recs} == {"2023-08-30"}
    # Each department that must answer has its sheet, holding its issues' texts.
    all_text = "\n".join(xlsx_texts(r.content))
    for rec in recs:
        if rec["duplicate_of"] is None:
            assert rec["text"][:60] in all_text
    assert len(workbook.sheetnames) >= 4
    # The two wordings of the same request are one issue raised by two people.
    first, third = stored["by_text"][OPINIONS[0]], stored["by_text"][OPINIONS[2]]
    assert first["cluster"] == third["cluster"]
    rows = issue_rows(r.content)
    representative = first if first["duplicate_of"] is None else third
    row = rows[representative["text"]]
    assert str(row[2]).startswith("2"), row
    assert first["opinion_id"] in str(row[2]) and third["opinion_id"] in str(row[2])
    assert {str(r[5]) for r in rows.values()} == {"chưa trả lời"}

    late = issue_rows(export(client, reviewer, "xlsx", today=LATE))
    assert {str(r[5]) for r in late.values()} == {"quá hạn"}


def test_escalations_and_report_documents(
    client: TestClient, keys: dict[str, str], stored: dict[str, Any]
) -> None:
    reviewer = keys["reviewer"]
    content = export(client, reviewer, "escalations", today=LATE)
    text = texts_of("escalations", content)
    assert "VƯỢT THẨM QUYỀN" in text.upper()
    assert OPINIONS[4][:50] in text
    assert "Bảng giá đất do UBND Thành phố ban hành." in text
    report = texts_of("report", export(client, reviewer, "report", today=LATE))
    assert "BÁO CÁO TỔNG HỢP" in report.upper()
    assert OPINIONS[1][:50] in report
    # The internal version names who raised what.
    assert "Trần Thị Hoa" in report


def test_recording_an_answer_changes_status_and_shows_in_exports(
    client: TestClient, keys: dict[str, str], stored: dict[str, Any]
) -> None:
    reviewer = keys["reviewer"]
    first, third = stored["by_text"][OPINIONS[0]], stored["by_text"][OPINIONS[2]]
    representative = first if first["duplicate_of"] is None else third
    member = third if representative is first else first
    answer = ("Phòng Tài nguyên và Môi trường đã rà soát 42 hồ sơ ở thôn Mông Phụ; cấp giấy "
              "trong quý IV năm 2023.")
    r = client.post(f"/api/v1/opinions/{representative['opinion_id']}/answer",
                    params={"today": LATE}, headers=auth(reviewer),
                    json={"answer": answer, "reference": "Văn bản số 125/TNMT ngày 29/8/2023"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "đã trả lời" and body["answer"] == answer
    assert body["answered_by"] == "vp-ubnd" and body["answered_at"]
    event = body["history"][-1]
    assert event["field"] == "answer" and event["actor"] == "vp-ubnd"
    assert event["before"]["answer"] is None and event["after"]["answer"] == answer

    # The same issue raised by someone else is answered too.
    other = client.get(f"/api/v1/opinions/{member['opinion_id']}", params={"today": LATE},
                       headers=auth(reviewer)).json()
    assert other["status"] == "đã trả lời" and other["answer"] == answer
    assert other["answer_from"] == representative["opinion_id"]
    statuses = {rec["opinion_id"]: rec["status"] for rec in records(client, reviewer,
                                                                     today=LATE)}
    assert statuses[stored["prices"]] == "quá hạn"

    report = texts_of("report", export(client, reviewer, "report", today=LATE))
    assert "42 hồ sơ ở thôn Mông Phụ" in report
    workbook = "\n".join(xlsx_texts(export(client, reviewer, "xlsx", today=LATE)))
    assert "đã trả lời" in workbook and "42 hồ sơ ở thôn Mông Phụ" in workbook
    overdue = client.get("/api/v1/followup/overdue", params={"today": LATE},
                         headers=auth(reviewer)).json()
    late_ids = {i for d in overdue["departments"] for item in d["items"]
                for i in item["opinion_ids"]}
    assert representative["opinion_id"] not in late_ids and member["opinion_id"] not in late_ids
    assert stored["prices"] in late_ids

    # Withdrawn by mistake: unanswered again, and the history keeps what it said.
    r = client.delete(f"/api/v1/opinions/{representative['opinion_id']}/answer",
                      params={"today": LATE}, headers=auth(reviewer))
    assert r.status_code == 200 and r.json()["status"] == "quá hạn"
    assert r.json()["history"][-1]["before"]["answer"] == answer


def test_overdue_lists_count_working_days(
    client: TestClient, keys: dict[str, str], stored: dict[str, Any]
) -> None:
    reviewer = keys["reviewer"]

    def overdue(today: str, **params: Any) -> dict[str, Any]:
        r = client.get("/api/v1/followup/overdue", params={"today": today, **params},
                       headers=auth(reviewer))
        assert r.status_code == 200, r.text
        return dict(r.json())

    assert overdue("2023-08-30")["issues"] == 0  # the deadline's own day is not late
    day_after = overdue("2023-08-31")
    assert day_after["issues"] > 0
    assert {i["overdue_days"] for d in day_after["departments"] for i in d["items"]} == {1}
    # 1/9–4/9 are holidays and a weekend: on 6/9 the requests are 3 working days late, not 7.
    late = overdue(LATE)
    assert late["deadline"] == "2023-08-30"
    assert {i["overdue_days"] for d in late["departments"] for i in d["items"]} == {3}
    stored_ids = {rec["opinion_id"] for rec in records(client, reviewer)}
    listed = [i for d in late["departments"] for item in d["items"] for i in item["opinion_ids"]]
    assert sorted(listed) == sorted(stored_ids)
    for department in late["departments"]:
        assert department["department_name"]
        assert department["issues"] == len(department["items"])
    duplicate = next(item for d in late["departments"] for item in d["items"]
                     if len(item["opinion_ids"]) == 2)
    assert duplicate["count"] == 2
    # Per department, with the opinion filters.
    code = late["departments"][0]["department"]
    only = overdue(LATE, department=code)
    assert [d["department"] for d in only["departments"]] == [code]


def test_public_exports_carry_no_personal_data(
    client: TestClient, keys: dict[str, str], stored: dict[str, Any]
) -> None:
    reviewer = keys["reviewer"]
    someone = stored["by_text"][PERSONAL[1]["text"]]["opinion_id"]
    r = client.post(f"/api/v1/opinions/{someone}/answer", headers=auth(reviewer),
                    json={"answer": "Đã mời bà Trần Thị Hoa (0912 345 678) làm việc ngày 12/9."})
    assert r.status_code == 200, r.text
    internal = texts_of("report", export(client, reviewer, "report", today=LATE))
    assert "Nguyễn Văn Bình" in internal  # planted data is there before masking
    for kind in ("xlsx", "report", "escalations"):
        r = client.get(f"/api/v1/exports/{kind}", params={"public": "true", "today": LATE},
                       headers=auth(reviewer))
        assert r.status_code == 200, r.text
        assert "cong-khai" in r.headers["content-disposition"]
        content = r.content
        text = texts_of(kind, content)
        xml = raw_xml(content)
        digits = re.sub(r"\D", "", text + xml)
        for secret in NAMES + EMAILS:
            assert secret not in text and secret not in xml, (kind, secret)
        for secret in PHONES + IDS:
            assert secret not in text and secret not in xml, (kind, secret)
            assert re.sub(r"\D", "", secret) not in digits, (kind, secret)
    public_report = texts_of("report", export(client, reviewer, "report", public="true",
                                              today=LATE))
    assert "thửa đất số 125" in public_report  # the request itself is kept


def test_filtered_views_and_who_may_do_what(
    client: TestClient, keys: dict[str, str], stored: dict[str, Any]
) -> None:
    reviewer, intake = keys["reviewer"], keys["intake"]
    # A view: one batch, one department; the document says what it shows.
    batch = stored["second"]["key"]
    report = texts_of("report", export(client, reviewer, "report", batch=batch, today=LATE))
    assert f"Phạm vi: Đợt {batch}" in report
    assert PERSONAL[1]["text"][:50] in report and OPINIONS[1][:50] not in report
    # An intake key exports only its own batches.
    own = texts_of("report", export(client, intake, "report", today=LATE))
    assert OPINIONS[1][:50] in own and PERSONAL[1]["text"][:50] not in own

    target = stored["by_text"][OPINIONS[1]]["opinion_id"]
    r = client.post(f"/api/v1/opinions/{target}/answer", json={"answer": "Đã giải quyết."},
                    headers=auth(intake))
    assert r.status_code == 403 and "rà soát" in r.json()["detail"]
    r = client.get("/api/v1/followup/overdue", headers=auth(intake))
    assert r.status_code == 403
    assert client.get("/api/v1/exports/xlsx").status_code == 401
    r = client.post(f"/api/v1/opinions/{target}/answer", json={"answer": "   "},
                    headers=auth(reviewer))
    assert r.status_code == 422 and "trống" in r.json()["detail"]
    r = client.post("/api/v1/opinions/b999-0001/answer", json={"answer": "Đã trả lời."},
                    headers=auth(reviewer))
    assert r.status_code == 404 and "b999-0001" in r.json()["detail"]
    r = client.get("/api/v1/exports/pdf", headers=auth(reviewer))
    assert r.status_code == 422 and r.json()["detail"].startswith("Yêu cầu không hợp lệ")


def test_campaign_dates_start_the_follow_up_clocks(
    client: TestClient, keys: dict[str, str]
) -> None:
    reviewer = keys["reviewer"]
    r = client.get("/api/v1/campaign", params={"today": LATE}, headers=auth(reviewer))
    assert r.status_code == 200
    assert r.json()["departments_answer"] == "2023-08-30"
    assert r.json()["results_report_due"] is None
    r = client.patch("/api/v1/campaign", headers=auth(reviewer),
                     json={"dialogue_date": "2023-09-12", "conclusion_date": "2023-09-25"})
    assert r.status_code == 200, r.text
    body = r.json()
    # Ten working days after Tuesday 12/9 is Tuesday 26/9.
    assert body["results_report_due"] == "2023-09-26"
    # Thirty working days after Monday 25/9 (no holiday in between) is Monday 6/11.
    assert body["follow_up_due"] == "2023-11-06"
    r = client.patch("/api/v1/campaign", headers=auth(reviewer),
                     json={"conclusion_date": "2023-09-01"})
    assert r.status_code == 422 and "trước ngày đối thoại" in r.json()["detail"]
    r = client.patch("/api/v1/campaign", headers=auth(keys["intake"]),
                     json={"dialogue_date": "2023-09-12"})
    assert r.status_code == 403
    r = client.patch("/api/v1/campaign", headers=auth(reviewer),
                     json={"departments_answer": "2023-09-08"})
    assert r.json()["departments_answer"] == "2023-09-08"
