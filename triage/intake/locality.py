"""Finds the ward or commune an opinion is about, from the jurisdiction's own list.

Names of wards double as street and hero names ("đường Quang Trung", "phố Lê Lợi"), and typed
without diacritics they collide with everyday words ("lề lối" → "le loi"), so a name counts
most when a kind word precedes it ("phường", "xã", "P.", "thôn" for a village), less when it
stands alone, and never after a street word or an honorific.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from triage.intake.folding import fold_same_length
from triage.intake.vocabulary import (
    EVERYDAY_PHRASES,
    LOCALITY_KIND_WORDS,
    NOT_LOCALITY_BEFORE,
    SKIPPED_BEFORE_NAME,
    VILLAGE_KIND_WORDS,
)

if TYPE_CHECKING:
    from triage.jurisdiction import Jurisdiction

__all__ = ["find_locality", "locality_heading"]

_TOKEN_RE = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")
_HEADING_START = re.compile(r"(?:(?:ubnd|mttq|uy ban mttq|cu tri)\s+)?(?:phuong|xa|p\b|x\b)")

# Scores: a kind word before the name beats a capitalised bare name beats an unaccented one.
_STRONG, _BARE_ACCENTED, _BARE_PLAIN = 3, 2, 1


def _tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(fold_same_length(unicodedata.normalize("NFC", text)))


@dataclass(frozen=True)
class _Entry:
    tokens: tuple[str, ...]
    code: str
    written: str  # the name as the data file spells it, with diacritics
    village: bool


class _Matcher:
    def __init__(self, jurisdiction: Jurisdiction) -> None:
        entries: list[_Entry] = []
        for loc in jurisdiction.localities.values():
            for name in (loc.name, *loc.aliases):
                entries.append(_Entry(tuple(_tokens(name)), loc.code, name, village=False))
            for name in getattr(loc, "villages", ()):
                entries.append(_Entry(tuple(_tokens(name)), loc.code, name, village=True))
        self.by_first: dict[str, list[_Entry]] = {}
        for entry in sorted(entries, key=lambda e: -len(e.tokens)):
            if entry.tokens:
                self.by_first.setdefault(entry.tokens[0], []).append(entry)
        self.name_tokens = {e.tokens: e.code for e in entries if not e.village}

    def find(self, text: str) -> str | None:
        text = unicodedata.normalize("NFC", text)
        folded = fold_same_length(text)
        toks = _TOKEN_RE.findall(folded)
        spans: list[tuple[int, int]] = []  # token offsets, computed once a name is met
        best: tuple[int, int, str] | None = None  # (score, -position, code)
        i = 0
        while i < len(toks):
            candidates = self.by_first.get(toks[i])
            if not candidates:
                i += 1
                continue
            for entry in candidates:
                n = len(entry.tokens)
                if tuple(toks[i : i + n]) != entry.tokens:
                    continue
                if not spans:
                    spans = [m.span() for m in _TOKEN_RE.finditer(folded)]
                score = self._score(text, spans, toks, i, entry)
                if score and (best is None or (score, -i) > best[:2]):
                    best = (score, -i, entry.code)
                break
            i += 1
        return best[2] if best else None

    def _score(
        self, text: str, spans: list[tuple[int, int]], toks: list[str], i: int, e: _Entry
    ) -> int:
        n = len(e.tokens)
        if self._kind_before(toks, i, e.village):
            return _STRONG
        if not e.village and self._kind_before(toks, i, village=True):
            return 0  # "thôn Xuân Khanh" is a village that shares a ward's name
        # A bare name: never after a street word, a house number or an honorific.
        j = i - 1
        while j >= 0 and (toks[j] in SKIPPED_BEFORE_NAME or toks[j][0].isdigit()):
            j -= 1
        if j >= 0 and toks[j] in NOT_LOCALITY_BEFORE:
            return 0
        if j >= 1 and toks[j - 1 : j + 1] == ["thi", "xa"]:
            return 0  # "thị xã Sơn Tây" is the town itself
        written = text[spans[i][0] : spans[i + n - 1][1]]
        if written.isascii():
            ahead = " ".join(toks[i : i + n + 2])
            if any(ahead.startswith(phrase) for phrase in EVERYDAY_PHRASES):
                return 0
            return _BARE_PLAIN
        # With diacritics the spelling must be the place's own and each word capitalised,
        # so that "lề lối" or "con đường lâm nghiệp" are not taken for a ward.
        words = written.split()
        if " ".join(words).lower() != e.written.lower() or not all(w[0].isupper() for w in words):
            return 0
        return _BARE_ACCENTED

    @staticmethod
    def _kind_before(toks: list[str], i: int, village: bool) -> bool:
        if village:
            for kind in VILLAGE_KIND_WORDS:
                k = len(kind)
                if i >= k and tuple(toks[i - k : i]) == kind:
                    return True
                # "tổ dân phố số 3 Mông Phụ" is rare; "thôn Mông Phụ" is the norm.
            return False
        j = i - 1
        if j >= 0 and toks[j] == ".":
            j -= 1
        if j < 0 or toks[j] not in LOCALITY_KIND_WORDS:
            return False
        # "thị xã X" names the town; "TX" is not a kind word at all.
        return not (toks[j] == "xa" and j >= 1 and toks[j - 1] == "thi")

    def heading(self, text: str) -> str | None:
        """The locality when `text` is nothing but a locality name with its kind word."""
        if len(text) > 80 or not _HEADING_START.match(fold_same_length(text.lstrip())):
            return None
        toks = [t for t in _tokens(text) if t not in {":", ".", "-", "–"}]
        while toks and toks[0] in {"ubnd", "mttq", "cu", "tri"}:
            toks = toks[1:]
        if len(toks) >= 3 and toks[:3] == ["uy", "ban", "mttq"]:
            toks = toks[3:]
        if not toks or toks[0] not in LOCALITY_KIND_WORDS:
            return None
        if "(" in toks:
            toks = toks[: toks.index("(")]
        return self.name_tokens.get(tuple(toks[1:]))


_MATCHERS: dict[int, tuple[Jurisdiction, _Matcher]] = {}


def _matcher(jurisdiction: Jurisdiction) -> _Matcher:
    # Jurisdiction holds dicts (unhashable), so cache by identity and keep it alive with it.
    entry = _MATCHERS.get(id(jurisdiction))
    if entry is None or entry[0] is not jurisdiction:
        if len(_MATCHERS) > 16:
            _MATCHERS.clear()
        entry = (jurisdiction, _Matcher(jurisdiction))
        _MATCHERS[id(jurisdiction)] = entry
    return entry[1]


def find_locality(text: str, jurisdiction: Jurisdiction) -> str | None:
    """The locality code an opinion's text names, or None when it names none for sure."""
    if not text:
        return None
    return _matcher(jurisdiction).find(text)


def locality_heading(text: str, jurisdiction: Jurisdiction) -> str | None:
    """The locality code when `text` is a bare locality heading ("2. Phường Quang Trung:")."""
    return _matcher(jurisdiction).heading(text)
