"""Duplicate groups across batches, reviewers' merges and splits, and new batches joining the
groups as reviewers left them (also when another process changed them)."""

from __future__ import annotations

from typing import Any

from api_helpers import OPINIONS, auth, items_payload, make_client
from fastapi.testclient import TestClient

from triage.settings import Settings

FEES = ("Đề nghị giảm tiền sử dụng đất khi cấp giấy chứng nhận lần đầu cho các hộ gia đình có "
        "hoàn cảnh khó khăn ở xã Cổ Đông.")
FEES_AGAIN = ("De nghi giam tien su dung dat khi cap giay chung nhan lan dau cho cac ho gia dinh "
              "co hoan canh kho khan o xa Co Dong.")


def submit(client: TestClient, key: str, texts: list[str]) -> list[dict[str, Any]]:
    r = client.post("/api/v1/batches", json=items_payload(texts), headers=auth(key))
    assert r.status_code == 201, r.text
    return list(r.json()["records"])


def group(client: TestClient, key: str, cluster: str) -> dict[str, Any]:
    r = client.get(f"/api/v1/groups/{cluster}", headers=auth(key))
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_later_batches_join_earlier_groups(client: TestClient, keys: dict[str, str]) -> None:
    first = submit(client, keys["intake"], OPINIONS)
    second = submit(client, keys["xa-duong-lam"], [OPINIONS[2], OPINIONS[1], FEES])
    assert second[0]["cluster"] == first[0]["cluster"]
    assert second[0]["duplicate_of"] == first[0]["opinion_id"]
    assert second[1]["cluster"] == first[1]["cluster"]
    assert second[2]["cluster"] not in {r["cluster"] for r in first}

    reviewer = keys["reviewer"]
    g = group(client, reviewer, first[0]["cluster"])
    assert g["size"] == 3 and g["representative"]["opinion_id"] == first[0]["opinion_id"]
    assert [m["opinion_id"] for m in g["members"]] == [first[0]["opinion_id"],
                                                       first[2]["opinion_id"],
                                                       second[0]["opinion_id"]]
    listed = client.get("/api/v1/groups?min_size=2", headers=auth(reviewer)).json()
    assert [x["key"] for x in listed["items"]] == [first[0]["cluster"], first[1]["cluster"]]
    assert listed["items"][0]["size"] == 3
    everything = client.get("/api/v1/groups", headers=auth(reviewer)).json()
    assert everything["total"] == len({r["cluster"] for r in first + second})
    assert client.get("/api/v1/groups", headers=auth(keys["intake"])).status_code == 403
    assert client.get("/api/v1/groups/c9999", headers=auth(reviewer)).status_code == 404


def merge_fees_into_first_issuance(
    client: TestClient, keys: dict[str, str]
) -> tuple[list[dict[str, Any]], str, str, dict[str, Any]]:
    """Submits four opinions and merges the fee opinion's group into the first-issuance group:
    (the records, that group, the fee group, the merged group)."""
    first = submit(client, keys["intake"], [OPINIONS[0], OPINIONS[2], FEES, OPINIONS[3]])
    a, b = first[0]["cluster"], first[2]["cluster"]
    assert a != b and first[1]["cluster"] == a
    r = client.post("/api/v1/groups/merge", json={"groups": [b, a], "note": "cùng vấn đề"},
                    headers=auth(keys["reviewer"]))
    assert r.status_code == 200, r.text
    return first, a, b, dict(r.json())


def test_merge_and_split_are_kept_and_respected(
    client: TestClient, keys: dict[str, str]
) -> None:
    reviewer = keys["reviewer"]
    first, a, b, merged = merge_fees_into_first_issuance(client, keys)
    assert merged["key"] == a and merged["size"] == 3
    assert merged["representative"]["opinion_id"] == first[0]["opinion_id"]
    moved = client.get(f"/api/v1/opinions/{first[2]['opinion_id']}",
                       headers=auth(reviewer)).json()
    assert moved["cluster"] == a and moved["duplicate_of"] == first[0]["opinion_id"]
    event = moved["history"][-1]
    assert (event["field"], event["before"], event["after"], event["actor"]) == \
        ("cluster", {"cluster": b}, {"cluster": a}, "vp-ubnd")
    assert group(client, reviewer, b)["size"] == 0
    # a duplicate of the fee opinion now joins the merged group
    later = submit(client, keys["intake"], [FEES_AGAIN])
    assert later[0]["cluster"] == a

    # split the two fee opinions out again: they get a new group of their own
    fee_ids = [first[2]["opinion_id"], later[0]["opinion_id"]]
    r = client.post(f"/api/v1/groups/{a}/split", json={"opinions": fee_ids},
                    headers=auth(reviewer))
    assert r.status_code == 201, r.text
    split = r.json()
    assert split["key"] not in (a, b) and split["size"] == 2
    assert [m["opinion_id"] for m in split["members"]] == fee_ids
    assert split["members"][1]["duplicate_of"] == fee_ids[0]
    assert group(client, reviewer, a)["size"] == 2
    # and new copies of each join the group reviewers left them in
    again = submit(client, keys["intake"], [FEES, OPINIONS[0]])
    assert [r["cluster"] for r in again] == [split["key"], a]


def test_merge_and_split_errors_and_roles(client: TestClient, keys: dict[str, str]) -> None:
    first = submit(client, keys["intake"], OPINIONS)
    a, c = first[0]["cluster"], first[3]["cluster"]
    reviewer = keys["reviewer"]
    cases = [
        ("/api/v1/groups/merge", {"groups": [a]}, 422, "hai nhóm"),
        ("/api/v1/groups/merge", {"groups": [a, "c9999"]}, 404, "c9999"),
        ("/api/v1/groups/merge", {"groups": []}, 422, ""),
        (f"/api/v1/groups/{a}/split", {"opinions": [first[3]["opinion_id"]]}, 422,
         "không thuộc nhóm"),
        (f"/api/v1/groups/{c}/split", {"opinions": [first[3]["opinion_id"]]}, 422,
         "ít nhất một"),
        ("/api/v1/groups/c9999/split", {"opinions": ["x"]}, 404, "c9999"),
    ]
    for url, body, status, fragment in cases:
        r = client.post(url, json=body, headers=auth(reviewer))
        assert r.status_code == status, (url, body, r.text)
        assert fragment in r.json()["detail"]
    r = client.post("/api/v1/groups/merge", json={"groups": [a, c]}, headers=auth(keys["intake"]))
    assert r.status_code == 403
    assert group(client, reviewer, a)["size"] == 2


def test_groups_changed_by_another_process_are_respected(
    settings: Settings, client: TestClient, keys: dict[str, str]
) -> None:
    """Two app instances on one database: each rebuilds its duplicate index when the other
    added opinions or changed groups."""
    first = submit(client, keys["intake"], [OPINIONS[0], FEES])
    with make_client(settings) as other:
        second = submit(other, keys["intake"], [OPINIONS[2]])
        assert second[0]["cluster"] == first[0]["cluster"]
        r = other.post("/api/v1/groups/merge",
                       json={"groups": [first[0]["cluster"], first[1]["cluster"]]},
                       headers=auth(keys["reviewer"]))
        assert r.status_code == 200
    # the first instance still had its own cached index: it must see both changes
    third = submit(client, keys["intake"], [FEES_AGAIN, OPINIONS[2]])
    assert third[0]["cluster"] == third[1]["cluster"] == first[0]["cluster"]
    assert group(client, keys["reviewer"], first[0]["cluster"])["size"] == 5


def test_reviewers_groups_become_the_verifiers_training_pairs(
    client: TestClient, keys: dict[str, str]
) -> None:
    from api.services.training import REVIEWERS, corrections, paraphrase_pairs
    from triage.train import label_source

    reviewer = keys["reviewer"]
    first, a, _, _ = merge_fees_into_first_issuance(client, keys)
    for record in first:  # an empty correction confirms the decision: the opinion is reviewed
        r = client.post(f"/api/v1/opinions/{record['opinion_id']}/corrections", json={},
                        headers=auth(reviewer))
        assert r.status_code == 200 and r.json()["reviewed"], r.text

    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    with runtime.session() as session:
        train, aside = corrections(runtime, session)
    by_id = {i.id: i for i in train + aside}
    ids = [record["opinion_id"] for record in first]
    assert set(ids) <= set(by_id)
    assert {by_id[i].group for i in ids[:3]} == {f"{REVIEWERS}-{a}"}  # as the reviewer merged
    assert by_id[ids[3]].group not in {None, f"{REVIEWERS}-{a}"}
    assert {label_source(by_id[i]) for i in ids} == {REVIEWERS}  # one source, across batches
    assert paraphrase_pairs([by_id[i] for i in ids]) == 3
