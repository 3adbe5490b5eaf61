"""The pages' own queries (dashboard, duplicate sources, grouped results) on PostgreSQL."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import VETERANS, submit_text

from storage.scratch import postgres_schema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "intake"

pytestmark = pytest.mark.postgres


@pytest.fixture
def web_db_url() -> Iterator[str]:
    url = os.environ.get("TRIAGE_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PostgreSQL tests skipped: set TRIAGE_TEST_POSTGRES_URL to run them")
    with postgres_schema(url) as scoped:
        yield scoped


def test_pages_on_postgresql(client_for: Callable[[str | None], tuple[TestClient, str]]) -> None:
    client, token = client_for("vp-ubnd")
    text = (FIXTURES / "tong_hop_mttq_thi_xa.txt").read_text(encoding="utf-8") + VETERANS
    batch = submit_text(client, token, text)
    results = client.get(f"/batches/{batch}?q=sang+ten+so+do").text
    assert "2 ý kiến giống nhau" in results
    r = client.post(f"/opinions/{batch}-0003/correct",
                    data={"csrf_token": token, "field": "department", "value": "thue"},
                    headers={"Accept": "application/json"})
    assert r.status_code == 200 and "bởi <b>vp-ubnd</b>" in r.json()["html"]
    assert len(re.findall(r'<article class="op-card', client.get("/review").text)) == 12
    board = client.get("/").text
    assert ">13</b><span>ý kiến</span>" in board
    assert 'href="/opinions?department=thue"' in board
