"""Duplicate groups kept across the batches of one campaign."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from triage.dedup.config import DedupConfig
from triage.dedup.engine import Engine, _check_ids, _groups
from triage.dedup.models import DedupItem, DuplicateGroup

if TYPE_CHECKING:
    from triage.dedup.verifier import PairVerifier


class DuplicateIndex:
    """Incremental grouping: each `add` joins new opinions to the groups already stored.

    Stored groups are never rewritten: a new opinion joins at most one existing group (the one it
    matches best), and two existing groups are never merged, so cluster keys and representatives
    already handed out stay valid. Grouping a whole campaign at once with `group_duplicates` may
    therefore merge a little more than adding it batch by batch.

    `verifier` is the trained model's (`TriageModel.duplicates`), as for `group_duplicates`;
    an index keeps the one it was built with (rebuild it when another model is promoted). With
    a verifier, each `add` looks for the new opinions' nearest neighbours among all stored ones,
    so an add costs time in proportion to the campaign's size.
    """

    def __init__(
        self,
        config: DedupConfig | None = None,
        *,
        key_prefix: str = "g",
        verifier: PairVerifier | None = None,
    ) -> None:
        self._engine = Engine(config, keep_buckets=True, verifier=verifier)
        self._prefix = key_prefix
        self._ids: list[str] = []
        self._doc_of: dict[str, int] = {}
        self._keys: dict[int, str] = {}  # root doc → group key
        self._used: set[str] = set()
        self._counter = 0

    @property
    def config(self) -> DedupConfig:
        return self._engine.config

    @property
    def verifier(self) -> PairVerifier | None:
        return self._engine.verifier

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._doc_of

    def _new_key(self) -> str:
        while True:
            self._counter += 1
            key = f"{self._prefix}{self._counter:04d}"
            if key not in self._used:
                self._used.add(key)
                return key

    def _settle(self) -> None:
        """Gives every root a key: its stored key, or a fresh one for a new group."""
        engine = self._engine
        for d in range(len(engine.parent)):
            if engine.parent[d] != d:
                continue
            st = engine.state(d)
            if st.key is None:
                st.key = self._keys.get(d) or self._new_key()
            self._keys[d] = st.key

    def add(self, items: Sequence[DedupItem]) -> dict[str, str]:
        """Adds a batch; returns the group key of each new item."""
        _check_ids(items, self._doc_of)
        engine = self._engine
        docs = engine.add_docs(items)
        engine.link()
        self._settle()
        out: dict[str, str] = {}
        for item, d in zip(items, docs, strict=True):
            self._ids.append(item.id)
            self._doc_of[item.id] = d
            out[item.id] = self._keys[engine.find(d)]
        return out

    def group_of(self, item_id: str) -> str:
        return self._keys[self._engine.find(self._doc_of[item_id])]

    def groups(self) -> list[DuplicateGroup]:
        """All groups, in order of their first member; ids are the group keys."""
        engine = self._engine
        names = {root: key for root, key in self._keys.items() if engine.find(root) == root}
        return _groups(self._ids, [self._doc_of[i] for i in self._ids], engine, names, "")

    @classmethod
    def restore(
        cls,
        items: Iterable[DedupItem],
        assignments: Mapping[str, str],
        config: DedupConfig | None = None,
        *,
        key_prefix: str = "g",
        verifier: PairVerifier | None = None,
    ) -> DuplicateIndex:
        """Rebuilds an index from stored opinions and their stored group keys, as they are
        (reviewers' splits and merges included); items without a key are grouped as new."""
        index = cls(config, key_prefix=key_prefix, verifier=verifier)
        items = list(items)
        stored = [it for it in items if it.id in assignments]
        fresh = [it for it in items if it.id not in assignments]
        _check_ids(stored)
        engine = index._engine
        # An exact copy may have been moved to another group by a reviewer: no sharing of docs.
        docs = engine.add_docs(stored, share=False)
        engine.candidates(within=False)  # files the stored docs into the LSH buckets
        first_doc: dict[str, int] = {}
        for item, d in zip(stored, docs, strict=True):
            key = assignments[item.id]
            index._used.add(key)
            if key in first_doc:
                engine.union(first_doc[key], d, check=False)
            else:
                first_doc[key] = d
        for key, d in first_doc.items():
            root = engine.find(d)
            engine.state(root).key = key
            index._keys[root] = key
        for item, d in zip(stored, docs, strict=True):
            index._ids.append(item.id)
            index._doc_of[item.id] = d
        if fresh:
            index.add(fresh)
        return index
