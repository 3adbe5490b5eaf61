"""The category classifier: a calibrated linear model over sparse n-grams.

Three classes with strong lexical signals: a linear SVM is accurate and fast, sigmoid
calibration turns its margins into probabilities that `confidence` and `needs_review` can rely
on, and its weights explain each decision.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import LinearSVC

from triage.compact import CompactLinearModels, with_precision

CATEGORIES = ("first_issuance", "transaction_registration", "off_topic")


def top_features(
    row: sparse.csr_matrix, weights: np.ndarray, names: Sequence[str], k: int = 5
) -> list[tuple[str, float]]:
    """The k features of one opinion that pushed hardest towards a class."""
    row = sparse.csr_matrix(row)
    contributions = row.data * weights[row.indices]
    order = np.argsort(-contributions)[:k]
    return [
        (names[row.indices[i]], round(float(contributions[i]), 4))
        for i in order
        if contributions[i] > 0
    ]


class CategoryClassifier(CompactLinearModels, ClassifierMixin, BaseEstimator):
    _linear_attributes = ("model_",)

    def __init__(self, C: float = 0.5, cv: int = 5) -> None:
        self.C = C
        self.cv = cv

    def fit(self, X: sparse.csr_matrix, y: Sequence[str]) -> CategoryClassifier:
        svm = LinearSVC(C=self.C, class_weight="balanced")
        self.model_ = CalibratedClassifierCV(svm, method="sigmoid", cv=self.cv, ensemble=False)
        self.model_.fit(X, np.asarray(y))
        with_precision(self.model_, np.float32)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(self.model_.predict_proba(X))

    def predict(self, X: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(self.classes_[self.predict_proba(X).argmax(axis=1)])

    def coef_for(self, label: str) -> np.ndarray:
        svm = self.model_.calibrated_classifiers_[0].estimator
        index = list(self.classes_).index(label)
        coef = svm.coef_
        return np.asarray(coef[index] if coef.shape[0] > 1 else coef[0])
