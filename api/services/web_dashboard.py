"""The dashboard: counts by category, department and locality, and each department's load.

Each department's opinions are counted by follow-up status (chưa trả lời, đã trả lời, quá
hạn), derived from the answers recorded, the campaign's deadline and today's date through
`api.services.followup` (hence `triage.followup`), like the reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from api.services import followup as follow_svc
from api.services.runtime import Runtime
from storage import repositories as repo


@dataclass
class Bar:
    code: str
    count: int
    share: float  # of the largest bar, 0..1, for the chart's width


@dataclass
class Dashboard:
    totals: repo.CampaignTotals
    categories: list[Bar]
    departments: list[Bar]
    localities: list[Bar]
    workload: list[repo.DepartmentLoad]
    deadline: date | None
    deadline_status: str
    overdue_days: int
    statuses: dict[str, follow_svc.DepartmentStatus]
    answered: int
    awaiting: int


def _bars(counts: dict[str, int], order: list[str] | None = None) -> list[Bar]:
    top = max(counts.values(), default=0) or 1
    items = list(counts.items())
    if order is not None:
        rank = {code: i for i, code in enumerate(order)}
        items.sort(key=lambda kv: rank.get(kv[0], len(rank)))
    else:
        items.sort(key=lambda kv: (-kv[1], kv[0]))
    return [Bar(code, n, n / top) for code, n in items]


def dashboard(rt: Runtime, session: Session, today: date | None = None) -> Dashboard:
    cid = rt.campaign_id
    localities = repo.counts_by(session, cid, "locality")
    if "None" in localities:  # the repository's str() of a null locality
        localities[""] = localities.pop("None")
    follow = follow_svc.context(rt, session, today)
    statuses = {s.department: s for s in follow_svc.department_statuses(rt, session, follow)}
    return Dashboard(
        totals=repo.campaign_totals(session, cid),
        categories=_bars(repo.counts_by(session, cid, "category"),
                         list(rt.jurisdiction.categories)),
        departments=_bars(repo.counts_by(session, cid, "department")),
        localities=_bars(localities, [*rt.jurisdiction.localities, ""]),
        workload=repo.department_workload(session, cid),
        deadline=follow.deadline,
        deadline_status=follow.status(False),
        overdue_days=follow.overdue_days(False),
        statuses=statuses,
        answered=sum(s.counts[follow_svc.STATUS_ANSWERED] for s in statuses.values()),
        awaiting=sum(s.awaiting for s in statuses.values()),
    )


def as_dict(board: Dashboard) -> dict[str, Any]:
    return {"totals": vars(board.totals),
            "categories": [vars(b) for b in board.categories]}
