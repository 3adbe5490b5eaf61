"""Plain data in and out of duplicate detection."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DedupItem:
    """One opinion as the normaliser (`triage.text`) left it.

    `text` is the repaired text (original case and diacritics), `expanded` the same with
    abbreviations expanded, `folded` the expanded text lower-cased without diacritics.
    """

    id: str
    text: str
    expanded: str
    folded: str


@dataclass
class DuplicateGroup:
    """Opinions judged to make the same request about the same subject.

    `members` are item ids in input order and include the representative, which is the earliest
    member: it does not change when later opinions join, so stored `duplicate_of` links stay valid.
    """

    id: str
    representative: str
    members: list[str]

    @property
    def count(self) -> int:
        return len(self.members)
