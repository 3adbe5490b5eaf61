"""Follow-up deadlines in working days (weekends, Vietnamese holidays of 2023) and statuses."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest

from triage.followup import (
    STATUS_ANSWERED,
    STATUS_OVERDUE,
    STATUS_UNANSWERED,
    CampaignDeadlines,
    WorkCalendar,
    answer_deadline,
    follow_up_due,
    load_calendar,
    opinion_status,
    overdue_by_department,
    overdue_working_days,
    results_report_due,
    status_of,
)
from triage.jurisdiction import Jurisdiction


@pytest.fixture(scope="module")
def calendar(jurisdiction: Jurisdiction) -> WorkCalendar:
    return load_calendar(jurisdiction)


@pytest.fixture(scope="module")
def deadlines(jurisdiction: Jurisdiction) -> CampaignDeadlines:
    return CampaignDeadlines.for_jurisdiction(jurisdiction)


# --- the calendar ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2023, 8, 31), True),  # Thursday
        (date(2023, 9, 1), False),  # Quốc khánh, the day before
        (date(2023, 9, 2), False),  # Quốc khánh, a Saturday
        (date(2023, 9, 4), False),  # compensatory Monday for 2/9
        (date(2023, 9, 5), True),
        (date(2023, 1, 2), False),  # compensatory day for Tết Dương lịch on a Sunday
        (date(2023, 1, 24), False),  # Tết Nguyên đán, Mùng 3
        (date(2023, 1, 27), True),  # first working day after Tết
        (date(2023, 5, 2), False),  # compensatory day for Giỗ Tổ (29/4, Saturday)
        (date(2023, 5, 3), False),  # compensatory day for 30/4 (Sunday)
        (date(2023, 5, 4), True),
        (date(2023, 8, 26), False),  # an ordinary Saturday
        (date(2023, 8, 27), False),  # an ordinary Sunday
    ],
)
def test_working_days_of_2023(calendar: WorkCalendar, day: date, working: bool) -> None:
    assert calendar.is_working_day(day) is working


def test_holidays_file_names_each_day(calendar: WorkCalendar) -> None:
    assert calendar.holiday_names is not None
    assert "Quốc khánh" in calendar.holiday_names[date(2023, 9, 4)]
    assert "Tết Nguyên đán" in calendar.holiday_names[date(2023, 1, 22)]
    # Every official day off of 2023 that falls on a weekday is there.
    weekdays_off = {d for d in calendar.holidays if d.weekday() < 5}
    assert weekdays_off == {
        date(2023, 1, 2), date(2023, 1, 20), date(2023, 1, 23), date(2023, 1, 24),
        date(2023, 1, 25), date(2023, 1, 26), date(2023, 5, 1), date(2023, 5, 2),
        date(2023, 5, 3), date(2023, 9, 1), date(2023, 9, 4),
    }


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Wednesday + 2 → Friday: an ordinary week.
        (date(2023, 8, 16), 2, date(2023, 8, 18)),
        # Friday + 1 → Monday: the weekend is skipped.
        (date(2023, 8, 18), 1, date(2023, 8, 21)),
        # 30/8 + 3: 31/8, then 1/9–4/9 closed (Quốc khánh + compensatory day), 5/9, 6/9.
        (date(2023, 8, 30), 3, date(2023, 9, 6)),
        # The day before Tết + 1: the seven days of Tết are skipped.
        (date(2023, 1, 19), 1, date(2023, 1, 27)),
        # 28/4 + 1: 29/4 to 3/5 closed.
        (date(2023, 4, 28), 1, date(2023, 5, 4)),
        # Zero days from a holiday: the deadline moves to the next working day.
        (date(2023, 9, 2), 0, date(2023, 9, 5)),
        (date(2023, 9, 5), 0, date(2023, 9, 5)),
    ],
)
def test_add_working_days(calendar: WorkCalendar, start: date, days: int, expected: date) -> None:
    assert calendar.add_working_days(start, days) == expected


def test_add_working_days_refuses_negative(calendar: WorkCalendar) -> None:
    with pytest.raises(ValueError):
        calendar.add_working_days(date(2023, 9, 5), -1)


def test_working_days_between_skips_holidays(calendar: WorkCalendar) -> None:
    assert calendar.working_days_between(date(2023, 8, 30), date(2023, 9, 6)) == 3
    assert calendar.working_days_between(date(2023, 8, 30), date(2023, 8, 30)) == 0
    assert calendar.working_days_between(date(2023, 9, 6), date(2023, 8, 30)) == 0


def test_swapped_weekend_day_is_worked() -> None:
    calendar = WorkCalendar.from_data({
        "holidays": [{"date": "2024-04-29", "name": "Nghỉ bù"}],
        "working_weekends": ["2024-05-04"],
    })
    assert calendar.is_working_day(date(2024, 5, 4))  # a Saturday worked in exchange
    assert not calendar.is_working_day(date(2024, 4, 29))
    assert calendar.add_working_days(date(2024, 5, 3), 1) == date(2024, 5, 4)


def test_bad_holiday_date_is_refused() -> None:
    with pytest.raises(ValueError, match="holidays"):
        WorkCalendar.from_data({"holidays": [{"date": "30/4/2023"}]})


def test_without_holidays_file_only_weekends_are_closed(
    jurisdiction: Jurisdiction, tmp_path: Path
) -> None:
    elsewhere = replace(jurisdiction, directory=tmp_path)
    calendar = load_calendar(elsewhere)
    assert calendar.is_working_day(date(2023, 9, 4))
    assert not calendar.is_working_day(date(2023, 9, 3))


# --- campaign deadlines ------------------------------------------------------------------------


def test_campaign_deadlines_come_from_the_data(deadlines: CampaignDeadlines) -> None:
    assert deadlines.departments_answer == date(2023, 8, 30)
    assert deadlines.consolidated_report == date(2023, 9, 3)
    assert (deadlines.dialogue_from, deadlines.dialogue_to) == (date(2023, 9, 5),
                                                                date(2023, 9, 20))
    assert deadlines.results_report_working_days == 10
    assert deadlines.follow_up_days_after_conclusion == 30
    assert answer_deadline(deadlines) == date(2023, 8, 30)


def test_results_report_due_counts_ten_working_days(
    calendar: WorkCalendar, deadlines: CampaignDeadlines
) -> None:
    # Dialogue on Friday 15/9: two plain weeks later.
    assert results_report_due(date(2023, 9, 15), deadlines, calendar) == date(2023, 9, 29)
    # Dialogue on Friday 25/8: 28–31/8 (4), 5–8/9 (8), 11/9, 12/9 — 1/9 and 4/9 do not count.
    assert results_report_due(date(2023, 8, 25), deadlines, calendar) == date(2023, 9, 12)


def test_follow_up_due_in_working_days(
    calendar: WorkCalendar, deadlines: CampaignDeadlines
) -> None:
    # Conclusion notice on Friday 22/9: six full weeks of five working days.
    assert follow_up_due(date(2023, 9, 22), deadlines, calendar) == date(2023, 11, 3)


def test_follow_up_due_in_calendar_days_lands_on_a_working_day(calendar: WorkCalendar) -> None:
    deadlines = CampaignDeadlines.from_data({
        "follow_up_days_after_conclusion": 30, "follow_up_counts_working_days": False,
    })
    # 22/9 + 30 days is Sunday 22/10: the announcement is due on Monday 23/10.
    assert follow_up_due(date(2023, 9, 22), deadlines, calendar) == date(2023, 10, 23)


def test_single_dialogue_date_is_accepted() -> None:
    deadlines = CampaignDeadlines.from_data({"dialogue": "2024-09-12"})
    assert deadlines.dialogue_from == deadlines.dialogue_to == date(2024, 9, 12)


# --- statuses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answered", "deadline", "today", "expected"),
    [
        (False, date(2023, 8, 30), date(2023, 8, 29), STATUS_UNANSWERED),
        (False, date(2023, 8, 30), date(2023, 8, 30), STATUS_UNANSWERED),  # last day
        (False, date(2023, 8, 30), date(2023, 8, 31), STATUS_OVERDUE),
        (True, date(2023, 8, 30), date(2023, 9, 20), STATUS_ANSWERED),  # late but answered
        (False, None, date(2030, 1, 1), STATUS_UNANSWERED),  # no deadline, never overdue
    ],
)
def test_opinion_status(answered: bool, deadline: date | None, today: date,
                        expected: str) -> None:
    assert opinion_status(answered=answered, deadline=deadline, today=today) == expected


@dataclass
class Item:
    department: str
    answer: str | None = None
    deadline: date | None = None
    status: str | None = None


def test_status_of_uses_own_deadline_before_the_campaigns() -> None:
    campaign = date(2023, 8, 30)
    today = date(2023, 9, 6)
    assert status_of(Item("tnmt"), today, campaign) == STATUS_OVERDUE
    assert status_of(Item("tnmt", deadline=date(2023, 9, 15)), today, campaign) \
        == STATUS_UNANSWERED
    assert status_of(Item("tnmt", answer="Đã trả lời bằng văn bản số 12/TNMT"), today,
                     campaign) == STATUS_ANSWERED
    # A blank answer is no answer; a stored "đã trả lời" is.
    assert status_of(Item("tnmt", answer="   "), today, campaign) == STATUS_OVERDUE
    assert status_of(Item("tnmt", status=STATUS_ANSWERED), today, campaign) == STATUS_ANSWERED
    # A stored "quá hạn" is recomputed: with a later deadline it is not late any more.
    assert status_of(Item("tnmt", status=STATUS_OVERDUE, deadline=date(2023, 9, 15)), today,
                     campaign) == STATUS_UNANSWERED


def test_overdue_by_department(calendar: WorkCalendar) -> None:
    items = [
        Item("tnmt"),
        Item("tnmt", answer="Đã trả lời"),
        Item("vpdkdd", deadline=date(2023, 9, 15)),
        Item("thue"),
        Item("tnmt", deadline=date(2023, 9, 5)),
    ]
    overdue = overdue_by_department(items, date(2023, 9, 6), date(2023, 8, 30))
    assert overdue == {"tnmt": [items[0], items[4]], "thue": [items[3]]}
    assert overdue_working_days(date(2023, 8, 30), date(2023, 9, 6), calendar) == 3
    assert overdue_working_days(date(2023, 9, 5), date(2023, 9, 6), calendar) == 1
    assert overdue_working_days(date(2023, 9, 6), date(2023, 9, 6), calendar) == 0
    assert overdue_working_days(None, date(2023, 9, 6), calendar) == 0
