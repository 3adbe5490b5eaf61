"""Candidate search by random projection trees (`triage.dedup.neighbours`)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from triage.dedup.neighbours import forest_pairs


def _unit(m: np.ndarray) -> np.ndarray:
    out: np.ndarray = m / np.linalg.norm(m, axis=1, keepdims=True)
    return out


def _pairs(left: np.ndarray, right: np.ndarray) -> set[tuple[int, int]]:
    return set(zip(left.tolist(), right.tolist(), strict=True))


def _paired_sparse(n_pairs: int, vocabulary: int) -> sp.csr_matrix:
    """Rows 2k and 2k+1 share three rare terms and nothing else; every row also has a few
    terms of its own, so each row's only real neighbour is its partner (cosine 0.5)."""
    rows, cols = [], []
    for k in range(n_pairs):
        shared = [3 * k, 3 * k + 1, 3 * k + 2]
        for r in (2 * k, 2 * k + 1):
            own = (vocabulary + 3 * r + np.arange(3)).tolist()
            rows += [r] * 6
            cols += shared + own
    m = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                      shape=(2 * n_pairs, vocabulary + 6 * n_pairs + 6))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(1.0 / norms) @ m)


def test_neighbours_in_a_leaf_are_ranked_by_the_exact_vectors() -> None:
    rng = np.random.default_rng(1)
    exact = _paired_sparse(40, 120)
    # A projection that says nothing about who is close to whom (as a low-dimensional random
    # projection says little about cosines of 0.1-0.3).
    blurred = _unit(rng.standard_normal((80, 16)).astype(np.float32))
    partners = {(2 * k, 2 * k + 1) for k in range(40)}

    found = _pairs(*forest_pairs(blurred, trees=1, leaf_size=128, neighbours=1,
                                 min_cosine=0.1, seed=3, exact=exact))
    assert found == partners

    by_projection = _pairs(*forest_pairs(blurred, trees=1, leaf_size=128, neighbours=1,
                                         min_cosine=-1.0, seed=3))
    assert len(by_projection & partners) < len(partners) // 2


def test_only_pairs_that_touch_new_rows_are_returned() -> None:
    exact = _paired_sparse(30, 90)
    vectors = _unit(np.asarray(exact.todense(), dtype=np.float32))
    left, right = forest_pairs(vectors, trees=2, leaf_size=16, neighbours=3, min_cosine=0.1,
                               seed=5, first_new=40, exact=exact)
    assert len(left) > 0
    assert (left < right).all()
    assert (right >= 40).all()


def test_small_leaves_still_find_most_partners() -> None:
    """With leaves smaller than the batch, trees split on the projection; a partner that
    shares the projection's direction is usually kept in the same leaf."""
    exact = _paired_sparse(100, 300)
    vectors = _unit(np.asarray(exact.todense(), dtype=np.float32))
    found = _pairs(*forest_pairs(vectors, trees=4, leaf_size=32, neighbours=2,
                                 min_cosine=0.1, seed=7, exact=exact))
    partners = {(2 * k, 2 * k + 1) for k in range(100)}
    assert len(found & partners) >= 80
    assert found <= partners  # no row has any other neighbour above the cosine floor
