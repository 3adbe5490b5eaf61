"""Department routing: a learned router combined with the jurisdiction's routing table.

The model knows how departments were assigned in the labelled corpus; the routing table
(`data/<jurisdiction>/routing.yaml`) holds what the law and local practice say outright
(fees go to the tax office, misconduct to the inspectorate). Each matching rule adds its weight
to the log-probability of its department; see docs/adr/0004-routing.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from triage.classify import CATEGORIES
from triage.compact import CompactLinearModels, with_precision
from triage.jurisdiction import Jurisdiction, TextPattern


@dataclass(frozen=True)
class RoutingRule:
    name: str
    department: str
    categories: tuple[str, ...]
    weight: float
    patterns: tuple[TextPattern, ...]

    def matches(self, folded: str, lowered: str, category: str) -> bool:
        return category in self.categories and any(
            p.search(folded, lowered) for p in self.patterns
        )


_TABLES: dict[str, RoutingTable] = {}


@dataclass(frozen=True)
class RoutingTable:
    allowed: dict[str, tuple[str, ...]]
    rules: tuple[RoutingRule, ...]
    defaults: dict[str, str]
    fallback_below: float

    @classmethod
    def load(cls, jurisdiction: Jurisdiction) -> RoutingTable:
        """The jurisdiction's table, parsed once per process and data directory."""
        key = str(jurisdiction.directory)
        if key not in _TABLES:
            _TABLES[key] = cls._parse(jurisdiction)
        return _TABLES[key]

    @classmethod
    def _parse(cls, jurisdiction: Jurisdiction) -> RoutingTable:
        raw = jurisdiction.load_yaml("routing.yaml")
        known = set(jurisdiction.departments)
        rules = tuple(
            RoutingRule(
                r["name"],
                r["department"],
                tuple(r["categories"]),
                float(r["weight"]),
                tuple(TextPattern.compile(p) for p in r["patterns"]),
            )
            for r in raw.get("rules", [])
        )
        allowed = {cat: tuple(depts) for cat, depts in raw["allowed"].items()}
        for dept in [r.department for r in rules] + [d for ds in allowed.values() for d in ds]:
            if dept not in known:
                raise ValueError(f"routing.yaml names unknown department {dept!r}")
        return cls(allowed, rules, dict(jurisdiction.default_department),
                   float(raw.get("fallback_below", 0.35)))


@dataclass
class RoutingDecision:
    department: str
    probability: float
    source: str  # "rule", "model" or "default"
    rules: list[str] = field(default_factory=list)
    model_choice: str | None = None


def _category_columns(categories: Sequence[str]) -> sparse.csr_matrix:
    rows = np.arange(len(categories))
    cols = np.array([CATEGORIES.index(c) for c in categories])
    data = np.ones(len(categories))
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(categories), len(CATEGORIES)))


class DepartmentRouter(CompactLinearModels, ClassifierMixin, BaseEstimator):
    _linear_attributes = ("model_",)

    def __init__(self, C: float = 10.0) -> None:
        self.C = C

    def fit(
        self, X: sparse.csr_matrix, categories: Sequence[str], departments: Sequence[str]
    ) -> DepartmentRouter:
        features = sparse.hstack([X, _category_columns(categories)], format="csr")
        self.model_ = LogisticRegression(C=self.C, max_iter=2000)
        self.model_.fit(features, np.asarray(departments))
        with_precision(self.model_, np.float32)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: sparse.csr_matrix, categories: Sequence[str]) -> np.ndarray:
        features = sparse.hstack([X, _category_columns(categories)], format="csr")
        return np.asarray(self.model_.predict_proba(features))

    def decide(
        self,
        X: sparse.csr_matrix,
        categories: Sequence[str],
        folded: Sequence[str],
        lowered: Sequence[str],
        table: RoutingTable,
    ) -> list[RoutingDecision]:
        probabilities = self.predict_proba(X, categories)
        classes = list(self.classes_)
        decisions = []
        for row, category, text, low in zip(
            probabilities, categories, folded, lowered, strict=True
        ):
            allowed = [d for d in table.allowed.get(category, classes) if d in classes]
            mass = sum(row[classes.index(d)] for d in allowed) or 1.0
            model_p = {d: row[classes.index(d)] / mass for d in allowed}
            model_choice = max(model_p, key=model_p.__getitem__)
            scores = {d: math.log(max(p, 1e-9)) for d, p in model_p.items()}
            matched = [r for r in table.rules if r.matches(text, low, category)]
            for rule in matched:
                if rule.department in scores:
                    scores[rule.department] += rule.weight
            best = max(scores, key=scores.__getitem__)
            rule_names = [r.name for r in matched if r.department == best]
            if rule_names and best != model_choice:
                source = "rule"
            elif not matched and model_p[model_choice] < table.fallback_below:
                best, source = table.defaults[category], "default"
            else:
                source = "model"
            decisions.append(
                RoutingDecision(
                    department=best,
                    probability=round(float(model_p.get(best, 0.0)), 4),
                    source=source,
                    rules=rule_names,
                    model_choice=model_choice,
                )
            )
        return decisions
