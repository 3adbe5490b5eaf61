"""The one normaliser: repair, expand abbreviations, fold. Every stage reads its output.

Keeping the three forms together (repaired for people and word segmentation, expanded for
features and duplicates, folded for diacritic-free matching) means no stage re-derives them
in its own slightly different way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from triage.text.abbreviations import Abbreviations
from triage.text.repair import repair_with_report
from triage.text.vietnamese import fold

if TYPE_CHECKING:
    from triage.jurisdiction import Jurisdiction

__all__ = ["NormalisedText", "Normaliser"]


@dataclass(frozen=True)
class NormalisedText:
    original: str
    repaired: str
    expanded: str
    folded: str
    fixes: tuple[str, ...]
    legacy_encoding: str | None


class Normaliser:
    """Turns raw text into `NormalisedText` with one jurisdiction's abbreviations."""

    def __init__(self, abbreviations: Abbreviations | None = None) -> None:
        self.abbreviations = abbreviations if abbreviations is not None else Abbreviations()

    @classmethod
    def for_jurisdiction(cls, jurisdiction: str | Jurisdiction | None = None) -> Normaliser:
        """The normaliser of a jurisdiction (a code, a loaded `Jurisdiction`, or the default)."""
        if jurisdiction is None or isinstance(jurisdiction, str):
            return _cached_for_code(jurisdiction)
        return _cached_for_path(jurisdiction.directory / "abbreviations.yaml")

    def __call__(self, text: str) -> NormalisedText:
        report = repair_with_report(text)
        expanded = self.abbreviations.expand(report.text)
        return NormalisedText(
            original=text,
            repaired=report.text,
            expanded=expanded,
            folded=fold(expanded),
            fixes=report.fixes,
            legacy_encoding=report.legacy_encoding,
        )

    def many(self, texts: Iterable[str]) -> list[NormalisedText]:
        """Normalises `texts` in order; identical texts (frequent in batches) are done once."""
        done: dict[str, NormalisedText] = {}
        out = []
        for text in texts:
            result = done.get(text)
            if result is None:
                result = done[text] = self(text)
            out.append(result)
        return out

    def __repr__(self) -> str:
        return f"Normaliser({self.abbreviations!r})"


@lru_cache(maxsize=8)
def _cached_for_code(code: str | None) -> Normaliser:
    return Normaliser(Abbreviations.load(code))


@lru_cache(maxsize=8)
def _cached_for_path(path: Path) -> Normaliser:
    return Normaliser(Abbreviations.from_path(path))
