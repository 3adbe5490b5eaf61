"""The trained triage model: features, category, department, escalation and the duplicate-pair
verifier in one bundle.

A bundle is what `models/<name>-<version>.joblib` holds; its JSON card beside it says how it
was made. The decisions of one opinion come out as a `Decision`, with the reasons behind each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from triage.classify import CategoryClassifier, top_features
from triage.dedup import DedupItem, PairVerifier, default_config
from triage.escalate import EscalationModel
from triage.features import FeatureText, OpinionVectorizer
from triage.jurisdiction import Jurisdiction
from triage.route import DepartmentRouter, RoutingTable


@dataclass
class Decision:
    category: str
    confidence: float
    probabilities: dict[str, float]
    department: str
    escalate: bool
    escalation_level: str | None
    escalation_reason: str | None
    escalation_ground: str | None
    needs_review: bool
    review_reasons: list[str]
    explanation: dict[str, Any] = field(default_factory=dict)


@dataclass
class Hyperparameters:
    category_C: float = 0.5
    department_C: float = 30.0
    escalation_C: float = 4.0
    review_confidence: float = 0.6
    review_margin: float = 0.15
    # The pair verifier of duplicate detection, as leave-one-writer-out cross-validation chose
    # it (`python -m triage.dedup.crossval`): the best F1 with a precision of at least 0.65.
    duplicate_C: float = 0.1
    duplicate_case_veto: bool = True
    duplicate_threshold: float = 0.4
    duplicate_link_threshold: float = 0.4


class TriageModel:
    """Fitted estimators of one model version; `decide` runs all of them on a batch.

    `duplicates` is the learned pair verifier for `triage.dedup` (None when the training data
    had no paraphrase groups, and in bundles made before it existed: grouping then falls back
    to the lexical rules).
    """

    duplicates: PairVerifier | None = None

    def __init__(self, hyper: Hyperparameters | None = None) -> None:
        self.hyper = hyper or Hyperparameters()
        self.name = "triage"
        self.version = "unversioned"
        self.jurisdiction_code: str | None = None

    def fit(
        self,
        texts: Sequence[FeatureText],
        categories: Sequence[str],
        departments: Sequence[str],
        escalate: Sequence[bool],
        grounds: Sequence[str | None],
        *,
        jurisdiction: Jurisdiction,
        groups: Sequence[str | None] | None = None,
        dedup_items: Sequence[DedupItem] | None = None,
        sources: Sequence[str] | None = None,
    ) -> TriageModel:
        """`groups` marks paraphrases of one request (None: no group); `dedup_items` are the
        same opinions as `texts` for duplicate detection (repaired text with its case, so that
        names are read as in use); `sources` says who labelled each opinion (group labels only
        compare opinions of one source). An opinion given twice (the diacritic-free copy of
        training) keeps its id and counts once for the verifier."""
        self.jurisdiction_code = jurisdiction.code
        self.vectorizer = OpinionVectorizer().fit(texts)
        X = self.vectorizer.transform(texts)
        self.category = CategoryClassifier(C=self.hyper.category_C).fit(X, categories)
        self.router = DepartmentRouter(C=self.hyper.department_C).fit(X, categories, departments)
        self.escalation = EscalationModel(
            C=self.hyper.escalation_C, review_margin=self.hyper.review_margin
        ).fit(X, escalate, grounds)
        self.duplicates = None
        if groups is not None:
            items = list(dedup_items) if dedup_items is not None else [
                DedupItem(str(k), t.lowered, t.lowered, t.folded) for k, t in enumerate(texts)
            ]
            verifier = PairVerifier(C=self.hyper.duplicate_C,
                                    case_veto=self.hyper.duplicate_case_veto,
                                    threshold=self.hyper.duplicate_threshold,
                                    link_threshold=self.hyper.duplicate_link_threshold)
            try:
                self.duplicates = verifier.fit(items, groups, departments, categories,
                                               sources=sources,
                                               config=default_config(jurisdiction.code))
            except ValueError:  # too few paraphrase pairs (a small sample of the corpus)
                self.duplicates = None
        return self

    @property
    def feature_names(self) -> list[str]:
        """Names of the features, derived from the vectoriser on first use (not stored)."""
        names = self.__dict__.get("_feature_names")
        if names is None:
            names = self.__dict__["_feature_names"] = list(
                self.vectorizer.get_feature_names_out()
            )
        return names

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_feature_names", None)
        return state

    def transform(self, texts: Sequence[FeatureText]) -> sparse.csr_matrix:
        return self.vectorizer.transform(texts)

    def predict_category(self, texts: Sequence[FeatureText]) -> list[str]:
        proba = self.category.predict_proba(self.transform(texts))
        return [str(self.category.classes_[i]) for i in proba.argmax(axis=1)]

    def decide(
        self,
        texts: Sequence[FeatureText],
        jurisdiction: Jurisdiction,
        *,
        explain: bool = True,
    ) -> list[Decision]:
        if not texts:
            return []
        X = self.transform(texts)
        folded = [t.folded for t in texts]
        lowered = [t.lowered for t in texts]
        classes = [str(c) for c in self.category.classes_]
        proba = self.category.predict_proba(X)
        categories = [classes[i] for i in proba.argmax(axis=1)]
        routes = self.router.decide(
            X, categories, folded, lowered, RoutingTable.load(jurisdiction)
        )
        escalations = self.escalation.decide(
            X, folded, lowered, jurisdiction.escalation_grounds
        )
        weights = {c: self.category.coef_for(c) for c in classes} if explain else {}
        decisions = []
        for i, (category, route, esc) in enumerate(
            zip(categories, routes, escalations, strict=True)
        ):
            row = proba[i]
            ranked = np.sort(row)[::-1]
            confidence = float(ranked[0])
            reasons = []
            if confidence < self.hyper.review_confidence:
                reasons.append("low_confidence")
            if len(ranked) > 1 and ranked[0] - ranked[1] < self.hyper.review_margin:
                reasons.append("close_categories")
            if esc.conflict:
                reasons.append("escalation_uncertain")
            explanation: dict[str, Any] = {}
            if explain:
                explanation = {
                    "category_features": top_features(
                        X[i], weights[category], self.feature_names
                    ),
                    "department_source": route.source,
                    "department_rules": route.rules,
                    "department_model_choice": route.model_choice,
                    "escalation_probability": esc.probability,
                    "escalation_grounds_matched": esc.matched_grounds,
                }
            decisions.append(
                Decision(
                    category=category,
                    confidence=round(confidence, 4),
                    probabilities={c: round(float(p), 4) for c, p in zip(classes, row,
                                                                         strict=True)},
                    department=route.department,
                    escalate=esc.escalate,
                    escalation_level=esc.level,
                    escalation_reason=esc.reason,
                    escalation_ground=esc.ground,
                    needs_review=bool(reasons),
                    review_reasons=reasons,
                    explanation=explanation,
                )
            )
        return decisions
