"""POST/GET /api/v1/batches: every input form, the contract's records, limits and errors,
idempotency and atomicity, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from typing import Any

import pytest
from api_helpers import OPINIONS, auth, items_payload, jsonl, make_client
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from storage import repositories as repo
from storage.db import make_engine, session_factory, session_scope
from storage.models import Batch, DecisionEvent, DuplicateGroup, Opinion
from triage.settings import Settings

CONTRACT = ("id", "text", "locality", "category", "confidence", "department", "escalate",
            "escalation_level", "escalation_reason", "cluster", "duplicate_of", "needs_review")

DOCUMENT = "\n".join([
    "ỦY BAN MTTQ VIỆT NAM THỊ XÃ SƠN TÂY",
    "I. XÃ ĐƯỜNG LÂM",
    "1. Ông Nguyễn Văn Hùng kiến nghị: gia đình sử dụng đất từ năm 1990, không có tranh chấp, "
    "đề nghị được cấp giấy chứng nhận lần đầu.",
    "II. PHƯỜNG TRUNG HƯNG",
    "1. Cử tri tổ dân phố 3 phản ánh: hồ sơ đăng ký biến động sang tên quyền sử dụng đất nộp "
    "từ tháng 3 đến nay chưa được giải quyết.",
    "2. Đề nghị sửa đường điện chiếu sáng ngõ 12 bị hỏng lâu ngày.",
    "",
])

CSV = "\n".join([
    "STT,Họ và tên,Địa chỉ,Nội dung ý kiến",
    "1,Nguyễn Thị Lan,Xã Cổ Đông,Đề nghị giảm tiền sử dụng đất khi cấp giấy chứng nhận lần đầu",
    '2,Trần Văn Bình,Phường Lê Lợi,"Thủ tục tách thửa để tặng cho con quá lâu, đề nghị rút '
    'ngắn"',
    "",
])


def counts(settings: Settings) -> dict[str, int]:
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(session_factory(engine)) as s:
            return {name: s.scalar(select(func.count()).select_from(model)) or 0
                    for name, model in (("batches", Batch), ("opinions", Opinion),
                                        ("groups", DuplicateGroup), ("events", DecisionEvent))}
    finally:
        engine.dispose()


def submit(client: TestClient, key: str, payload: Any = None, **kwargs: Any) -> Any:
    if payload is not None:
        kwargs["json"] = payload
    headers = {**auth(key), **kwargs.pop("headers", {})}
    return client.post("/api/v1/batches", headers=headers, **kwargs)


def test_json_items_give_contract_records_with_duplicates(
    client: TestClient, keys: dict[str, str]
) -> None:
    items = [{"text": OPINIONS[0], "id": "hotline-17", "submitter": "Bà Lê Thị Hoa"},
             {"text": OPINIONS[2], "locality": "Đường Lâm"},
             {"text": OPINIONS[3]}]
    r = submit(client, keys["intake"], {"items": items, "submitter": "MTTQ phường Lê Lợi"})
    assert r.status_code == 201, r.text
    assert r.headers["Idempotent-Replayed"] == "false"
    body = r.json()
    assert r.headers["Location"] == f"/api/v1/batches/{body['key']}"
    assert body["submitter"] == "MTTQ phường Lê Lợi" and body["submitted_by"] == "phuong-le-loi"
    assert body["opinion_count"] == 3 and body["model_version"].startswith("triage-")
    records = body["records"]
    for record in records:
        assert set(CONTRACT) <= set(record)
        assert record["category"] in ("first_issuance", "transaction_registration", "off_topic")
        assert 0 <= record["confidence"] <= 1
        assert record["model_version"] == body["model_version"]
    first, second, third = records
    # the caller's id is kept; assigned ids are the global opinion ids
    assert first["id"] == "hotline-17" and first["opinion_id"] == f"{body['key']}-0001"
    assert second["id"] == second["opinion_id"] == f"{body['key']}-0002"
    assert first["submitter"] == "Bà Lê Thị Hoa"
    assert second["locality"] == "duong_lam" and second["locality_source"] == "field"
    # the same request with and without diacritics is one group; the representative is first
    assert first["cluster"] == second["cluster"] != third["cluster"]
    assert first["duplicate_of"] is None and second["duplicate_of"] == first["opinion_id"]
    assert first["cluster_size"] == 2 and third["duplicate_of"] is None


def test_raw_text_document_is_split_with_sections_and_skipped_parts(
    client: TestClient, keys: dict[str, str]
) -> None:
    r = submit(client, keys["intake"], {"text": DOCUMENT})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["input_format"] == "document" and body["opinion_count"] == 3
    assert [rec["locality"] for rec in body["records"]] == ["duong_lam", "trung_hung",
                                                             "trung_hung"]
    assert "ĐƯỜNG LÂM" in body["records"][0]["section"]
    assert any("MTTQ" in part["text"] for part in body["skipped"])


@pytest.mark.parametrize("kind", ["txt", "csv", "xlsx", "docx", "jsonl"])
def test_uploaded_files(client: TestClient, keys: dict[str, str], kind: str) -> None:
    if kind == "txt":
        data = DOCUMENT.encode("utf-8")
    elif kind == "csv":
        data = CSV.encode("utf-8")
    elif kind == "jsonl":
        data = jsonl(OPINIONS[:3]).encode("utf-8")
    elif kind == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in CSV.replace('"', "").splitlines():
            cells = row.split(",", 3)
            sheet.append(cells)
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
    else:
        from docx import Document

        doc = Document()
        for line in DOCUMENT.splitlines():
            doc.add_paragraph(line)
        buffer = io.BytesIO()
        doc.save(buffer)
        data = buffer.getvalue()
    r = submit(client, keys["intake"], files={"file": (f"y-kien.{kind}", data)},
               data={"client_batch_id": f"upload-{kind}", "submitter": "MTTQ xã Cổ Đông"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["filename"] == f"y-kien.{kind}" and body["client_batch_id"] == f"upload-{kind}"
    expected = {"txt": 3, "csv": 2, "xlsx": 2, "docx": 3, "jsonl": 3}[kind]
    assert body["opinion_count"] == expected == len(body["records"])
    if kind in ("csv", "xlsx"):
        assert body["records"][0]["submitter"].startswith("Nguyễn Thị Lan")
        assert body["records"][0]["locality"] == "co_dong"
    # the same file again is a replay, not a second batch
    again = submit(client, keys["intake"], files={"file": (f"y-kien.{kind}", data)},
                   data={"client_batch_id": f"upload-{kind}"})
    assert again.status_code == 200 and again.json()["key"] == body["key"]


def test_raw_body_with_query_parameters(client: TestClient, keys: dict[str, str]) -> None:
    r = client.post("/api/v1/batches?filename=dan.txt&submitter=MTTQ&client_batch_id=raw-1",
                    content=DOCUMENT.encode("utf-8"),
                    headers={**auth(keys["intake"]), "Content-Type": "text/plain"})
    assert r.status_code == 201, r.text
    assert r.json()["client_batch_id"] == "raw-1" and r.json()["opinion_count"] == 3


def test_idempotency_key_and_client_batch_id_never_store_twice(
    client: TestClient, keys: dict[str, str], settings: Settings
) -> None:
    key = keys["intake"]
    first = submit(client, key, items_payload(), headers={"Idempotency-Key": "abc-123"})
    assert first.status_code == 201
    replay = submit(client, key, items_payload(), headers={"Idempotency-Key": "abc-123"})
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json()["key"] == first.json()["key"]
    assert replay.json()["records"] == first.json()["records"]

    by_id = submit(client, key, items_payload(OPINIONS[:2], client_batch_id="dot-1"))
    again = submit(client, key, items_payload(OPINIONS[:2], client_batch_id="dot-1"))
    assert (by_id.status_code, again.status_code) == (201, 200)
    assert again.json()["key"] == by_id.json()["key"]
    assert counts(settings)["batches"] == 2
    assert counts(settings)["opinions"] == len(OPINIONS) + 2

    # the same id with other content is refused, and so is another caller's id
    other = submit(client, key, items_payload(OPINIONS[:1], client_batch_id="dot-1"))
    assert other.status_code == 422 and "nội dung khác" in other.json()["detail"]
    stolen = submit(client, keys["xa-duong-lam"], items_payload(), headers={
        "Idempotency-Key": "abc-123"})
    assert stolen.status_code == 409 and "người khác" in stolen.json()["detail"]
    assert counts(settings)["batches"] == 2


def test_list_and_get_batches_by_role(client: TestClient, keys: dict[str, str]) -> None:
    mine = submit(client, keys["phuong-le-loi"], items_payload(OPINIONS[:2])).json()["key"]
    theirs = submit(client, keys["xa-duong-lam"], items_payload(OPINIONS[2:4])).json()["key"]

    listed = client.get("/api/v1/batches", headers=auth(keys["phuong-le-loi"])).json()
    assert listed["total"] == 1 and [b["key"] for b in listed["items"]] == [mine]
    everything = client.get("/api/v1/batches", headers=auth(keys["reviewer"])).json()
    assert everything["total"] == 2 and {b["key"] for b in everything["items"]} == {mine, theirs}
    page = client.get("/api/v1/batches?limit=1&offset=1", headers=auth(keys["admin"])).json()
    assert page["total"] == 2 and len(page["items"]) == 1

    own = client.get(f"/api/v1/batches/{mine}", headers=auth(keys["phuong-le-loi"]))
    assert own.status_code == 200 and len(own.json()["records"]) == 2
    assert client.get(f"/api/v1/batches/{mine}?records=false",
                      headers=auth(keys["phuong-le-loi"])).json()["records"] == []
    forbidden = client.get(f"/api/v1/batches/{theirs}", headers=auth(keys["phuong-le-loi"]))
    assert forbidden.status_code == 403 and "chính nó" in forbidden.json()["detail"]
    assert client.get(f"/api/v1/batches/{theirs}",
                      headers=auth(keys["reviewer"])).status_code == 200
    missing = client.get("/api/v1/batches/b999", headers=auth(keys["reviewer"]))
    assert missing.status_code == 404 and missing.json()["detail"] == "Không có đợt b999."


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"json": {"text": "   \n "}}, "trống"),
    ({"json": {"items": []}}, "trống"),
    ({"json": {"items": [{"text": ""}]}}, '"text"'),
    ({"json": {"text": "a", "items": [{"text": "b"}]}}, '"text" hoặc "items"'),
    ({"json": {"texts": "a"}}, "không đúng mẫu"),
    ({"content": b'{"items": [{"text": "abc"}', "headers": {"Content-Type": "application/json"}},
     "JSON hợp lệ"),
    ({"json": {"items": [{"text": "Đề nghị cấp sổ đỏ", "locality": "ha_dong"}]}}, "ha_dong"),
    ({"content": b"\x00\x01\x02\xff\xfe" * 200,
      "headers": {"Content-Type": "application/octet-stream"}}, ""),
    ({"files": {"file": ("a.docx", b"PK\x03\x04 not really a docx")}}, ""),
    ({"content": b"", "headers": {"Content-Type": "text/plain"}}, "trống"),
])
def test_unreadable_batches_are_refused_whole(
    client: TestClient, keys: dict[str, str], settings: Settings, kwargs: dict[str, Any],
    fragment: str,
) -> None:
    r = submit(client, keys["intake"], **kwargs)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str) and fragment in detail
    assert counts(settings)["batches"] == 0


@pytest.fixture
def small_limits(settings: Settings) -> Settings:
    return settings.model_copy(update={"max_batch_bytes": 4000, "max_items_per_batch": 3,
                                       "max_item_chars": 300})


def test_limits_answer_413_or_422(
    small_limits: Settings, keys: dict[str, str]
) -> None:
    with make_client(small_limits) as limited:
        key = keys["intake"]
        big = "Đề nghị cấp giấy chứng nhận. " * 300  # about 9 KB
        r = submit(limited, key, {"text": big})
        assert r.status_code == 413 and "quá lớn" in r.json()["detail"]
        r = submit(limited, key, content=big.encode() * 3,
                   headers={"Content-Type": "text/plain"})
        assert r.status_code == 413 and "MB" in r.json()["detail"]
        r = submit(limited, key, files={"file": ("lon.txt", big.encode())})
        assert r.status_code == 413
        r = submit(limited, key, items_payload(OPINIONS[:4]))
        assert r.status_code == 422 and "giới hạn 3" in r.json()["detail"]
        r = submit(limited, key, {"items": [{"text": "Đề nghị cấp sổ đỏ lần đầu. " * 20}]})
        assert r.status_code == 422 and "300 ký tự" in r.json()["detail"]
        ok = submit(limited, key, items_payload(OPINIONS[:3]))
        assert ok.status_code == 201
    assert counts(small_limits)["batches"] == 1


def test_keys_are_required_and_checked(client: TestClient, keys: dict[str, str]) -> None:
    r = client.post("/api/v1/batches", json=items_payload())
    assert r.status_code == 401 and "Thiếu khóa API" in r.json()["detail"]
    assert r.headers["WWW-Authenticate"] == "Bearer"
    r = client.post("/api/v1/batches", json=items_payload(), headers=auth("tri_wrong"))
    assert r.status_code == 401 and "không đúng" in r.json()["detail"]
    r = client.post("/api/v1/batches", json=items_payload(),
                    headers={"Authorization": f"Bearer {keys['intake']}"})
    assert r.status_code == 201
    revoked = client.get("/api/v1/users", headers=auth(keys["admin"])).json()
    key_id = next(u["keys"][0]["id"] for u in revoked if u["username"] == "xa-duong-lam")
    assert client.delete(f"/api/v1/keys/{key_id}", headers=auth(keys["admin"])).status_code == 200
    r = client.get("/api/v1/batches", headers=auth(keys["xa-duong-lam"]))
    assert r.status_code == 401


def test_a_failure_in_the_middle_stores_nothing(
    client: TestClient, keys: dict[str, str], settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert submit(client, keys["intake"], items_payload(OPINIONS[:2])).status_code == 201
    before = counts(settings)
    calls = {"n": 0}
    original = repo.record_event

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(repo, "record_event", failing)
    r = submit(client, keys["intake"], items_payload(), headers={"Idempotency-Key": "k-9"})
    assert r.status_code == 500 and "không có gì được lưu" in r.json()["detail"]
    assert counts(settings) == before
    monkeypatch.setattr(repo, "record_event", original)
    # the failed submission left no trace: the same key now stores the batch, and its
    # duplicates still join the groups stored before
    r = submit(client, keys["intake"], items_payload(), headers={"Idempotency-Key": "k-9"})
    assert r.status_code == 201
    records = r.json()["records"]
    assert records[0]["duplicate_of"] is not None and records[0]["duplicate_of"].endswith("-0001")
    assert counts(settings)["batches"] == before["batches"] + 1
