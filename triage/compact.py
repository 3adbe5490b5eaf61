"""Linear models kept small: float32 in use, float16 in the model file.

The weights of the department router, the escalation models and the category classifier are
dense (classes × ~63,000 features) and make most of a model file. Half precision on disk keeps
the committed artefact to a few megabytes; held-out metrics were identical to four decimals
when this was introduced (docs/adr/0003-models.md).
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

import numpy as np


def _linear_estimators(model: Any) -> list[Any]:
    """The estimators with `coef_` in a fitted model, including inside a calibration."""
    if hasattr(model, "coef_"):
        return [model]
    return [c.estimator for c in getattr(model, "calibrated_classifiers_", [])
            if hasattr(c.estimator, "coef_")]


def with_precision(model: Any, dtype: type[np.floating[Any]]) -> Any:
    """`model` with its weights in `dtype` (in place; returns it)."""
    for estimator in _linear_estimators(model):
        estimator.coef_ = np.asarray(estimator.coef_, dtype=dtype)
    return model


class CompactLinearModels:
    """Mixin for an estimator whose attributes in `_linear_attributes` hold fitted linear
    models: they are pickled with float16 weights and come back as float32."""

    _linear_attributes: ClassVar[tuple[str, ...]] = ()

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = dict(super().__getstate__())  # type: ignore[call-overload]
        for name in self._linear_attributes:
            if state.get(name) is not None:
                state[name] = with_precision(copy.deepcopy(state[name]), np.float16)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name in self._linear_attributes:
            if state.get(name) is not None:
                with_precision(state[name], np.float32)
        super().__setstate__(state)  # type: ignore[misc]
