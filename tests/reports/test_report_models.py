"""Triage records → report opinions → issues (duplicate groups) with statuses and names."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from triage.followup import STATUS_ANSWERED, STATUS_OVERDUE, STATUS_UNANSWERED
from triage.jurisdiction import Jurisdiction
from triage.reports import (
    EXPORT_KINDS,
    RecordError,
    ReportData,
    ReportOpinion,
    ReportView,
    export_bytes,
    letterhead_for,
    place_and_date,
    report_opinions_from_records,
)
from triage.reports.names import SHEET_TITLE_MAX, SheetNamer, clean_sheet_title


def test_records_become_report_opinions(sample_records: list[dict[str, Any]],
                                        jurisdiction: Jurisdiction) -> None:
    opinions = report_opinions_from_records(sample_records, jurisdiction)
    assert len(opinions) == len(sample_records) == 31
    by_id = {o.id: o for o in opinions}
    bình = by_id["b1-0002"]
    assert bình.submitter == "Ông Nguyễn Văn Bình (tổ 5)"
    assert "[số điện thoại]" in bình.masked_text
    assert bình.locality_name == "Trung Hưng"
    assert bình.department == "ubnd_xa" and bình.department_name == "UBND xã, phường"
    assert bình.answer is not None and bình.answer.startswith("UBND phường Trung Hưng")
    representative = by_id["b1-0001"]
    assert representative.sources == ["b1-0001", "b1-0009", "b1-0014", "b2-0003"]
    assert representative.cluster_size == 4 and representative.duplicate_of is None
    assert by_id["b1-0009"].duplicate_of == "b1-0001"
    assert by_id["b1-0015"].deadline == date(2023, 9, 15)
    assert by_id["b1-0004"].escalation_level == "city"


def test_minimal_contract_record_is_enough(jurisdiction: Jurisdiction) -> None:
    [opinion] = report_opinions_from_records(
        [{"id": "x-1", "text": "Đề nghị hướng dẫn thủ tục tách thửa.", "locality": "son_loc",
          "category": "transaction_registration", "department": "vpdkdd", "escalate": False,
          "escalation_level": None, "escalation_reason": None, "cluster": "c9",
          "duplicate_of": None}],
        jurisdiction,
    )
    assert opinion.cluster == "c9" and opinion.cluster_size == 1
    assert opinion.category_label == "Đăng ký biến động"
    assert opinion.department_name.startswith("Văn phòng Đăng ký đất đai")
    assert opinion.locality_name == "Sơn Lộc"


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"text": "Đề nghị cấp sổ đỏ."}, "thiếu mã ý kiến"),
        ({"id": "a1", "text": "  "}, "thiếu nội dung"),
        ({"id": "a1", "text": "Đề nghị cấp sổ.", "deadline": "30/8/2023"}, "hạn trả lời"),
        ({"id": "a1", "text": "Đề nghị cấp sổ.", "sources": "a1"}, "danh sách"),
    ],
)
def test_bad_records_are_refused_in_vietnamese(record: dict[str, Any], message: str) -> None:
    with pytest.raises(RecordError, match=message):
        report_opinions_from_records([record])


def test_issues_group_duplicates(sample_data: ReportData) -> None:
    view = ReportView(sample_data)
    assert len(view.issues) == 20
    assert view.opinion_count == 31
    first = view.issues[0]
    assert first.representative.id == "b1-0001"
    assert first.ids == ["b1-0001", "b1-0009", "b1-0014", "b2-0003"]
    assert first.count == 4 and first.number == "1.1"
    assert view.localities(first) == ["phường Trung Hưng", "phường Lê Lợi", "xã Sơn Đông"]
    # Categories in the jurisdiction's order, the most widely raised issue first in each.
    assert view.category_codes() == ["first_issuance", "transaction_registration", "off_topic"]
    numbers = [i.number for i in view.issues_in("transaction_registration", view.issues)]
    assert numbers == [f"2.{n}" for n in range(1, 7)]
    counts = [i.count for i in view.issues_in("first_issuance", view.issues)]
    assert counts == sorted(counts, reverse=True)


def test_issue_status_follows_answers_and_deadlines(sample_data: ReportData) -> None:
    view = ReportView(sample_data)
    status = {i.key: i for i in view.issues}
    assert status["c02"].status == STATUS_ANSWERED  # the department answered
    assert status["c01"].status == STATUS_OVERDUE  # due 30/8, unanswered on 6/9
    assert status["c01"].overdue_days == 3  # 31/8, 5/9, 6/9: the Quốc khánh days don't count
    assert status["c12"].status == STATUS_UNANSWERED  # its own deadline is 15/9
    # One answer to the representative answers the group.
    assert status["c09"].status == STATUS_ANSWERED
    assert status["c09"].statuses[1:] == [STATUS_OVERDUE, STATUS_OVERDUE]
    assert view.status_counts(view.issues) == {
        STATUS_OVERDUE: 9, STATUS_UNANSWERED: 2, STATUS_ANSWERED: 9,
    }


def test_filtered_view_keeps_group_sizes(sample_data: ReportData) -> None:
    """A view of representatives only still says how many people raised each issue."""
    only_reps = [o for o in sample_data.opinions if o.duplicate_of is None]
    view = ReportView(replace(sample_data, opinions=only_reps, scope="Chỉ ý kiến đại diện"))
    assert len(view.issues) == 20
    assert view.issues[0].count == 4
    assert view.opinion_count == 31


def test_escalations_and_levels(sample_data: ReportData) -> None:
    view = ReportView(sample_data)
    assert view.escalation_levels() == ["city", "central"]
    assert len(view.escalations) == 5
    assert view.level_name("city") == "Thành phố Hà Nội"
    relic = next(i for i in view.escalations if i.key == "c04")
    assert relic.escalation_reason is not None and "Đường Lâm" in relic.escalation_reason


def test_unknown_codes_still_display(jurisdiction: Jurisdiction) -> None:
    opinion = ReportOpinion(id="z1", text="Ý kiến thử.", category="first_issuance",
                            department="phong_moi", department_name="Phòng Mới",
                            locality="noi_khac", locality_name="Nơi khác")
    view = ReportView(ReportData("Thử", jurisdiction, date(2023, 9, 6), [opinion]))
    assert view.department_name("phong_moi", "Phòng Mới") == "Phòng Mới"
    assert view.locality_name(opinion) == "Nơi khác"
    assert view.department_codes() == ["phong_moi"]


@pytest.mark.parametrize("kind", sorted(EXPORT_KINDS))
def test_empty_view_still_exports(kind: str, jurisdiction: Jurisdiction) -> None:
    """A filter that matches nothing gives a valid, empty document, not an error."""
    content = export_bytes(ReportData("Thử", jurisdiction, date(2023, 9, 6), []), kind)
    assert content[:2] == b"PK"  # an Office (zip) file
    assert ReportView(ReportData("Thử", jurisdiction, date(2023, 9, 6), [])).issues == []


def test_letterhead_defaults_from_the_jurisdiction(jurisdiction: Jurisdiction) -> None:
    letterhead = letterhead_for(jurisdiction)
    assert letterhead.superior == "UBND THỊ XÃ SƠN TÂY"
    assert letterhead.place == "Sơn Tây"
    assert letterhead.town == "thị xã Sơn Tây"
    assert letterhead.recipients[-1].startswith("Lưu")
    assert letterhead.level_name("central") == "Trung ương"


def test_letterhead_from_reports_yaml(jurisdiction: Jurisdiction, tmp_path: Path) -> None:
    (tmp_path / "reports.yaml").write_text(
        "letterhead:\n"
        "  superior: THỊ ỦY SƠN TÂY\n"
        "  issuer: VĂN PHÒNG\n"
        "  signer_title: [T/L BAN THƯỜNG VỤ, CHÁNH VĂN PHÒNG]\n"
        "  signer_name: Nguyễn Văn Chánh\n"
        "  level_names: {city: Thành phố Hà Nội (UBND Thành phố)}\n",
        encoding="utf-8",
    )
    letterhead = letterhead_for(replace(jurisdiction, directory=tmp_path))
    assert letterhead.superior == "THỊ ỦY SƠN TÂY"
    assert letterhead.signer_title == ("T/L BAN THƯỜNG VỤ", "CHÁNH VĂN PHÒNG")
    assert letterhead.level_name("city") == "Thành phố Hà Nội (UBND Thành phố)"
    assert letterhead.level_name("central") == "Trung ương"  # defaults kept
    (tmp_path / "reports.yaml").write_text("letterhead: {issuer_typo: X}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="issuer_typo"):
        letterhead_for(replace(jurisdiction, directory=tmp_path))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2023, 9, 6), "Sơn Tây, ngày 06 tháng 9 năm 2023"),
        (date(2023, 2, 15), "Sơn Tây, ngày 15 tháng 02 năm 2023"),
        (date(2023, 12, 31), "Sơn Tây, ngày 31 tháng 12 năm 2023"),
    ],
)
def test_place_and_date_follow_the_administrative_format(day: date, expected: str) -> None:
    assert place_and_date("Sơn Tây", day) == expected


def test_sheet_titles_fit_and_are_distinct(jurisdiction: Jurisdiction) -> None:
    namer = SheetNamer(jurisdiction)
    titles = {code: namer.title(code, d.name) for code, d in jurisdiction.departments.items()}
    assert all(len(t) <= SHEET_TITLE_MAX for t in titles.values())
    assert len({t.casefold() for t in titles.values()}) == len(titles)
    # The jurisdiction's own abbreviations shorten long names the way staff write them.
    assert titles["tnmt"] == "Phòng TN&MT thị xã"
    assert titles["vpdkdd"] == "VPĐKĐĐ Hà Nội – CN Sơn Tây"
    assert titles["van_hoa"] == "Phòng Văn hóa – Thông tin"  # the aside in brackets dropped
    assert namer.title("x", "Phòng TN&MT thị xã") == "Phòng TN&MT thị xã (2)"
    assert clean_sheet_title("Tổ 1/2: [thử]?") == "Tổ 1-2- -thử--"
