"""Shapes stored opinions for the pages: grouped by category and department, duplicates
collapsed into one entry with their count and sources, filters read from a query string.

Reading goes through the same services as the API (`opinions.search`, `records.records`);
this module only arranges what they return.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from api.services import opinions as opinion_svc
from api.services.followup import context as follow_context
from api.services.records import event_record, records
from api.services.runtime import Actor, Runtime
from storage import repositories as repo
from storage.models import Opinion

PAGE_SIZE = 500
REVIEW_PAGE_SIZE = 40


@dataclass
class Filters:
    """The filters of a list page, as the query string carries them."""

    locality: str = ""
    department: str = ""
    category: str = ""
    needs_review: str = ""  # "1", "0" or "" (any)
    escalate: str = ""  # "1", "0" or ""
    reviewed: str = ""  # "1", "0" or ""
    q: str = ""
    page: int = 1

    @classmethod
    def parse(cls, rt: Runtime, params: Mapping[str, str], **defaults: str) -> Filters:
        j = rt.jurisdiction

        def pick(name: str, allowed: Sequence[str] | None = None) -> str:
            value = params.get(name, defaults.get(name, "")).strip()
            if allowed is not None and value not in allowed:
                return ""
            return value

        flags = ("1", "0")
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        return cls(
            locality=pick("locality", list(j.localities)),
            department=pick("department", list(j.departments)),
            category=pick("category", list(j.categories)),
            needs_review=pick("needs_review", flags),
            escalate=pick("escalate", flags),
            reviewed=pick("reviewed", (*flags, "all")),
            q=pick("q")[:200],
            page=page,
        )

    @staticmethod
    def _flag(value: str) -> bool | None:
        return {"1": True, "0": False}.get(value)

    def query(self, batch: str | None = None, order: str = "position") -> opinion_svc.OpinionQuery:
        return opinion_svc.OpinionQuery(
            batch=batch, category=self.category or None, department=self.department or None,
            locality=self.locality or None, escalate=self._flag(self.escalate),
            needs_review=self._flag(self.needs_review), reviewed=self._flag(self.reviewed),
            q=self.q or None, order=order,
        )

    def params(self, **changes: Any) -> dict[str, str]:
        values = {"locality": self.locality, "department": self.department,
                  "category": self.category, "needs_review": self.needs_review,
                  "escalate": self.escalate, "reviewed": self.reviewed, "q": self.q,
                  "page": str(self.page)}
        values.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}

    @property
    def active(self) -> bool:
        return any((self.locality, self.department, self.category, self.needs_review,
                    self.escalate, self.q))


@dataclass
class Source:
    """Where one member of a duplicate group came from."""

    opinion_id: str
    batch: str
    locality: str | None
    submitter: str | None
    section: str | None
    line: int | None
    text: str


@dataclass
class GroupView:
    key: str
    members: list[dict[str, Any]]  # the records on this page, in order
    size: int  # members in every batch of the campaign
    sources: list[Source] = field(default_factory=list)

    @property
    def first(self) -> dict[str, Any]:
        return self.members[0]

    @property
    def escalate(self) -> bool:
        return any(m["escalate"] for m in self.members)

    @property
    def needs_review(self) -> bool:
        return any(m["needs_review"] for m in self.members)


@dataclass
class DepartmentView:
    code: str
    groups: list[GroupView]

    @property
    def count(self) -> int:
        return sum(len(g.members) for g in self.groups)


@dataclass
class CategoryView:
    code: str
    departments: list[DepartmentView]

    @property
    def count(self) -> int:
        return sum(d.count for d in self.departments)


def _sources(session: Session, group_ids: Sequence[int]) -> dict[int, list[Source]]:
    out: dict[int, list[Source]] = {}
    for o in repo.opinions_in_groups(session, group_ids):
        assert o.group_id is not None
        out.setdefault(o.group_id, []).append(Source(
            o.public_id, o.public_id.rsplit("-", 1)[0], o.locality, o.submitter, o.section,
            o.line, o.text))
    return out


def grouped(rt: Runtime, session: Session, opinions: Sequence[Opinion]) -> list[CategoryView]:
    """Category → department → duplicate group, in the jurisdiction's category order."""
    recs = records(session, opinions, rt.jurisdiction, follow_context(rt, session))
    group_ids = {r["cluster"]: o.group_id for r, o in zip(recs, opinions, strict=True)}
    by_cat: dict[str, dict[str, dict[str, GroupView]]] = {}
    for rec in recs:
        depts = by_cat.setdefault(rec["category"], {})
        groups = depts.setdefault(rec["department"], {})
        view = groups.get(rec["cluster"])
        if view is None:
            groups[rec["cluster"]] = GroupView(rec["cluster"], [rec], rec["cluster_size"])
        else:
            view.members.append(rec)
    wanted = [group_ids[v.key] for d in by_cat.values() for g in d.values() for v in g.values()
              if v.size > 1 and group_ids.get(v.key) is not None]
    sources = _sources(session, [w for w in wanted if w is not None])
    order = list(rt.jurisdiction.categories)
    out = []
    for cat in sorted(by_cat, key=lambda c: order.index(c) if c in order else len(order)):
        departments = []
        for dept, groups in by_cat[cat].items():
            views = list(groups.values())
            for view in views:
                gid = group_ids.get(view.key)
                view.sources = sources.get(gid, []) if gid is not None else []
            views.sort(key=lambda v: (-max(len(v.members), v.size), v.first["position"]))
            departments.append(DepartmentView(dept, views))
        departments.sort(key=lambda d: (-d.count, d.code))
        out.append(CategoryView(cat, departments))
    return out


def search(
    rt: Runtime, session: Session, actor: Actor, filters: Filters, *, batch: str | None = None,
    order: str = "position", page_size: int = PAGE_SIZE,
) -> tuple[list[Opinion], int]:
    return opinion_svc.search(rt, session, actor, filters.query(batch, order), limit=page_size,
                              offset=(filters.page - 1) * page_size)


def review_cards(rt: Runtime, session: Session, opinions: Sequence[Opinion]
                 ) -> list[dict[str, Any]]:
    """Records with their last correction (who and when), for the review queue."""
    recs = records(session, opinions, rt.jurisdiction, follow_context(rt, session))
    for rec, opinion in zip(recs, opinions, strict=True):
        rec["history"] = [event_record(e) for e in opinion.events]
        rec["last_change"] = next((h for h in reversed(rec["history"])
                                   if h["actor_kind"] == "reviewer" and h["field"] != "status"),
                                  None)
    return recs
