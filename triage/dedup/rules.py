"""The specifics rule and the facet rule, for pairs and for whole groups.

Groups are built by joining pairs, so a rule checked only on pairs would let a chain join two
opinions that conflict (A ~ B ~ C with A and C about different parcels). The checks therefore run
on groups: every member must be compatible with every member of the other group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from triage.dedup.features import Analysis


def _names_compatible(a: str, b: str) -> bool:
    """"An" and "Nguyễn Văn An" may be the same person; "Văn An" and "Thị An" are not."""
    if a == b:
        return True
    ta, tb = a.split(), b.split()
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return long_[len(long_) - len(short):] == short


def values_compatible(kind: str, a: object, b: object) -> bool:
    if kind in ("person", "area"):  # "khu Đồng Sủi" and "xứ đồng Sủi" name one area
        return _names_compatible(str(a), str(b))
    if kind == "parcel" and isinstance(a, tuple) and isinstance(b, tuple):
        return a[0] == b[0] and (not a[1] or not b[1] or a[1] == b[1])
    if kind == "date" and isinstance(a, tuple) and isinstance(b, tuple):
        return a[0] == b[0] and (not a[1] or not b[1] or a[1] == b[1]) and (
            not a[2] or not b[2] or a[2] == b[2]
        )
    return a == b


def sets_compatible(kind: str, a: frozenset[object], b: frozenset[object]) -> bool:
    """Two value sets of one kind are compatible when some pair of values is."""
    if a & b:
        return True
    return any(values_compatible(kind, x, y) for x in a for y in b)


def facet_compatible(mode: str, a: frozenset[str], b: frozenset[str]) -> bool:
    if mode == "strict":
        return a == b
    return not a or not b or bool(a & b)


@dataclass
class GroupState:
    """What a group of opinions asserts: its case level, specifics and facets, member by member."""

    level: str
    kinds: dict[str, set[frozenset[object]]] = field(default_factory=dict)
    facets: dict[str, set[frozenset[str]]] = field(default_factory=dict)
    key: str | None = None  # stored group key (DuplicateIndex): two keyed groups never merge
    names: set[str] = field(default_factory=set)  # of the named cases among the members
    name_forms: set[str] = field(default_factory=set)  # the names as typed with diacritics
    plain_names: set[str] = field(default_factory=set)  # names typed without them
    words: list[str] = field(default_factory=list)  # each member's folded, space-padded text
    spoken: list[str] = field(default_factory=list)  # each member's text as typed ("" unmarked)
    located: list[bool] = field(default_factory=list)  # whether each member names a ward/commune
    placed: bool = True  # every named member only names a place in a ward or commune

    @classmethod
    def of(cls, analysis: Analysis) -> GroupState:
        return cls(
            level=analysis.level,
            kinds={k: {v} for k, v in analysis.kinds.items()},
            facets={name: {values} for name, values in analysis.facets},
            names=set(analysis.names),
            name_forms=set(analysis.name_forms),
            plain_names=set(analysis.plain_names),
            words=[analysis.words],
            spoken=[analysis.spoken],
            located=["locality" in analysis.kinds],
            placed=analysis.level != "named" or analysis.placed,
        )

    def speaks_of(self, named: GroupState) -> bool:
        """Whether every member of this unnamed group speaks of the named case: its text says a
        name of the case (whether or not its own specifics were recognised), or the case only
        names places inside a ward or commune and the member names one too (whether the same
        one is `kinds_conflict`'s check). Every member, not some: a general request must not
        reach a named case through one member that names it ("xoá thế chấp chậm" joined with
        "hồ sơ xoá thế chấp của anh Tuấn tổ 9" would otherwise take in anh Tuấn's own case).
        A member typed with diacritics says a name as it was typed with them: "hẹn hết tuần
        này" does not name anh Tuấn, nor "lần 1" bà Lan."""
        return all(
            (named.placed and located) or named.said_in(words, spoken)
            for words, spoken, located in zip(self.words, self.spoken, self.located, strict=True)
        )

    def said_in(self, words: str, spoken: str) -> bool:
        """Whether a text (folded words, and as typed when it has diacritics) says one of this
        group's names."""
        if not spoken:
            return any(f" {name} " in words for name in self.names)
        # With diacritics: the name as the case wrote it, or typed without them ("dọc duong chua
        # thong"); a name whose own text had none may be any word that folds to it.
        return (any(f" {form} " in spoken for form in self.name_forms)
                or any(f" {name} " in spoken for name in self.names)
                or any(f" {name} " in words for name in self.plain_names))

    @property
    def plain(self) -> bool:
        return not self.kinds and all(v == {frozenset()} for v in self.facets.values())

    def conflict(
        self,
        other: GroupState,
        modes: Mapping[str, str],
        *,
        learned: bool = False,
        facets: bool = True,
        case: bool = True,
        soft: Mapping[str, frozenset[str]] | None = None,
    ) -> str | None:
        """The reason the two groups cannot be one, None when they can.

        With a learned verifier (`learned`), the general/personal distinction is the verifier's
        evidence, not a veto: only a named case against anything else is (unless `case` is
        false: then a named case may join a general request, but two cases whose specifics
        differ still never join); so are facets unless `facets` is false.
        """
        if self.key is not None and other.key is not None and self.key != other.key:
            return "stored_groups"
        if learned:
            if case and (self.level == "named") != (other.level == "named"):
                named, unnamed = (self, other) if self.level == "named" else (other, self)
                if not unnamed.speaks_of(named):
                    return "case_level"
        elif self.level != other.level:
            return "case_level"
        if facets:
            reason = self.facets_conflict(other, modes, soft if learned else None)
            if reason:
                return reason
        return self.kinds_conflict(other)

    def facets_conflict(self, other: GroupState, modes: Mapping[str, str],
                        soft: Mapping[str, frozenset[str]] | None = None) -> str | None:
        """"facet:<name>" when the groups ask for, or about, different things; a facet's
        `soft` values (for the learned verifier) count as absent."""
        for name, sets in self.facets.items():
            theirs = other.facets.get(name)
            if theirs is None:
                if modes.get(name) == "strict" and any(sets):
                    return f"facet:{name}"
                continue
            mode = modes.get(name, "disjoint")
            weak = soft.get(name, frozenset()) if soft else frozenset()
            for a in sets:
                for b in theirs:
                    if not facet_compatible(mode, a - weak, b - weak):
                        return f"facet:{name}"
        for name, theirs in other.facets.items():
            if name not in self.facets and modes.get(name) == "strict" and any(theirs):
                return f"facet:{name}"
        return None

    def kinds_conflict(self, other: GroupState) -> str | None:
        """"specific:<kind>" when some member of each group carries the kind and they disagree."""
        for kind, ksets in self.kinds.items():
            theirs_k = other.kinds.get(kind)
            if not theirs_k:
                continue
            for a_set in ksets:
                for b_set in theirs_k:
                    if not sets_compatible(kind, a_set, b_set):
                        return f"specific:{kind}"
        return None

    def absorb(self, other: GroupState) -> None:
        for kind, sets in other.kinds.items():
            self.kinds.setdefault(kind, set()).update(sets)
        for name, fsets in other.facets.items():
            self.facets.setdefault(name, set()).update(fsets)
        if self.key is None:
            self.key = other.key
        if other.level == "named":
            self.level = "named"  # a group that holds a named case is about that case
        self.names.update(other.names)
        self.name_forms.update(other.name_forms)
        self.plain_names.update(other.plain_names)
        self.words.extend(other.words)
        self.spoken.extend(other.spoken)
        self.located.extend(other.located)
        self.placed = self.placed and other.placed


def pair_conflict(
    a: Analysis, b: Analysis, modes: Mapping[str, str], *, learned: bool = False,
    facets: bool = True, case: bool = True, soft: Mapping[str, frozenset[str]] | None = None,
) -> str | None:
    """The rules between two opinions alone (what `GroupState.conflict` says of singletons)."""
    return GroupState.of(a).conflict(GroupState.of(b), modes, learned=learned, facets=facets,
                                     case=case, soft=soft)
