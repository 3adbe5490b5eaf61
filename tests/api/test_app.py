"""The app itself: OpenAPI and docs, health, start-up (campaign, first admin), users and keys,
errors as {"detail": ...} in Vietnamese, and running without a promoted model."""

from __future__ import annotations

from pathlib import Path

from api_helpers import OPINIONS, auth, items_payload, make_client
from fastapi.testclient import TestClient
from sqlalchemy import select

from storage.db import make_engine, session_factory, session_scope
from storage.models import Campaign, User
from triage.settings import Settings

ENDPOINTS = {
    ("post", "/api/v1/batches"), ("get", "/api/v1/batches"), ("get", "/api/v1/batches/{key}"),
    ("post", "/api/v1/triage"), ("get", "/api/v1/opinions"),
    ("get", "/api/v1/opinions/{opinion_id}"), ("patch", "/api/v1/opinions/{opinion_id}"),
    ("post", "/api/v1/opinions/{opinion_id}/corrections"), ("get", "/api/v1/groups"),
    ("get", "/api/v1/groups/{key}"), ("post", "/api/v1/groups/merge"),
    ("post", "/api/v1/groups/{key}/split"), ("get", "/api/v1/escalations"),
    ("get", "/api/v1/models"), ("post", "/api/v1/models/retrain"),
    ("get", "/api/v1/models/jobs/{job_id}"), ("post", "/api/v1/models/{key}/promote"),
    ("post", "/api/v1/models/rollback"), ("get", "/api/v1/users"), ("post", "/api/v1/users"),
    ("post", "/api/v1/users/{username}/keys"), ("delete", "/api/v1/keys/{key_id}"),
    ("get", "/api/v1/health"), ("get", "/api/v1/me"),
    ("get", "/api/v1/exports/{kind}"), ("post", "/api/v1/opinions/{opinion_id}/answer"),
    ("delete", "/api/v1/opinions/{opinion_id}/answer"), ("get", "/api/v1/followup/overdue"),
    ("get", "/api/v1/campaign"), ("patch", "/api/v1/campaign"),
}


def test_openapi_document_and_docs(client: TestClient) -> None:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    found = {(method, path) for path, ops in doc["paths"].items() for method in ops}
    assert found == ENDPOINTS
    submit = doc["paths"]["/api/v1/batches"]["post"]
    assert set(submit["requestBody"]["content"]) >= {"application/json", "multipart/form-data",
                                                     "text/plain"}
    assert "BatchIn" in doc["components"]["schemas"]
    assert "BatchItemIn" in doc["components"]["schemas"]
    assert {"APIKeyHeader", "HTTPBearer"} <= set(doc["components"]["securitySchemes"])
    record = doc["components"]["schemas"]["OpinionRecord"]["properties"]
    assert {"id", "cluster", "duplicate_of", "needs_review", "opinion_id"} <= set(record)
    assert {"status", "deadline", "answer"} <= set(record)
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_health_me_and_errors(client: TestClient, keys: dict[str, str]) -> None:
    health = client.get("/api/v1/health").json()
    assert health == {"status": "ok", "model": "triage-20230801-000000-test",
                      "campaign": "son_tay_2023"}
    assert client.get("/api/v1/me", headers=auth(keys["reviewer"])).json() == \
        {"username": "vp-ubnd", "role": "reviewer"}
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json() == {"detail": "Không tìm thấy địa chỉ này."}
    r = client.delete("/api/v1/batches", headers=auth(keys["admin"]))
    assert r.status_code == 405 and "Phương thức" in r.json()["detail"]
    r = client.get("/api/v1/opinions?escalate=maybe", headers=auth(keys["admin"]))
    assert r.status_code == 422 and r.json()["detail"].startswith("Yêu cầu không hợp lệ")


def test_start_up_creates_campaign_and_one_admin(settings: Settings, client: TestClient) -> None:
    var = settings.var_dir
    password = (var / "admin-password.txt").read_text().strip()
    key = (var / "admin-api-key.txt").read_text().strip()
    assert client.get("/api/v1/me", headers=auth(key)).json()["role"] == "admin"
    # a second start on the same database creates no second admin
    (var / "admin-api-key.txt").unlink()
    with make_client(settings) as again:
        assert again.get("/api/v1/me", headers=auth(key)).status_code == 200
    assert not (var / "admin-api-key.txt").exists()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(session_factory(engine)) as s:
            assert [u.username for u in s.scalars(select(User))] == ["admin"]
            campaign = s.scalars(select(Campaign)).one()
            assert (campaign.code, campaign.year) == ("son_tay_2023", 2023)
            assert "giấy chứng nhận" in campaign.theme
            assert campaign.deadlines["classify_and_assign"] == "2023-08-25"
            assert password
    finally:
        engine.dispose()


def test_users_and_keys_are_managed_by_admins(client: TestClient,
                                               keys: dict[str, str]) -> None:
    admin = auth(keys["admin"])
    users = client.get("/api/v1/users", headers=admin).json()
    assert {u["username"]: u["role"] for u in users} == {
        "admin": "admin", "phuong-le-loi": "intake", "xa-duong-lam": "intake",
        "vp-ubnd": "reviewer"}
    assert all("key" not in k for u in users for k in u["keys"])  # secrets are never listed
    r = client.post("/api/v1/users", json={"username": "vp-ubnd", "role": "reviewer"},
                    headers=admin)
    assert r.status_code == 409 and "đã tồn tại" in r.json()["detail"]
    r = client.post("/api/v1/users", json={"username": "new", "role": "boss"}, headers=admin)
    assert r.status_code == 422
    r = client.post("/api/v1/users", json={"username": "x y", "role": "intake"}, headers=admin)
    assert r.status_code == 422 and "không hợp lệ" in r.json()["detail"]
    r = client.post("/api/v1/users/nobody/keys", json={"name": "k"}, headers=admin)
    assert r.status_code == 404
    assert client.delete("/api/v1/keys/999", headers=admin).status_code == 404
    for role in ("intake", "reviewer"):
        r = client.get("/api/v1/users", headers=auth(keys[role]))
        assert r.status_code == 403 and "quản trị" in r.json()["detail"]


def test_without_a_promoted_model_triage_answers_503(
    settings: Settings, tmp_path: Path
) -> None:
    empty = tmp_path / "no-models"
    empty.mkdir()
    with make_client(settings.model_copy(update={"models_dir": empty})) as bare:
        key = (settings.var_dir / "admin-api-key.txt").read_text().strip()
        assert bare.get("/api/v1/health").json()["model"] is None
        r = bare.post("/api/v1/triage", json={"text": OPINIONS[0]}, headers=auth(key))
        assert r.status_code == 503 and "triage train" in r.json()["detail"]
        r = bare.post("/api/v1/batches", json=items_payload(), headers=auth(key))
        assert r.status_code == 503
        assert bare.get("/api/v1/models", headers=auth(key)).json() == {
            "promoted": None, "promotion_tolerance": 0.02, "versions": []}
