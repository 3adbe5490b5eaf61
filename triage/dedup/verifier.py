"""A pair verifier learned from the paraphrase groups of the training corpus.

Paraphrases written by different citizens share few words ("sang tên sổ đỏ lâu quá" and "hồ sơ
chuyển nhượng ở chi nhánh văn phòng đăng ký luôn trễ hẹn"), so no fixed threshold on a lexical
score separates them from different requests on the same topic. The verifier is a logistic
regression over evidence about a pair:

- lexical: Jaccard of content words, cosine of character 4-grams (the engine's), cosine of
  TF-IDF vectors of content words and word pairs (synonyms already unified by `dedup.yaml`);
- which terms the two share and which only one of them has, each with a learned weight (sharing
  "dồn điền" says more than sharing "cấp"; "thừa kế" on one side only says a lot);
- topic: agreement of predicted department and category (a small classifier on the same TF-IDF);
- the engine's reading: case level (general, personal, named), facets that agree or disagree,
  shared kinds of specifics, lengths;
- context: the pair's similarity against each member's best match in the batch (`observe`), so
  that two opinions that are each other's nearest count for more than two that each have a
  closer match elsewhere;
- associated words: what one side says and the other does not, weighed by how often such words
  stood across the two sides of a paraphrase pair in the corpus ("trễ hẹn" / "lâu quá",
  "thất lạc" / "mất sổ"; `learn_associations`, cross-fitted by group in training);
- the corpus's groups: which paraphrase groups of the training corpus the two opinions resemble
  (`corpus_groups`; each writer's own groups hidden in training).

The rules stay above it: a pair whose specifics conflict (two households, parcels, villages,
dates), whose facets disagree (what is asked, about which procedure, fee or kind of land; a
facet's `soft` values, such as asking for speed or for guidance, count only as evidence), or a
named case against an unnamed one (unless the unnamed one says the case's name, which its own
specifics missed: "duong chua thong" typed without capitals, or the case is named only by a
village or residential group of the ward or commune the other names) never reaches the verifier;
between groups, every member of the unnamed one must speak of the case (`GroupState.speaks_of`).
Leave-one-writer-out
cross-validation kept the facets as vetoes (`facet_veto`): as evidence they did no better. Groups
grow by average linkage (`link_threshold`, see `Engine.linked`).

Training pairs are the paraphrase pairs of the corpus and, as negatives, each opinion's nearest
neighbours that are not in its group (the pairs candidate search will propose), both within one
source: writers grouped only their own paraphrases, so a pair across two writers is no evidence
(two writers may have written the same request). The topic classifier is cross-fitted, so the
pair model sees topic predictions as good as on new text, not the optimistic ones on its own
training text. Opinions given twice (the diacritic-free copies of training) count once: copies
share an id and the same folded words.

Leave-one-writer-out, the verifier raises pair F1 from the lexical rules' 0.07-0.25 to about
0.80 (docs/evaluation.md): most paraphrases that share little vocabulary are still missed, and
the labels count some true pairs (same request, not grouped by the writer) as false merges.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from triage.dedup.config import DedupConfig, default_config
from triage.dedup.minhash import row_sums
from triage.dedup.models import DedupItem
from triage.dedup.neighbours import forest_pairs
from triage.dedup.rules import pair_conflict

if TYPE_CHECKING:
    from triage.dedup.engine import Engine
    from triage.dedup.features import Analysis

FEATURES = (
    "word_jaccard", "char_cosine", "tfidf_cosine", "department_agreement",
    "category_agreement", "same_department", "general_personal", "personal_personal",
    "named_named", "length_ratio", "log_min_length", "facets_disjoint", "facets_shared",
    "strict_facets_differ", "kinds_shared", "context_min", "context_max", "mutual_best",
    "associated_terms", "named_unnamed", "corpus_group", "corpus_group_cosine",
)
_GENERAL, _PERSONAL, _NAMED = 0, 1, 2
_CHUNK = 200_000
_ROWS = 2_000  # opinions compared with the corpus at once (a dense block of similarities)


def terms(content: Sequence[str]) -> list[str]:
    """Content words and pairs of adjacent content words."""
    return list(content) + [f"{a}_{b}" for a, b in pairwise(content)]


def _rowdot(a: sp.csr_matrix, b: sp.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    out = np.zeros(len(left), dtype=np.float64)
    for s in range(0, len(left), _CHUNK):
        lo, hi = left[s : s + _CHUNK], right[s : s + _CHUNK]
        out[s : s + _CHUNK] = row_sums(a[lo].multiply(b[hi]).tocsr())
    return out


def _unit_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(row_sums(m.multiply(m).tocsr()))
    norms[norms == 0] = 1.0
    m = m.tocsr(copy=True)
    m.data = (m.data / np.repeat(norms, np.diff(m.indptr))).astype(np.float32)
    return m


def _only(a: sp.csr_matrix, b: sp.csr_matrix) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """The words each row of `a` has that the same row of `b` lacks, and the other way."""
    both = a.multiply(b).tocsr()
    only_a = (a - both).tocsr()
    only_b = (b - both).tocsr()
    only_a.eliminate_zeros()
    only_b.eliminate_zeros()
    return only_a, only_b


def learn_associations(
    only_left: sp.csr_matrix, only_right: sp.csr_matrix, y: np.ndarray, min_pairs: int = 2,
) -> sp.csr_matrix:
    """Word × word evidence that two texts are one request when one says the first word and the
    other the second: the log-lift of paraphrase pairs among the training pairs that show the
    two words across them, kept where at least `min_pairs` paraphrase pairs do and the lift is
    above 1. Symmetric; float32."""
    def cooccur(rows: np.ndarray) -> sp.csr_matrix:
        m = (only_left[rows].T @ only_right[rows]).tocsr()
        return (m + m.T).tocsr()

    positive, negative = cooccur(np.flatnonzero(y)), cooccur(np.flatnonzero(~y))
    base = max(float(y.mean()), 1e-6)
    pos = positive.tocoo()
    keep = pos.data >= min_pairs
    r, c, p = pos.row[keep], pos.col[keep], pos.data[keep].astype(np.float64)
    n = np.asarray(negative[r, c]).ravel().astype(np.float64) if len(r) else np.zeros(0)
    lift = np.log((p + 0.1) / (p + n + 1.0) / base)
    good = lift > 0
    return sp.csr_matrix((lift[good].astype(np.float32), (r[good], c[good])),
                         shape=positive.shape)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


@dataclass
class DocVectors:
    """What the verifier keeps of each opinion (rows follow the engine's docs)."""

    tfidf: sp.csr_matrix  # unit rows
    present: sp.csr_matrix  # 1 for each known term
    shared: sp.csr_matrix  # present × the learned weight of sharing the term
    solo: np.ndarray  # sum of the learned weights of the doc's terms, when the other lacks them
    department: np.ndarray  # predicted probabilities
    category: np.ndarray
    embedding: np.ndarray  # unit rows, float32, for candidate search
    words: sp.csr_matrix  # 1 for each known single word (the columns of `associations_`)
    groups: sp.csr_matrix  # the corpus's paraphrase groups near the doc (`corpus_groups`)
    group_norm: np.ndarray  # the length of each row of `groups`

    def extend(self, other: DocVectors) -> DocVectors:
        return DocVectors(
            tfidf=sp.vstack([self.tfidf, other.tfidf], format="csr"),
            present=sp.vstack([self.present, other.present], format="csr"),
            shared=sp.vstack([self.shared, other.shared], format="csr"),
            solo=np.concatenate([self.solo, other.solo]),
            department=np.vstack([self.department, other.department]),
            category=np.vstack([self.category, other.category]),
            embedding=np.vstack([self.embedding, other.embedding]),
            words=sp.vstack([self.words, other.words], format="csr"),
            groups=sp.vstack([self.groups, other.groups], format="csr"),
            group_norm=np.concatenate([self.group_norm, other.group_norm]),
        )


@dataclass
class _Topic:
    """A multinomial logistic regression kept as arrays (small, float32 in the bundle)."""

    classes: list[str]
    coef: np.ndarray
    intercept: np.ndarray

    @classmethod
    def fit(cls, X: sp.csr_matrix, y: Sequence[str], C: float) -> _Topic:
        labels = sorted(set(y))
        if len(labels) < 2:
            return cls(labels, np.zeros((len(labels), X.shape[1]), np.float32),
                       np.zeros(len(labels), np.float32))
        lr = LogisticRegression(C=C, max_iter=3000).fit(X, list(y))
        return cls([str(c) for c in lr.classes_], lr.coef_.astype(np.float32),
                   lr.intercept_.astype(np.float32))

    def proba(self, X: sp.csr_matrix, classes: Sequence[str] | None = None) -> np.ndarray:
        """Probabilities, in the column order of `classes` (0 for classes never seen)."""
        if len(self.classes) < 2:
            p = np.ones((X.shape[0], len(self.classes)), dtype=np.float32)
        else:
            p = _softmax(np.asarray(X @ self.coef.T) + self.intercept).astype(np.float32)
        if classes is None or list(classes) == self.classes:
            return p
        out = np.zeros((X.shape[0], len(classes)), dtype=np.float32)
        where = {c: k for k, c in enumerate(classes)}
        for k, c in enumerate(self.classes):
            out[:, where[c]] = p[:, k]
        return out


class PairVerifier:
    """Judges candidate pairs of opinions with a model learned from labelled paraphrase groups.

    `threshold` is the probability a pair needs to be joined. `link_threshold` is what two
    groups need when one of them already has several members: the mean probability of the pairs
    between them that candidate search scored (average linkage), so that one close pair does not
    chain an opinion into a group whose other members it does not resemble; 0 joins on the one
    pair alone. Both are chosen by leave-one-writer-out cross-validation
    (`triage.evaluate.evaluate_duplicates_across_writers`), never on the held-out set.

    `min_cosine` is the TF-IDF cosine a nearest neighbour needs to become a candidate. Paraphrases
    by different citizens often share only a word or two: at 0.1, candidate search never proposed
    351 of the 1,257 true pairs cross-validation missed; the verifier accepts 136 of them, all but
    two under that cosine. 0.05 raised cross-validated pair F1 from 0.754 to 0.770 at a higher
    precision (docs/evaluation.md).
    """

    def __init__(
        self,
        *,
        C: float = 0.3,
        threshold: float = 0.5,
        link_threshold: float = 0.0,
        facet_veto: bool = True,
        case_veto: bool = True,
        topic_C: float = 10.0,
        folds: int = 4,
        hard_negatives: int = 20,
        min_df: int = 2,
        min_positive_pairs: int = 10,
        dims: int = 128,
        trees: int = 4,
        leaf_size: int = 1024,
        neighbours: int = 20,
        min_cosine: float = 0.05,
        corpus_neighbours: int = 10,
        seed: int = 20230815,
    ) -> None:
        self.C = C
        self.threshold = threshold
        self.link_threshold = link_threshold
        self.facet_veto = facet_veto
        self.case_veto = case_veto
        self.topic_C = topic_C
        self.folds = folds
        self.hard_negatives = hard_negatives
        self.min_df = min_df
        self.min_positive_pairs = min_positive_pairs
        self.dims = dims
        self.trees = trees
        self.leaf_size = leaf_size
        self.neighbours = neighbours
        self.min_cosine = min_cosine
        self.corpus_neighbours = corpus_neighbours
        self.seed = seed

    # -- vectors of opinions ------------------------------------------------------------------

    def _counts(self, analyses: Sequence[Analysis]) -> sp.csr_matrix:
        vocab = self.vocabulary_
        indptr = [0]
        indices: list[int] = []
        for a in analyses:
            for t in terms(a.content):
                col = vocab.get(t)
                if col is not None:
                    indices.append(col)
            indptr.append(len(indices))
        m = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), np.asarray(indices, dtype=np.int32),
             np.asarray(indptr, dtype=np.int64)),
            shape=(len(analyses), len(vocab)),
        )
        m.sum_duplicates()
        return m

    def _tfidf(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        m = counts.copy()
        m.data = ((1.0 + np.log(m.data)) * self.idf_[m.indices]).astype(np.float32)
        return _unit_rows(m)

    def _projection(self) -> np.ndarray:
        """A fixed random projection of the vocabulary (rebuilt from the seed, not stored)."""
        proj = self.__dict__.get("_proj")
        if proj is None:
            rng = np.random.default_rng(self.seed)
            proj = rng.standard_normal((len(self.vocabulary_), self.dims)).astype(np.float32)
            self.__dict__["_proj"] = proj
        return proj

    def memory_tfidf(self) -> sp.csr_matrix:
        """The remembered opinions' TF-IDF rows (rebuilt from their term counts, not stored:
        the counts compress to a fraction of the size)."""
        memory = self.__dict__.get("_memory")
        if memory is None:
            memory = self._tfidf(self.memory_counts_.astype(np.float32))
            self.__dict__["_memory"] = memory
        return memory

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_proj", None)
        state.pop("_memory", None)
        return state

    def _embed(self, tfidf: sp.csr_matrix) -> np.ndarray:
        e = np.asarray(tfidf @ self._projection(), dtype=np.float32)
        norms = np.linalg.norm(e, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out: np.ndarray = e / norms
        return out

    def vectors(self, analyses: Sequence[Analysis]) -> DocVectors:
        counts = self._counts(analyses)
        tfidf = self._tfidf(counts)
        present = counts.copy()
        present.data[:] = 1.0
        return self._vectors(tfidf, present, self.department_.proba(tfidf),
                             self.category_.proba(tfidf), self.corpus_groups(tfidf))

    def corpus_groups(self, tfidf: sp.csr_matrix,
                      source: np.ndarray | None = None) -> sp.csr_matrix:
        """Which paraphrase groups of the training corpus each opinion resembles: its
        `corpus_neighbours` nearest grouped training opinions by TF-IDF cosine, each adding its
        squared cosine to its group's column. Two citizens who share few words may each
        resemble one member of a group some writer wrote ("mất sổ làm lại lâu" and "nhà cháy,
        xin cấp lại phải chờ cả tháng"). `source` (training only) hides each opinion's own
        source, so that a pair never vouches for itself."""
        memory = self.memory_tfidf()
        n, width = tfidf.shape[0], max(int(self.memory_group_.max(initial=-1)) + 1, 1)
        k = min(self.corpus_neighbours, memory.shape[0])
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for s in range(0, n if k else 0, _ROWS):
            sims = (tfidf[s : s + _ROWS] @ memory.T).toarray()
            if source is not None:
                sims[source[s : s + _ROWS, None] == self.memory_source_[None, :]] = 0.0
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            near = np.take_along_axis(sims, top, axis=1)
            keep = near > 0
            rows.append(np.broadcast_to(np.arange(s, s + len(top))[:, None], top.shape)[keep])
            cols.append(self.memory_group_[top][keep])
            vals.append(near[keep] ** 2)
        if not rows:
            return sp.csr_matrix((n, width), dtype=np.float32)
        out = sp.csr_matrix((np.concatenate(vals).astype(np.float32),
                             (np.concatenate(rows), np.concatenate(cols))), shape=(n, width))
        out.sum_duplicates()
        return out

    def _vectors(self, tfidf: sp.csr_matrix, present: sp.csr_matrix, department: np.ndarray,
                 category: np.ndarray, groups: sp.csr_matrix) -> DocVectors:
        shared = present.multiply(self.shared_weight_[None, :]).tocsr().astype(np.float32)
        solo = np.asarray(present @ self.solo_weight_, dtype=np.float64).ravel()
        return DocVectors(tfidf, present, shared, solo, department, category,
                          self._embed(tfidf), present[:, self.word_columns_].tocsr(), groups,
                          np.sqrt(row_sums(groups.multiply(groups).tocsr())))

    # -- pairs --------------------------------------------------------------------------------

    def observe(self, engine: Engine, vec: DocVectors, left: np.ndarray,
                right: np.ndarray) -> None:
        """Records each doc's best TF-IDF similarity among these candidate pairs (`engine.best`),
        before any of them is judged, so that each pair is seen in the context of its members'
        other matches."""
        sims = _rowdot(vec.tfidf, vec.tfidf, left, right).astype(np.float32)
        np.maximum.at(engine.best, left, sims)
        np.maximum.at(engine.best, right, sims)

    def associated(self, vec: DocVectors, left: np.ndarray, right: np.ndarray,
                   associations: sp.csr_matrix | None = None) -> np.ndarray:
        """How strongly the words only one side has go with the words only the other has, in
        the paraphrases of the corpus ("trễ hẹn" with "lâu quá", "thất lạc" with "mất sổ"):
        the sum of the learned associations, over the geometric mean of the two word counts."""
        m = self.associations_ if associations is None else associations
        out = np.zeros(len(left), dtype=np.float64)
        for s in range(0, len(left), _CHUNK):
            lo, hi = left[s : s + _CHUNK], right[s : s + _CHUNK]
            a, b = _only(vec.words[lo], vec.words[hi])
            total = row_sums((a @ m).multiply(b).tocsr())
            size = np.sqrt(np.maximum(np.diff(a.indptr) * np.diff(b.indptr), 1))
            out[s : s + _CHUNK] = total / size
        return out

    def pair_features(self, engine: Engine, vec: DocVectors, left: np.ndarray,
                      right: np.ndarray, associated: np.ndarray | None = None) -> np.ndarray:
        """The dense evidence about each pair (columns as in FEATURES)."""
        assert engine.words is not None and engine.chars is not None
        inter = _rowdot(engine.words, engine.words, left, right)
        union = engine.sizes[left] + engine.sizes[right] - inter
        jaccard = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        chars = np.minimum(_rowdot(engine.chars, engine.chars, left, right), 1.0)
        tfidf = _rowdot(vec.tfidf, vec.tfidf, left, right)
        dl, dr = vec.department[left], vec.department[right]
        department = (dl * dr).sum(axis=1)
        same_department = (dl.argmax(axis=1) == dr.argmax(axis=1)).astype(np.float64)
        category = (vec.category[left] * vec.category[right]).sum(axis=1)
        la, lb = engine.level[left], engine.level[right]
        lo, hi = np.minimum(la, lb), np.maximum(la, lb)
        cl, cr = engine.clen[left], engine.clen[right]
        shortest, longest = np.minimum(cl, cr), np.maximum(cl, cr)
        fl, fr = engine.fmask[left], engine.fmask[right]
        disjoint = (((fl & fr) == 0) & (fl != 0) & (fr != 0)).sum(axis=1)
        facets_shared = ((fl & fr) != 0).sum(axis=1)
        strict = ((fl != fr) & engine.strict_facets[None, :]).sum(axis=1)
        kinds = ((engine.kmask[left] & engine.kmask[right]) != 0).sum(axis=1)
        # How the pair's similarity compares with each member's best match (1.0: its nearest).
        bl = np.maximum(engine.best[left], tfidf)
        br = np.maximum(engine.best[right], tfidf)
        ratio_l = np.divide(tfidf, bl, out=np.zeros_like(tfidf), where=bl > 0)
        ratio_r = np.divide(tfidf, br, out=np.zeros_like(tfidf), where=br > 0)
        context_min, context_max = np.minimum(ratio_l, ratio_r), np.maximum(ratio_l, ratio_r)
        groups = _rowdot(vec.groups, vec.groups, left, right).astype(np.float64)
        norms = vec.group_norm[left] * vec.group_norm[right]
        return np.column_stack([
            jaccard, chars, tfidf, department, category, same_department,
            (lo == _GENERAL) & (hi == _PERSONAL), (lo == _PERSONAL) & (hi == _PERSONAL),
            (lo == _NAMED) & (hi == _NAMED),
            shortest / np.maximum(longest, 1), np.log1p(shortest), disjoint, facets_shared,
            strict, kinds, context_min, context_max, context_min >= 0.999,
            self.associated(vec, left, right) if associated is None else associated,
            (lo != _NAMED) & (hi == _NAMED),
            groups, np.divide(groups, norms, out=np.zeros_like(groups), where=norms > 0),
        ]).astype(np.float64)

    def decision(self, engine: Engine, vec: DocVectors, left: np.ndarray,
                 right: np.ndarray) -> np.ndarray:
        dense = self.pair_features(engine, vec, left, right)
        z = dense @ self.dense_weight_ + self.intercept_
        z += _rowdot(vec.shared, vec.present, left, right)
        z += vec.solo[left] + vec.solo[right]
        return z

    def probability(self, engine: Engine, vec: DocVectors, left: np.ndarray,
                    right: np.ndarray) -> np.ndarray:
        """Probability that each pair is one request (before the rules)."""
        if len(left) == 0:
            return np.zeros(0, dtype=np.float64)
        z = self.decision(engine, vec, left, right)
        out: np.ndarray = 1.0 / (1.0 + np.exp(-z))
        return out

    def candidates(self, vec: DocVectors, first_new: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Each opinion's nearest neighbours by TF-IDF cosine (pairs i < j), among the
        opinions that share a leaf with it in a forest over the projected vectors: with leaves
        of `leaf_size`, a batch up to that size is searched exactly."""
        return forest_pairs(vec.embedding, trees=self.trees, leaf_size=self.leaf_size,
                            neighbours=self.neighbours, min_cosine=self.min_cosine,
                            seed=self.seed, first_new=first_new, exact=vec.tfidf)

    # -- training -----------------------------------------------------------------------------

    def fit(
        self,
        items: Sequence[DedupItem],
        groups: Sequence[str | None],
        departments: Sequence[str] | None = None,
        categories: Sequence[str] | None = None,
        *,
        sources: Sequence[str] | None = None,
        config: DedupConfig | None = None,
    ) -> PairVerifier:
        """Learns from labelled opinions; `groups` marks paraphrases of one request.

        `sources` says who labelled each opinion (a corpus file, one writer): groups are
        labelled within a source, so two opinions of different sources are no evidence either
        way (two writers may well have written the same request in two groups) and training
        pairs stay within a source. Items that share an id (an opinion and its diacritic-free
        copy) count once.
        """
        from triage.dedup.engine import Engine

        n_items = len(items)
        if any(labels is not None and len(labels) != n_items
               for labels in (groups, departments, categories, sources)):
            raise ValueError("items and labels differ in length")
        seen: set[str] = set()
        keep: list[int] = []
        for k, item in enumerate(items):
            if item.id not in seen:
                seen.add(item.id)
                keep.append(k)
        engine = Engine(config or default_config())
        doc_of = engine.add_docs([items[k] for k in keep])
        n = len(engine.analyses)
        first: dict[int, int] = {}
        for k, d in zip(keep, doc_of, strict=True):
            first.setdefault(d, k)
        group = [groups[first[d]] for d in range(n)]
        dept = [departments[first[d]] if departments is not None else "" for d in range(n)]
        cat = [categories[first[d]] if categories is not None else "" for d in range(n)]
        source = [sources[first[d]] if sources is not None else "" for d in range(n)]

        # Vocabulary and IDF over the training opinions (unsupervised, on all of them).
        df: dict[str, int] = {}
        for a in engine.analyses:
            for t in set(terms(a.content)):
                df[t] = df.get(t, 0) + 1
        vocab = sorted(t for t, c in df.items() if c >= self.min_df)
        self.vocabulary_ = {t: k for k, t in enumerate(vocab)}
        self.__dict__.pop("_proj", None)  # built for a previous fit's vocabulary
        self.word_columns_ = np.array([k for k, t in enumerate(vocab) if "_" not in t],
                                      dtype=np.int64)
        self.idf_ = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in vocab],
                             dtype=np.float32)
        counts = self._counts(engine.analyses)
        tfidf = self._tfidf(counts)
        present = counts.copy()
        present.data[:] = 1.0

        rng = np.random.default_rng(self.seed)
        fold_of_group = {g: int(rng.integers(self.folds)) for g in sorted({g for g in group if g})}
        fold = np.array([fold_of_group[g] if g else int(rng.integers(self.folds)) for g in group])
        dept_classes, cat_classes = sorted(set(dept)), sorted(set(cat))
        dept_oof = np.zeros((n, len(dept_classes)), dtype=np.float32)
        cat_oof = np.zeros((n, len(cat_classes)), dtype=np.float32)
        for k in range(self.folds):
            out, inside = fold == k, fold != k
            if not out.any():
                continue
            rows = np.flatnonzero(inside)
            dept_oof[out] = _Topic.fit(tfidf[rows], [dept[i] for i in rows], self.topic_C) \
                .proba(tfidf[out], dept_classes)
            cat_oof[out] = _Topic.fit(tfidf[rows], [cat[i] for i in rows], self.topic_C) \
                .proba(tfidf[out], cat_classes)
        self.department_ = _Topic.fit(tfidf, dept, self.topic_C)
        self.category_ = _Topic.fit(tfidf, cat, self.topic_C)

        left, right, y = self._training_pairs(engine, tfidf, group, source)
        if int(y.sum()) < self.min_positive_pairs or y.all():
            raise ValueError(
                f"too few paraphrase pairs to learn from ({int(y.sum())} found, "
                f"{self.min_positive_pairs} needed)"
            )
        # Weights are learned with the plain presence matrices; `_vectors` folds them in later.
        V = len(vocab)
        self.shared_weight_ = np.zeros(V, dtype=np.float32)
        self.solo_weight_ = np.zeros(V, dtype=np.float32)
        # The grouped opinions are remembered with their group; for the pairs the model learns
        # from, only other sources' groups count (as for an opinion never seen in training).
        source_code = {src: k for k, src in enumerate(sorted(set(source)))}
        doc_source = np.array([source_code[src] for src in source], dtype=np.int32)
        grouped = np.array([bool(g) for g in group])
        group_code: dict[tuple[str, str], int] = {}
        self.memory_counts_ = counts[grouped].astype(np.uint16)
        self.__dict__["_memory"] = tfidf[grouped]  # what `memory_tfidf` rebuilds from the counts
        self.memory_group_ = np.array(
            [group_code.setdefault((source[i], g), len(group_code))
             for i, g in enumerate(group) if g], dtype=np.int32)
        self.memory_source_ = doc_source[grouped]
        oof = self._vectors(tfidf, present, dept_oof, cat_oof,
                            self.corpus_groups(tfidf, doc_source))
        # Word associations from all pairs for use; for the pairs the model learns from, from
        # the other folds' pairs only (a pair must not vouch for its own words).
        only_l, only_r = _only(oof.words[left], oof.words[right])
        self.associations_ = learn_associations(only_l, only_r, y)
        pair_fold = fold[left]
        associated = np.zeros(len(left), dtype=np.float64)
        for k in range(self.folds):
            inside = pair_fold == k
            if inside.any():
                m = learn_associations(only_l[~inside], only_r[~inside], y[~inside])
                associated[inside] = self.associated(oof, left[inside], right[inside], m)
        dense = self.pair_features(engine, oof, left, right, associated)
        scaler = StandardScaler().fit(dense)
        both = present[left].multiply(present[right])
        only = present[left] + present[right] - 2 * both
        X = sp.hstack([sp.csr_matrix(scaler.transform(dense)), both, only], format="csr")
        lr = LogisticRegression(C=self.C, solver="liblinear", max_iter=5000).fit(X, y)
        coef = lr.coef_[0]
        F = dense.shape[1]
        self.dense_weight_ = coef[:F] / scaler.scale_
        self.intercept_ = float(lr.intercept_[0] - np.sum(coef[:F] * scaler.mean_ / scaler.scale_))
        shared_coef, solo_coef = coef[F : F + V], coef[F + V :]
        self.shared_weight_ = (shared_coef - 2 * solo_coef).astype(np.float32)
        self.solo_weight_ = solo_coef.astype(np.float32)
        self.training_pairs_ = {"positive": int(y.sum()), "negative": int((~y).sum()),
                                "opinions": n}
        return self

    def _training_pairs(
        self, engine: Engine, tfidf: sp.csr_matrix, group: Sequence[str | None],
        source: Sequence[str],
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Within each source: paraphrase pairs, and each opinion's nearest neighbours."""
        lefts: list[np.ndarray] = []
        rights: list[np.ndarray] = []
        sources = np.asarray(source, dtype=object)
        for src in sorted(set(source)):
            idx = np.flatnonzero(sources == src)
            m = len(idx)
            if m < 2:
                continue
            sims = (tfidf[idx] @ tfidf[idx].T).toarray()
            np.fill_diagonal(sims, -np.inf)
            # The source is the batch these opinions were seen in: its best matches are their
            # context (what `observe` records at grouping time).
            engine.best[idx] = np.maximum(sims.max(axis=1), 0.0)
            kk = min(self.hard_negatives, m - 1)
            top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
            a = np.repeat(np.arange(m), kk)
            b = top.ravel()
            members: dict[str, list[int]] = {}
            for pos, i in enumerate(idx.tolist()):
                g = group[i]
                if g:
                    members.setdefault(g, []).append(pos)
            pa = [p for ps in members.values() for p in ps for q in ps if p < q]
            pb = [q for ps in members.values() for p in ps for q in ps if p < q]
            a = np.concatenate([a, np.asarray(pa, dtype=np.int64)])
            b = np.concatenate([b, np.asarray(pb, dtype=np.int64)])
            lo, hi = idx[np.minimum(a, b)], idx[np.maximum(a, b)]
            codes = np.unique(lo.astype(np.int64) * len(group) + hi)
            lefts.append(codes // len(group))
            rights.append(codes % len(group))
        if not lefts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=bool)
        left, right = np.concatenate(lefts), np.concatenate(rights)
        modes = engine.modes
        allowed = np.array([
            pair_conflict(engine.analyses[i], engine.analyses[j], modes, learned=True,
                          facets=self.facet_veto, case=self.case_veto, soft=engine.soft) is None
            for i, j in zip(left.tolist(), right.tolist(), strict=True)
        ], dtype=bool)
        left, right = left[allowed], right[allowed]
        y = np.array([group[i] is not None and group[i] == group[j]
                      for i, j in zip(left.tolist(), right.tolist(), strict=True)], dtype=bool)
        return left, right, y
