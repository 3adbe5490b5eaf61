"""Model artefacts in `models/`: bundles, their JSON cards and the promoted version.

Models are data. Each version is `models/<name>-<version>.joblib` with a card
`models/<name>-<version>.json` (library versions, data hash, metrics, date). The promoted
version is named in one place, `models/promoted.json`, which also keeps the promotion history so
that a rollback restores the previous version at once.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import joblib

from triage.model import TriageModel
from triage.settings import get_settings

PROMOTED_FILE = "promoted.json"
LIBRARIES = ("triage", "scikit-learn", "numpy", "scipy", "underthesea", "joblib", "datasketch")


class ModelNotFoundError(FileNotFoundError):
    pass


@dataclass(frozen=True)
class ModelVersion:
    name: str
    version: str
    path: Path
    card: dict[str, Any]

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version}"


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = "unknown"
    return versions


def new_version() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def _dir(models_dir: Path | None) -> Path:
    return models_dir or get_settings().models_dir


def save_model(
    model: TriageModel, card: dict[str, Any], models_dir: Path | None = None
) -> ModelVersion:
    directory = _dir(models_dir)
    directory.mkdir(parents=True, exist_ok=True)
    key = f"{model.name}-{model.version}"
    path = directory / f"{key}.joblib"
    joblib.dump(model, path, compress=("xz", 6))
    full_card = {
        "name": model.name,
        "version": model.version,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "libraries": library_versions(),
        "artefact": path.name,
        "artefact_bytes": path.stat().st_size,
        **card,
    }
    (directory / f"{key}.json").write_text(
        json.dumps(full_card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return ModelVersion(model.name, model.version, path, full_card)


def list_versions(models_dir: Path | None = None) -> list[ModelVersion]:
    directory = _dir(models_dir)
    versions = []
    for card_path in sorted(directory.glob("*.json")):
        if card_path.name == PROMOTED_FILE:
            continue
        card = json.loads(card_path.read_text(encoding="utf-8"))
        artefact = directory / card.get("artefact", card_path.with_suffix(".joblib").name)
        if artefact.exists():
            versions.append(ModelVersion(card["name"], card["version"], artefact, card))
    return sorted(versions, key=lambda v: v.version)


def _read_promoted(directory: Path) -> dict[str, Any]:
    path = directory / PROMOTED_FILE
    if not path.exists():
        return {"promoted": None, "history": []}
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _write_promoted(directory: Path, state: dict[str, Any]) -> None:
    tmp = directory / (PROMOTED_FILE + ".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(directory / PROMOTED_FILE)


def promoted_key(models_dir: Path | None = None) -> str | None:
    value = _read_promoted(_dir(models_dir)).get("promoted")
    return str(value) if value else None


def find_version(key: str, models_dir: Path | None = None) -> ModelVersion:
    for version in list_versions(models_dir):
        if key in (version.key, version.version):
            return version
    raise ModelNotFoundError(f"no model version {key!r} in {_dir(models_dir)}")


def promote(key: str, models_dir: Path | None = None) -> ModelVersion:
    directory = _dir(models_dir)
    version = find_version(key, directory)
    state = _read_promoted(directory)
    if state.get("promoted") and state["promoted"] != version.key:
        state.setdefault("history", []).append(state["promoted"])
    state["promoted"] = version.key
    _write_promoted(directory, state)
    return version


def rollback(models_dir: Path | None = None) -> ModelVersion:
    directory = _dir(models_dir)
    state = _read_promoted(directory)
    history = state.get("history", [])
    if not history:
        raise ModelNotFoundError("no earlier promoted version to roll back to")
    previous = history.pop()
    state["promoted"] = previous
    _write_promoted(directory, state)
    return find_version(previous, directory)


_cache: dict[Path, TriageModel] = {}


def load_model(key: str | None = None, models_dir: Path | None = None) -> TriageModel:
    """Loads a version (the promoted one by default) from `models/`, never from elsewhere."""
    directory = _dir(models_dir)
    key = key or promoted_key(directory)
    if key is None:
        raise ModelNotFoundError(
            f"no promoted model in {directory}: run `triage train` (or `make train`) first"
        )
    path = find_version(key, directory).path
    if path not in _cache:
        model = joblib.load(path)
        if not isinstance(model, TriageModel):
            raise ModelNotFoundError(f"{path} does not hold a triage model")
        _cache[path] = model
    return _cache[path]
