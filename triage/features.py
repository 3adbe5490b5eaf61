"""Features of an opinion: segmented words plus syllable and character n-grams.

underthesea's word segmentation is the slowest step of the pipeline, so each text is segmented
once (in a process pool for large batches) and the result travels with the text as a
`FeatureText`. The vectoriser reads both the repaired form (segmented words, which carry the
meaning of compounds such as "chứng_nhận") and the folded form (syllables and characters without
diacritics), so that text typed without diacritics still lands on most of the same features.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from triage.text import fold

if TYPE_CHECKING:
    from triage.text import NormalisedText

_TOKEN = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"^\d+$")


@dataclass(frozen=True)
class FeatureText:
    """One opinion as the vectoriser sees it."""

    words: str  # segmented, lower case, syllables of a word joined by "_"
    folded: str  # accent-folded, abbreviations expanded
    lowered: str  # abbreviations expanded, lower case, with diacritics


def _segment_one(text: str) -> str:
    from underthesea import word_tokenize

    try:
        tokens = word_tokenize(text)
    except Exception:  # underthesea chokes on a few odd inputs; fall back to syllables
        tokens = text.split()
    words = []
    for token in tokens:
        syllables = _TOKEN.findall(token.lower())
        if syllables:
            words.append("_".join(syllables))
    return " ".join(words)


def _segment_chunk(texts: list[str]) -> list[str]:
    return [_segment_one(t) for t in texts]


def segment(texts: Sequence[str], *, workers: int = 1, chunk_size: int = 500) -> list[str]:
    """Segments texts into words, across `workers` processes when there are many."""
    if workers <= 1 or len(texts) < 2 * chunk_size:
        return _segment_chunk(list(texts))
    chunks = [list(texts[i : i + chunk_size]) for i in range(0, len(texts), chunk_size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(_segment_chunk, chunks)
        return [words for chunk in results for words in chunk]


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def feature_texts(
    normalised: Sequence[NormalisedText], *, workers: int = 1
) -> list[FeatureText]:
    words = segment([n.expanded for n in normalised], workers=workers)
    return [
        FeatureText(w, n.folded, n.expanded.lower())
        for w, n in zip(words, normalised, strict=True)
    ]


# Analyzers are module-level functions so that fitted vectorisers pickle.
def word_tokens(doc: FeatureText) -> list[str]:
    tokens = ["<num>" if _NUMBER.match(t) else t for t in doc.words.split()]
    return tokens + [f"{a} {b}" for a, b in pairwise(tokens)]


def folded_word_tokens(doc: FeatureText) -> list[str]:
    """Segmented words without diacritics: "chứng_nhận" and "chung_nhan" meet here."""
    return ["<num>" if _NUMBER.match(t) else fold(t) for t in doc.words.split()]


def syllable_tokens(doc: FeatureText) -> list[str]:
    syl = ["<num>" if t.isdigit() else t for t in _TOKEN.findall(doc.folded)]
    grams = list(syl)
    grams += [f"{a} {b}" for a, b in pairwise(syl)]
    grams += [f"{a} {b} {c}" for a, b, c in zip(syl, syl[1:], syl[2:], strict=False)]
    return grams


def folded_text(doc: FeatureText) -> str:
    return doc.folded


class OpinionVectorizer(TransformerMixin, BaseEstimator):
    """Sparse TF-IDF features over words, folded words, folded syllables and characters."""

    def __init__(
        self,
        max_word_features: int = 20_000,
        max_syllable_features: int = 30_000,
        max_char_features: int = 30_000,
        min_df: int = 2,
    ) -> None:
        self.max_word_features = max_word_features
        self.max_syllable_features = max_syllable_features
        self.max_char_features = max_char_features
        self.min_df = min_df

    def _parts(self) -> list[tuple[str, TfidfVectorizer]]:
        common: dict[str, Any] = {"sublinear_tf": True, "min_df": self.min_df, "lowercase": False}
        return [
            ("w", TfidfVectorizer(analyzer=word_tokens, max_features=self.max_word_features,
                                  **common)),
            ("fw", TfidfVectorizer(analyzer=folded_word_tokens,
                                   max_features=self.max_word_features, **common)),
            ("s", TfidfVectorizer(analyzer=syllable_tokens,
                                  max_features=self.max_syllable_features, **common)),
            ("c", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5),
                                  preprocessor=folded_text,
                                  max_features=self.max_char_features, **common)),
        ]

    def fit(self, docs: Iterable[FeatureText], y: Any = None) -> OpinionVectorizer:
        docs = list(docs)
        self.parts_ = self._parts()
        for _, vec in self.parts_:
            vec.fit(docs)
        return self

    def transform(self, docs: Iterable[FeatureText]) -> sparse.csr_matrix:
        docs = list(docs)
        return sparse.hstack([vec.transform(docs) for _, vec in self.parts_], format="csr")

    def get_feature_names_out(self, input_features: Any = None) -> list[str]:
        names: list[str] = []
        for prefix, vec in self.parts_:
            names.extend(f"{prefix}:{n}" for n in vec.get_feature_names_out())
        return names
