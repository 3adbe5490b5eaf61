"""Loads `dedup.yaml` of a jurisdiction into compiled matchers.

Every phrase list is data (rules change with the place), so this module only folds the phrases
the way opinions are folded and compiles them once per jurisdiction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from triage.jurisdiction import Jurisdiction, default_jurisdiction
from triage.text import fold

TOKEN_RE = re.compile(r"\w+|[^\w\s]")


def fold_tokens(text: str) -> str:
    """Folds text into the token string every matcher runs on: tokens joined by one space."""
    return " ".join(TOKEN_RE.findall(fold(text)))


def _pattern(entry: str) -> str:
    if entry.startswith("re:"):
        return entry[3:]
    return re.escape(fold_tokens(entry))


def _trie(phrases: Iterable[str]) -> str:
    """A regex for a set of plain phrases as a prefix tree: Python's `re` tries alternatives one
    by one, so hundreds of phrases in a flat alternation cost hundreds of tries per position.
    Longer phrases are tried before their prefixes, so the longest phrase wins."""
    root: dict[str, dict] = {}
    for phrase in phrases:
        node = root
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return emit(root)


def _alternatives(entries: Iterable[str]) -> list[str]:
    """The plain phrases as one prefix tree (longest first), then the raw regexes."""
    entries = [e for e in entries if e]
    plain = {fold_tokens(e) for e in entries if not e.startswith("re:")}
    raw = [e[3:] for e in entries if e.startswith("re:")]
    out = [_trie(plain)] if plain else []
    return out + list(dict.fromkeys(raw))


def phrase_regex(entries: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching any entry as whole tokens; the longest plain phrase wins."""
    items = _alternatives(entries)
    if not items:
        return None
    return re.compile(r"(?<!\S)(?:" + "|".join(items) + r")(?!\S)")


@dataclass(frozen=True, eq=False)
class Facet:
    name: str
    mode: str  # "disjoint" or "strict"
    regex: re.Pattern[str] | None  # the plain phrases of all values
    phrases: dict[str, str]  # folded phrase → value
    raw: tuple[tuple[re.Pattern[str], str], ...]  # "re:" entries → value
    # Values that never keep two opinions apart for the learned verifier, which weighs them
    # itself: read from single words, they often differ between two summaries of one request.
    soft: frozenset[str] = frozenset()

    @property
    def values(self) -> frozenset[str]:
        return frozenset(self.phrases.values()) | {v for _, v in self.raw}

    def values_in(self, text: str) -> frozenset[str]:
        found = set()
        if self.regex is not None:
            phrases = self.phrases
            for m in self.regex.finditer(text):
                found.add(phrases[m.group(0)])
        for regex, value in self.raw:
            if regex.search(text):
                found.add(value)
        return frozenset(found)


def _marked_words(phrase: str) -> tuple[str, ...]:
    return tuple(t.lower() for t in TOKEN_RE.findall(unicodedata.normalize("NFC", phrase)))


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Phrases found on folded text, then checked against their diacritics where the citizen
    typed them: folded, "Ngô" (a surname) and "ngõ" (a lane) are both "ngo"."""

    regex: re.Pattern[str] | None
    forms: dict[str, tuple[tuple[str, ...], ...]]  # folded phrase → its spellings, word by word

    @classmethod
    def of(cls, phrases: Iterable[str]) -> Lexicon:
        forms: dict[str, set[tuple[str, ...]]] = {}
        for phrase in phrases:
            if phrase and not phrase.startswith("re:"):
                forms.setdefault(fold_tokens(phrase), set()).add(_marked_words(phrase))
        return cls(phrase_regex(forms), {k: tuple(v) for k, v in forms.items()})

    def __contains__(self, folded: object) -> bool:
        return folded in self.forms

    def accepts(self, orig: Sequence[str], folded: str, marked: bool = False) -> bool:
        """True when tokens `orig` (as typed) spell the folded phrase `folded`: words typed
        without diacritics match on their folded form, others must match a spelling. In a text
        that carries diacritics (`marked`), a word typed without them is that word ("lần ba",
        three, is not the title "bà")."""
        spellings = self.forms.get(folded)
        if spellings is None:
            return False
        return any(
            len(sp) == len(orig)
            and all((o.isascii() and not marked) or o.lower() == w
                    for o, w in zip(orig, sp, strict=True))
            for sp in spellings
        )


@dataclass(frozen=True, eq=False)
class PlaceKind:
    kind: str
    trigger_forms: Lexicon
    caseless_numbered: bool
    before_gazetteer: bool
    descriptors: frozenset[str]
    numbered: bool
    max_words: int


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Compiled phrase lists of `dedup.yaml`; all matching is on folded token strings."""

    lead_subjects: re.Pattern[str] | None
    personal_subjects: re.Pattern[str] | None
    named_speaker_is_subject: bool  # a lead-in naming a person speaks of that person's case
    lead_verbs: re.Pattern[str] | None
    lead_words: frozenset[str]
    personal_markers: re.Pattern[str] | None
    local_markers: re.Pattern[str] | None
    general_markers: re.Pattern[str] | None
    unnamed_local: frozenset[str]
    synonyms_plain: dict[str, str]
    synonyms_regex: re.Pattern[str] | None
    synonyms_raw: tuple[tuple[re.Pattern[str], str], ...]
    drop_regex: re.Pattern[str] | None
    stopwords: frozenset[str]
    facets: tuple[Facet, ...]
    titles: Lexicon
    caseless_titles: Lexicon
    household_words: frozenset[str]
    surnames: Lexicon
    middle_names: frozenset[str]
    name_stop: Lexicon
    not_place_after: Lexicon
    boundary: Lexicon
    name_boundary: Lexicon
    places: tuple[PlaceKind, ...]
    # (before the gazetteer?, cased?) → one regex over those kinds' triggers, phrase → kinds
    place_triggers: dict[tuple[bool, bool], tuple[re.Pattern[str] | None,
                                                  dict[str, tuple[PlaceKind, ...]]]]
    gazetteer: dict[str, tuple[str, str]]  # folded name → (kind, value)
    gazetteer_names: Lexicon
    legal_documents: re.Pattern[str] | None
    case_documents: re.Pattern[str] | None
    dossier_words: re.Pattern[str] | None
    measure_words: frozenset[str]
    money_units: dict[str, int]
    strong_kinds: frozenset[str]
    case_kinds: frozenset[str]
    # Kinds of a named case that only place it inside a ward or commune (see `placed_kinds`
    # in dedup.yaml), and the ward or commune of each known village (folded name → code).
    placed_kinds: frozenset[str] = frozenset()
    village_localities: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class DedupConfig:
    """Thresholds and vocabulary of duplicate detection, normally from `dedup.yaml`."""

    vocabulary: Vocabulary
    num_perm: int = 64
    bands: int = 32
    neighbours: int = 12
    index_bucket_cap: int = 48
    seed: int = 20230815
    word_weight: float = 0.5
    char_weight: float = 0.5
    char_ngram: int = 4
    threshold: float = 0.6
    named_threshold: float = 0.5
    strict_threshold: float = 0.85
    short_tokens: int = 4
    lead_in_max_tokens: int = 30
    lead_in_max_tokens_no_colon: int = 14
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], localities: Iterable[tuple[str, str]] = (),
        villages: Iterable[tuple[str, str]] = (),
    ) -> DedupConfig:
        """Builds a config from the parsed YAML; `localities` are (code, name) pairs and
        `villages` (locality code, village name) pairs."""
        mh = data.get("minhash", {})
        sim = data.get("similarity", {})
        lead = data.get("lead_in", {})
        num_perm = int(mh.get("num_perm", 64))
        bands = int(mh.get("bands", 32))
        if num_perm % bands:
            raise ValueError("minhash.num_perm must be a multiple of minhash.bands")
        return cls(
            vocabulary=_vocabulary(data, localities, villages),
            num_perm=num_perm,
            bands=bands,
            neighbours=int(mh.get("neighbours", 12)),
            index_bucket_cap=int(mh.get("index_bucket_cap", 48)),
            seed=int(mh.get("seed", 20230815)),
            word_weight=float(sim.get("word_weight", 0.5)),
            char_weight=float(sim.get("char_weight", 0.5)),
            char_ngram=int(sim.get("char_ngram", 4)),
            threshold=float(sim.get("threshold", 0.6)),
            named_threshold=float(sim.get("named_threshold", 0.5)),
            strict_threshold=float(sim.get("strict_threshold", 0.85)),
            short_tokens=int(sim.get("short_tokens", 4)),
            lead_in_max_tokens=int(lead.get("max_tokens", 30)),
            lead_in_max_tokens_no_colon=int(lead.get("max_tokens_no_colon", 14)),
            raw=dict(data),
        )

    @classmethod
    def for_jurisdiction(cls, jurisdiction: Jurisdiction | None = None) -> DedupConfig:
        j = jurisdiction or default_jurisdiction()
        localities = [(loc.code, name) for loc in j.localities.values()
                      for name in (loc.name, *loc.aliases)]
        villages = [(loc.code, v) for loc in j.localities.values() for v in loc.villages]
        return cls.from_mapping(j.load_yaml("dedup.yaml"), localities, villages)


@lru_cache(maxsize=4)
def default_config(code: str | None = None) -> DedupConfig:
    return DedupConfig.for_jurisdiction(default_jurisdiction(code))


def _folded_set(entries: Iterable[str]) -> frozenset[str]:
    return frozenset(fold_tokens(e) for e in entries)


def _vocabulary(
    data: Mapping[str, Any], localities: Iterable[tuple[str, str]],
    villages: Iterable[tuple[str, str]] = (),
) -> Vocabulary:
    lead = data.get("lead_in", {})
    markers = data.get("markers", {})
    spec = data.get("specifics", {})

    synonyms_plain: dict[str, str] = {}
    raw: list[tuple[re.Pattern[str], str]] = []
    for token, phrases in (data.get("synonyms") or {}).items():
        for p in phrases:
            if p.startswith("re:"):
                raw.append((re.compile(r"(?<!\S)(?:" + p[3:] + r")(?!\S)"), token))
            else:
                synonyms_plain[fold_tokens(p)] = token
    synonyms_regex = phrase_regex(synonyms_plain) if synonyms_plain else None
    # Stop phrases are removed after synonyms, so a synonym token is never dropped.
    drop_regex = phrase_regex(data.get("stop_phrases", []))

    facets = []
    for name, f in (data.get("facets") or {}).items():
        mode = f.get("mode", "disjoint")
        if mode not in ("disjoint", "strict"):
            raise ValueError(f"facet {name}: mode must be disjoint or strict")
        by_phrase: dict[str, str] = {}
        raw_entries: list[tuple[re.Pattern[str], str]] = []
        for value, entries in (f.get("values") or {}).items():
            for e in entries:
                if e.startswith("re:"):
                    raw_entries.append((re.compile(r"(?<!\S)(?:" + e[3:] + r")(?!\S)"), value))
                else:
                    by_phrase[fold_tokens(e)] = value
        soft = frozenset(str(v) for v in f.get("soft") or ())
        if mode == "strict" and soft:
            raise ValueError(f"facet {name}: soft values need mode disjoint")
        unknown = soft - set(by_phrase.values()) - {v for _, v in raw_entries}
        if unknown:
            raise ValueError(f"facet {name}: soft values {sorted(unknown)} are not values")
        facets.append(Facet(name, mode, phrase_regex(by_phrase), by_phrase, tuple(raw_entries),
                            soft))

    places = []
    for kind, p in (spec.get("places") or {}).items():
        places.append(
            PlaceKind(
                kind=kind,
                trigger_forms=Lexicon.of([*p.get("triggers", []),
                                          *p.get("caseless_triggers", [])]),
                caseless_numbered=bool(p.get("caseless_numbered", False)),
                before_gazetteer=bool(p.get("before_gazetteer", False)),
                descriptors=_folded_set(p.get("descriptors", [])),
                numbered=bool(p.get("numbered", False)),
                max_words=int(p.get("max_words", 3)),
            )
        )

    place_triggers: dict[
        tuple[bool, bool], tuple[re.Pattern[str] | None, dict[str, tuple[PlaceKind, ...]]]
    ] = {}
    for first in (True, False):
        for cased in (True, False):
            kinds_of: dict[str, list[PlaceKind]] = {}
            for kind, p in zip(places, (spec.get("places") or {}).values(), strict=True):
                if kind.before_gazetteer != first:
                    continue
                for phrase in p.get("triggers" if cased else "caseless_triggers", []):
                    kinds_of.setdefault(fold_tokens(phrase), []).append(kind)
            place_triggers[(first, cased)] = (
                phrase_regex(kinds_of),
                {k: tuple(v) for k, v in kinds_of.items()},
            )

    gazetteer: dict[str, tuple[str, str]] = {}
    names: list[str] = []
    for name in spec.get("villages", []):
        folded = fold_tokens(name)
        gazetteer[folded] = ("village", folded)
        names.append(name)
    for code, name in localities:
        gazetteer[fold_tokens(name)] = ("locality", code)
        names.append(name)
    for name in spec.get("ignore_names", []):
        gazetteer.setdefault(fold_tokens(name), ("ignore", ""))
        names.append(name)

    # Words a lead-in without a colon may consist of besides names and places: "Ông Nguyễn Văn
    # An, thôn Mông Phụ, đề nghị" is a lead-in, "Ông An nộp hồ sơ từ 2019, đề nghị" is not.
    lead_words: set[str] = set()
    for group in (lead.get("subjects", []), lead.get("fillers", []), spec.get("titles", []),
                  spec.get("household_words", [])):
        for phrase in group:
            lead_words.update(fold_tokens(phrase).split())
    for p in (spec.get("places") or {}).values():
        for phrase in p.get("triggers", []):
            if not phrase.startswith("re:"):
                lead_words.update(fold_tokens(phrase).split())

    return Vocabulary(
        lead_words=frozenset(lead_words),
        lead_subjects=phrase_regex(lead.get("subjects", [])),
        personal_subjects=phrase_regex(lead.get("personal_subjects", [])),
        named_speaker_is_subject=bool(lead.get("named_speaker_is_subject", False)),
        lead_verbs=phrase_regex(lead.get("verbs", [])),
        personal_markers=phrase_regex(markers.get("personal", [])),
        local_markers=phrase_regex(markers.get("local", [])),
        general_markers=phrase_regex(markers.get("general", [])),
        unnamed_local=frozenset(markers.get("unnamed_place_kinds", [])),
        synonyms_plain=synonyms_plain,
        synonyms_regex=synonyms_regex,
        synonyms_raw=tuple(raw),
        drop_regex=drop_regex,
        stopwords=_folded_set(data.get("stopwords", [])),
        facets=tuple(facets),
        titles=Lexicon.of(spec.get("titles", [])),
        caseless_titles=Lexicon.of(spec.get("caseless_titles", [])),
        household_words=_folded_set(spec.get("household_words", [])),
        surnames=Lexicon.of(spec.get("surnames", [])),
        middle_names=_folded_set(spec.get("middle_names", [])),
        name_stop=Lexicon.of(spec.get("name_stop", [])),
        not_place_after=Lexicon.of(spec.get("not_place_after", [])),
        boundary=Lexicon.of(spec.get("boundary", [])),
        name_boundary=Lexicon.of(spec.get("name_boundary", [])),
        places=tuple(places),
        place_triggers=place_triggers,
        gazetteer=gazetteer,
        gazetteer_names=Lexicon.of(names),
        legal_documents=phrase_regex(spec.get("legal_documents", [])),
        case_documents=phrase_regex(spec.get("case_documents", [])),
        dossier_words=phrase_regex(spec.get("dossier_words", [])),
        measure_words=_folded_set(spec.get("measure_words", [])),
        money_units={fold_tokens(k): int(v) for k, v in (spec.get("money_units") or {}).items()},
        strong_kinds=frozenset(spec.get("strong_kinds", [])),
        case_kinds=frozenset(spec.get("case_kinds", [])),
        placed_kinds=frozenset(spec.get("placed_kinds", [])),
        village_localities={fold_tokens(name): code for code, name in villages},
    )
