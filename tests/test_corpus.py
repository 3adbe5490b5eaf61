"""Labelled opinions: reading and writing the corpus files, and who labelled a group."""

from __future__ import annotations

from pathlib import Path

from triage.corpus import LabelledOpinion, read_labelled
from triage.train import label_source


def opinion(**changes: object) -> LabelledOpinion:
    base: dict[str, object] = {
        "id": "te-0001", "text": "Đề nghị đẩy nhanh cấp sổ đỏ lần đầu cho các hộ dân.",
        "category": "first_issuance", "department": "tnmt", "escalate": False, "group": "te-g1"}
    return LabelledOpinion(**{**base, **changes})  # type: ignore[arg-type]


def test_a_written_opinion_reads_back_the_same(tmp_path: Path) -> None:
    items = [opinion(), opinion(id="b3-0002", group="reviewers-c07", source="reviewers")]
    path = tmp_path / "x.jsonl"
    path.write_text("".join(i.to_json() + "\n" for i in items), encoding="utf-8")
    assert read_labelled(path) == items
    assert '"source"' not in items[0].to_json()  # corpus files keep their fields


def test_groups_are_labelled_by_the_corpus_file_or_by_reviewers() -> None:
    assert label_source(opinion()) == "te"
    assert label_source(opinion(id="b1-0003", source="reviewers")) == "reviewers"
    assert label_source(opinion(id="b2-0001", source="reviewers")) == "reviewers"
    assert label_source(opinion(id="loose")) == ""
