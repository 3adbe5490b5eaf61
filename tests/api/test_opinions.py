"""Opinions: filters and pages, search with or without diacritics, one opinion with its
history, reviewers' corrections and the escalation list; single-opinion triage."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import OPINIONS, auth, items_payload
from fastapi.testclient import TestClient


@pytest.fixture
def stored(client: TestClient, keys: dict[str, str]) -> dict[str, Any]:
    """Two batches: one from each intake tool."""
    first = client.post("/api/v1/batches", json=items_payload(), headers=auth(keys["intake"]))
    second = client.post("/api/v1/batches", json=items_payload(OPINIONS[3:]),
                         headers=auth(keys["xa-duong-lam"]))
    assert first.status_code == second.status_code == 201
    return {"first": first.json(), "second": second.json()}


def opinions(client: TestClient, key: str, **params: Any) -> dict[str, Any]:
    r = client.get("/api/v1/opinions", params=params, headers=auth(key))
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_filters_and_pages(client: TestClient, keys: dict[str, str],
                           stored: dict[str, Any]) -> None:
    reviewer = keys["reviewer"]
    everything = opinions(client, reviewer)
    assert everything["total"] == len(OPINIONS) + 2
    records = everything["items"]
    for name in ("category", "department"):
        value = records[0][name]
        found = opinions(client, reviewer, **{name: value})
        assert found["total"] == sum(r[name] == value for r in records) > 0
        assert all(r[name] == value for r in found["items"])
    batch = stored["second"]["key"]
    assert opinions(client, reviewer, batch=batch)["total"] == 2
    assert opinions(client, reviewer, batch="b999")["total"] == 0
    located = opinions(client, reviewer, locality="duong_lam")
    assert located["total"] == sum(r["locality"] == "duong_lam" for r in records)
    flagged = opinions(client, reviewer, escalate=True)
    assert flagged["total"] == sum(r["escalate"] for r in records)
    review = opinions(client, reviewer, needs_review=False)
    assert review["total"] == sum(not r["needs_review"] for r in records)
    cluster = records[0]["cluster"]
    assert opinions(client, reviewer, cluster=cluster)["total"] == records[0]["cluster_size"]

    page = opinions(client, reviewer, limit=2, offset=2)
    assert page["total"] == everything["total"] and page["limit"] == 2
    assert [r["opinion_id"] for r in page["items"]] == [r["opinion_id"] for r in records[2:4]]
    assert client.get("/api/v1/opinions?limit=0", headers=auth(reviewer)).status_code == 422
    assert client.get("/api/v1/opinions?limit=501", headers=auth(reviewer)).status_code == 422


def test_search_with_or_without_diacritics(client: TestClient, keys: dict[str, str],
                                           stored: dict[str, Any]) -> None:
    with_marks = opinions(client, keys["reviewer"], q="điện chiếu sáng")
    without = opinions(client, keys["reviewer"], q="DIEN chieu sang")
    assert with_marks["total"] == without["total"] == 2
    assert {r["opinion_id"] for r in with_marks["items"]} == \
        {r["opinion_id"] for r in without["items"]}
    # the folded text matches the opinion typed without diacritics too
    assert opinions(client, keys["reviewer"], q="Mông Phụ")["total"] == 2


def test_intake_keys_see_only_their_own_opinions(
    client: TestClient, keys: dict[str, str], stored: dict[str, Any]
) -> None:
    own = opinions(client, keys["xa-duong-lam"])
    assert own["total"] == 2
    assert {r["batch"] for r in own["items"]} == {stored["second"]["key"]}
    other = stored["first"]["records"][0]["opinion_id"]
    r = client.get(f"/api/v1/opinions/{other}", headers=auth(keys["xa-duong-lam"]))
    assert r.status_code == 403


def test_one_opinion_with_history_and_corrections(
    client: TestClient, keys: dict[str, str], stored: dict[str, Any]
) -> None:
    record = stored["first"]["records"][1]
    oid = record["opinion_id"]
    r = client.get(f"/api/v1/opinions/{oid}", headers=auth(keys["intake"]))
    assert r.status_code == 200
    history = r.json()["history"]
    assert len(history) == 1 and history[0]["actor_kind"] == "model"
    assert history[0]["actor"] == record["model_version"]
    assert history[0]["after"]["category"] == record["category"]

    correction = {"category": "first_issuance", "department": "ubnd_xa",
                  "escalation": {"escalate": True, "ground": "residential_limit"},
                  "locality": "kim_son", "note": "hộ chưa có giấy chứng nhận"}
    r = client.post(f"/api/v1/opinions/{oid}/corrections", json=correction,
                    headers=auth(keys["reviewer"]))
    assert r.status_code == 200, r.text
    after = r.json()
    assert (after["category"], after["department"], after["locality"]) == \
        ("first_issuance", "ubnd_xa", "kim_son")
    assert after["escalate"] and after["escalation_level"] == "city"
    assert after["escalation_ground"] == "residential_limit" and after["escalation_reason"]
    assert after["reviewed"] and not after["needs_review"]
    assert after["model_version"] == record["model_version"]  # who decided first is kept
    by_field = {e["field"]: e for e in after["history"] if e["actor_kind"] == "reviewer"}
    assert by_field["department"]["before"] == {"department": record["department"]}
    assert by_field["department"]["after"] == {"department": "ubnd_xa"}
    assert by_field["escalation"]["before"]["escalate"] == record["escalate"]
    assert by_field["locality"]["after"]["locality"] == "kim_son"
    assert all(e["actor"] == "vp-ubnd" and e["note"] in ("hộ chưa có giấy chứng nhận", None)
               for e in by_field.values())
    assert by_field["status"]["after"] == {"reviewed": True, "needs_review": False}

    # PATCH does the same; clearing the locality and de-escalating are changes too
    r = client.patch(f"/api/v1/opinions/{oid}", json={"locality": None,
                                                      "escalation": {"escalate": False}},
                     headers=auth(keys["admin"]))
    assert r.status_code == 200
    assert r.json()["locality"] is None and r.json()["escalation_level"] is None
    assert r.json()["history"][-1]["actor"] == "admin"
    # an empty correction confirms the decision
    r = client.post(f"/api/v1/opinions/{oid}/corrections", json={},
                    headers=auth(keys["reviewer"]))
    assert r.json()["history"][-1]["field"] == "review"
    assert opinions(client, keys["reviewer"], reviewed=True)["total"] == 1


@pytest.mark.parametrize(("body", "fragment"), [
    ({"category": "land"}, "Nhóm"),
    ({"department": "so_xay_dung"}, "Mã cơ quan"),
    ({"locality": "ha_dong"}, "Mã địa bàn"),
    ({"escalation": {"escalate": True}}, "Cấp chuyển lên"),
    ({"escalation": {"escalate": True, "level": "city"}}, "lý do"),
    ({"escalation": {"escalate": True, "ground": "moon"}}, "Căn cứ"),
    ({"escalation": {"escalate": True, "level": "central", "ground": "land_price"}}, "thuộc cấp"),
    ({"escalation": {"escalate": True, "level": "province", "reason": "x"}}, "level"),
    ({"category": "off_topic", "colour": "red"}, "colour"),
])
def test_invalid_corrections_change_nothing(
    client: TestClient, keys: dict[str, str], stored: dict[str, Any], body: dict[str, Any],
    fragment: str,
) -> None:
    oid = stored["first"]["records"][0]["opinion_id"]
    r = client.post(f"/api/v1/opinions/{oid}/corrections", json=body,
                    headers=auth(keys["reviewer"]))
    assert r.status_code == 422 and fragment in r.json()["detail"]
    detail = client.get(f"/api/v1/opinions/{oid}", headers=auth(keys["reviewer"])).json()
    assert len(detail["history"]) == 1 and not detail["reviewed"]


def test_corrections_need_a_reviewer(client: TestClient, keys: dict[str, str],
                                     stored: dict[str, Any]) -> None:
    oid = stored["first"]["records"][0]["opinion_id"]
    r = client.post(f"/api/v1/opinions/{oid}/corrections", json={"category": "off_topic"},
                    headers=auth(keys["intake"]))
    assert r.status_code == 403 and "rà soát" in r.json()["detail"]
    r = client.post("/api/v1/opinions/b9-0001/corrections", json={"category": "off_topic"},
                    headers=auth(keys["reviewer"]))
    assert r.status_code == 404 and "b9-0001" in r.json()["detail"]


def test_escalation_list(client: TestClient, keys: dict[str, str],
                         stored: dict[str, Any]) -> None:
    records = stored["first"]["records"] + stored["second"]["records"]
    target = next(r for r in records if not r["escalate"])
    client.post(f"/api/v1/opinions/{target['opinion_id']}/corrections",
                json={"escalation": {"escalate": True, "level": "central",
                                     "reason": "Cần sửa Luật Đất đai"}},
                headers=auth(keys["reviewer"]))
    listed = client.get("/api/v1/escalations", headers=auth(keys["reviewer"])).json()
    assert listed["total"] == sum(r["escalate"] for r in records) + 1
    assert all(r["escalate"] for r in listed["items"])
    central = client.get("/api/v1/escalations?level=central",
                         headers=auth(keys["reviewer"])).json()
    assert [r["opinion_id"] for r in central["items"]] == [target["opinion_id"]]
    assert central["items"][0]["escalation_reason"] == "Cần sửa Luật Đất đai"
    assert client.get("/api/v1/escalations", headers=auth(keys["intake"])).status_code == 403


def test_single_opinion_triage_stores_nothing(
    client: TestClient, keys: dict[str, str]
) -> None:
    r = client.post("/api/v1/triage", json={"text": OPINIONS[1], "id": "hotline-1",
                                            "locality": "le_loi"},
                    headers=auth(keys["intake"]))
    assert r.status_code == 200, r.text
    record = r.json()
    assert record["id"] == "hotline-1" and record["locality"] == "le_loi"
    assert record["category"] == "transaction_registration"
    assert record["duplicate_of"] is None and record["model_version"].startswith("triage-")
    assert opinions(client, keys["admin"])["total"] == 0
    assert client.post("/api/v1/triage", json={"text": ""},
                       headers=auth(keys["intake"])).status_code == 422
    bad = client.post("/api/v1/triage", json={"text": "Đề nghị cấp sổ", "locality": "hanoi"},
                      headers=auth(keys["intake"]))
    assert bad.status_code == 422 and "hanoi" in bad.json()["detail"]
    assert client.post("/api/v1/triage", json={"text": "x"}).status_code == 401
