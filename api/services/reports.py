"""Documents from stored opinions: the campaign or any filtered view, as `triage.reports` builds
them (the follow-up workbook, the consolidated report, the list sent up), internal or public.

Stored opinions become triage records (`records.records`, with their follow-up state), then
`ReportOpinion`s through the library's own reader, so the CLI and the API print the same
document for the same opinions. Duplicate groups span batches: each opinion carries its
group's key, size and every member's id, so an issue counts all who raised it even when the
view shows only some of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from api.services import followup as follow_svc
from api.services import opinions as opinion_svc
from api.services.errors import NotFound
from api.services.records import records
from api.services.runtime import Actor, Runtime
from storage import repositories as repo
from triage.reports import (
    EXPORT_KINDS,
    ReportData,
    ReportView,
    export_bytes,
    report_opinions_from_records,
)

PUBLIC_NAMES = {"report": "bao-cao-cong-khai"}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    media_type: str


def describe_scope(rt: Runtime, query: opinion_svc.OpinionQuery) -> str | None:
    """What a filtered view shows, in words staff read at the top of the document."""
    j = rt.jurisdiction
    parts: list[str] = []
    if query.department:
        department = j.departments.get(query.department)
        parts.append(f"cơ quan trả lời: {department.name if department else query.department}")
    if query.category:
        parts.append(f"nhóm: {j.categories.get(query.category, query.category)}")
    if query.locality:
        locality = j.localities.get(query.locality)
        parts.append(f"địa bàn: {locality.name if locality else query.locality}")
    if query.escalate is True:
        parts.append("chỉ các ý kiến vượt thẩm quyền")
    elif query.escalate is False:
        parts.append("các ý kiến thuộc thẩm quyền thị xã")
    if query.escalation_level == "city":
        parts.append("cấp Thành phố")
    elif query.escalation_level == "central":
        parts.append("cấp Trung ương")
    if query.batch:
        parts.append(f"đợt {query.batch}")
    if query.cluster:
        parts.append(f"nhóm trùng {query.cluster}")
    if query.needs_review is not None:
        parts.append("cần rà soát" if query.needs_review else "không cần rà soát")
    if query.reviewed is not None:
        parts.append("đã rà soát" if query.reviewed else "chưa rà soát")
    if query.q and query.q.strip():
        parts.append(f"có từ “{query.q.strip()[:100]}”")
    if not parts:
        return None
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


def report_data(
    rt: Runtime, session: Session, actor: Actor, query: opinion_svc.OpinionQuery, *,
    public: bool = False, today: date | None = None,
) -> ReportData:
    """The view's opinions with their groups, answers and deadlines, ready for any export."""
    follow = follow_svc.context(rt, session, today)
    rows = repo.all_opinions(session, opinion_svc.build_filter(rt, session, actor, query))
    recs = records(session, rows, rt.jurisdiction, follow)
    members = repo.group_member_ids(session, [o.group_id for o in rows if o.group_id])
    shaped: list[dict[str, Any]] = []
    for index, (rec, row) in enumerate(zip(recs, rows, strict=True), start=1):
        item = dict(rec)
        # Opinion ids are unique across batches (a caller's own ids need not be).
        item["id"] = rec["opinion_id"]
        item["sources"] = members.get(row.group_id, []) if row.group_id else []
        item["position"] = index
        item["deadline"] = rec["deadline"].isoformat() if rec["deadline"] else None
        shaped.append(item)
    opinions = report_opinions_from_records(shaped, rt.jurisdiction)
    return ReportData(
        campaign=follow.campaign_name,
        jurisdiction=rt.jurisdiction,
        generated=follow.today,
        opinions=opinions,
        public=public,
        scope=describe_scope(rt, query),
        dialogue_date=follow.dialogue_date,
        conclusion_date=follow.conclusion_date,
    )


def export(
    rt: Runtime, session: Session, actor: Actor, kind: str, query: opinion_svc.OpinionQuery,
    *, public: bool = False, today: date | None = None,
) -> ExportFile:
    spec = EXPORT_KINDS.get(kind)
    if spec is None:
        raise NotFound(f"Không có loại tài liệu “{kind}”. Dùng một trong: "
                       f"{', '.join(EXPORT_KINDS)}.")
    data = report_data(rt, session, actor, query, public=public, today=today)
    stem = (PUBLIC_NAMES.get(kind, f"{spec.filename}-cong-khai") if public else spec.filename)
    filename = f"{stem}-{data.generated:%Y%m%d}{spec.suffix}"
    return ExportFile(export_bytes(data, kind), filename, spec.media_type)


def overdue(
    rt: Runtime, session: Session, actor: Actor, query: opinion_svc.OpinionQuery, *,
    today: date | None = None,
) -> dict[str, Any]:
    """Overdue issues per department, counted in working days, as the workbook lists them."""
    follow = follow_svc.context(rt, session, today)
    data = report_data(rt, session, actor, query, today=follow.today)
    view = ReportView(data, deadlines=follow.deadlines, calendar=follow.calendar)
    departments = []
    for code in view.department_codes():
        issues = [i for i in view.overdue if i.department == code]
        if not issues:
            continue
        items = [{
            "cluster": issue.key,
            "representative": issue.representative.id,
            "text": issue.representative.text,
            "count": issue.count,
            "localities": view.localities(issue),
            "deadline": issue.deadline,
            "overdue_days": issue.overdue_days,
            "opinion_ids": issue.ids,
            "escalate": issue.escalate,
        } for issue in issues]
        departments.append({
            "department": code,
            "department_name": view.department_name(code),
            "issues": len(issues),
            "opinions": sum(i.count for i in issues),
            "items": items,
        })
    return {
        "today": follow.today,
        "deadline": follow.deadline,
        "issues": sum(d["issues"] for d in departments),
        "opinions": sum(d["opinions"] for d in departments),
        "departments": departments,
    }
