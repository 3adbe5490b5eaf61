"""Shared fixtures for the report tests: the bundled sample records and its report data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from triage.jurisdiction import Jurisdiction
from triage.reports import ReportData, report_opinions_from_records

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "reports" / "sample-records.jsonl"
# The sample's "today": a week after departments had to answer (30/8/2023), after the
# Quốc khánh holidays (1/9–4/9), so 31/8, 5/9 and 6/9 are the 3 working days late.
TODAY = date(2023, 9, 6)


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture(scope="session")
def sample_records() -> list[dict[str, Any]]:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture
def sample_data(sample_records: list[dict[str, Any]], jurisdiction: Jurisdiction) -> ReportData:
    return ReportData(
        campaign="Hội nghị đối thoại năm 2023",
        jurisdiction=jurisdiction,
        generated=TODAY,
        opinions=report_opinions_from_records(sample_records, jurisdiction),
    )
