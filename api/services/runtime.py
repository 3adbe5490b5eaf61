"""What every service needs, built once per process: settings, database, jurisdiction, model.

The API keeps one `Runtime` in `app.state.runtime`; the CLI and tests build their own with
`build_runtime`. Nothing here knows about HTTP.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.services.errors import Unavailable
from storage import repositories as repo
from storage.accounts import Bootstrap, bootstrap_admin
from storage.db import make_engine, migrate, session_factory, session_scope
from triage.jurisdiction import Jurisdiction, load_jurisdiction
from triage.model import TriageModel
from triage.registry import ModelNotFoundError, load_model, promoted_key
from triage.settings import Settings, get_settings
from triage.text import Normaliser

log = logging.getLogger("triage.api")


@dataclass(frozen=True)
class Actor:
    """Who acts: a user behind an API key (or a web session), or the system itself."""

    user_id: int | None
    username: str
    role: str  # intake, reviewer, admin, system

    def has(self, *roles: str) -> bool:
        return self.role in roles or self.role == "system"

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(None, name, "system")


class ModelHolder:
    """The promoted model, reloaded when `models/promoted.json` changes.

    The file is the one place that names the promoted version (the CLI may change it too), so
    every use checks it: a promotion or rollback by any process takes effect at once.
    """

    def __init__(self, models_dir: Path) -> None:
        self.models_dir = models_dir
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._key: str | None = None
        self._model: TriageModel | None = None

    def _file_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = (self.models_dir / "promoted.json").stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def current(self) -> TriageModel:
        stamp = self._file_stamp()
        with self._lock:
            if stamp != self._stamp or self._model is None:
                key = promoted_key(self.models_dir)
                if key is None:
                    self._model, self._key, self._stamp = None, None, stamp
                else:
                    try:
                        model = load_model(key, self.models_dir)
                    except ModelNotFoundError as exc:
                        raise Unavailable(
                            f"Không tải được mô hình {key}: {exc}. Hãy huấn luyện lại "
                            "(`triage train`) hoặc quay lui về phiên bản trước."
                        ) from exc
                    self._model, self._key, self._stamp = model, key, stamp
            if self._model is None:
                raise Unavailable(
                    "Chưa có mô hình phân loại nào được đưa vào dùng. Hãy chạy `triage train` "
                    "(hoặc `make train`) rồi thử lại."
                )
            return self._model

    @property
    def key(self) -> str | None:
        try:
            model = self.current()
        except Unavailable:
            return None
        return f"{model.name}-{model.version}"


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    jurisdiction: Jurisdiction
    normaliser: Normaliser
    models: ModelHolder
    campaign_id: int
    campaign_code: str
    bootstrap: Bootstrap | None = None
    dedup: Any = None  # api.services.duplicates.DedupCache (set by build_runtime)
    threads: dict[int, threading.Thread] = field(default_factory=dict)
    training_lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.sessions) as session:
            yield session

    def close(self) -> None:
        for thread in list(self.threads.values()):
            thread.join(timeout=120)
        self.engine.dispose()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def campaign_year(jurisdiction: Jurisdiction) -> int:
    """The dialogue's year: stated in the data, else the year its deadlines fall in."""
    raw = jurisdiction.raw
    if isinstance(raw.get("year"), int):
        return int(raw["year"])
    for value in [*jurisdiction.deadlines.values(), raw.get("in_force_from")]:
        if isinstance(value, dict):
            value = next(iter(value.values()), None)
        if isinstance(value, date):
            return value.year
    return date.today().year


def ensure_default_campaign(session: Session, jurisdiction: Jurisdiction) -> int:
    year = campaign_year(jurisdiction)
    campaign = repo.ensure_campaign(
        session,
        jurisdiction.code,
        name=f"Đối thoại năm {year} – {jurisdiction.name}",
        jurisdiction=jurisdiction.code,
        year=year,
        theme=str(jurisdiction.raw.get("theme", "")).strip(),
        deadlines=_jsonable(dict(jurisdiction.deadlines)),
    )
    return campaign.id


def build_runtime(settings: Settings | None = None, *, bootstrap: bool = True) -> Runtime:
    """Connects, migrates, ensures the default campaign (and a first admin) and the model."""
    from api.services.duplicates import DedupCache
    from api.services.training import sync_model_versions

    settings = settings or get_settings()
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    sessions = session_factory(engine)
    jurisdiction = load_jurisdiction(settings.jurisdiction, settings.data_dir)
    created: Bootstrap | None = None
    for attempt in (1, 2):  # several workers may start at once: one of them wins
        try:
            with session_scope(sessions) as session:
                campaign_id = ensure_default_campaign(session, jurisdiction)
                if bootstrap:
                    created = bootstrap_admin(session, settings.var_dir)
            if created is not None:
                created.write()
            break
        except IntegrityError:
            created = None
            if attempt == 2:
                raise
    runtime = Runtime(
        settings=settings,
        engine=engine,
        sessions=sessions,
        jurisdiction=jurisdiction,
        normaliser=Normaliser.for_jurisdiction(jurisdiction),
        models=ModelHolder(settings.models_dir),
        campaign_id=campaign_id,
        campaign_code=jurisdiction.code,
        bootstrap=created,
        dedup=DedupCache(),
    )
    with session_scope(sessions) as session:
        sync_model_versions(runtime, session)
    try:
        runtime.models.current()
    except Unavailable as exc:
        log.warning("%s", exc.message)
    return runtime
