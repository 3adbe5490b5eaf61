"""Grouping: exact key, MinHash LSH candidates, verification, constrained union-find."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from triage.dedup.config import TOKEN_RE, DedupConfig, default_config
from triage.dedup.features import Analysis, analyse
from triage.dedup.minhash import (
    MinHasher,
    band_keys,
    char_matrix,
    pair_scores,
    pairs_within,
    shingles,
    token_hash,
    unique_sorted,
    word_matrix,
)
from triage.dedup.models import DedupItem, DuplicateGroup
from triage.dedup.rules import GroupState

if TYPE_CHECKING:
    from triage.dedup.verifier import DocVectors, PairVerifier

_LEVELS = {"general": 0, "personal": 1, "named": 2}
_BASE_KINDS = ("person", "parcel", "plot", "dossier", "locality", "date", "document", "amount")
_CHUNK = 250_000


def _mask_key(kind: str, value: object) -> str:
    """What two compatible values of a kind always share (see rules.values_compatible)."""
    if kind in ("person", "area"):
        return str(value).rsplit(" ", 1)[-1]
    if kind in ("parcel", "date") and isinstance(value, tuple):
        return str(value[0])
    return repr(value)


def content_key(a: Analysis) -> bytes:
    """Same content words, specifics, facets and level: the same text for grouping purposes."""
    kinds = sorted((k, sorted(map(repr, v))) for k, v in a.kinds.items())
    facets = sorted((k, sorted(v)) for k, v in a.facets)
    raw = repr((a.level, a.content, kinds, facets)).encode("utf-8")
    return hashlib.blake2b(raw, digest_size=16).digest()


def exact_key(item: DedupItem) -> bytes:
    """Same folded words, same key: encodings, diacritics, case and punctuation do not count."""
    words = " ".join(t for t in TOKEN_RE.findall(item.folded) if t.isalnum())
    return hashlib.blake2b(words.encode("utf-8"), digest_size=16).digest()


@dataclass(frozen=True)
class PairVerdict:
    """Why two opinions are or are not duplicates (for reviewers and tests)."""

    duplicate: bool
    score: float  # lexical similarity, or the verifier's probability when there is one
    # "exact", "same_content", "similar" (duplicates); "similarity", "case_level",
    # "facet:<name>", "specific:<kind>" (not)
    reason: str


class Engine:
    """Opinions (deduplicated by exact key into docs) and the groups of docs found so far.

    With a `verifier`, candidates also come from each doc's nearest neighbours in its TF-IDF
    projection, and pairs are judged by the verifier's probability instead of the lexical score.
    Stored keys, facets (unless the verifier says otherwise), a named case against an unnamed
    one and conflicting specifics still veto a merge; the general/personal distinction is the
    verifier's evidence.
    """

    def __init__(
        self,
        config: DedupConfig | None = None,
        keep_buckets: bool = False,
        verifier: PairVerifier | None = None,
    ) -> None:
        self.config = config or default_config()
        self.verifier = verifier
        self.sem: DocVectors | None = None
        self.hasher = MinHasher(self.config.num_perm, self.config.seed)
        self.modes = {f.name: f.mode for f in self.config.vocabulary.facets}
        self.soft = {f.name: f.soft for f in self.config.vocabulary.facets if f.soft}
        self.analyses: list[Analysis] = []
        self.exact: dict[bytes, int] = {}
        self.same: dict[bytes, int] = {}
        vocab = self.config.vocabulary
        kinds = list(_BASE_KINDS) + [p.kind for p in vocab.places if p.kind not in _BASE_KINDS]
        if len(kinds) > 64:
            raise ValueError("at most 64 kinds of specifics")
        self.kind_index = {k: i for i, k in enumerate(kinds)}
        self.facet_bits: list[dict[str, int]] = [
            {v: i for i, v in enumerate(sorted(f.values))} for f in vocab.facets
        ]
        # Per facet, the bits of its soft values (which the learned verifier only weighs).
        self.soft_bits = np.array(
            [sum(1 << (bits[v] & 63) for v in set(f.soft)) for f, bits in
             zip(vocab.facets, self.facet_bits, strict=True)], dtype=np.uint64,
        )
        self.strict_facets = np.array([f.mode == "strict" for f in vocab.facets], dtype=bool)
        self.level = np.zeros(0, dtype=np.int8)
        self.clen = np.zeros(0, dtype=np.int32)
        self.kmask = np.zeros((0, len(kinds)), dtype=np.uint64)
        self.fmask = np.zeros((0, len(vocab.facets)), dtype=np.uint64)
        self.present = np.zeros(0, dtype=np.uint64)
        self.vocab: dict[str, int] = {}
        self.hashes = np.zeros(0, dtype=np.uint64)
        self.parent: list[int] = []
        self.states: dict[int, GroupState] = {}
        self.members: dict[int, list[int]] = {}  # the docs of each group of several
        # During `link`, the verifier's probability of every scored pair (a symmetric matrix
        # over docs), for average linkage.
        self._scored: sp.csr_matrix | None = None
        self.words: sp.csr_matrix | None = None
        self.chars: sp.csr_matrix | None = None
        self.sizes = np.zeros(0, dtype=np.float32)
        # Each doc's highest similarity to any candidate partner seen so far: a pair that is
        # each other's nearest neighbour is more likely one request than a pair with the same
        # similarity whose members each have a closer match (the verifier's context evidence).
        self.best = np.zeros(0, dtype=np.float32)
        self.has_names = np.zeros(0, dtype=bool)
        self.placed = np.zeros(0, dtype=bool)
        self.keep_buckets = keep_buckets
        self.buckets: list[dict[int, list[int]]] = (
            [{} for _ in range(self.config.bands)] if keep_buckets else []
        )

    # -- union-find ---------------------------------------------------------------------------

    def find(self, d: int) -> int:
        parent = self.parent
        root = d
        while parent[root] != root:
            root = parent[root]
        while parent[d] != root:
            parent[d], d = root, parent[d]
        return root

    def state(self, root: int) -> GroupState:
        st = self.states.get(root)
        if st is None:
            st = GroupState.of(self.analyses[root])
            self.states[root] = st
        return st

    def union(self, a: int, b: int, check: bool = True) -> str | None:
        """Joins the groups of a and b unless the rules forbid it; returns the reason if so."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        sa, sb = self.state(ra), self.state(rb)
        if check:
            reason = self.conflict(sa, sb)
            if reason:
                return reason
            if not self.linked(ra, rb):
                return "linkage"
        if ra > rb:  # the earliest doc stays root
            ra, rb, sa, sb = rb, ra, sb, sa
        self.parent[rb] = ra
        sa.absorb(sb)
        del self.states[rb]
        mb = self.members.pop(rb, [rb])
        self.members.setdefault(ra, [ra]).extend(mb)
        return None

    def linked(self, ra: int, rb: int) -> bool:
        """Average linkage: with several members on one side, the scored pairs between the two
        groups must reach the verifier's `link_threshold` on average."""
        scored = self._scored
        if scored is None or self.verifier is None:
            return True
        ma, mb = self.members.get(ra, [ra]), self.members.get(rb, [rb])
        if len(ma) == len(mb) == 1:
            return True  # two single opinions: their own pair decided
        small, other = (ma, rb) if len(ma) <= len(mb) else (mb, ra)
        indptr, indices, data = scored.indptr, scored.indices, scored.data
        find = self.find
        total, count = 0.0, 0
        for d in small:
            start, end = int(indptr[d]), int(indptr[d + 1])
            for o, p in zip(indices[start:end].tolist(), data[start:end].tolist(), strict=True):
                if find(o) == other:
                    total += p
                    count += 1
        return count == 0 or total / count >= self.verifier.link_threshold

    def conflict(self, sa: GroupState, sb: GroupState) -> str | None:
        if self.verifier is not None:
            return sa.conflict(sb, self.modes, learned=True, facets=self.verifier.facet_veto,
                               case=self.verifier.case_veto, soft=self.soft)
        if sa.plain and sb.plain and sa.level == sb.level and (
            sa.key is None or sb.key is None or sa.key == sb.key
        ):
            return None
        return sa.conflict(sb, self.modes)

    # -- adding opinions ----------------------------------------------------------------------

    def add_docs(self, items: Sequence[DedupItem], share: bool = True) -> list[int]:
        """Maps items to docs and returns each item's doc.

        Exact copies (same folded words) share a doc without being read again, and so do texts
        that read the same (same content words, specifics and facets): they would score 1.0 and
        pass every rule, so only one of them needs candidates and verification.
        """
        first = len(self.analyses)
        out: list[int] = []
        for item in items:
            key = exact_key(item)
            d = self.exact.get(key) if share else None
            if d is None:
                a = analyse(item, self.config)
                # Texts with no content words at all ("Đề nghị xem xét, giải quyết") only join
                # exact copies.
                ck = content_key(a) if a.content else key
                d = self.same.get(ck) if share else None
                if d is None:
                    d = len(self.analyses)
                    self.analyses.append(a)
                    self.parent.append(d)
                    self.same.setdefault(ck, d)
                self.exact.setdefault(key, d)
            out.append(d)
        self._features(first)
        return out

    def _masks(self, new: Sequence[Analysis]) -> None:
        """Per-doc bit masks that let numpy reject most conflicting pairs before Python sees
        them: a value's bit is set from what any compatible value must share (a person's given
        name, a parcel's number, a date's year), so disjoint masks mean a certain conflict."""
        n = len(new)
        kinds = self.kind_index
        facets = self.config.vocabulary.facets
        level = np.zeros(n, dtype=np.int8)
        clen = np.zeros(n, dtype=np.int32)
        kmask = np.zeros((n, len(kinds)), dtype=np.uint64)
        fmask = np.zeros((n, len(facets)), dtype=np.uint64)
        present = np.zeros(n, dtype=np.uint64)
        strong = self.config.vocabulary.strong_kinds
        for r, a in enumerate(new):
            level[r] = _LEVELS[a.level]
            clen[r] = len(a.content)
            for kind, values in a.kinds.items():
                k = kinds.get(kind)
                if k is None:
                    continue
                bits = 0
                for v in values:
                    bits |= 1 << (token_hash(_mask_key(kind, v)) & 63)
                kmask[r, k] = bits
                if kind in strong:
                    present[r] |= np.uint64(1 << k)
            facet_values = dict(a.facets)
            for f, facet in enumerate(facets):
                bits = 0
                for v in facet_values.get(facet.name, ()):
                    bits |= 1 << (self.facet_bits[f].setdefault(v, len(self.facet_bits[f])) & 63)
                fmask[r, f] = bits
        self.level = np.concatenate([self.level, level])
        self.clen = np.concatenate([self.clen, clen])
        self.kmask = np.concatenate([self.kmask, kmask])
        self.fmask = np.concatenate([self.fmask, fmask])
        self.present = np.concatenate([self.present, present])
        self.best = np.concatenate([self.best, np.zeros(n, dtype=np.float32)])
        self.has_names = np.concatenate([self.has_names,
                                         np.array([bool(a.names) for a in new], dtype=bool)])
        self.placed = np.concatenate([self.placed, np.array([a.placed for a in new], dtype=bool)])

    def _features(self, first: int) -> None:
        """Masks, signatures, bucket keys and similarity vectors of the new docs (first..)."""
        new = self.analyses[first:]
        self._new_first = first
        self._masks(new)
        if not new:
            self._new_keys = np.zeros((0, self.config.bands), dtype=np.uint64)
            self._new_valid = np.zeros(0, dtype=bool)
            return
        vocab = self.vocab
        ids: list[int] = []
        offsets = [0]
        new_tokens: list[str] = []
        for a in new:
            for t in a.content:
                tid = vocab.get(t)
                if tid is None:
                    tid = len(vocab)
                    vocab[t] = tid
                    new_tokens.append(t)
                ids.append(tid)
            offsets.append(len(ids))
        if new_tokens:
            extra = np.fromiter((token_hash(t) for t in new_tokens), dtype=np.uint64,
                                count=len(new_tokens))
            self.hashes = np.concatenate([self.hashes, extra])
        token_ids = np.asarray(ids, dtype=np.int64)
        offs = np.asarray(offsets, dtype=np.int64)
        sh, sh_offs = shingles(token_ids, offs, self.hashes)
        sigs = self.hasher.signatures(sh, sh_offs)
        self._new_keys = band_keys(sigs, self.config.bands)
        self._new_valid = np.diff(sh_offs) > 0

        w = word_matrix(token_ids, offs)
        c = char_matrix([" ".join(a.content) for a in new], self.config.char_ngram)
        sizes = np.diff(w.indptr).astype(np.float32)
        if self.words is None or self.chars is None:
            self.words, self.chars, self.sizes = w, c, sizes
        else:
            self.words = sp.vstack([self.words, w], format="csr")
            self.chars = sp.vstack([self.chars, c], format="csr")
            self.sizes = np.concatenate([self.sizes, sizes])
        if self.verifier is not None:
            vec = self.verifier.vectors(new)
            self.sem = vec if self.sem is None else self.sem.extend(vec)

    def candidates(self, within: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Candidate pairs among the new docs and between new and stored docs (buckets)."""
        first = self._new_first
        n_new = len(self._new_valid)
        if within:
            codes = pairs_within(self._new_keys, self._new_valid, self.config.neighbours,
                                 self.config.seed)
        else:
            codes = np.zeros(0, dtype=np.int64)
        left = codes // max(n_new, 1) + first
        right = codes % max(n_new, 1) + first
        if self.keep_buckets:
            cap = self.config.index_bucket_cap
            old_l: list[int] = []
            old_r: list[int] = []
            keys = self._new_keys.tolist()
            valid = self._new_valid.tolist()
            for b, bucket in enumerate(self.buckets):
                for k in range(n_new):
                    if not valid[k]:
                        continue
                    key = keys[k][b]
                    members = bucket.get(key)
                    if members is None:
                        bucket[key] = [first + k]
                        continue
                    for m in members:
                        if m < first:
                            old_l.append(m)
                            old_r.append(first + k)
                    if len(members) < cap:
                        members.append(first + k)
            if old_l:
                ol = np.asarray(old_l, dtype=np.int64)
                orr = np.asarray(old_r, dtype=np.int64)
                codes2 = unique_sorted(ol * (first + n_new) + orr)
                left = np.concatenate([left, codes2 // (first + n_new)])
                right = np.concatenate([right, codes2 % (first + n_new)])
        if within and self.verifier is not None and self.sem is not None and n_new:
            # Nearest neighbours in meaning, among all docs, for pairs that touch a new doc.
            sl, sr = self.verifier.candidates(self.sem, first_new=first)
            total = first + n_new
            codes = unique_sorted(np.concatenate([left * total + right, sl * total + sr]))
            left, right = codes // total, codes % total
        return left, right

    def link(self) -> None:
        """Verifies candidate pairs of the last add and joins those that pass, best first."""
        left, right = self.candidates()
        if len(left) == 0:
            return
        if self.verifier is not None:
            assert self.sem is not None
            self.verifier.observe(self, self.sem, left, right)
        parts = [self._verify(left[c : c + _CHUNK], right[c : c + _CHUNK])
                 for c in range(0, len(left), _CHUNK)]
        lft, rgt, scores, keep = (np.concatenate([part[k] for part in parts]) for k in range(4))
        link_threshold = getattr(self.verifier, "link_threshold", 0.0)
        if link_threshold > 0:
            n = len(self.analyses)
            lo, hi = np.minimum(lft, rgt), np.maximum(lft, rgt)
            _, first = np.unique(lo * n + hi, return_index=True)  # a pair once, not summed
            lo, hi, p = lo[first], hi[first], scores[first]
            m = sp.csr_matrix((np.concatenate([p, p]),
                               (np.concatenate([lo, hi]), np.concatenate([hi, lo]))),
                              shape=(n, n))
            self._scored = m
        lft, rgt, scores = lft[keep], rgt[keep], scores[keep]
        order = np.lexsort((rgt, lft, -scores))
        find, union = self.find, self.union
        try:
            for i, j in zip(lft[order].tolist(), rgt[order].tolist(), strict=True):
                if find(i) != find(j):
                    union(i, j)
        finally:
            self._scored = None

    def _verify(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, ...]:
        """Pairs that pass the rules (as far as masks tell), their score, and whether it is
        enough to join them."""
        assert self.words is not None and self.chars is not None
        cfg = self.config
        kl, kr = self.kmask[left], self.kmask[right]
        ok = ~(((kl & kr) == 0) & (kl != 0) & (kr != 0)).any(axis=1)
        if self.verifier is None or self.verifier.facet_veto:
            fl, fr = self.fmask[left], self.fmask[right]
            if self.verifier is not None:  # soft values weigh in the verifier, they do not veto
                hard = ~self.soft_bits[None, :]
                hl, hr = fl & hard, fr & hard
            else:
                hl, hr = fl, fr
            disjoint = ((hl & hr) == 0) & (hl != 0) & (hr != 0)
            ok &= ~np.where(self.strict_facets[None, :], fl != fr, disjoint).any(axis=1)
        if self.verifier is not None:
            assert self.sem is not None
            if self.verifier.case_veto:
                # A named case and an unnamed text meet only when the named one has a name the
                # other might say (checked on the groups when they are joined).
                named = _LEVELS["named"]
                nl, nr = self.level[left] == named, self.level[right] == named
                # So do a case named only by its place and a text that names a ward or commune.
                loc = self.kind_index["locality"]
                ll, lr = self.kmask[left, loc] != 0, self.kmask[right, loc] != 0
                ok &= ((nl == nr) | (nl & (self.has_names[left] | (self.placed[left] & lr)))
                       | (nr & (self.has_names[right] | (self.placed[right] & ll))))
            left, right = left[ok], right[ok]
            p = self.verifier.probability(self, self.sem, left, right).astype(np.float32)
            return left, right, p, p >= self.verifier.threshold
        ok &= self.level[left] == self.level[right]
        left, right = left[ok], right[ok]
        scores = pair_scores(self.words, self.sizes, self.chars, left, right,
                             cfg.word_weight, cfg.char_weight)
        need = np.full(len(left), cfg.threshold, dtype=np.float32)
        level = self.level[left]
        shared = (self.present[left] & self.present[right]) != 0
        need[(level == _LEVELS["named"]) & shared] = cfg.named_threshold
        short = np.minimum(self.clen[left], self.clen[right]) < cfg.short_tokens
        need[(level == _LEVELS["personal"]) | short] = cfg.strict_threshold
        return left, right, scores, scores >= need

    def threshold(self, a: Analysis, b: Analysis) -> float:
        """The similarity a pair needs: stricter for anonymous personal cases and very short
        texts, looser for two named cases that name the same person, parcel or place."""
        cfg = self.config
        if a.level == "personal" or min(len(a.content), len(b.content)) < cfg.short_tokens:
            return cfg.strict_threshold
        if a.level == "named" and b.level == "named":
            strong = self.config.vocabulary.strong_kinds
            if any(k in b.kinds for k in a.kinds if k in strong):
                return cfg.named_threshold
        return cfg.threshold

    # -- reading groups -----------------------------------------------------------------------

    def score(self, i: int, j: int) -> float:
        """The verifier's probability, or the lexical score without a verifier."""
        assert self.words is not None and self.chars is not None
        if self.verifier is not None:
            assert self.sem is not None
            p = self.verifier.probability(self, self.sem, np.array([i]), np.array([j]))
            return float(p[0])
        cfg = self.config
        s = pair_scores(self.words, self.sizes, self.chars, np.array([i]), np.array([j]),
                        cfg.word_weight, cfg.char_weight)
        return float(s[0])


def _groups(
    item_ids: Sequence[str], docs: Sequence[int], engine: Engine, names: Mapping[int, str] | None,
    prefix: str,
) -> list[DuplicateGroup]:
    by_root: dict[int, DuplicateGroup] = {}
    groups: list[DuplicateGroup] = []
    for item_id, d in zip(item_ids, docs, strict=True):
        root = engine.find(d)
        g = by_root.get(root)
        if g is None:
            gid = names[root] if names is not None else f"{prefix}{len(groups) + 1:02d}"
            g = DuplicateGroup(id=gid, representative=item_id, members=[])
            by_root[root] = g
            groups.append(g)
        g.members.append(item_id)
    return groups


def _check_ids(items: Sequence[DedupItem], known: Mapping[str, int] | None = None) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen or (known is not None and item.id in known):
            raise ValueError(f"Mã ý kiến bị trùng: {item.id!r}")
        seen.add(item.id)


def group_duplicates(
    items: Sequence[DedupItem],
    *,
    config: DedupConfig | None = None,
    group_prefix: str = "c",
    verifier: PairVerifier | None = None,
) -> list[DuplicateGroup]:
    """Groups duplicate opinions of one batch.

    Every item is in exactly one group (singletons too); groups come in order of their first
    member and are named `{group_prefix}01`, `{group_prefix}02`...; the representative is the
    earliest member. `verifier` is the trained model's (`TriageModel.duplicates`); without one,
    pairs are judged by the lexical score and the hand-set rules of `dedup.yaml`.
    """
    _check_ids(items)
    engine = Engine(config, verifier=verifier)
    docs = engine.add_docs(items)
    engine.link()
    return _groups([it.id for it in items], docs, engine, None, group_prefix)


def explain_pair(
    a: DedupItem,
    b: DedupItem,
    config: DedupConfig | None = None,
    verifier: PairVerifier | None = None,
) -> PairVerdict:
    """Judges two opinions alone, with the same rules as grouping (no chaining, no LSH)."""
    engine = Engine(config, verifier=verifier)
    da, db = engine.add_docs([a, b])
    if da == db:
        same = exact_key(a) == exact_key(b)
        return PairVerdict(True, 1.0, "exact" if same else "same_content")
    s = engine.score(da, db)
    reason = engine.conflict(engine.state(da), engine.state(db))
    if reason:
        return PairVerdict(False, s, reason)
    if verifier is not None:
        need = verifier.threshold
    else:
        need = engine.threshold(engine.analyses[da], engine.analyses[db])
    if s < need:
        return PairVerdict(False, s, "similarity")
    return PairVerdict(True, s, "similar")
