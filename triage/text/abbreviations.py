"""Abbreviations of a jurisdiction ("GCN", "UBND", "ko", "đc") and their expansion.

Which abbreviations exist, and when each one is safe to expand, is data
(`data/<jurisdiction>/abbreviations.yaml`): the file says, per entry, its spellings, whether
case matters, whether the diacritic-free spelling also counts, and the contexts that allow or
forbid the expansion ("đc:" is an address, "đc" elsewhere is "được"). This module only
applies those rules, in one pass of one precompiled regex.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from triage.settings import get_settings
from triage.text.vietnamese import strip_diacritics

__all__ = ["Abbreviation", "Abbreviations", "Condition", "expand_abbreviations"]

_CONTEXT_CHARS = 60
_BLANK = "[ \\t\u00a0]+"


@dataclass(frozen=True)
class Condition:
    """Holds when every given pattern matches its side of the abbreviation.

    Patterns see the text folded (lower case, no diacritics) and limited to the same line:
    `before` ends where the abbreviation starts (anchor with `$`), `after` starts where it
    ends (anchor with `^`).
    """

    before: re.Pattern[str] | None = None
    after: re.Pattern[str] | None = None

    def holds(self, before: str, after: str) -> bool:
        if self.before is not None and not self.before.search(before):
            return False
        return self.after is None or bool(self.after.search(after))


@dataclass(frozen=True)
class Abbreviation:
    forms: tuple[str, ...]
    expansion: str
    case_sensitive: bool = False
    fold: bool = True
    dot: bool = False
    unless: tuple[Condition, ...] = ()
    only_if: tuple[Condition, ...] = ()

    @property
    def contextual(self) -> bool:
        return bool(self.unless or self.only_if)

    def allowed(self, before: str, after: str) -> bool:
        if any(c.holds(before, after) for c in self.unless):
            return False
        return not self.only_if or any(c.holds(before, after) for c in self.only_if)

    def spellings(self) -> list[str]:
        """The forms, plus their diacritic-free spellings when `fold` is set."""
        found = list(self.forms)
        if self.fold:
            found += [strip_diacritics(f) for f in self.forms]
        return list(dict.fromkeys(found))


def _condition(spec: Mapping[str, Any], where: str) -> Condition:
    unknown = set(spec) - {"before", "after"}
    if unknown or not spec:
        raise ValueError(f"{where}: a condition has 'before' and/or 'after', not {sorted(spec)}")
    try:
        before = re.compile(spec["before"]) if "before" in spec else None
        after = re.compile(spec["after"]) if "after" in spec else None
    except re.error as exc:
        raise ValueError(f"{where}: bad pattern: {exc}") from exc
    return Condition(before, after)


def _entry(spec: Mapping[str, Any], guards: Mapping[str, tuple[Condition, ...]]) -> Abbreviation:
    forms = spec.get("forms") or ([spec["abbr"]] if "abbr" in spec else [])
    if isinstance(forms, str):
        forms = [forms]
    where = f"abbreviation {forms[:1] or spec}"
    if not forms or not spec.get("expansion"):
        raise ValueError(f"{where}: needs 'forms' and 'expansion'")
    unless = [_condition(c, where) for c in spec.get("unless", ())]
    for name in spec.get("guards", ()):
        if name not in guards:
            raise ValueError(f"{where}: unknown guard {name!r}")
        unless.extend(guards[name])
    case = spec.get("case", "insensitive")
    if case not in ("sensitive", "insensitive"):
        raise ValueError(f"{where}: case is 'sensitive' or 'insensitive', not {case!r}")
    return Abbreviation(
        forms=tuple(str(f) for f in forms),
        expansion=str(spec["expansion"]),
        case_sensitive=case == "sensitive",
        fold=bool(spec.get("fold", True)),
        dot=bool(spec.get("dot", False)),
        unless=tuple(unless),
        only_if=tuple(_condition(c, where) for c in spec.get("only_if", ())),
    )


_Trie = dict[str, "_Trie"]


def _trie_pattern(sensitive: set[str], insensitive: set[str]) -> str:
    """One regex for all spellings, as a trie, so a word start costs one path, not a scan.

    Letters match both cases, so that spellings sharing a prefix share a path and the
    longest one wins; a case-sensitive spelling matched in the wrong case is then rejected
    by the lookup in `_candidates`.
    """
    trie: _Trie = {}
    end = ""  # key marking "a spelling ends here"
    for spelling in sensitive | insensitive:
        node = trie
        for atom in _atoms(spelling):
            node = node.setdefault(atom, {})
        node[end] = {}
    return _trie_regex(trie)


def _atoms(spelling: str) -> list[str]:
    atoms = []
    for part_index, part in enumerate(spelling.split()):
        if part_index:
            atoms.append(_BLANK)
        for ch in part:
            variants = {v for v in (ch, ch.lower(), ch.upper()) if len(v) == 1}
            if len(variants) == 1:
                atoms.append(re.escape(ch))
            else:
                atoms.append("[" + "".join(re.escape(v) for v in sorted(variants)) + "]")
    return atoms


def _trie_regex(node: _Trie) -> str:
    branches = [atom + _trie_regex(child) for atom, child in sorted(node.items()) if atom]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body


class Abbreviations:
    """A jurisdiction's abbreviations, compiled into one regex."""

    def __init__(self, entries: Sequence[Abbreviation] = (), source: str = "") -> None:
        self.entries: tuple[Abbreviation, ...] = tuple(entries)
        self.source = source
        self._exact: dict[str, list[int]] = {}
        self._folded: dict[str, list[int]] = {}
        sensitive: set[str] = set()
        insensitive: set[str] = set()
        for index, entry in enumerate(self.entries):
            for spelling in entry.spellings():
                key = " ".join(spelling.split())
                if entry.case_sensitive:
                    self._exact.setdefault(key, []).append(index)
                    sensitive.add(key)
                else:
                    self._folded.setdefault(key.lower(), []).append(index)
                    insensitive.add(key)
        self._regex: re.Pattern[str] | None = None
        if sensitive or insensitive:
            body = _trie_pattern(sensitive, insensitive)
            self._regex = re.compile(rf"(?<!\w)(?:{body})(?!\w)(?P<dot>\.(?= ?[^\W\d_]))?")

    # --- loading ----------------------------------------------------------------------------

    @classmethod
    def from_data(cls, data: Mapping[str, Any], source: str = "") -> Abbreviations:
        guards = {
            name: tuple(_condition(c, f"guard {name}") for c in conditions)
            for name, conditions in (data.get("guards") or {}).items()
        }
        return cls([_entry(e, guards) for e in data.get("entries") or ()], source)

    @classmethod
    def from_path(cls, path: str | Path) -> Abbreviations:
        path = Path(path)
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
        try:
            return cls.from_data(data, str(path))
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from exc

    @classmethod
    def load(
        cls, jurisdiction: str | Path | None = None, data_dir: Path | None = None
    ) -> Abbreviations:
        """The abbreviations of `jurisdiction` (a code, default the configured one, or a path
        to a YAML file)."""
        if isinstance(jurisdiction, Path):
            return cls.from_path(jurisdiction)
        settings = get_settings()
        base = (data_dir or settings.data_dir) / (jurisdiction or settings.jurisdiction)
        return cls.from_path(base / "abbreviations.yaml")

    @classmethod
    def empty(cls) -> Abbreviations:
        return cls()

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"Abbreviations({len(self.entries)} entries from {self.source or 'memory'})"

    # --- expansion ----------------------------------------------------------------------------

    def _candidates(self, matched: str) -> list[int]:
        key = " ".join(matched.split())
        found = self._exact.get(key, []) + self._folded.get(key.lower(), [])
        return sorted(set(found))

    def expand(self, text: str) -> str:
        """`text` with every abbreviation whose context allows it spelled out."""
        if self._regex is None or not text:
            return text
        return self._regex.sub(lambda m: self._replace(m, text), text)

    def _replace(self, match: re.Match[str], text: str) -> str:
        dot = match.group("dot") or ""
        matched = match.group()[: len(match.group()) - len(dot)]
        start, end = match.start(), match.start() + len(matched)
        before = after = None
        for index in self._candidates(matched):
            entry = self.entries[index]
            if entry.contextual:
                if before is None or after is None:
                    before, after = _context(text, start, end)
                if not entry.allowed(before, after):
                    continue
            expansion = entry.expansion
            if matched[0].isupper() and entry.forms[0][0].islower():
                expansion = expansion[0].upper() + expansion[1:]
            if dot:
                if not entry.dot:
                    return expansion + dot
                following = text[match.end() : match.end() + 1]
                return expansion + ("" if following == " " else " ")
            return expansion
        return match.group()


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    line_start = text.rfind("\n", max(0, start - _CONTEXT_CHARS), start) + 1
    line_start = max(line_start, start - _CONTEXT_CHARS)
    line_end = text.find("\n", end, end + _CONTEXT_CHARS)
    if line_end < 0:
        line_end = min(len(text), end + _CONTEXT_CHARS)
    before = strip_diacritics(text[line_start:start]).lower()
    after = strip_diacritics(text[end:line_end]).lower()
    return before, after


def expand_abbreviations(text: str, abbreviations: Abbreviations) -> str:
    """`text` with the abbreviations of `abbreviations` spelled out where safe."""
    return abbreviations.expand(text)
