"""Vectorised MinHash, LSH banding and pair similarity.

Each opinion's shingles are hashed once (stable CRC32 of each word, mixed for word pairs), then all
permutations are applied with numpy in chunks, so signatures cost a few array operations per
thousand opinions instead of a Python loop per shingle. Hashes are stable across processes, so
an index rebuilt from stored opinions finds the same candidates.
"""

from __future__ import annotations

import zlib

import numpy as np
import scipy.sparse as sp

_MIX = np.uint64(0x9E3779B97F4A7C15)
_MAX32 = np.uint32(0xFFFFFFFF)
_COLS = 2**31 - 1
_CHUNK_SHINGLES = 200_000


def unique_sorted(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values; numpy 2's hash-based np.unique is far slower on large int64
    arrays than a sort."""
    if len(a) == 0:
        return a
    s = np.sort(a)
    keep = np.empty(len(s), dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def token_hash(token: str) -> int:
    return zlib.crc32(token.encode("utf-8"))


class MinHasher:
    def __init__(self, num_perm: int, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.a = rng.integers(1, 2**63 - 1, size=num_perm, dtype=np.uint64) | np.uint64(1)
        self.b = rng.integers(0, 2**63 - 1, size=num_perm, dtype=np.uint64)

    def signatures(self, shingles: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Signatures (docs × num_perm, uint32) of docs whose shingles are
        shingles[offsets[d]:offsets[d + 1]]; a doc without shingles gets all 0xFFFFFFFF."""
        n = len(offsets) - 1
        out = np.full((n, self.num_perm), _MAX32, dtype=np.uint32)
        lengths = np.diff(offsets)
        start_doc = 0
        while start_doc < n:
            end_doc = start_doc
            total = 0
            while end_doc < n and (total == 0 or total + lengths[end_doc] <= _CHUNK_SHINGLES):
                total += int(lengths[end_doc])
                end_doc += 1
            lo, hi = int(offsets[start_doc]), int(offsets[end_doc])
            if hi > lo:
                x = shingles[lo:hi]
                with np.errstate(over="ignore"):
                    hv = (x[:, None] * self.a[None, :] + self.b[None, :]) >> np.uint64(32)
                hv32 = hv.astype(np.uint32)
                seg = offsets[start_doc:end_doc] - lo
                nonempty = lengths[start_doc:end_doc] > 0
                mins = np.minimum.reduceat(hv32, seg[nonempty], axis=0)
                out[start_doc:end_doc][nonempty] = mins
            start_doc = end_doc
        return out


def shingles(
    token_ids: np.ndarray, offsets: np.ndarray, hashes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Word and word-pair shingle hashes per doc, from the docs' token ids (flat + offsets)."""
    n = len(offsets) - 1
    doc = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))
    h = hashes[token_ids]
    same = doc[:-1] == doc[1:] if len(doc) > 1 else np.zeros(0, dtype=bool)
    with np.errstate(over="ignore"):
        pair = h[:-1] * _MIX + h[1:] + np.uint64(1) if len(h) > 1 else h[:0]
    all_h = np.concatenate([h, pair[same]])
    all_d = np.concatenate([doc, doc[:-1][same]])
    order = np.argsort(all_d, kind="stable")
    counts = np.bincount(all_d, minlength=n)
    offs = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offs[1:])
    return all_h[order], offs


def band_keys(signatures: np.ndarray, bands: int) -> np.ndarray:
    """One uint64 key per doc and band; equal keys share a bucket."""
    n, num_perm = signatures.shape
    rows = num_perm // bands
    sig = signatures.astype(np.uint64)
    keys = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            keys = keys * _MIX + sig[:, r::rows][:, :bands] + np.uint64(r + 1)
    return keys


def pairs_within(
    keys: np.ndarray, valid: np.ndarray, neighbours: int, seed: int = 0
) -> np.ndarray:
    """Candidate pairs (i < j) sharing a bucket in some band, as int64 codes i * n + j.

    In a bucket of m docs each doc is paired with its next `neighbours` docs only, so a bucket of
    thousands near-identical opinions costs m × neighbours pairs, not m²/2; union-find still
    joins the whole chain. Each band orders a bucket's members differently (a fixed random
    order), so the bands pair a member with different neighbours instead of the same ones.
    """
    n = keys.shape[0]
    idx = np.flatnonzero(valid)
    rng = np.random.default_rng(seed)
    found: list[np.ndarray] = []
    for b in range(keys.shape[1]):
        shuffled = idx[rng.permutation(len(idx))]
        k = keys[shuffled, b]
        order = np.argsort(k, kind="stable")
        sk = k[order]
        docs = shuffled[order]
        for d in range(1, neighbours + 1):
            if d >= len(sk):
                break
            same = sk[:-d] == sk[d:]
            if not same.any():
                break
            a = docs[:-d][same]
            c = docs[d:][same]
            lo = np.minimum(a, c)
            hi = np.maximum(a, c)
            found.append(lo * n + hi)
    if not found:
        return np.zeros(0, dtype=np.int64)
    return unique_sorted(np.concatenate(found))


def row_sums(m: sp.csr_matrix) -> np.ndarray:
    """Row sums without the dense column vector scipy would build (columns are 2**31 wide)."""
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    return np.bincount(rows, weights=m.data, minlength=m.shape[0]).astype(np.float64)


def word_matrix(token_ids: np.ndarray, offsets: np.ndarray) -> sp.csr_matrix:
    """Binary doc × word matrix (columns are global token ids)."""
    n = len(offsets) - 1
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))
    m = sp.csr_matrix(
        (np.ones(len(token_ids), dtype=np.float32), (rows, token_ids.astype(np.int64))),
        shape=(n, _COLS),
    )
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def char_matrix(texts: list[str], n: int) -> sp.csr_matrix:
    """L2-normalised doc × character n-gram counts (hashed columns) of the content strings."""
    joined = "\n".join(f" {t} " for t in texts).encode("ascii", "replace")
    arr = np.frombuffer(joined, dtype=np.uint8).astype(np.uint64)
    docs = len(texts)
    if len(arr) < n:
        return sp.csr_matrix((docs, _COLS), dtype=np.float32)
    newline = (arr == 10).astype(np.int64)
    cum = np.concatenate([[0], np.cumsum(newline)])
    starts = np.arange(len(arr) - n + 1)
    ok = (cum[starts + n] - cum[starts]) == 0
    code = np.zeros(len(starts), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            code = code * np.uint64(131) + arr[k : k + len(starts)]
    code = code[ok] % np.uint64(_COLS)
    rows = cum[starts[ok]]
    m = sp.csr_matrix(
        (np.ones(len(code), dtype=np.float32), (rows, code.astype(np.int64))),
        shape=(docs, _COLS),
    )
    m.sum_duplicates()
    norms = np.sqrt(row_sums(m.multiply(m).tocsr()))
    norms[norms == 0] = 1.0
    m.data = (m.data / np.repeat(norms, np.diff(m.indptr))).astype(np.float32)
    return m


def pair_scores(
    words: sp.csr_matrix,
    sizes: np.ndarray,
    chars: sp.csr_matrix,
    left: np.ndarray,
    right: np.ndarray,
    word_weight: float,
    char_weight: float,
    chunk: int = 200_000,
) -> np.ndarray:
    """word_weight × Jaccard(words) + char_weight × cosine(char n-grams) for each pair."""
    out = np.zeros(len(left), dtype=np.float32)
    for s in range(0, len(left), chunk):
        a, b = left[s : s + chunk], right[s : s + chunk]
        inter = row_sums(words[a].multiply(words[b]).tocsr())
        union = (sizes[a] + sizes[b] - inter).astype(np.float64)
        jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        cos = row_sums(chars[a].multiply(chars[b]).tocsr())
        out[s : s + chunk] = word_weight * jac + char_weight * np.minimum(cos, 1.0)
    return out
