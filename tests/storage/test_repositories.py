"""Repositories and migrations on real databases (SQLite, and PostgreSQL when available)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage import repositories as repo
from storage.db import migrate, session_scope
from storage.models import DuplicateGroup, Opinion
from triage.text import fold


def _campaign(session: Session) -> int:
    return repo.ensure_campaign(session, "son_tay_2023", name="Đối thoại 2023",
                                jurisdiction="son_tay_2023", year=2023).id


def _opinion(campaign_id: int, batch_id: int, n: int, text: str, **fields: object) -> Opinion:
    defaults: dict[str, object] = dict(
        campaign_id=campaign_id, batch_id=batch_id, public_id=f"b{batch_id}-{n:04d}",
        external_id=f"b{batch_id}-{n:04d}", position=n, original_text=text, text=text,
        masked_text=text, folded_text=fold(text), category="first_issuance", confidence=0.9,
        department="tnmt", model_version="triage-test",
    )
    defaults.update(fields)
    return Opinion(**defaults)


def test_migrations_create_every_table_and_are_idempotent(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"campaigns", "batches", "opinions", "decision_events", "duplicate_groups",
            "model_versions", "training_jobs", "users", "api_keys"} <= tables
    columns = {c["name"] for c in inspect(engine).get_columns("opinions")}
    assert {"expanded_text", "section", "line", "extra"} <= columns
    migrate(engine)  # a second upgrade is a no-op
    assert set(inspect(engine).get_table_names()) == tables


def test_batch_keys_come_from_row_ids(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as s:
        cid = _campaign(s)
        first = repo.create_batch(s, campaign_id=cid, source="api", input_format="jsonl",
                                  raw_input="{}", raw_sha256="0" * 64)
        second = repo.create_batch(s, campaign_id=cid, source="api", input_format="jsonl",
                                   raw_input="{}", raw_sha256="1" * 64)
        assert first.key == f"b{first.id}" and second.key == f"b{second.id}"
        assert repo.get_batch(s, second.key) is second
        assert repo.count_batches(s, cid) == 2


def test_idempotency_key_is_unique_per_campaign(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as s:
        cid = _campaign(s)
        repo.create_batch(s, campaign_id=cid, source="api", input_format="text",
                          raw_input="a", raw_sha256="a" * 64, idempotency_key="k-1")
    with pytest.raises(IntegrityError), session_scope(sessions) as s:
        repo.create_batch(s, campaign_id=cid, source="api", input_format="text",
                          raw_input="a", raw_sha256="a" * 64, idempotency_key="k-1")
    with session_scope(sessions) as s:
        found = repo.find_existing_batch(s, cid, None, "k-1")
        assert found is not None and found.raw_input == "a"
        assert repo.find_existing_batch(s, cid, "other", None) is None


def test_filters_search_without_diacritics_and_pagination(
    sessions: sessionmaker[Session],
) -> None:
    texts = ["Đề nghị cấp sổ đỏ lần đầu cho thôn Mông Phụ",
             "Xin hỏi thủ tục sang tên sổ đỏ",
             "Đường ngõ 5 bị ngập khi mưa to"]
    with session_scope(sessions) as s:
        cid = _campaign(s)
        batch = repo.create_batch(s, campaign_id=cid, source="api", input_format="text",
                                  raw_input="\n".join(texts), raw_sha256="b" * 64)
        repo.bulk_add(s, [
            _opinion(cid, batch.id, 1, texts[0], locality="duong_lam"),
            _opinion(cid, batch.id, 2, texts[1], category="transaction_registration",
                     department="vpdkdd", needs_review=True),
            _opinion(cid, batch.id, 3, texts[2], category="off_topic", department="qldt",
                     escalate=True, escalation_level="city"),
        ])
    with session_scope(sessions) as s:
        found, total = repo.list_opinions(s, repo.OpinionFilter(campaign_id=cid,
                                                                search_folded=fold("so do")))
        assert total == 2 and [o.position for o in found] == [1, 2]
        found, total = repo.list_opinions(s, repo.OpinionFilter(
            campaign_id=cid, search_folded=fold("Sổ Đỏ lần đầu")))
        assert total == 1 and found[0].locality == "duong_lam"
        assert repo.list_opinions(s, repo.OpinionFilter(campaign_id=cid,
                                                        needs_review=True))[1] == 1
        assert repo.list_opinions(s, repo.OpinionFilter(campaign_id=cid,
                                                        escalation_level="city"))[1] == 1
        assert repo.list_opinions(s, repo.OpinionFilter(campaign_id=cid, category="off_topic",
                                                        department="qldt"))[1] == 1
        page, total = repo.list_opinions(s, repo.OpinionFilter(campaign_id=cid), limit=2,
                                         offset=2)
        assert total == 3 and [o.position for o in page] == [3]
        # "%" and "_" in a search are literal characters, not wildcards
        assert repo.list_opinions(s, repo.OpinionFilter(campaign_id=cid,
                                                        search_folded="%"))[1] == 0


def test_groups_keys_cards_and_dedup_rows(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as s:
        cid = _campaign(s)
        batch = repo.create_batch(s, campaign_id=cid, source="api", input_format="text",
                                  raw_input="x", raw_sha256="c" * 64)
        keys = repo.new_group_keys(s, cid, 2)
        assert keys == ["c0001", "c0002"]
        groups = [DuplicateGroup(campaign_id=cid, key=k) for k in keys]
        repo.bulk_add(s, groups)
        opinions = [_opinion(cid, batch.id, n, f"ý kiến số {n}", expanded_text=f"y kien {n}",
                             group_id=groups[0 if n < 3 else 1].id) for n in (1, 2, 3)]
        repo.bulk_add(s, opinions)
        for g in groups:
            repo.refresh_group(s, g)
        assert repo.new_group_keys(s, cid, 1) == ["c0003"]
    with session_scope(sessions) as s:
        cards = repo.group_cards(s, [groups[0].id, groups[1].id])
        assert cards[groups[0].id] == ("c0001", 2, opinions[0].public_id)
        assert cards[groups[1].id] == ("c0002", 1, opinions[2].public_id)
        rows = repo.dedup_rows(s, cid)
        assert [(r[0], r[3]) for r in rows] == [(opinions[0].public_id, "c0001"),
                                                (opinions[1].public_id, "c0001"),
                                                (opinions[2].public_id, "c0002")]
        assert repo.max_opinion_id(s, cid) == opinions[2].id
        assert [g.key for g in repo.groups_by_keys(s, cid, ["c0002", "c0009"])] == ["c0002"]


def test_campaign_lock_serialises_writers(sessions: sessionmaker[Session]) -> None:
    """A second writer waits at lock_campaign until the first commits (both databases)."""
    with session_scope(sessions) as s:
        cid = _campaign(s)
    order: list[str] = []
    holding = threading.Event()

    def first() -> None:
        with session_scope(sessions) as s:
            campaign = repo.lock_campaign(s, cid)
            holding.set()
            time.sleep(0.5)
            repo.bump_groups_revision(s, campaign)
            order.append("first done")

    def second() -> None:
        holding.wait()
        with session_scope(sessions) as s:
            campaign = repo.lock_campaign(s, cid)
            order.append(f"second sees revision {campaign.groups_revision}")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert order == ["first done", "second sees revision 1"]


def test_model_versions_and_jobs(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as s:
        repo.upsert_model_version(s, "triage-a", status="candidate", metrics={"x": 1})
        repo.upsert_model_version(s, "triage-b", status="candidate")
        repo.mark_promoted(s, "triage-a")
        repo.mark_promoted(s, "triage-b")
    with session_scope(sessions) as s:
        status = {r.key: r.status for r in repo.list_model_versions(s)}
        assert status == {"triage-a": "retired", "triage-b": "promoted"}
        job = repo.create_job(s, "admin")
        assert repo.active_job(s) is job
        repo.finish_job(job, "succeeded", result={"ok": True}, model_key="triage-b")
        s.flush()
        assert repo.active_job(s) is None and job.finished_at is not None


def test_dashboard_workload_totals_and_group_members(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as s:
        cid = _campaign(s)
        batch = repo.create_batch(s, campaign_id=cid, source="api", input_format="text",
                                  raw_input="x", raw_sha256="d" * 64)
        group = DuplicateGroup(campaign_id=cid, key=repo.new_group_keys(s, cid, 1)[0])
        repo.bulk_add(s, [group])
        opinions = [
            _opinion(cid, batch.id, 1, "Đề nghị cấp sổ đỏ lần đầu", group_id=group.id),
            _opinion(cid, batch.id, 2, "De nghi cap so do lan dau", group_id=group.id,
                     reviewed=True),
            _opinion(cid, batch.id, 3, "Bảng giá đất quá cao", department="thue",
                     escalate=True, escalation_level="city", needs_review=True),
        ]
        repo.bulk_add(s, opinions)
        repo.refresh_group(s, group)
    with session_scope(sessions) as s:
        load = {d.department: d for d in repo.department_workload(s, cid)}
        assert list(load) == ["tnmt", "thue"]  # most opinions first
        assert (load["tnmt"].opinions, load["tnmt"].issues, load["tnmt"].reviewed) == (2, 1, 1)
        assert (load["thue"].escalated, load["thue"].needs_review) == (1, 1)
        totals = repo.campaign_totals(s, cid)
        assert (totals.opinions, totals.batches, totals.escalated, totals.needs_review,
                totals.reviewed) == (3, 1, 1, 1, 1)
        assert (totals.duplicate_groups, totals.in_duplicate_groups) == (1, 2)
        members = repo.opinions_in_groups(s, [group.id, group.id])
        assert [o.position for o in members] == [1, 2]
        assert repo.opinions_in_groups(s, []) == []
