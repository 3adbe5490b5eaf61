"""Web intake: a batch is previewed (and corrected by a person) before it is stored.

- A pasted text or uploaded file is kept as a *draft* between the preview and the save, in
  `var/web/drafts/` (one JSON file each, owner-only, pruned after a day), so that any worker
  of the same host can show the preview and save it.
- The preview is `read_batch` itself, the same reading the save does.
- Saving stores the original input untouched when the person changed nothing, and otherwise
  the corrected list as JSON items (with each item's locality, submitter, heading and line),
  so what is stored is what the person confirmed.
- Saving runs `batches.submit_batch` in a background thread whose status is a small JSON file
  (`var/web/jobs/`), so the page can show progress while a large batch is decided and stored,
  and a second click on "save" replays the first result (idempotency key) instead of storing
  the batch twice.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import logging
import os
import re
import secrets
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from api.services.batches import Submission, submit_batch
from api.services.errors import Forbidden, Invalid, NotFound, ServiceError
from api.services.runtime import Actor, Runtime
from triage.intake import IntakeError, SkippedPart, read_batch

log = logging.getLogger("triage.web")

EDIT_LIMIT = 500  # above this many opinions the preview is read-only (save as read)
DRAFT_SECONDS = 24 * 3600
JOB_STALE_SECONDS = 2 * 3600
DEFAULT_RATE = 200.0  # opinions per second before any batch was timed on this host
_MARKER = "~web~"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_job_numbers = itertools.count(1)


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    """Atomic (rename) and owner-only: drafts hold citizens' personal data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, ensure_ascii=False)
    os.replace(tmp, path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def web_dir(rt: Runtime) -> Path:
    return rt.settings.var_dir / "web"


# --- drafts ----------------------------------------------------------------------------------


@dataclass
class Draft:
    token: str
    user_id: int | None
    created: float
    filename: str | None
    submitter: str | None
    text: str | None = None
    data_b64: str | None = None

    def data(self) -> bytes | str:
        if self.text is not None:
            return self.text
        return base64.b64decode(self.data_b64 or "")

    def submission(self, **fields: Any) -> Submission:
        if self.text is not None:
            return Submission.from_text(self.text, filename=self.filename, **fields)
        return Submission.from_bytes(base64.b64decode(self.data_b64 or ""),
                                     filename=self.filename, **fields)


class DraftStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, token: str) -> Path:
        if not _TOKEN.match(token):
            raise NotFound("Không có bản xem trước này (có thể đã hết hạn).")
        return self.directory / f"{token}.json"

    def save(self, user_id: int | None, data: bytes | str, *, filename: str | None,
             submitter: str | None) -> Draft:
        self.prune()
        draft = Draft(token=secrets.token_urlsafe(18), user_id=user_id, created=time.time(),
                      filename=filename, submitter=submitter)
        if isinstance(data, str):
            draft.text = data
        else:
            draft.data_b64 = base64.b64encode(data).decode("ascii")
        _write_json(self._path(draft.token), asdict(draft))
        return draft

    def load(self, token: str, user_id: int | None) -> Draft:
        raw = _read_json(self._path(token))
        if raw is None or time.time() - float(raw.get("created", 0)) > DRAFT_SECONDS:
            raise NotFound("Không có bản xem trước này (có thể đã hết hạn sau 24 giờ). "
                           "Hãy dán hoặc tải lên lại.")
        if raw.get("user_id") != user_id:
            raise Forbidden("Bản xem trước này do người khác tạo.")
        return Draft(token=token, user_id=raw.get("user_id"), created=float(raw["created"]),
                     filename=raw.get("filename"), submitter=raw.get("submitter"),
                     text=raw.get("text"), data_b64=raw.get("data_b64"))

    def delete(self, token: str) -> None:
        with contextlib.suppress(FileNotFoundError, NotFound):
            self._path(token).unlink()

    def prune(self) -> None:
        if not self.directory.exists():
            return
        limit = time.time() - DRAFT_SECONDS
        for path in self.directory.glob("*.json"):
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < limit:
                    path.unlink()


def drafts(rt: Runtime) -> DraftStore:
    return DraftStore(web_dir(rt) / "drafts")


# --- preview ---------------------------------------------------------------------------------


@dataclass
class PreviewItem:
    index: int
    position: int
    caller_id: str | None  # the caller's own id (kept on save), None when assigned
    text: str
    locality: str | None
    locality_source: str | None
    submitter: str | None
    section: str | None
    line: int | None
    personal_data: int = 0  # how many pieces of personal data were found


@dataclass
class Preview:
    format: str
    items: list[PreviewItem]
    skipped: list[SkippedPart]
    legacy_encoding: str | None
    localities: list[tuple[str | None, int]] = field(default_factory=list)

    @property
    def editable(self) -> bool:
        return len(self.items) <= EDIT_LIMIT

    @property
    def known_localities(self) -> int:
        return sum(1 for code, _ in self.localities if code is not None)


def preview(rt: Runtime, draft: Draft) -> Preview:
    """The batch as the save would read it: opinions, their localities, the parts left out."""
    try:
        batch = read_batch(draft.data(), filename=draft.filename, jurisdiction=rt.jurisdiction,
                           id_prefix=_MARKER, settings=rt.settings)
    except IntakeError as exc:
        raise Invalid(exc.message) from exc
    items = [
        PreviewItem(
            index=i, position=o.position,
            caller_id=None if o.id.startswith(_MARKER) else o.id,
            text=o.text, locality=o.locality, locality_source=o.locality_source,
            submitter=o.submitter, section=o.section, line=o.line,
            personal_data=len(o.personal_data),
        )
        for i, o in enumerate(batch.opinions)
    ]
    counts = Counter(i.locality for i in items)
    ordered = sorted(counts.items(), key=lambda kv: (kv[0] is None, -kv[1], kv[0] or ""))
    return Preview(batch.format, items, list(batch.skipped), batch.legacy_encoding, ordered)


# --- the person's corrections ----------------------------------------------------------------


@dataclass
class ItemEdit:
    """What the preview form says about one opinion."""

    text: str
    locality: str | None
    drop: bool = False


@dataclass
class Inclusion:
    """A part left out that the person puts back as an opinion."""

    text: str
    locality: str | None


def _clean(text: str) -> str:
    return " ".join(text.split())


def corrected_items(
    rt: Runtime, prev: Preview, edits: dict[int, ItemEdit], included: dict[int, Inclusion]
) -> list[dict[str, Any]] | None:
    """The corrected list as JSON items, or None when the person changed nothing."""
    known = rt.jurisdiction.localities
    chosen = [e.locality for e in edits.values()] + [i.locality for i in included.values()]
    for code in chosen:
        if code is not None and code not in known:
            raise Invalid(f'Mã địa bàn "{code}" không có trong danh mục.')
    changed = bool(included)
    rows: list[tuple[float, int, dict[str, Any]]] = []
    for item in prev.items:
        edit = edits.get(item.index)
        if edit is None:  # a read-only preview, or a field the form did not send
            edit = ItemEdit(item.text, item.locality)
        text = _clean(edit.text)
        if edit.drop or not text:
            changed = True
            continue
        if text != _clean(item.text) or edit.locality != item.locality:
            changed = True
        row: dict[str, Any] = {"text": text}
        if item.caller_id is not None:
            row["id"] = item.caller_id
        if edit.locality is not None:
            row["locality"] = edit.locality
        if item.submitter:
            row["submitter"] = item.submitter
        if item.section:
            row["section"] = item.section
        if item.line is not None:
            row["source_line"] = str(item.line)
        rows.append((item.line if item.line is not None else float(item.position), 0, row))
    for index, inclusion in included.items():
        part = prev.skipped[index]
        text = _clean(inclusion.text)
        if not text:
            continue
        row = {"text": text, "source_line": str(part.line), "included_from": part.reason}
        if inclusion.locality is not None:
            row["locality"] = inclusion.locality
        rows.append((float(part.line), 1, row))
    if not changed:
        return None
    if not rows:
        raise Invalid("Không còn ý kiến nào để lưu: hãy giữ lại ít nhất một ý kiến.")
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]


def submission_for(
    rt: Runtime, draft: Draft, items: list[dict[str, Any]] | None
) -> Submission:
    """The original input when nothing changed, else the corrected items; replay-safe."""
    fields: dict[str, Any] = {"source": "web", "submitter": draft.submitter}
    if items is None:
        sub = draft.submission(**fields)
    else:
        sub = Submission.from_items(items, filename=draft.filename, **fields)
    sub.idempotency_key = f"web-{draft.token}-{sub.fingerprint[:16]}"
    return sub


# --- saving in the background ----------------------------------------------------------------


class SubmitJobs:
    """Background saves whose status (a JSON file) any worker of the host can read."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, job_id: str) -> Path:
        if not _TOKEN.match(job_id):
            raise NotFound("Không có việc lưu đợt này.")
        return self.directory / f"{job_id}.json"

    def _rate(self) -> float:
        data = _read_json(self.directory / "rate.json") or {}
        rate = data.get("opinions_per_second")
        return float(rate) if isinstance(rate, int | float) and rate > 0 else DEFAULT_RATE

    def start(self, rt: Runtime, actor: Actor, sub: Submission, count: int,
              draft_token: str | None = None, *, background: bool = True) -> dict[str, Any]:
        job_id = secrets.token_urlsafe(12)
        status = {"id": job_id, "user_id": actor.user_id, "status": "running",
                  "count": count, "started": time.time(), "finished": None,
                  "estimate_seconds": round(count / self._rate(), 1),
                  "batch": None, "replayed": False, "error": None}
        _write_json(self._path(job_id), status)
        if not background:
            self._run(rt, actor, sub, status, draft_token)
            return status
        number = -next(_job_numbers)  # negative: the training jobs use positive ids
        thread = threading.Thread(target=self._run, args=(rt, actor, sub, status, draft_token,
                                                          number),
                                  name=f"web-batch-{job_id}", daemon=True)
        rt.threads[number] = thread
        thread.start()
        return status

    def _run(self, rt: Runtime, actor: Actor, sub: Submission, status: dict[str, Any],
             draft_token: str | None, number: int | None = None) -> None:
        started = time.perf_counter()
        try:
            with rt.session() as session:
                result = submit_batch(rt, session, actor, sub)
                status.update(batch=result.batch.key, replayed=result.replayed,
                              count=len(result.opinions))
            status["status"] = "done"
            seconds = time.perf_counter() - started
            if not result.replayed and status["count"] >= 50 and seconds > 0:
                _write_json(self.directory / "rate.json",
                            {"opinions_per_second": status["count"] / seconds})
            if draft_token:
                drafts(rt).delete(draft_token)
        except ServiceError as exc:
            status.update(status="failed", error=exc.message)
        except Exception:
            log.exception("saving web batch %s failed", status["id"])
            status.update(status="failed",
                          error="Lỗi máy chủ khi lưu đợt: chưa có gì được lưu. Hãy thử lại; "
                                "nếu vẫn lỗi, báo cho quản trị viên.")
        finally:
            status["finished"] = time.time()
            _write_json(self._path(status["id"]), status)
            if number is not None:
                rt.threads.pop(number, None)

    def get(self, job_id: str, user_id: int | None) -> dict[str, Any]:
        status = _read_json(self._path(job_id))
        if status is None:
            raise NotFound("Không có việc lưu đợt này.")
        if status.get("user_id") != user_id:
            raise Forbidden("Việc lưu đợt này do người khác gửi.")
        if status["status"] == "running" and time.time() - status["started"] > JOB_STALE_SECONDS:
            status.update(status="failed", error="Bị gián đoạn (máy chủ đã dừng giữa chừng). "
                                                 "Hãy gửi lại đợt.")
        status["elapsed"] = round((status.get("finished") or time.time()) - status["started"], 1)
        return status


def jobs(rt: Runtime) -> SubmitJobs:
    return SubmitJobs(web_dir(rt) / "jobs")

