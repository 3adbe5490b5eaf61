"""Follow-up of stored opinions: the departments' answers, deadlines and derived statuses.

A status is never stored: it follows from the answer (the opinion's own, or any member's of
its duplicate group, since a department answers an issue once for everyone who raised it),
the campaign's deadline and today's date, through `triage.followup`, exactly as the reports
compute it. Recording an answer is a decision event too (who, when, before, after).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from api.services import opinions as opinion_svc
from api.services.errors import Forbidden, Invalid, NotFound
from api.services.runtime import Actor, Runtime
from storage import repositories as repo
from storage.models import Campaign, Opinion, utcnow
from triage.followup import (
    STATUS_ANSWERED,
    STATUS_OVERDUE,
    STATUS_UNANSWERED,
    STATUSES,
    CampaignDeadlines,
    WorkCalendar,
    answer_deadline,
    follow_up_due,
    load_calendar,
    opinion_status,
    overdue_working_days,
    results_report_due,
)
from triage.jurisdiction import Jurisdiction

ANSWER_LIMIT = 20_000
REFERENCE_LIMIT = 300
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def local_today(jurisdiction: Jurisdiction) -> date:
    """Today where the jurisdiction is (a deadline's last day ends at its midnight)."""
    name = str(jurisdiction.raw.get("timezone") or DEFAULT_TIMEZONE)
    try:
        zone: tzinfo = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = timezone(timedelta(hours=7), "ICT")
    return datetime.now(zone).date()


def today_for(rt: Runtime, today: date | None = None) -> date:
    """An explicit date (a query parameter), else the fixed setting, else the real date."""
    return today or rt.settings.today or local_today(rt.jurisdiction)


def _calendar(jurisdiction: Jurisdiction) -> WorkCalendar:
    cache: dict[str, WorkCalendar] = _CALENDARS
    key = f"{jurisdiction.code}:{jurisdiction.file('holidays.yaml')}"
    if key not in cache:
        cache[key] = load_calendar(jurisdiction)
    return cache[key]


_CALENDARS: dict[str, WorkCalendar] = {}


@dataclass(frozen=True)
class FollowUp:
    """One campaign's follow-up clock on one day."""

    today: date
    deadlines: CampaignDeadlines
    calendar: WorkCalendar
    campaign_name: str = ""
    dialogue_date: date | None = None
    conclusion_date: date | None = None

    @property
    def deadline(self) -> date | None:
        return answer_deadline(self.deadlines)

    def status(self, answered: bool) -> str:
        return opinion_status(answered=answered, deadline=self.deadline, today=self.today)

    def overdue_days(self, answered: bool) -> int:
        return 0 if answered else overdue_working_days(self.deadline, self.today, self.calendar)

    @property
    def results_report_due(self) -> date | None:
        if self.dialogue_date is None:
            return None
        return results_report_due(self.dialogue_date, self.deadlines, self.calendar)

    @property
    def follow_up_due(self) -> date | None:
        if self.conclusion_date is None:
            return None
        return follow_up_due(self.conclusion_date, self.deadlines, self.calendar)


def for_campaign(
    session: Session, campaign_id: int, jurisdiction: Jurisdiction, today: date
) -> FollowUp:
    """The campaign's stored deadlines (seeded from `deadlines.yaml`) and known dates."""
    campaign = session.get(Campaign, campaign_id)
    data = dict(campaign.deadlines or {}) if campaign else dict(jurisdiction.deadlines)
    return FollowUp(
        today=today,
        deadlines=CampaignDeadlines.from_data(data),
        calendar=_calendar(jurisdiction),
        campaign_name=campaign.name if campaign else jurisdiction.name,
        dialogue_date=campaign.dialogue_date if campaign else None,
        conclusion_date=campaign.conclusion_date if campaign else None,
    )


def context(rt: Runtime, session: Session, today: date | None = None) -> FollowUp:
    return for_campaign(session, rt.campaign_id, rt.jurisdiction, today_for(rt, today))


# --- records ---------------------------------------------------------------------------------


def record_fields(
    session: Session, opinions: list[Opinion], follow: FollowUp
) -> dict[int, dict[str, Any]]:
    """The follow-up fields of each opinion's record, with one query for group answers and
    one for the users who recorded them."""
    groups = repo.group_answers(
        session, [o.group_id for o in opinions if o.group_id is not None and o.answer is None])
    holders: dict[int, Opinion] = {}
    for o in opinions:
        if o.answer is not None:
            holders[o.id] = o
        elif o.group_id is not None and o.group_id in groups:
            holders[o.id] = groups[o.group_id]
    names = repo.usernames(session, [h.answered_by_id for h in holders.values()
                                     if h.answered_by_id is not None])
    out: dict[int, dict[str, Any]] = {}
    for o in opinions:
        holder = holders.get(o.id)
        answered = holder is not None
        out[o.id] = {
            "status": follow.status(answered),
            "deadline": follow.deadline,
            "overdue_days": follow.overdue_days(answered),
            "answer": holder.answer if holder else None,
            "answer_reference": holder.answer_reference if holder else None,
            "answered_at": holder.answered_at if holder else None,
            "answered_by": names.get(holder.answered_by_id or 0) if holder else None,
            "answer_from": holder.public_id if holder and holder.id != o.id else None,
        }
    return out


# --- answers ---------------------------------------------------------------------------------


@dataclass
class AnswerIn:
    answer: str
    reference: str | None = None
    note: str | None = None


def _answer_state(opinion: Opinion) -> dict[str, Any]:
    return {"answer": opinion.answer, "answer_reference": opinion.answer_reference}


def record_answer(
    rt: Runtime, session: Session, actor: Actor, public_id: str, body: AnswerIn
) -> Opinion:
    """Stores (or replaces) the department's written answer; kept as a decision event."""
    if not actor.has("reviewer", "admin"):
        raise Forbidden("Chỉ người rà soát hoặc quản trị mới được ghi câu trả lời của cơ quan.")
    text = (body.answer or "").strip()
    if not text:
        raise Invalid("Câu trả lời của cơ quan không được để trống.")
    if len(text) > ANSWER_LIMIT:
        raise Invalid(f"Câu trả lời dài quá {ANSWER_LIMIT} ký tự: hãy tóm tắt và ghi số văn "
                      "bản trả lời.")
    reference = (body.reference or "").strip() or None
    if reference is not None and len(reference) > REFERENCE_LIMIT:
        raise Invalid(f"Số, ngày văn bản trả lời dài quá {REFERENCE_LIMIT} ký tự.")
    opinion = opinion_svc.get_opinion(session, actor, public_id)
    before = _answer_state(opinion)
    after = {"answer": text, "answer_reference": reference}
    if before == after:
        return opinion
    opinion.answer = text
    opinion.answer_reference = reference
    opinion.answered_at = utcnow()
    opinion.answered_by_id = actor.user_id
    repo.record_event(session, opinion, "answer", before, after, actor_kind="reviewer",
                      actor=actor.username, user_id=actor.user_id,
                      note=(body.note or "").strip()[:2000] or None)
    session.flush()
    session.refresh(opinion, ["events"])
    return opinion


def withdraw_answer(
    rt: Runtime, session: Session, actor: Actor, public_id: str, note: str | None = None
) -> Opinion:
    """Removes an answer recorded by mistake (the event keeps what it said)."""
    if not actor.has("reviewer", "admin"):
        raise Forbidden("Chỉ người rà soát hoặc quản trị mới được xóa câu trả lời của cơ quan.")
    opinion = opinion_svc.get_opinion(session, actor, public_id)
    if opinion.answer is None:
        raise NotFound(f"Ý kiến {public_id} chưa có câu trả lời nào được ghi.")
    before = _answer_state(opinion)
    opinion.answer = opinion.answer_reference = None
    opinion.answered_at = None
    opinion.answered_by_id = None
    repo.record_event(session, opinion, "answer", before,
                      {"answer": None, "answer_reference": None}, actor_kind="reviewer",
                      actor=actor.username, user_id=actor.user_id,
                      note=(note or "").strip()[:2000] or "xóa câu trả lời ghi nhầm")
    session.flush()
    session.refresh(opinion, ["events"])
    return opinion


# --- campaign dates ----------------------------------------------------------------------------


def campaign_body(rt: Runtime, session: Session, today: date | None = None) -> dict[str, Any]:
    follow = context(rt, session, today)
    return {
        "code": rt.campaign_code,
        "name": follow.campaign_name,
        "today": follow.today,
        "departments_answer": follow.deadline,
        "dialogue_date": follow.dialogue_date,
        "conclusion_date": follow.conclusion_date,
        "results_report_due": follow.results_report_due,
        "follow_up_due": follow.follow_up_due,
        "results_report_working_days": follow.deadlines.results_report_working_days,
        "follow_up_days_after_conclusion": follow.deadlines.follow_up_days_after_conclusion,
        "follow_up_counts_working_days": follow.deadlines.follow_up_counts_working_days,
    }


_UNSET: Any = object()


def set_campaign_dates(
    rt: Runtime, session: Session, actor: Actor, *, dialogue_date: Any = _UNSET,
    conclusion_date: Any = _UNSET, departments_answer: Any = _UNSET,
) -> None:
    """Records the dialogue day, the conclusion notice's day or a new answer deadline."""
    if not actor.has("reviewer", "admin"):
        raise Forbidden("Chỉ người rà soát hoặc quản trị mới được sửa các mốc thời gian.")
    campaign = repo.lock_campaign(session, rt.campaign_id)
    if dialogue_date is not _UNSET:
        campaign.dialogue_date = dialogue_date
    if conclusion_date is not _UNSET:
        if conclusion_date is not None and campaign.dialogue_date is not None \
                and conclusion_date < campaign.dialogue_date:
            raise Invalid("Ngày thông báo kết luận không thể trước ngày đối thoại.")
        campaign.conclusion_date = conclusion_date
    if departments_answer is not _UNSET:
        deadlines = dict(campaign.deadlines or {})
        if departments_answer is None:
            deadlines.pop("departments_answer", None)
        else:
            deadlines["departments_answer"] = departments_answer.isoformat()
        campaign.deadlines = deadlines
    session.flush()


# --- per department ------------------------------------------------------------------------------


@dataclass
class DepartmentStatus:
    department: str
    counts: dict[str, int]  # opinions per status, in STATUSES order

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def awaiting(self) -> int:
        return self.counts[STATUS_OVERDUE] + self.counts[STATUS_UNANSWERED]


def department_statuses(rt: Runtime, session: Session, follow: FollowUp
                        ) -> list[DepartmentStatus]:
    """Opinions per status for each department of the campaign, busiest first."""
    rows = repo.followup_rows(session, rt.campaign_id)
    answered_groups = {g for _, _, g, own in rows if own and g is not None}
    per: dict[str, dict[str, int]] = {}
    for _, department, group_id, own in rows:
        answered = own or (group_id is not None and group_id in answered_groups)
        counts = per.setdefault(department, dict.fromkeys(STATUSES, 0))
        counts[follow.status(answered)] += 1
    out = [DepartmentStatus(d, c) for d, c in per.items()]
    out.sort(key=lambda s: (-s.awaiting, -s.total, s.department))
    return out


__all__ = [
    "STATUSES",
    "STATUS_ANSWERED",
    "STATUS_OVERDUE",
    "STATUS_UNANSWERED",
    "AnswerIn",
    "DepartmentStatus",
    "FollowUp",
    "campaign_body",
    "context",
    "department_statuses",
    "for_campaign",
    "record_answer",
    "record_fields",
    "set_campaign_dates",
    "today_for",
    "withdraw_answer",
]
