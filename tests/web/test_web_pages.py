"""Every page through FastAPI's TestClient: sign-in, CSRF, escaping, intake with preview,
results, review and corrections, duplicate groups, models and the dashboard."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import VETERANS, XSS_OPINION, csrf_from, preview, save, submit_text, wait_for

from storage import repositories as repo
from storage.models import Opinion

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "intake"
ClientFor = Callable[[str | None], tuple[TestClient, str]]


@pytest.fixture(scope="module")
def sample_text() -> str:
    return (FIXTURES / "tong_hop_mttq_thi_xa.txt").read_text(encoding="utf-8") + VETERANS


def stored(app: FastAPI, batch: str) -> list[Opinion]:
    with app.state.runtime.session() as session:
        row = repo.get_batch(session, batch)
        assert row is not None
        return list(row.opinions)


def cards_in(page_html: str) -> list[str]:
    return re.findall(r'<article class="op-card[^"]*" id="op-([^"]+)"', page_html)


# --- sign-in ----------------------------------------------------------------------------------


def test_pages_need_a_signed_in_user(client_for: ClientFor) -> None:
    client, _ = client_for(None)
    for path in ("/", "/review", "/batches/new", "/models", "/opinions", "/batches"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login"), path
    r = client.get("/review?department=tnmt", follow_redirects=False)
    assert r.headers["location"] == "/login?next=%2Freview%3Fdepartment%3Dtnmt"


def test_sign_in_sets_a_protected_cookie_and_sign_out_ends_it(
    client_for: ClientFor, passwords: dict[str, str]
) -> None:
    client, token = client_for(None)
    r = client.post("/login", data={"csrf_token": token, "username": "vp-ubnd",
                                    "password": passwords["vp-ubnd"], "next": "/review"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = client.get("/review")
    assert "Nguyễn Thị Rà Soát" in page.text and "Rà soát" in page.text
    r = client.post("/logout", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_wrong_password_or_unknown_user_is_refused_alike(
    client_for: ClientFor, passwords: dict[str, str]
) -> None:
    client, token = client_for(None)
    texts = []
    for username, password in (("vp-ubnd", "sai-mat-khau"), ("khong-co-ai", "x" * 10)):
        r = client.post("/login", data={"csrf_token": token, "username": username,
                                        "password": password})
        assert r.status_code == 401
        texts.append("Tên đăng nhập hoặc mật khẩu không đúng." in r.text)
    assert texts == [True, True]
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")


def test_redirect_after_sign_in_stays_on_this_site(
    client_for: ClientFor, passwords: dict[str, str]
) -> None:
    client, token = client_for(None)
    r = client.post("/login", data={"csrf_token": token, "username": "admin",
                                    "password": passwords["admin"],
                                    "next": "//evil.example/phish"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    token = csrf_from(client.get("/login").text)
    r = client.post("/login", data={"csrf_token": token, "username": "admin",
                                    "password": passwords["admin"], "next": "/\t/evil.example"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_a_tampered_session_cookie_is_an_anonymous_one(client_for: ClientFor) -> None:
    client, _ = client_for("vp-ubnd")
    value = client.cookies.get("triage_session")
    assert value
    body, mac = value.split(".")
    client.cookies.clear()
    client.cookies.set("triage_session", f"{body}x.{mac}")
    assert client.get("/review", follow_redirects=False).status_code == 303
    client.cookies.clear()
    client.cookies.set("triage_session", value)
    assert client.get("/review", follow_redirects=False).status_code == 200


def test_intake_staff_land_on_the_batch_form_and_cannot_review(client_for: ClientFor) -> None:
    client, token = client_for("mttq-le-loi")
    assert client.get("/", follow_redirects=False).headers["location"] == "/batches/new"
    for path in ("/review", "/models"):
        r = client.get(path)
        assert r.status_code == 403 and "dành cho vai trò" in r.text
    r = client.post("/opinions/b1-0001/correct", data={"csrf_token": token, "field": "confirm"})
    assert r.status_code == 403


# --- CSRF -------------------------------------------------------------------------------------


def test_posts_without_or_with_a_wrong_csrf_token_are_refused(
    client_for: ClientFor, app: FastAPI, passwords: dict[str, str], sample_text: str
) -> None:
    anon, _ = client_for(None)
    r = anon.post("/login", data={"username": "admin", "password": passwords["admin"]})
    assert r.status_code == 403 and "mã chống giả mạo" in r.text
    client, token = client_for("admin")
    _, other_token = client_for("vp-ubnd")
    assert other_token != token
    batch = submit_text(client, token, sample_text)
    target = f"/opinions/{batch}-0001/correct"
    form = {"field": "category", "value": "off_topic"}
    assert client.post(target, data=form).status_code == 403
    assert client.post(target, data={**form, "csrf_token": "sai"}).status_code == 403
    assert client.post(target, data={**form, "csrf_token": other_token}).status_code == 403
    assert client.post("/batches/preview", data={"text": sample_text}).status_code == 403
    assert client.post("/models/retrain", data={}).status_code == 403
    assert client.post("/logout", data={}).status_code == 403
    unchanged = next(o for o in stored(app, batch) if o.public_id == f"{batch}-0001")
    assert unchanged.reviewed is False and unchanged.category != "off_topic"
    # the same correction with this session's token, in the field or in the header, works
    r = client.post(target, data={**form, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    r = client.post(target, data={"field": "confirm"}, headers={"X-CSRF-Token": token},
                    follow_redirects=False)
    assert r.status_code == 303


# --- escaping ---------------------------------------------------------------------------------


def test_html_and_script_in_an_opinion_are_shown_as_text_everywhere(
    client_for: ClientFor, app: FastAPI
) -> None:
    client, token = client_for("admin")
    text = f"1. {XSS_OPINION}\n2. Đề nghị giải quyết hồ sơ sang tên sổ đỏ đúng hạn.\n"
    draft = preview(client, token, text, submitter='MTTQ <i onmouseover="x()">Lê Lợi</i>')
    pages = [client.get(draft).text]
    batch = save(client, token, draft)
    opinion = f"{batch}-0001"
    pages += [client.get(f"/batches/{batch}").text, client.get("/review?reviewed=all").text,
              client.get(f"/opinions/{opinion}").text, client.get("/opinions?q=script").text,
              client.get("/batches").text]
    r = client.post(f"/opinions/{opinion}/correct",
                    data={"csrf_token": token, "field": "category", "value": "first_issuance"},
                    headers={"Accept": "application/json"})
    pages.append(r.json()["html"])
    for page in pages:
        assert "<script>alert(1)</script>" not in page
        assert "<img src=x" not in page and "<b>cấp GCN</b>" not in page
        assert '<i onmouseover' not in page
    for page in pages[:4]:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in pages[1]
    stored_text = stored(app, batch)[0].text
    assert "<script>alert(1)</script>" in stored_text  # kept as the citizen wrote it


def test_pages_send_a_strict_content_security_policy(client_for: ClientFor) -> None:
    client, _ = client_for("admin")
    r = client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/app.js").status_code == 200


# --- intake -----------------------------------------------------------------------------------


def test_preview_shows_the_split_localities_and_the_parts_left_out(
    client_for: ClientFor, sample_text: str
) -> None:
    client, token = client_for("mttq-le-loi")
    page = client.get(preview(client, token, sample_text, submitter="MTTQ thị xã")).text
    assert page.count('class="preview-item card"') == 13
    assert "Phường Trung Hưng: <b>3</b>" in page and "Xã Đường Lâm: <b>4</b>" in page
    assert "Chưa rõ địa bàn: <b>4</b>" in page
    assert "Đoạn không phải ý kiến (20)" in page
    assert "Nơi nhận: TM. BAN THƯỜNG TRỰC" in page and "lời dẫn" in page
    assert 'name="drop-0"' in page and 'name="include-0"' in page
    assert "Lưu và phân loại 13 ý kiến" in page


def test_saving_an_unchanged_preview_keeps_the_original_input(
    client_for: ClientFor, app: FastAPI, sample_text: str
) -> None:
    client, token = client_for("mttq-le-loi")
    batch = submit_text(client, token, sample_text)
    with app.state.runtime.session() as session:
        row = repo.get_batch(session, batch)
        assert row is not None
        assert row.raw_input == sample_text and row.input_format == "document"
        assert row.source == "web" and row.opinion_count == 13
        assert row.opinions[0].section == "PHƯỜNG TRUNG HƯNG"


def test_the_corrections_made_in_the_preview_are_what_is_stored(
    client_for: ClientFor, app: FastAPI, sample_text: str
) -> None:
    client, token = client_for("mttq-le-loi")
    draft = preview(client, token, sample_text)
    page = client.get(draft).text
    lead_in = re.search(r'<li class="card skipped-item" id="skip-(\d+)">\s*<div class="item-head">'
                        r'<span class="badge">lời dẫn</span>', page)
    assert lead_in
    index = lead_in.group(1)
    fields = {
        "drop-4": "1",  # "Thủ tục xin phép sửa chữa nhà…" is not kept
        "text-1": "Hồ sơ cấp GCN lần đầu của gia đình ông Bình nộp từ tháng 3/2021 vẫn chưa "
                  "có kết quả.",
        "locality-9": "xuan_son",
        f"include-{index}": "1",
        f"skip-text-{index}": "Cử tri thôn Mông Phụ đề nghị công khai danh sách hồ sơ cấp GCN "
                              "lần đầu đang giải quyết.",
        f"skip-locality-{index}": "duong_lam",
    }
    # the form sends every field of the preview, as a browser does
    for match in re.finditer(r'<textarea id="(text-\d+)" name="\1"[^>]*>([^<]*)</textarea>', page):
        fields.setdefault(match.group(1), html.unescape(match.group(2)))
    for match in re.finditer(r'<select name="(locality-\d+)">(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', match.group(2))
        fields.setdefault(match.group(1), chosen.group(1) if chosen else "")
    batch = save(client, token, draft, fields)
    opinions = stored(app, batch)
    texts = [o.text for o in opinions]
    assert len(opinions) == 13  # 13 - 1 dropped + 1 included
    assert not any(t.startswith("Thủ tục xin phép sửa chữa nhà") for t in texts)
    assert texts[1].startswith("Hồ sơ cấp GCN lần đầu của gia đình ông Bình")
    included = next(o for o in opinions if "công khai danh sách" in o.text)
    assert included.locality == "duong_lam"
    assert included.position == 4  # the lead-in's place in the document (line 20)
    farmers = next(o for o in opinions if o.text.startswith("Hội viên nông dân"))
    assert farmers.locality == "xuan_son" and farmers.locality_source == "field"
    assert opinions[0].extra.get("section") == "PHƯỜNG TRUNG HƯNG"
    assert opinions[0].submitter == "Cử tri tổ dân phố số 4"


def test_an_empty_or_unreadable_batch_is_refused_on_the_form(client_for: ClientFor) -> None:
    client, token = client_for("mttq-le-loi")
    r = client.post("/batches/preview", data={"csrf_token": token, "text": "  "},
                    files={"file": ("", b"", "application/octet-stream")})
    assert r.status_code == 422 and "Chưa có nội dung" in r.text
    r = client.post("/batches/preview", data={"csrf_token": token, "text": ""},
                    files={"file": ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
                                    "application/msword")})
    assert r.status_code == 422 and ".docx" in r.text


def test_uploaded_xlsx_docx_and_csv_are_previewed(client_for: ClientFor) -> None:
    import docx
    import openpyxl

    client, token = client_for("mttq-le-loi")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["STT", "Họ và tên", "Địa chỉ", "Nội dung ý kiến"])
    sheet.append([1, "Nguyễn Văn An", "thôn Mông Phụ, xã Đường Lâm",
                  "Đề nghị đẩy nhanh cấp giấy chứng nhận lần đầu cho đất giãn dân."])
    sheet.append([2, "Trần Thị Bích", "phường Lê Lợi", "Thủ tục sang tên sổ đỏ còn chậm."])
    xlsx = io.BytesIO()
    book.save(xlsx)
    document = docx.Document()
    document.add_paragraph("I. PHƯỜNG NGÔ QUYỀN")
    document.add_paragraph("1. Đề nghị hướng dẫn thủ tục tách thửa cho các hộ gia đình.")
    document.add_paragraph("2. Đề nghị sửa chữa đèn chiếu sáng ngõ 3.")
    word = io.BytesIO()
    document.save(word)
    csv = "STT,Nội dung ý kiến,Địa chỉ\n1,Xin hỏi thủ tục cấp lại sổ đỏ bị mất,xã Kim Sơn\n"
    for name, data, kind, expected in (
        ("y-kien.xlsx", xlsx.getvalue(), "tệp Excel (.xlsx)", ["Đường Lâm: <b>1</b>",
                                                              "Lê Lợi: <b>1</b>"]),
        ("bao-cao.docx", word.getvalue(), "tệp Word (.docx)", ["Ngô Quyền: <b>2</b>"]),
        ("y-kien.csv", csv.encode(), "bảng CSV", ["Kim Sơn: <b>1</b>"]),
    ):
        page = client.get(preview(client, token, file=(name, data, "application/octet-stream")))
        assert page.status_code == 200, name
        assert kind in page.text and name in page.text
        for text in expected:
            assert text in page.text, (name, text)


def test_saving_shows_progress_then_the_results_and_a_second_click_stores_nothing_twice(
    client_for: ClientFor, app: FastAPI, sample_text: str
) -> None:
    client, token = client_for("mttq-le-loi")
    draft = preview(client, token, sample_text)
    first = client.post(f"{draft}/save", data={"csrf_token": token}, follow_redirects=False)
    second = client.post(f"{draft}/save", data={"csrf_token": token}, follow_redirects=False)
    keys = []
    for response in (first, second):
        job = response.headers["location"]
        assert wait_for(lambda job=job: client.get(f"{job}/status").json()["status"] == "done")
        page = client.get(job, follow_redirects=False)
        assert page.status_code == 303
        keys.append(page.headers["location"])
    assert keys[0] == keys[1]
    with app.state.runtime.session() as session:
        assert repo.count_batches(session, app.state.runtime.campaign_id) == 1
    other, _ = client_for("vp-ubnd")
    assert other.get(first.headers["location"] + "/status").status_code == 403
    assert other.get(draft).status_code in (403, 404)


def test_a_running_job_page_shows_a_progress_bar(client_for: ClientFor, app: FastAPI) -> None:
    from api.services import web_intake

    client, _ = client_for("mttq-le-loi")
    jobs = web_intake.jobs(app.state.runtime)
    status = {"id": "dangchay-1234567890", "user_id": 3, "status": "running", "count": 5000,
              "started": __import__("time").time() - 4, "finished": None,
              "estimate_seconds": 25.0, "batch": None, "replayed": False, "error": None}
    web_intake._write_json(jobs.directory / f"{status['id']}.json", status)
    page = client.get(f"/batches/jobs/{status['id']}")
    assert page.status_code == 200
    assert "Đang phân loại và lưu 5.000 ý kiến" in page.text
    assert "<progress" in page.text and "ước tính khoảng 25 giây" in page.text
    assert client.get(f"/batches/jobs/{status['id']}/status").json()["status"] == "running"


# --- results ----------------------------------------------------------------------------------


def test_results_are_grouped_with_duplicates_collapsed_and_escalations_highlighted(
    client_for: ClientFor, sample_text: str
) -> None:
    client, token = client_for("mttq-le-loi")
    batch = submit_text(client, token, sample_text)
    page = client.get(f"/batches/{batch}").text
    for label in ("Cấp GCN lần đầu", "Đăng ký biến động", "Ngoài chủ đề"):
        assert f">{label}</span>" in page
    assert "<h3>Phòng Tài nguyên và Môi trường thị xã</h3>" in page
    assert "2 ý kiến giống nhau" in page
    sources = re.search(r'<ul class="sources">(.*?)</ul>', page, re.S)
    assert sources and "Cử tri tổ dân phố số 4" in sources.group(1)
    assert "HỘI CỰU CHIẾN BINH THỊ XÃ" in sources.group(1)
    assert 'class="opinion is-escalated' in page
    assert re.search(r'class="escalation"><b>Chuyển Thành phố Hà Nội:</b> [^<]*di tích', page)
    assert "20 đoạn không phải ý kiến" in page


def test_filters_and_search_with_or_without_diacritics(
    client_for: ClientFor, sample_text: str
) -> None:
    client, token = client_for("vp-ubnd")
    batch = submit_text(client, token, sample_text)
    base = f"/batches/{batch}"

    def shown(query: str) -> int:
        return client.get(f"{base}?{query}").text.count('<article class="opinion')

    with_marks = client.get(f"{base}?q=sang+tên+sổ+đỏ").text
    without = client.get(f"{base}?q=sang+ten+so+do").text
    assert "Việc sang tên sổ đỏ tại Chi nhánh" in with_marks
    assert "Việc sang tên sổ đỏ tại Chi nhánh" in without
    assert "Viec sang ten so do tai chi nhanh" in without
    assert shown("locality=trung_hung") == 3
    assert shown("locality=duong_lam&category=off_topic") >= 1
    assert "Xã Đường Lâm" in client.get(f"{base}?locality=duong_lam").text
    assert shown("department=tnmt") >= 1 and shown("department=cong_an") == 0
    assert shown("escalate=1") >= 1
    review = client.get(f"{base}?needs_review=1").text
    assert review.count("Cần rà soát</span>") >= review.count('<article class="opinion')
    everywhere = client.get("/opinions?q=lang+co+duong+lam").text
    assert "khu di tích làng cổ Đường Lâm" in everywhere


# --- review -----------------------------------------------------------------------------------


def test_review_queue_puts_needs_review_first_then_the_least_confident(
    client_for: ClientFor, app: FastAPI, sample_text: str
) -> None:
    client, token = client_for("vp-ubnd")
    batch = submit_text(client, token, sample_text)
    page = client.get("/review").text
    ids = cards_in(page)
    assert len(ids) == 13
    by_id = {o.public_id: o for o in stored(app, batch)}
    flags = [by_id[i].needs_review for i in ids]
    assert flags == sorted(flags, reverse=True)
    rest = [by_id[i].confidence for i in ids if not by_id[i].needs_review]
    assert rest == sorted(rest)
    assert "Phím tắt" in page and '<span class="key">j</span>' in page


def test_each_correction_is_one_post_and_shows_who_and_when(
    client_for: ClientFor, app: FastAPI, sample_text: str
) -> None:
    from triage.jurisdiction import default_jurisdiction

    client, token = client_for("vp-ubnd")
    batch = submit_text(client, token, sample_text)
    oid = f"{batch}-0003"
    url = f"/opinions/{oid}/correct"
    before = next(o for o in stored(app, batch) if o.public_id == oid).department
    target = "vpdkdd" if before == "thue" else "thue"  # a department the model did not choose
    names = {code: d.name for code, d in default_jurisdiction().departments.items()}
    asks = [
        {"field": "category", "value": "transaction_registration"},
        {"field": "department", "value": target},
        {"field": "locality", "value": "son_loc"},
        {"field": "escalation", "value": "ground:city_fee_levels"},
        {"field": "escalation", "value": "custom", "level": "central",
         "reason": "Cần sửa Luật Đất đai"},
        {"field": "escalation", "value": "none"},
        {"field": "confirm"},
    ]
    for ask in asks:
        r = client.post(url, data={"csrf_token": token, **ask},
                        headers={"Accept": "application/json"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["ok"] and f'id="op-{oid}"' in body["html"]
        assert "bởi <b>vp-ubnd</b>" in body["html"]
    opinion = next(o for o in stored(app, batch) if o.public_id == oid)
    assert (opinion.category, opinion.department, opinion.locality) == (
        "transaction_registration", target, "son_loc")
    assert opinion.escalate is False and opinion.reviewed is True
    detail = client.get(f"/opinions/{oid}").text
    assert "Nhóm: Cấp GCN lần đầu → Đăng ký biến động" in detail
    assert f"Cơ quan: {html.escape(names[before])} → {html.escape(names[target])}" in detail
    assert "Cần sửa Luật Đất đai" in detail and "Mức thu phí, lệ phí do HĐND" in detail
    assert detail.count("<b>vp-ubnd</b>") >= 6
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", detail)
    # without script: the form posts and comes back to where it was
    r = client.post(url, data={"csrf_token": token, "field": "department", "value": "tnmt",
                               "next": f"/review#op-{oid}"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/review#op-{oid}"
    bad = client.post(url, data={"csrf_token": token, "field": "department", "value": "xyz"})
    assert bad.status_code == 422 and "không có trong danh mục" in bad.text


def test_merge_and_split_duplicate_groups(
    client_for: ClientFor, app: FastAPI, sample_text: str
) -> None:
    client, token = client_for("vp-ubnd")
    batch = submit_text(client, token, sample_text)
    opinions = stored(app, batch)
    with app.state.runtime.session() as session:
        cards = repo.group_cards(session, [o.group_id for o in opinions if o.group_id])
    key_of = {o.public_id: cards[o.group_id][0] for o in opinions if o.group_id}
    a, b = key_of[f"{batch}-0003"], key_of[f"{batch}-0005"]
    r = client.post("/groups/merge", data={"csrf_token": token, "groups": [a, b],
                                           "next": "/review"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review"
    assert "Đã gộp 2 nhóm" in client.get("/review").text
    group = client.get(f"/groups/{a}").text
    assert f"{batch}-0003" in group and f"{batch}-0005" in group
    r = client.post(f"/groups/{a}/split", data={"csrf_token": token,
                                                "opinions": [f"{batch}-0005"]},
                    follow_redirects=False)
    assert r.status_code == 303
    assert "Đã tách 1 ý kiến sang nhóm mới" in client.get(r.headers["location"]).text
    detail = client.get(f"/opinions/{batch}-0005").text
    assert f"Nhóm trùng: {a} →" in detail and "<b>vp-ubnd</b>" in detail
    refused = client.post(f"/groups/{a}/split", data={"csrf_token": token,
                                                      "opinions": [f"{batch}-0003"]})
    assert refused.status_code == 422


# --- models and dashboard ---------------------------------------------------------------------


def test_models_page_shows_metrics_and_the_confusion_matrix(client_for: ClientFor) -> None:
    client, _ = client_for("vp-ubnd")
    page = client.get("/models").text
    assert "Đang dùng" in page and "Ma trận nhầm lẫn" in page
    assert page.count('<td class="num diag">') == 3
    assert "macro-F1" in page
    assert "Huấn luyện lại từ các sửa chữa" not in page  # reviewers only read


def test_promote_and_roll_back(client_for: ClientFor, app: FastAPI) -> None:
    from triage.registry import find_version, load_model, promoted_key, save_model

    settings = app.state.runtime.settings
    current = promoted_key(settings.models_dir)
    assert current is not None
    model = load_model(current, settings.models_dir)
    copy = type(model).__new__(type(model))
    copy.__dict__.update(model.__dict__)
    copy.version = "29990101-000000-ban-sao"
    own = ("name", "version", "created_at", "libraries", "artefact", "artefact_bytes")
    card = {k: v for k, v in find_version(current, settings.models_dir).card.items()
            if k not in own}
    saved = save_model(copy, card, settings.models_dir)
    client, token = client_for("admin")
    r = client.post(f"/models/{saved.key}/promote", data={"csrf_token": token})
    assert r.status_code == 200 and f"Đã đưa phiên bản {saved.key} vào dùng" in r.text
    assert promoted_key(settings.models_dir) == saved.key
    assert f"Quay lui về {current}" in r.text
    r = client.post("/models/rollback", data={"csrf_token": token})
    assert r.status_code == 200 and f"phiên bản đang dùng là {current}" in r.text
    assert promoted_key(settings.models_dir) == current
    reviewer, reviewer_token = client_for("vp-ubnd")
    r = reviewer.post("/models/rollback", data={"csrf_token": reviewer_token})
    assert r.status_code == 403


@pytest.mark.slow
def test_retrain_from_corrections_with_progress(
    client_for: ClientFor, app: FastAPI, sample_text: str
) -> None:
    client, token = client_for("admin")
    batch = submit_text(client, token, sample_text)
    for n in range(1, 6):
        client.post(f"/opinions/{batch}-{n:04d}/correct",
                    data={"csrf_token": token, "field": "confirm"})
    page = client.get("/models").text
    assert re.search(r"<b>\d</b> sửa chữa sẽ được học", page)
    r = client.post("/models/retrain", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/models?job=")
    job_id = int(r.headers["location"].rsplit("=", 1)[1])
    page = client.get(r.headers["location"]).text
    assert "Đã bắt đầu huấn luyện lại" in page and "data-retrain-url" in page
    status = wait_for(lambda: (s := client.get(f"/models/jobs/{job_id}/status").json())[
        "status"] in ("succeeded", "failed") and s, timeout=600, step=1)
    assert status and status["status"] == "succeeded", status
    page = client.get(f"/models?job={job_id}").text
    assert f"Đã tạo phiên bản {status['model_key']}" in page
    assert f"<h2>{status['model_key']}</h2>" in page


def test_dashboard_counts_and_answers_awaited_per_department(
    client_for: ClientFor, sample_text: str
) -> None:
    client, token = client_for("admin")
    submit_text(client, token, sample_text)
    page = client.get("/").text
    assert "Theo nhóm" in page and "Theo địa bàn" in page and "Theo cơ quan trả lời" in page
    assert page.count('<rect class="bar-fill') >= 3 + 4
    assert "Ý kiến chờ trả lời theo cơ quan" in page
    assert "Hạn các cơ quan trả lời bằng văn bản: <b>30/08/2023</b>" in page
    assert "quá hạn" in page
    rows = re.findall(r'<tr>\s*<td data-label="Cơ quan"><a href="/opinions\?department=(\w+)">'
                      r".*?</a></td>\s*<td data-label=\"Chờ trả lời\" class=\"num\">(\d+)</td>",
                      page, re.S)
    assert sum(int(n) for _, n in rows) == 13
    assert ">13</b><span>ý kiến</span>" in page


def test_intake_staff_see_their_own_batches_only_and_read_without_correcting(
    client_for: ClientFor, sample_text: str
) -> None:
    intake, intake_token = client_for("mttq-le-loi")
    reviewer, reviewer_token = client_for("vp-ubnd")
    own = submit_text(intake, intake_token, sample_text)
    other = submit_text(reviewer, reviewer_token, "1. Đề nghị cấp lại sổ đỏ bị mất cho hộ "
                                                  "ông Khuất Văn Lâm ở phường Viên Sơn.\n")
    page = intake.get(f"/opinions/{own}-0001")
    assert page.status_code == 200 and "Lịch sử quyết định" in page.text
    assert "Đúng, xác nhận" not in page.text and 'href="/groups/' not in page.text
    assert intake.get(f"/batches/{other}").status_code == 403
    assert intake.get(f"/opinions/{other}-0001").status_code == 403
    listing = intake.get("/batches").text
    assert f'href="/batches/{own}"' in listing and f'href="/batches/{other}"' not in listing
    everything = reviewer.get("/batches").text
    assert f'href="/batches/{own}"' in everything and f'href="/batches/{other}"' in everything


def test_a_batch_too_long_to_edit_is_previewed_read_only_and_saved_as_read(
    client_for: ClientFor, app: FastAPI
) -> None:
    from api.services.web_intake import EDIT_LIMIT

    client, token = client_for("mttq-le-loi")
    streets = ["Lê Lợi", "Ngô Quyền", "Quang Trung", "Phó Đức Chính", "Chùa Thông"]
    posts = "\n\n".join(
        f"Hộ số {n} đường {streets[n % 5]} đề nghị được hướng dẫn thủ tục sang tên sổ đỏ "
        f"cho thửa đất số {n}." for n in range(1, EDIT_LIMIT + 21))
    draft = preview(client, token, posts)
    page = client.get(draft).text
    assert f"Đợt này có {EDIT_LIMIT + 20} ý kiến" in page
    assert 'name="text-0"' not in page
    assert page.count('class="preview-item card"') == EDIT_LIMIT
    batch = save(client, token, draft, {"drop-1": "1", "text-2": "bị bỏ qua"})
    assert len(stored(app, batch)) == EDIT_LIMIT + 20


def test_the_json_api_does_not_accept_the_web_session_cookie(client_for: ClientFor) -> None:
    client, token = client_for("admin")
    assert client.get("/review").status_code == 200
    assert client.get("/api/v1/me").status_code == 401
    r = client.post("/api/v1/batches", json={"text": "1. Đề nghị cấp sổ đỏ."},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 401
