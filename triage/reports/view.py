"""What every document shows, computed once: issues (duplicate groups), statuses, names, text.

The spreadsheet and the Word documents read this view, so a count, a status or a masked text
is the same in all of them, and the public version is masked in exactly one place.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from triage.followup import (
    STATUS_ANSWERED,
    STATUS_OVERDUE,
    STATUS_UNANSWERED,
    STATUSES,
    CampaignDeadlines,
    WorkCalendar,
    answer_deadline,
    is_answered,
    load_calendar,
    opinion_status,
    overdue_working_days,
)
from triage.intake import find_personal_data, mask_personal_data
from triage.reports.letterhead import Letterhead, letterhead_for
from triage.reports.models import ReportData, ReportOpinion

__all__ = ["Issue", "ReportView"]

# Place kinds as a sentence names them ("phường Trung Hưng", "xã Đường Lâm").
_KIND_WORDS = {"phuong": "phường", "xa": "xã", "thi_tran": "thị trấn"}
UNKNOWN_LOCALITY = "chưa rõ địa bàn"
# A submitter field that is a bare name ("Nguyễn Văn An", from an Excel "Họ và tên" column).
_CAPITALISED_WORD = re.compile(r"^[^\W\d_][^\W\d_]*$")


@dataclass
class Issue:
    """One duplicate group as a report line: the representative speaks for every member."""

    key: str
    representative: ReportOpinion
    members: list[ReportOpinion]
    count: int  # people who raised it (the whole group, even when a filter shows fewer)
    status: str
    deadline: date | None
    overdue_days: int
    answer: str | None
    escalate: bool
    escalation_level: str | None
    escalation_reason: str | None
    number: str = ""  # "1.2": its number in the consolidated report, for cross-references
    statuses: list[str] = field(default_factory=list)  # per member, same order

    @property
    def category(self) -> str:
        return self.representative.category

    @property
    def department(self) -> str:
        return self.representative.department

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.members]


class ReportView:
    def __init__(
        self,
        data: ReportData,
        *,
        letterhead: Letterhead | None = None,
        calendar: WorkCalendar | None = None,
        deadlines: CampaignDeadlines | None = None,
    ) -> None:
        self.data = data
        self.jurisdiction = data.jurisdiction
        self.public = data.public
        self.today = data.generated
        self.letterhead = letterhead or letterhead_for(data.jurisdiction)
        self.calendar = calendar or load_calendar(data.jurisdiction)
        self.deadlines = deadlines or CampaignDeadlines.for_jurisdiction(data.jurisdiction)
        self.default_deadline = answer_deadline(self.deadlines)
        self._names = self._known_names(data.opinions)

    # --- names -----------------------------------------------------------------------------

    def category_label(self, code: str) -> str:
        return self.jurisdiction.categories.get(code) or code

    def category_codes(self) -> list[str]:
        """Categories that have issues: the jurisdiction's order, then unknown ones."""
        return self._present_categories(self.issues)

    def _present_categories(self, issues: Iterable[Issue]) -> list[str]:
        present = {i.category for i in issues}
        known = [c for c in self.jurisdiction.categories if c in present]
        return known + sorted(present - set(known))

    def department_name(self, code: str, fallback: str = "") -> str:
        department = self.jurisdiction.departments.get(code)
        if department is not None:
            return department.name
        return fallback or code or "Chưa phân công"

    def department_codes(self) -> list[str]:
        """Departments that have issues, in the jurisdiction's order."""
        present = {i.department for i in self.issues}
        ordered = [c for c in self.jurisdiction.departments if c in present]
        return ordered + sorted(present - set(ordered))

    def locality_name(self, opinion: ReportOpinion) -> str:
        """"phường Trung Hưng", or the record's own name, or "chưa rõ địa bàn"."""
        code = opinion.locality
        locality = self.jurisdiction.localities.get(code) if code else None
        if locality is not None:
            kind = _KIND_WORDS.get(locality.kind, "")
            return f"{kind} {locality.name}".strip()
        return opinion.locality_name or code or UNKNOWN_LOCALITY

    def level_name(self, level: str | None) -> str:
        return self.letterhead.level_name(level)

    # --- text --------------------------------------------------------------------------------

    @staticmethod
    def _known_names(opinions: Iterable[ReportOpinion]) -> list[str]:
        """Names of submitters, to mask wherever they recur in a public text."""
        names: set[str] = set()
        for opinion in opinions:
            submitter = (opinion.submitter or "").strip()
            if not submitter:
                continue
            spans = [s for s in find_personal_data(submitter) if s.kind == "name"]
            names.update(s.value for s in spans)
            words = submitter.split()
            if not spans and 2 <= len(words) <= 5 and all(
                _CAPITALISED_WORD.match(w) and w[0].isupper() for w in words
            ):
                names.add(submitter)
        return sorted(names, key=len, reverse=True)

    def mask(self, text: str) -> str:
        """Personal data masked with the intake's detector, then any known submitter's name."""
        masked = mask_personal_data(text, find_personal_data(text))
        for name in self._names:
            if name in masked:
                initials = ".".join(w[0].upper() for w in name.split()) + "."
                masked = masked.replace(name, initials)
        return masked

    def show(self, text: str | None) -> str:
        """Any free text as this document may print it."""
        if not text:
            return ""
        return self.mask(text) if self.public else text

    def opinion_text(self, opinion: ReportOpinion) -> str:
        if self.public:
            return self.mask(opinion.masked_text or opinion.text)
        return opinion.text

    def sources(self, issue: Issue, limit: int | None = None) -> list[str]:
        """Who raised it: internal lists name submitters; public ones count per locality."""
        if self.public:
            counts = Counter(self.locality_name(m) for m in issue.members)
            return [f"{name}: {n}" for name, n in counts.items()]
        lines = []
        for member in issue.members:
            who = member.submitter or "không rõ người nêu"
            lines.append(f"{member.id} – {who} ({self.locality_name(member)})")
        present = set(issue.ids)
        lines.extend(s for s in issue.representative.sources if s not in present)
        if limit is not None and len(lines) > limit:
            rest = len(lines) - limit
            lines = [*lines[:limit], f"và {rest} ý kiến khác"]
        return lines

    def localities(self, issue: Issue) -> list[str]:
        """Distinct places of the members, in order of appearance; unknown ones last."""
        names = list(dict.fromkeys(self.locality_name(m) for m in issue.members))
        if UNKNOWN_LOCALITY in names and len(names) > 1:
            names.remove(UNKNOWN_LOCALITY)
        return names

    # --- issues --------------------------------------------------------------------------------

    def opinion_status(self, opinion: ReportOpinion) -> str:
        return opinion_status(
            answered=is_answered(opinion),
            deadline=opinion.deadline or self.default_deadline,
            today=self.today,
        )

    @cached_property
    def issues(self) -> list[Issue]:
        """Duplicate groups, ordered by category, then by how many people raised them."""
        groups: dict[str, list[ReportOpinion]] = {}
        for opinion in self.data.opinions:
            groups.setdefault(opinion.cluster or opinion.id, []).append(opinion)
        issues = [self._issue(key, members) for key, members in groups.items()]
        order = {code: i for i, code in enumerate(self.jurisdiction.categories)}
        issues.sort(
            key=lambda i: (
                order.get(i.category, len(order)),
                i.category,
                -i.count,
                min(m.position for m in i.members),
            )
        )
        for index, code in enumerate(self._present_categories(issues), start=1):
            for n, issue in enumerate(self.issues_in(code, issues), start=1):
                issue.number = f"{index}.{n}"
        return issues

    @staticmethod
    def issues_in(category: str, issues: Sequence[Issue]) -> list[Issue]:
        return [i for i in issues if i.category == category]

    def _issue(self, key: str, members: list[ReportOpinion]) -> Issue:
        representative = next((m for m in members if m.duplicate_of is None), members[0])
        members = [representative, *[m for m in members if m is not representative]]
        statuses = [self.opinion_status(m) for m in members]
        deadline = representative.deadline or self.default_deadline
        answers = [m.answer for m in members if m.answer and m.answer.strip()]
        # The department answers an issue once; that answer reaches everyone who raised it.
        if answers or STATUS_ANSWERED in statuses:
            status = STATUS_ANSWERED
        elif STATUS_OVERDUE in statuses:
            status = STATUS_OVERDUE
        else:
            status = STATUS_UNANSWERED
        flagged = next((m for m in members if m.escalate), None)
        return Issue(
            key=key,
            representative=representative,
            members=members,
            count=max(len(members), representative.cluster_size, len(representative.sources)),
            status=status,
            deadline=deadline,
            overdue_days=(
                overdue_working_days(deadline, self.today, self.calendar)
                if status == STATUS_OVERDUE
                else 0
            ),
            answer=answers[0] if answers else None,
            escalate=flagged is not None,
            escalation_level=flagged.escalation_level if flagged else None,
            escalation_reason=flagged.escalation_reason if flagged else None,
            statuses=statuses,
        )

    def issues_of_department(self, code: str) -> list[Issue]:
        return [i for i in self.issues if i.department == code]

    @property
    def escalations(self) -> list[Issue]:
        return [i for i in self.issues if i.escalate]

    def escalation_levels(self) -> list[str]:
        """City first, then central, then anything else that occurs."""
        present = {i.escalation_level or "" for i in self.escalations}
        known = [level for level in self.letterhead.level_names if level in present]
        return known + sorted(present - set(known))

    @property
    def overdue(self) -> list[Issue]:
        return [i for i in self.issues if i.status == STATUS_OVERDUE]

    # --- counts ----------------------------------------------------------------------------------

    @property
    def opinion_count(self) -> int:
        return sum(i.count for i in self.issues)

    def status_counts(self, issues: Iterable[Issue]) -> dict[str, int]:
        counts = Counter(i.status for i in issues)
        return {status: counts.get(status, 0) for status in STATUSES}

    def locality_counts(self) -> list[tuple[str, int]]:
        """Opinions per place, in the jurisdiction's order, unknown place last."""
        counts = Counter(self.locality_name(o) for o in self.data.opinions)
        order = [
            self.locality_name(ReportOpinion(id="", text="", locality=code))
            for code in self.jurisdiction.localities
        ]
        ordered = [(name, counts[name]) for name in order if counts.get(name)]
        ordered += sorted((n, c) for n, c in counts.items() if n not in order)
        return ordered
