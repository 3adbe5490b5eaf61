"""Parallel clients (threads, two app instances as two processes) submitting overlapping
duplicates and the same Idempotency-Key: nothing is lost, nothing is stored twice."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from api_helpers import OPINIONS, auth, make_client
from fastapi.testclient import TestClient
from sqlalchemy import select

from storage.db import make_engine, session_factory, session_scope
from storage.models import Batch, DuplicateGroup, Opinion
from triage.settings import Settings

SHARED = ("Đề nghị thị xã công khai danh sách hồ sơ đề nghị cấp giấy chứng nhận lần đầu chưa "
          "được giải quyết và lý do chậm tại bộ phận một cửa.")


def test_parallel_submissions_lose_and_duplicate_nothing(
    settings: Settings, client: TestClient, keys: dict[str, str]
) -> None:
    key = keys["intake"]
    results: list[tuple[str, int, dict[str, Any]]] = []
    lock = threading.Lock()
    start = threading.Barrier(12)

    def send(http: TestClient, name: str, payload: dict[str, Any],
             headers: dict[str, str]) -> None:
        start.wait()
        r = http.post("/api/v1/batches", json=payload, headers={**auth(key), **headers})
        with lock:
            results.append((name, r.status_code, r.json()))

    with make_client(settings) as other:
        jobs: list[tuple[TestClient, str, dict[str, Any], dict[str, str]]] = []
        for i in range(8):  # distinct batches, each with a shared opinion and an overlap
            texts = [SHARED, OPINIONS[i % len(OPINIONS)], f"{OPINIONS[(i + 1) % 5]} (lần {i})"]
            payload = {"items": [{"text": t} for t in texts], "client_batch_id": f"dot-{i}"}
            jobs.append((client if i % 2 else other, f"distinct-{i}", payload, {}))
        same = {"items": [{"text": SHARED}, {"text": OPINIONS[3]}]}
        for i in range(4):  # the same batch four times with one Idempotency-Key
            jobs.append((other if i % 2 else client, "same", same,
                         {"Idempotency-Key": "mot-lan-thoi"}))
        threads = [threading.Thread(target=send, args=job) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    assert all(status in (200, 201) for _, status, _ in results), results
    same_results = [(status, body) for name, status, body in results if name == "same"]
    assert sorted(status for status, _ in same_results) == [200, 200, 200, 201]
    assert len({body["key"] for _, body in same_results}) == 1
    distinct = [body for name, status, body in results if name != "same"]
    assert all(status == 201 for name, status, _ in results if name != "same")

    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(session_factory(engine)) as s:
            batches = s.scalars(select(Batch)).all()
            opinions = s.scalars(select(Opinion).order_by(Opinion.id)).all()
            groups = s.scalars(select(DuplicateGroup)).all()
            assert len(batches) == 9
            assert len(opinions) == 8 * 3 + 2
            assert {b.key for b in batches} == {body["key"] for body in distinct} | {
                same_results[0][1]["key"]}
            # every opinion is in one group; sizes and representatives add up
            members = Counter(o.group_id for o in opinions)
            assert None not in members
            by_id = {o.id: o for o in opinions}
            for g in groups:
                assert g.size == members.get(g.id, 0)
                if g.size:
                    first = min(o.id for o in opinions if o.group_id == g.id)
                    assert g.representative_id == first and by_id[first].group_id == g.id
            assert len({g.key for g in groups}) == len(groups)
            # all nine copies of the shared opinion ended up in one group
            shared_groups = {o.group_id for o in opinions if o.text == SHARED}
            assert len(shared_groups) == 1
            assert members[shared_groups.pop()] == 9
    finally:
        engine.dispose()
