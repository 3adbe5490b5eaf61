"""Loads the data files of one jurisdiction: departments, localities, rules, deadlines.

Rules change with the law and the place (Land Law 2024, abolition of districts in 2025), so
nothing here is a constant: everything comes from `data/<jurisdiction>/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from triage.settings import get_settings


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    matters: str = ""


@dataclass(frozen=True)
class Locality:
    code: str
    kind: str  # "phuong" (ward) or "xa" (commune)
    name: str
    aliases: tuple[str, ...] = ()
    villages: tuple[str, ...] = ()  # thôn / tổ dân phố names that place an opinion here


@dataclass(frozen=True)
class TextPattern:
    """A rule pattern. Written without diacritics it matches the folded text; written with
    them ("chùa") it matches the lower-cased text, where "chùa" and "chưa" differ."""

    regex: re.Pattern[str]
    accented: bool

    @classmethod
    def compile(cls, pattern: str) -> TextPattern:
        return cls(re.compile(pattern), not pattern.isascii())

    def search(self, folded: str, lowered: str) -> bool:
        return self.regex.search(lowered if self.accented else folded) is not None


@dataclass(frozen=True)
class EscalationGround:
    code: str
    level: str  # "city" or "central"
    reason: str
    patterns: tuple[TextPattern, ...]

    def matches(self, folded: str, lowered: str) -> bool:
        return any(p.search(folded, lowered) for p in self.patterns)


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    name: str
    directory: Path
    categories: dict[str, str]
    default_department: dict[str, str]
    departments: dict[str, Department]
    localities: dict[str, Locality]
    escalation_grounds: tuple[EscalationGround, ...]
    deadlines: dict[str, Any]
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    def file(self, name: str) -> Path:
        return self.directory / name

    def load_yaml(self, name: str) -> Any:
        """Loads another data file of this jurisdiction (routing, abbreviations...)."""
        path = self.directory / name
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing from jurisdiction {self.code}")
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_jurisdiction(code: str | None = None, data_dir: Path | None = None) -> Jurisdiction:
    settings = get_settings()
    code = code or settings.jurisdiction
    base = (data_dir or settings.data_dir) / code
    if not (base / "jurisdiction.yaml").exists():
        raise FileNotFoundError(f"no jurisdiction '{code}' under {base.parent}")
    meta = _read(base / "jurisdiction.yaml")
    departments = {
        d["code"]: Department(d["code"], d["name"], d.get("matters", ""))
        for d in _read(base / "departments.yaml")
    }
    localities = {
        loc["code"]: Locality(
            loc["code"],
            loc["kind"],
            loc["name"],
            tuple(loc.get("aliases", ())),
            tuple(loc.get("villages", ())),
        )
        for loc in _read(base / "localities.yaml")
    }
    grounds = tuple(
        EscalationGround(
            g["code"],
            g["level"],
            g["reason"],
            tuple(TextPattern.compile(p) for p in g.get("patterns", ())),
        )
        for g in _read(base / "escalation.yaml")["grounds"]
    )
    deadlines_path = base / "deadlines.yaml"
    deadlines = _read(deadlines_path) if deadlines_path.exists() else {}
    for category, dept in meta["default_department"].items():
        if dept not in departments:
            raise ValueError(f"default department {dept!r} of {category} is not a department")
    return Jurisdiction(
        code=meta["code"],
        name=meta["name"],
        directory=base,
        categories=dict(meta["categories"]),
        default_department=dict(meta["default_department"]),
        departments=departments,
        localities=localities,
        escalation_grounds=grounds,
        deadlines=deadlines,
        raw=meta,
    )


@lru_cache(maxsize=8)
def default_jurisdiction(code: str | None = None) -> Jurisdiction:
    return load_jurisdiction(code)
