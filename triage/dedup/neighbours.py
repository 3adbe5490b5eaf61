"""Approximate nearest neighbours for semantic candidates: a forest of random projection trees.

MinHash LSH only finds opinions that share words; paraphrases by different citizens share few,
so the learned verifier also looks at each opinion's nearest neighbours in a dense projection of
its TF-IDF vector. All-pairs cosine grows with n²; a random projection tree splits the opinions
in halves (by the hyperplane between two random members, at the median) until a leaf holds at
most `leaf_size`, so each opinion is compared only with the members of its leaf: the work is
n × leaf_size per tree, plus n log n to build it. A few trees with different splits catch the
neighbours that one tree cuts off.

The projection only places opinions in leaves. Within a leaf, neighbours are ranked by the exact
cosine of their sparse TF-IDF vectors when those are given: a random projection to a few
hundred dimensions blurs cosines of 0.1-0.3, where paraphrases by different citizens lie, by
about as much as their value, and ranking by it dropped true nearest neighbours (in
leave-one-writer-out cross-validation, about a third of the missed paraphrase pairs were pairs
the verifier accepts that candidate search had never proposed).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from triage.dedup.minhash import unique_sorted


def _split(
    vectors: np.ndarray, members: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Halves of `members` on either side of a hyperplane between two random members."""
    a, b = rng.choice(len(members), size=2, replace=False)
    direction = vectors[members[a]] - vectors[members[b]]
    if not np.any(direction):  # two copies: any direction will do
        direction = np.asarray(rng.standard_normal(vectors.shape[1]), dtype=vectors.dtype)
    proj = vectors[members] @ direction
    half = len(members) // 2
    order = np.argpartition(proj, half)
    return members[order[:half]], members[order[half:]]


def _leaves(vectors: np.ndarray, leaf_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    stack = [np.arange(len(vectors))]
    leaves: list[np.ndarray] = []
    while stack:
        members = stack.pop()
        if len(members) <= leaf_size:
            leaves.append(members)
            continue
        left, right = _split(vectors, members, rng)
        stack.append(left)
        stack.append(right)
    return leaves


def forest_pairs(
    vectors: np.ndarray,
    *,
    trees: int,
    leaf_size: int,
    neighbours: int,
    min_cosine: float,
    seed: int,
    first_new: int = 0,
    exact: sp.csr_matrix | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (i < j): each row's `neighbours` most similar rows of its leaf, in any
    tree, if their cosine reaches `min_cosine`. Rows are unit vectors; `exact` (unit rows, one
    per row of `vectors`), when given, is what similarity is measured on.

    Only pairs with at least one row at or after `first_new` are returned (the rows an
    incremental index has just added).
    """
    n = len(vectors)
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    rng = np.random.default_rng(seed)
    k = max(1, min(neighbours, leaf_size - 1))
    found: list[np.ndarray] = []
    # A batch that fits in one leaf is one leaf in every tree: one tree finds all its pairs.
    for _ in range(1 if n <= leaf_size else trees):
        for leaf in _leaves(vectors, leaf_size, rng):
            m = len(leaf)
            if m < 2:
                continue
            if exact is None:
                sims = vectors[leaf] @ vectors[leaf].T
            else:
                part = exact[leaf]
                sims = (part @ part.T).toarray()
            np.fill_diagonal(sims, -np.inf)
            kk = min(k, m - 1)
            top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
            rows = np.repeat(np.arange(m), kk)
            cols = top.ravel()
            keep = sims[rows, cols] >= min_cosine
            a, b = leaf[rows[keep]], leaf[cols[keep]]
            lo, hi = np.minimum(a, b), np.maximum(a, b)
            new = hi >= first_new
            found.append(lo[new].astype(np.int64) * n + hi[new])
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    codes = unique_sorted(np.concatenate(found))
    return codes // n, codes % n
