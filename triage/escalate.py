"""Escalation: is the request beyond the town's authority, to which level, and why.

Grounds (`data/<jurisdiction>/escalation.yaml`) carry the level and the reason a person reads;
their patterns say when a ground is *mentioned*. Mentioning the land price table is not asking
the city to change it ("xin hỏi áp dụng bảng giá đất nào" is answered by the town), so a learned
signal decides whether the request really needs a decision above the town, and a ground
classifier names the ground when no pattern does. See docs/adr/0005-escalation.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from triage.compact import CompactLinearModels, with_precision
from triage.jurisdiction import EscalationGround


@dataclass
class EscalationDecision:
    escalate: bool
    level: str | None
    reason: str | None
    ground: str | None
    probability: float
    matched_grounds: list[str]
    conflict: bool  # rule and model disagree: a person should look


def matched_grounds(
    folded: str, lowered: str, grounds: Sequence[EscalationGround]
) -> list[EscalationGround]:
    return [g for g in grounds if g.matches(folded, lowered)]


class EscalationModel(CompactLinearModels, ClassifierMixin, BaseEstimator):
    _linear_attributes = ("flag_", "ground_")

    """Learned escalation signal plus a ground classifier; thresholds are hyperparameters."""

    def __init__(
        self,
        C: float = 4.0,
        threshold: float = 0.5,
        threshold_with_rule: float = 0.3,
        review_margin: float = 0.15,
    ) -> None:
        self.C = C
        self.threshold = threshold
        self.threshold_with_rule = threshold_with_rule
        self.review_margin = review_margin

    def fit(
        self, X: sparse.csr_matrix, escalate: Sequence[bool], grounds: Sequence[str | None]
    ) -> EscalationModel:
        y = np.asarray(escalate, dtype=bool)
        self.flag_ = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000)
        self.flag_.fit(X, y)
        with_precision(self.flag_, np.float32)
        positive = np.flatnonzero(y & np.array([g is not None for g in grounds]))
        ground_labels = np.asarray([grounds[int(i)] for i in positive])
        self.ground_: LogisticRegression | None = None
        self.single_ground_: str | None = None
        if len(set(ground_labels)) > 1:
            self.ground_ = LogisticRegression(C=self.C, max_iter=2000)
            self.ground_.fit(X[positive], ground_labels)
            with_precision(self.ground_, np.float32)
        elif len(ground_labels):
            self.single_ground_ = str(ground_labels[0])
        self.classes_ = np.array([False, True])
        return self

    def probability(self, X: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(self.flag_.predict_proba(X)[:, 1])

    def _ground_scores(self, X: sparse.csr_matrix) -> list[dict[str, float]]:
        if self.ground_ is None:
            return [{self.single_ground_: 1.0} if self.single_ground_ else {}] * X.shape[0]
        proba = self.ground_.predict_proba(X)
        return [dict(zip(self.ground_.classes_, row, strict=True)) for row in proba]

    def decide(
        self,
        X: sparse.csr_matrix,
        folded: Sequence[str],
        lowered: Sequence[str],
        grounds: Sequence[EscalationGround],
    ) -> list[EscalationDecision]:
        by_code = {g.code: g for g in grounds}
        probabilities = self.probability(X)
        decisions = []
        rows = zip(probabilities, folded, lowered, self._ground_scores(X), strict=True)
        for p, text, low, scores in rows:
            matched = matched_grounds(text, low, grounds)
            ground: EscalationGround | None
            if matched:
                ground = max(matched, key=lambda g: scores.get(g.code, 0.0))
                escalate = p >= self.threshold_with_rule
                conflict = not escalate and p >= self.threshold_with_rule - self.review_margin
            else:
                known = {c: s for c, s in scores.items() if c in by_code}
                ground = by_code[max(known, key=known.__getitem__)] if known else None
                escalate = p >= self.threshold and ground is not None
                conflict = escalate and p < self.threshold + self.review_margin
            decisions.append(
                EscalationDecision(
                    escalate=bool(escalate),
                    level=ground.level if escalate and ground else None,
                    reason=ground.reason if escalate and ground else None,
                    ground=ground.code if escalate and ground else None,
                    probability=round(float(p), 4),
                    matched_grounds=[g.code for g in matched],
                    conflict=bool(conflict),
                )
            )
        return decisions
