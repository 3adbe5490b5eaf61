"""Follow-up in the web app: "Theo dõi trả lời" with overdue issues per department in working
days, the answer form on the opinion page (CSRF, roles), real statuses on the dashboard,
campaign dates, and document downloads (internal and public) of what a page shows.

"Today" is fixed at 6/9/2023 by the settings: a week after the 30/8 answer deadline, with the
Quốc khánh holidays (1/9–4/9) in between, so unanswered issues are 3 working days late."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from web_helpers import VETERANS, csrf_from, submit_text

from storage import repositories as repo
from triage.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "intake"
ClientFor = Callable[[str | None], tuple[TestClient, str]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PERSONAL = ["Nguyễn Văn Bình", "Kiều Thị Hoa", "Phùng Văn Tuấn", "0912 345 678", "0912345678"]
ANSWER = "Phòng TN&MT đã kiểm tra hồ sơ, hẹn trả kết quả trước ngày 15/9/2023."


@pytest.fixture
def web_db_url(db_url: str) -> str:
    """Every page here on SQLite, and on PostgreSQL when TRIAGE_TEST_POSTGRES_URL is set."""
    return db_url


@pytest.fixture
def web_settings(web_settings: Settings) -> Settings:
    return web_settings.model_copy(update={"today": date(2023, 9, 6)})


@pytest.fixture
def batch(client_for: ClientFor) -> str:
    client, token = client_for("vp-ubnd")
    text = (FIXTURES / "tong_hop_mttq_thi_xa.txt").read_text(encoding="utf-8") + VETERANS
    return submit_text(client, token, text)


def opinion_with(app: FastAPI, batch: str, words: str) -> str:
    with app.state.runtime.session() as session:
        row = repo.get_batch(session, batch)
        assert row is not None
        return next(o.public_id for o in row.opinions if words in o.text)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(c.text for c in row.cells)
    return "\n".join(texts)


def test_followup_page_lists_overdue_issues_per_department_in_working_days(
    client_for: ClientFor, batch: str
) -> None:
    client, _ = client_for("vp-ubnd")
    page = client.get("/followup")
    assert page.status_code == 200
    text = page.text
    assert "<h1>Theo dõi trả lời</h1>" in text
    assert "Hôm nay 06/09/2023" in text and "<b>30/08/2023</b>" in text
    assert "Phòng Tài nguyên và Môi trường thị xã" in text
    assert "Quá hạn 3 ngày làm việc" in text and "Quá hạn 7 ngày" not in text
    assert 'href="/exports/xlsx?' in text and "public=1" in text


def test_recording_an_answer_on_the_opinion_page(
    client_for: ClientFor, app: FastAPI, batch: str
) -> None:
    client, token = client_for("vp-ubnd")
    target = opinion_with(app, batch, "tháng 3/2021")
    page = client.get(f"/opinions/{target}").text
    assert f'action="/opinions/{target}/answer"' in page and "Quá hạn 3 ngày làm việc" in page

    # Without the session's CSRF token nothing is stored.
    r = client.post(f"/opinions/{target}/answer", data={"answer": ANSWER})
    assert r.status_code == 403 and "chống giả mạo" in r.text
    r = client.post(f"/opinions/{target}/answer",
                    data={"csrf_token": "sai" * 12, "answer": ANSWER})
    assert r.status_code == 403
    assert ANSWER not in client.get(f"/opinions/{target}").text

    r = client.post(f"/opinions/{target}/answer", follow_redirects=False,
                    data={"csrf_token": token, "answer": ANSWER,
                          "reference": "Văn bản số 125/TNMT ngày 29/8/2023",
                          "next": f"/opinions/{target}#answer"})
    assert r.status_code == 303 and r.headers["location"] == f"/opinions/{target}#answer"
    page = client.get(f"/opinions/{target}").text
    assert "Đã ghi câu trả lời của cơ quan" in page
    assert "hẹn trả kết quả trước ngày 15/9/2023" in page
    assert "Văn bản số 125/TNMT ngày 29/8/2023" in page and "bởi vp-ubnd" in page
    assert '<span class="badge badge-ok">Đã trả lời</span>' in page
    assert "Trả lời của cơ quan" in page  # in the decision history

    # An empty answer is refused with a Vietnamese message.
    r = client.post(f"/opinions/{target}/answer", data={"csrf_token": token, "answer": "  "})
    assert r.status_code == 422 and "không được để trống" in r.text

    # The dashboard counts it as answered; the follow-up page no longer lists it as late.
    board = client.get("/").text
    assert re.search(r"Đã ghi nhận câu trả lời cho <b>1</b> ý kiến", board)
    awaiting = re.findall(r'<td data-label="Chờ trả lời" class="num">(\d+)</td>', board)
    total = int(re.search(r">(\d+)</b><span>ý kiến</span>", board).group(1))  # type: ignore[union-attr]
    assert sum(int(n) for n in awaiting) == total - 1
    assert f'href="/opinions/{target}"' not in client.get("/followup").text
    # And the answer is in the consolidated report.
    report = client.get("/exports/report")
    assert report.status_code == 200 and report.headers["content-type"] == DOCX
    assert "hẹn trả kết quả trước ngày 15/9/2023" in docx_text(report.content)


def test_intake_staff_cannot_answer_nor_see_the_followup_page(
    client_for: ClientFor, app: FastAPI, batch: str
) -> None:
    intake, token = client_for("mttq-le-loi")
    target = opinion_with(app, batch, "tháng 3/2021")
    assert intake.get("/followup").status_code == 403
    r = intake.post(f"/opinions/{target}/answer", data={"csrf_token": token, "answer": ANSWER})
    assert r.status_code == 403
    with app.state.runtime.session() as session:
        stored = repo.get_opinion(session, target)
        assert stored is not None and stored.answer is None
    anonymous, _ = client_for(None)
    r = anonymous.get("/exports/xlsx", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_downloads_of_a_view_internal_and_public(client_for: ClientFor, batch: str) -> None:
    client, _ = client_for("vp-ubnd")
    results = client.get(f"/batches/{batch}").text
    assert f'href="/exports/report?batch={batch}"' in results
    assert "Báo cáo công khai" in results
    search = client.get("/opinions?department=tnmt").text
    assert 'href="/exports/xlsx?department=tnmt"' in search

    r = client.get("/exports/xlsx", params={"department": "tnmt"})
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert "tong-hop-y-kien-20230906.xlsx" in r.headers["content-disposition"]
    sheets = load_workbook(io.BytesIO(r.content)).sheetnames
    assert any("TN&MT" in name for name in sheets)
    assert not any("VPĐKĐĐ" in name for name in sheets)

    internal = docx_text(client.get("/exports/report").content)
    assert "Nguyễn Văn Bình" in internal
    for kind in ("xlsx", "report", "escalations"):
        r = client.get(f"/exports/{kind}", params={"public": "1"})
        assert r.status_code == 200 and "cong-khai" in r.headers["content-disposition"]
        with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
            xml = "\n".join(archive.read(n).decode("utf-8", "replace")
                            for n in archive.namelist())
        for secret in PERSONAL:
            assert secret not in xml, (kind, secret)
    assert client.get("/exports/pdf").status_code == 404


def test_campaign_dates_form_sets_the_post_dialogue_deadlines(
    client_for: ClientFor, batch: str
) -> None:
    client, token = client_for("vp-ubnd")
    page = client.get("/followup").text
    assert "chưa có ngày đối thoại" in page
    r = client.post("/followup/dates", data={"dialogue_date": "2023-09-12",
                                             "conclusion_date": "2023-09-25"})
    assert r.status_code == 403
    r = client.post("/followup/dates", follow_redirects=False,
                    data={"csrf_token": csrf_from(page), "dialogue_date": "2023-09-12",
                          "conclusion_date": "2023-09-25"})
    assert r.status_code == 303
    page = client.get("/followup").text
    assert "hạn 26/09/2023" in page and "hạn 06/11/2023" in page
    r = client.post("/followup/dates", data={"csrf_token": token, "dialogue_date": "12/9"})
    assert r.status_code == 422 and "không đúng dạng ngày" in r.text
