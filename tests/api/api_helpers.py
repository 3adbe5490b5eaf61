"""Helpers shared by the API tests (imported by name: tests/api is on sys.path)."""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi.testclient import TestClient

from triage.settings import Settings


def make_client(settings: Settings) -> TestClient:
    from api.main import create_app

    return TestClient(create_app(settings), raise_server_exceptions=False)


def auth(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


# Opinions written for the tests: two pairs of duplicates (one with and one without diacritics)
# and distinct cases.
OPINIONS = [
    "Đề nghị thị xã đẩy nhanh việc cấp giấy chứng nhận quyền sử dụng đất lần đầu cho các hộ "
    "gia đình sử dụng đất ổn định từ trước năm 1993 ở thôn Mông Phụ.",
    "Hồ sơ sang tên sổ đỏ nộp tại Chi nhánh Văn phòng đăng ký đất đai Sơn Tây bị trả hẹn nhiều "
    "lần, đề nghị giải quyết đúng hạn.",
    "De nghi thi xa day nhanh viec cap giay chung nhan quyen su dung dat lan dau cho cac ho gia "
    "dinh su dung dat on dinh tu truoc nam 1993 o thon Mong Phu.",
    "Đề nghị sửa chữa đường điện chiếu sáng ngõ 5 phố Quang Trung vì bị hỏng đã ba tháng.",
    "Bảng giá đất của Thành phố áp dụng để tính tiền sử dụng đất khi cấp giấy chứng nhận lần "
    "đầu quá cao so với thu nhập của người dân, đề nghị Thành phố điều chỉnh.",
]


def items_payload(texts: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    texts = OPINIONS if texts is None else texts
    return {"items": [{"text": t} for t in texts], **extra}


def jsonl(texts: list[str]) -> str:
    return "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)


def wait_for_job(client: TestClient, key: str, job_id: int, timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/api/v1/models/jobs/{job_id}", headers=auth(key)).json()
        if job["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return dict(job)
        time.sleep(0.5)
