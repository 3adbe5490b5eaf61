"""Short department names for places that cannot hold a full one (Excel sheet tabs: 31 chars).

A department's `short` name in departments.yaml wins. Otherwise the jurisdiction's own
abbreviations are applied in reverse ("Tài nguyên và Môi trường" → "TN&MT"), the way staff
abbreviate them, and as a last resort the name is cut at a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from triage.jurisdiction import Jurisdiction
from triage.text.abbreviations import Abbreviations

__all__ = ["SHEET_TITLE_MAX", "SheetNamer", "clean_sheet_title"]

SHEET_TITLE_MAX = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


def clean_sheet_title(name: str) -> str:
    """Drops what Excel refuses in a sheet name and any parenthesised aside."""
    text = _PARENTHESES.sub("", name)
    text = _FORBIDDEN.sub("-", text)
    return " ".join(text.split()).strip("'")


@dataclass(frozen=True)
class _Shortener:
    pattern: re.Pattern[str]
    short: str


def _shorteners(jurisdiction: Jurisdiction) -> list[_Shortener]:
    path = jurisdiction.file("abbreviations.yaml")
    if not path.exists():
        return []
    found = []
    for entry in Abbreviations.from_path(path).entries:
        short = entry.forms[0] if entry.forms else ""
        # Only multi-word expansions written as an all-capital form ("TN&MT", "VPĐKĐĐ", "CN").
        if len(entry.expansion.split()) < 2 or not short or short != short.upper():
            continue
        found.append(_Shortener(re.compile(rf"(?<!\w){re.escape(entry.expansion)}(?!\w)",
                                           re.IGNORECASE), short))
    found.sort(key=lambda s: len(s.pattern.pattern), reverse=True)
    return found


class SheetNamer:
    """Gives each department a distinct sheet title of at most 31 characters."""

    def __init__(self, jurisdiction: Jurisdiction) -> None:
        self._short: dict[str, str] = {}
        if jurisdiction.file("departments.yaml").exists():
            for entry in jurisdiction.load_yaml("departments.yaml") or ():
                if isinstance(entry, dict) and entry.get("short"):
                    self._short[str(entry["code"])] = str(entry["short"])
        self._shorteners = _shorteners(jurisdiction)
        self._taken: set[str] = set()

    def reserve(self, title: str) -> None:
        self._taken.add(title.casefold())

    def shorten(self, name: str) -> str:
        title = clean_sheet_title(name)
        for shortener in self._shorteners:
            if len(title) <= SHEET_TITLE_MAX:
                break
            title = shortener.pattern.sub(shortener.short, title)
        if len(title) > SHEET_TITLE_MAX:
            cut = title[: SHEET_TITLE_MAX - 1]
            if " " in cut:
                cut = cut.rsplit(" ", 1)[0]
            title = cut.rstrip(" –-,") + "…"
        return title

    def title(self, code: str, name: str) -> str:
        base = clean_sheet_title(self._short.get(code, "")) or self.shorten(name)
        base = base[:SHEET_TITLE_MAX]
        title, n = base, 2
        while title.casefold() in self._taken:
            suffix = f" ({n})"
            title = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
            n += 1
        self._taken.add(title.casefold())
        return title
