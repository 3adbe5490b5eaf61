"""Model files keep linear weights in half precision and load them back as float32."""

from __future__ import annotations

import pickle

import numpy as np
from scipy import sparse

from triage.classify import CategoryClassifier
from triage.escalate import EscalationModel
from triage.route import DepartmentRouter


def _data() -> tuple[sparse.csr_matrix, list[str]]:
    rng = np.random.default_rng(7)
    X = sparse.csr_matrix(rng.random((60, 40)) * (rng.random((60, 40)) < 0.3))
    y = ["first_issuance", "transaction_registration", "off_topic"] * 20
    return X, y


def test_weights_are_stored_in_half_precision_and_used_in_single() -> None:
    X, categories = _data()
    departments = ["tnmt", "vpdkdd", "ubnd_xa"] * 20
    router = DepartmentRouter(C=1.0).fit(X, categories, departments)
    category = CategoryClassifier(C=1.0, cv=2).fit(X, categories)
    escalation = EscalationModel(C=1.0).fit(
        X, [k % 3 == 0 for k in range(60)],
        ["land_price" if k % 6 == 0 else "split_minimum" if k % 3 == 0 else None
         for k in range(60)])
    assert router.model_.coef_.dtype == np.float32

    stored = router.__getstate__()["model_"]
    assert stored.coef_.dtype == np.float16
    assert router.model_.coef_.dtype == np.float32  # pickling leaves the live model alone

    for model, predict in ((router, lambda m: m.predict_proba(X, categories)),
                           (category, lambda m: m.predict_proba(X)),
                           (escalation, lambda m: m.probability(X))):
        loaded = pickle.loads(pickle.dumps(model))
        assert np.allclose(predict(loaded), predict(model), atol=1e-3)
    loaded_escalation = pickle.loads(pickle.dumps(escalation))
    assert loaded_escalation.flag_.coef_.dtype == np.float32
    assert loaded_escalation.ground_ is not None
    assert loaded_escalation.ground_.coef_.dtype == np.float32
    loaded_category = pickle.loads(pickle.dumps(category))
    estimator = loaded_category.model_.calibrated_classifiers_[0].estimator
    assert estimator.coef_.dtype == np.float32
