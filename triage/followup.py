"""Follow-up of every opinion until it is answered: deadlines, working days, statuses.

The plan counts some deadlines in working days (ngày làm việc): the results report is due 10
working days after the dialogue, and the results of resolving each opinion are announced after
the conclusion notice. Weekends and the year's public holidays (with their compensatory days)
are not working days, so the calendar is data: `data/<jurisdiction>/holidays.yaml`.

Everything here is a pure function of its arguments (today's date included), so the CLI, the
API and the reports compute the same status for the same opinion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol, TypeVar

from triage.jurisdiction import Jurisdiction

__all__ = [
    "STATUSES",
    "STATUS_ANSWERED",
    "STATUS_OVERDUE",
    "STATUS_UNANSWERED",
    "CampaignDeadlines",
    "Trackable",
    "WorkCalendar",
    "answer_deadline",
    "follow_up_due",
    "is_answered",
    "load_calendar",
    "opinion_status",
    "overdue_by_department",
    "overdue_working_days",
    "results_report_due",
    "status_of",
]

STATUS_UNANSWERED = "chưa trả lời"
STATUS_ANSWERED = "đã trả lời"
STATUS_OVERDUE = "quá hạn"
# In the order a follow-up list shows them: what needs chasing first.
STATUSES = (STATUS_OVERDUE, STATUS_UNANSWERED, STATUS_ANSWERED)

HOLIDAYS_FILE = "holidays.yaml"


def _as_date(value: Any, what: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{what}: expected a date (YYYY-MM-DD), got {value!r}")


@dataclass(frozen=True)
class WorkCalendar:
    """Which days state offices work: Monday–Friday minus holidays, plus swapped weekend days."""

    holidays: frozenset[date] = frozenset()
    working_weekends: frozenset[date] = frozenset()
    holiday_names: Mapping[date, str] | None = None

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (start itself not counted).

        With `days == 0` the result is `start` if it is a working day, else the next one: a
        deadline never falls on a day the office is closed.
        """
        if days < 0:
            raise ValueError("days must be >= 0")
        day = start
        if days == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when end <= start."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def on_or_after(self, day: date) -> date:
        """`day`, or the next working day when the office is closed on `day`."""
        return self.add_working_days(day, 0)

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> WorkCalendar:
        data = data or {}
        names: dict[date, str] = {}
        for i, entry in enumerate(data.get("holidays") or ()):
            if isinstance(entry, Mapping):
                day = _as_date(entry.get("date"), f"holidays[{i}]")
                names[day] = str(entry.get("name", ""))
            else:
                names[_as_date(entry, f"holidays[{i}]")] = ""
        swapped = frozenset(
            _as_date(d, f"working_weekends[{i}]")
            for i, d in enumerate(data.get("working_weekends") or ())
        )
        return cls(frozenset(names), swapped, names)


def load_calendar(jurisdiction: Jurisdiction) -> WorkCalendar:
    """The jurisdiction's working-day calendar; weekends only when it has no holidays file."""
    if not jurisdiction.file(HOLIDAYS_FILE).exists():
        return WorkCalendar()
    return WorkCalendar.from_data(jurisdiction.load_yaml(HOLIDAYS_FILE))


@dataclass(frozen=True)
class CampaignDeadlines:
    """The dated steps of one campaign's plan (`deadlines.yaml`)."""

    departments_answer: date | None = None
    consolidated_report: date | None = None
    dialogue_from: date | None = None
    dialogue_to: date | None = None
    results_report_working_days: int = 10
    follow_up_days_after_conclusion: int = 30
    # The follow-up period after the conclusion notice is counted in working days, as the
    # product's owner asked; a campaign whose plan means calendar days sets
    # `follow_up_counts_working_days: false` in deadlines.yaml.
    follow_up_counts_working_days: bool = True

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> CampaignDeadlines:
        data = data or {}

        def optional(key: str) -> date | None:
            value = data.get(key)
            return None if value is None else _as_date(value, key)

        dialogue = data.get("dialogue")
        dialogue_from = dialogue_to = None
        if isinstance(dialogue, Mapping):
            if dialogue.get("from") is not None:
                dialogue_from = _as_date(dialogue["from"], "dialogue.from")
            if dialogue.get("to") is not None:
                dialogue_to = _as_date(dialogue["to"], "dialogue.to")
        elif dialogue is not None:
            dialogue_from = dialogue_to = _as_date(dialogue, "dialogue")
        return cls(
            departments_answer=optional("departments_answer"),
            consolidated_report=optional("consolidated_report"),
            dialogue_from=dialogue_from,
            dialogue_to=dialogue_to,
            results_report_working_days=int(data.get("results_report_working_days", 10)),
            follow_up_days_after_conclusion=int(data.get("follow_up_days_after_conclusion", 30)),
            follow_up_counts_working_days=bool(data.get("follow_up_counts_working_days", True)),
        )

    @classmethod
    def for_jurisdiction(cls, jurisdiction: Jurisdiction) -> CampaignDeadlines:
        return cls.from_data(jurisdiction.deadlines)


def answer_deadline(deadlines: CampaignDeadlines) -> date | None:
    """The date by which departments answer in writing (the same for every opinion)."""
    return deadlines.departments_answer


def results_report_due(
    dialogue_day: date, deadlines: CampaignDeadlines, calendar: WorkCalendar
) -> date:
    """Last day for the public results report: N working days after the dialogue."""
    return calendar.add_working_days(dialogue_day, deadlines.results_report_working_days)


def follow_up_due(
    conclusion_day: date, deadlines: CampaignDeadlines, calendar: WorkCalendar
) -> date:
    """Day the results of resolving each opinion are announced, counted from the conclusion."""
    days = deadlines.follow_up_days_after_conclusion
    if deadlines.follow_up_counts_working_days:
        return calendar.add_working_days(conclusion_day, days)
    return calendar.on_or_after(conclusion_day + timedelta(days=days))


def opinion_status(*, answered: bool, deadline: date | None, today: date) -> str:
    """"đã trả lời" once answered; "quá hạn" after the deadline's last day; else "chưa trả lời"."""
    if answered:
        return STATUS_ANSWERED
    if deadline is not None and today > deadline:
        return STATUS_OVERDUE
    return STATUS_UNANSWERED


def overdue_working_days(deadline: date | None, today: date, calendar: WorkCalendar) -> int:
    """How many working days an unanswered opinion is late (0 when not late)."""
    if deadline is None or today <= deadline:
        return 0
    return calendar.working_days_between(deadline, today)


class Trackable(Protocol):
    """What follow-up needs of an opinion; `ReportOpinion` and stored opinions both fit."""

    @property
    def department(self) -> str: ...

    @property
    def answer(self) -> str | None: ...

    @property
    def deadline(self) -> date | None: ...

    @property
    def status(self) -> str | None: ...


def is_answered(item: Trackable) -> bool:
    """Answered when an answer is recorded, or when a stored status already says so."""
    return bool(item.answer and item.answer.strip()) or item.status == STATUS_ANSWERED


def status_of(item: Trackable, today: date, default_deadline: date | None = None) -> str:
    """The item's status today; its own deadline wins over the campaign's."""
    return opinion_status(
        answered=is_answered(item),
        deadline=item.deadline or default_deadline,
        today=today,
    )


T = TypeVar("T", bound=Trackable)


def overdue_by_department(
    items: Iterable[T], today: date, default_deadline: date | None = None
) -> dict[str, list[T]]:
    """Overdue items per department code, in input order; departments without any are left out."""
    found: dict[str, list[T]] = {}
    for item in items:
        if status_of(item, today, default_deadline) == STATUS_OVERDUE:
            found.setdefault(item.department, []).append(item)
    return found
