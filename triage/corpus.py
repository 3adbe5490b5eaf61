"""The labelled corpus: training and held-out opinions in `data/corpus/`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from triage.classify import CATEGORIES
from triage.jurisdiction import Jurisdiction


@dataclass(frozen=True)
class LabelledOpinion:
    id: str
    text: str
    category: str
    department: str
    escalate: bool
    escalation_level: str | None = None
    escalation_ground: str | None = None
    locality: str | None = None
    group: str | None = None
    note: str | None = None
    # Who labelled the groups, when not the writer named by the id's prefix (see
    # `triage.train.label_source`): "reviewers" for corrections made in the app.
    source: str | None = None

    def to_json(self) -> str:
        raw = asdict(self)
        if raw["source"] is None:
            del raw["source"]
        return json.dumps(raw, ensure_ascii=False)


def read_labelled(path: Path) -> list[LabelledOpinion]:
    items = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: invalid JSON ({exc.msg})") from exc
            items.append(
                LabelledOpinion(
                    id=str(raw["id"]),
                    text=raw["text"],
                    category=raw["category"],
                    department=raw["department"],
                    escalate=bool(raw.get("escalate", False)),
                    escalation_level=raw.get("escalation_level"),
                    escalation_ground=raw.get("escalation_ground"),
                    locality=raw.get("locality"),
                    group=raw.get("group"),
                    note=raw.get("note"),
                    source=raw.get("source"),
                )
            )
    return items


def corpus_files(directory: Path) -> list[Path]:
    if directory.is_file():
        return [directory]
    return sorted(directory.glob("*.jsonl"))


def load_corpus(directory: Path) -> list[LabelledOpinion]:
    items: list[LabelledOpinion] = []
    for path in corpus_files(directory):
        items.extend(read_labelled(path))
    return items


def validate(items: Sequence[LabelledOpinion], jurisdiction: Jurisdiction) -> list[str]:
    """Problems with labels, as lines a person can fix; empty when all is well."""
    problems = []
    grounds = {g.code: g for g in jurisdiction.escalation_grounds}
    seen: set[str] = set()
    for item in items:
        where = f"{item.id}"
        if item.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(item.id)
        if item.category not in CATEGORIES:
            problems.append(f"{where}: unknown category {item.category!r}")
        if item.department not in jurisdiction.departments:
            problems.append(f"{where}: unknown department {item.department!r}")
        if item.locality is not None and item.locality not in jurisdiction.localities:
            problems.append(f"{where}: unknown locality {item.locality!r}")
        if item.escalate:
            ground = grounds.get(item.escalation_ground or "")
            if ground is None:
                problems.append(f"{where}: escalated without a known ground")
            elif item.escalation_level != ground.level:
                problems.append(
                    f"{where}: level {item.escalation_level} != ground's {ground.level}"
                )
        elif item.escalation_level or item.escalation_ground:
            problems.append(f"{where}: not escalated but has a level or ground")
    return problems


def data_hash(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
