"""Helpers of the web tests (imported by name: tests/web is on sys.path)."""

from __future__ import annotations

import html
import re
import socket
import threading
import time
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

# A compiled batch as MTTQ staff paste it: the town MTTQ's report, then a mass organisation's
# list with two of the same requests typed without diacritics (duplicates across sources).
VETERANS = """
IV. HỘI CỰU CHIẾN BINH THỊ XÃ
1. Nhieu ho gia dinh su dung dat on dinh tu truoc nam 1993, khong tranh chap nhung den nay van \
chua duoc cap GCN lan dau, de nghi thi xa day nhanh tien do.
2. Viec sang ten so do tai chi nhanh VPDKDD Son Tay con cham, nguoi dan phai di lai nhieu lan.
"""

XSS_OPINION = ("Đề nghị <script>alert(1)</script> xem xét <b>cấp GCN</b> lần đầu cho thửa đất "
               "<img src=x onerror=alert(2)> của gia đình tôi ở thôn Mông Phụ.")


def csrf_from(page_html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', page_html) or re.search(
        r'name="csrf_token" value="([^"]+)"', page_html)
    assert match, "the page carries no CSRF token"
    return html.unescape(match.group(1))


def sign_in(client: TestClient, username: str, password: str) -> str:
    """Signs the client in through the form; returns the session's CSRF token."""
    page = client.get("/login")
    assert page.status_code == 200, page.text
    r = client.post("/login", data={"csrf_token": csrf_from(page.text), "username": username,
                                    "password": password}, follow_redirects=False)
    assert r.status_code == 303, r.text
    home = client.get(r.headers["location"])
    assert home.status_code == 200, home.text
    return csrf_from(home.text)


def wait_for(check: Any, timeout: float = 300, step: float = 0.3) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """The app under uvicorn on a free loopback port, in a thread of the test process."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="live-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        if not wait_for(lambda: self.server.started, timeout=120, step=0.1):
            raise RuntimeError("the app did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)


def preview(client: TestClient, token: str, text: str | None = None, *,
            file: tuple[str, bytes, str] | None = None, submitter: str = "") -> str:
    """Posts a batch to the preview; returns the draft's URL."""
    data = {"csrf_token": token, "text": text or "", "submitter": submitter}
    files = {"file": file} if file else {"file": ("", b"", "application/octet-stream")}
    r = client.post("/batches/preview", data=data, files=files, follow_redirects=False)
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


def save(client: TestClient, token: str, draft_url: str, fields: dict[str, str] | None = None
         ) -> str:
    """Saves a previewed draft, waits for the background job; returns the batch key."""
    r = client.post(f"{draft_url}/save", data={"csrf_token": token, **(fields or {})},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    job_url = r.headers["location"]
    status = wait_for(lambda: (s := client.get(f"{job_url}/status").json())["status"] != "running"
                      and s, timeout=120)
    assert status and status["status"] == "done", status
    return str(status["batch"])


def submit_text(client: TestClient, token: str, text: str) -> str:
    return save(client, token, preview(client, token, text))
