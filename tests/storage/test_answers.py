"""Migration 0003 and the follow-up queries: departments' answers on opinions, the campaign's
dialogue and conclusion dates, group answers, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session, sessionmaker

from storage import repositories as repo
from storage.db import MIGRATIONS, session_scope
from storage.models import Campaign, DuplicateGroup, Opinion, utcnow
from triage.text import fold


def _opinion(campaign_id: int, batch_id: int, n: int, **fields: object) -> Opinion:
    text = f"Đề nghị cấp giấy chứng nhận lần đầu cho thửa đất số {n} ở thôn Mông Phụ."
    values: dict[str, object] = dict(
        campaign_id=campaign_id, batch_id=batch_id, public_id=f"b{batch_id}-{n:04d}",
        external_id=f"b{batch_id}-{n:04d}", position=n, original_text=text, text=text,
        masked_text=text, folded_text=fold(text), category="first_issuance", confidence=0.9,
        department="tnmt", model_version="triage-test",
    )
    values.update(fields)
    return Opinion(**values)


def _config(connection: object) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def test_migration_adds_answer_and_campaign_dates_and_goes_back(engine: Engine) -> None:
    columns = {c["name"] for c in inspect(engine).get_columns("opinions")}
    assert {"answer", "answer_reference", "answered_at", "answered_by_id"} <= columns
    campaign_columns = {c["name"] for c in inspect(engine).get_columns("campaigns")}
    assert {"dialogue_date", "conclusion_date"} <= campaign_columns
    with engine.begin() as connection:
        command.downgrade(_config(connection), "0002")
    inspector = inspect(engine)
    assert "answer" not in {c["name"] for c in inspector.get_columns("opinions")}
    assert "conclusion_date" not in {c["name"] for c in inspector.get_columns("campaigns")}
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")
    assert "answered_by_id" in {c["name"] for c in inspect(engine).get_columns("opinions")}


def test_answers_group_answers_and_followup_rows(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as s:
        campaign = repo.ensure_campaign(s, "son_tay_2023", name="Đối thoại 2023",
                                        jurisdiction="son_tay_2023", year=2023,
                                        deadlines={"departments_answer": "2023-08-30"})
        campaign.dialogue_date = date(2023, 9, 12)
        reviewer = repo.create_user(s, "vp-ubnd", "reviewer")
        batch = repo.create_batch(s, campaign_id=campaign.id, source="api", input_format="text",
                                  raw_input="x", raw_sha256="0" * 64)
        group = DuplicateGroup(campaign_id=campaign.id, key="c0001")
        s.add(group)
        s.flush()
        opinions = [_opinion(campaign.id, batch.id, n, group_id=group.id if n < 3 else None)
                    for n in (1, 2, 3)]
        repo.bulk_add(s, opinions)
        earlier = utcnow() - timedelta(hours=1)
        opinions[1].answer = "Đã cấp giấy cho 12 hộ, số còn lại trong quý IV."
        opinions[1].answer_reference = "Văn bản số 125/TNMT ngày 29/8/2023"
        opinions[1].answered_at = earlier
        opinions[1].answered_by_id = reviewer.id
        ids = [o.id for o in opinions]
        group_id = group.id
        campaign_id = campaign.id
    with session_scope(sessions) as s:
        stored = s.get(Campaign, campaign_id)
        assert stored is not None and stored.dialogue_date == date(2023, 9, 12)
        answered = repo.group_answers(s, [group_id])
        assert answered[group_id].id == ids[1]
        assert answered[group_id].answer_reference == "Văn bản số 125/TNMT ngày 29/8/2023"
        assert isinstance(answered[group_id].answered_at, datetime)
        rows = repo.followup_rows(s, campaign_id)
        assert [(r[0], r[3]) for r in rows] == [(ids[0], False), (ids[1], True), (ids[2], False)]
        assert repo.group_member_ids(s, [group_id]) == {group_id: ["b1-0001", "b1-0002"]}
        assert repo.usernames(s, [answered[group_id].answered_by_id or 0]) == {
            answered[group_id].answered_by_id: "vp-ubnd"}
        view = repo.all_opinions(s, repo.OpinionFilter(campaign_id=campaign_id))
        assert [o.id for o in view] == ids
