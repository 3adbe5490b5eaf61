"""Test helper: a per-test copy of a models directory (promotions and rollbacks change it)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def copy_models(source: Path, target: Path) -> Path:
    """Hard-links the artefacts (large, never rewritten) and copies the cards and promoted.json."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.suffix == ".joblib":
            os.link(entry, target / entry.name)
        else:
            shutil.copy(entry, target / entry.name)
    return target
