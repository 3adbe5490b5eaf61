"""The one settings object of the project, read from the environment (`TRIAGE_` prefix)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRIAGE_", env_file=".env", extra="ignore")

    data_dir: Path = PROJECT_ROOT / "data"
    models_dir: Path = PROJECT_ROOT / "models"
    var_dir: Path = PROJECT_ROOT / "var"
    jurisdiction: str = "son_tay_2023"
    database_url: str | None = None

    # Intake limits: a batch over these is refused with a message, never truncated.
    max_batch_bytes: int = 20 * 1024 * 1024
    max_line_chars: int = 100_000
    max_item_chars: int = 20_000
    max_items_per_batch: int = 100_000

    # Below this category confidence an opinion is flagged for review.
    review_confidence: float = 0.6
    # Parallel segmentation pays off from this many opinions on.
    parallel_min_items: int = 2_000
    workers: int = 0  # 0: one per core

    # Retraining from reviewers' corrections (api/services/training.py).
    # A new version is refused when a headline metric drops more than this below the current one.
    promotion_tolerance: float = 0.02
    # This share of corrections (fixed by a hash of the opinion id) is never trained on: it
    # measures whether a new version learnt from reviewers.
    corrections_holdout_percent: int = 20
    # Corrections kept aside gate promotion only from this many on (fewer are too noisy).
    corrections_gate_min: int = 20
    # 0: the whole training corpus; tests use a small subset to retrain in seconds.
    retrain_max_opinions: int = 0

    # A fixed "today" for follow-up statuses and overdue counts (demos, tests); None: the
    # real date in the jurisdiction's time zone.
    today: date | None = None

    host: str = "127.0.0.1"
    port: int = 8000

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / 'triage.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
