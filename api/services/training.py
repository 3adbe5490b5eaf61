"""Retraining from reviewers' corrections, gated promotion, and rollback.

- Corrected (reviewed) opinions join the training corpus with their corrected labels, except a
  fixed ~20% (chosen by a hash of the opinion id, so the same ones every time) kept aside to
  measure whether a new version learnt from reviewers. Their duplicate groups come as reviewers
  left them (after any merge or split; a group left as it is has been accepted): reviewed
  opinions of one group are paraphrase pairs for the duplicate verifier, and those of
  different groups its negatives, all from one source, "reviewers".
- A new version is evaluated on the held-out set and on the corrections kept aside, beside the
  promoted version on the same sets. Promotion is refused, with the reason, when macro-F1,
  department accuracy or escalation F1 drops more than `promotion_tolerance` below it.
- Model files live in `models/` through `triage.registry` (the source of truth for which
  version is promoted); the `model_versions` table mirrors it with metrics and refusals.
  Retrained versions carry a "local" marker in their name (git-ignored).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import warnings
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sklearn.exceptions import UndefinedMetricWarning
from sqlalchemy.orm import Session

from api.services.errors import Conflict, Forbidden, NotFound, Unavailable
from api.services.runtime import Actor, Runtime
from storage import repositories as repo
from storage.models import ModelVersionRow, Opinion, TrainingJob
from triage.corpus import LabelledOpinion, load_corpus
from triage.evaluate import evaluate_model
from triage.features import default_workers
from triage.model import TriageModel
from triage.registry import (
    ModelNotFoundError,
    find_version,
    list_versions,
    load_model,
    new_version,
    promote,
    promoted_key,
    rollback,
    save_model,
)
from triage.train import train_model

log = logging.getLogger("triage.api.training")

HEADLINES = (
    ("macro_f1", "macro-F1 phân nhóm"),
    ("department_accuracy", "độ chính xác chọn cơ quan"),
    ("escalation_f1", "F1 của cờ chuyển lên cấp trên"),
)
SET_LABELS = {"heldout": "tập kiểm tra", "corrections": "các sửa chữa để riêng"}
STALE_JOB = timedelta(hours=2)


def _admin(actor: Actor) -> None:
    if not actor.has("admin"):
        raise Forbidden(
            "Chỉ quản trị viên mới được huấn luyện, đưa vào dùng hoặc quay lui mô hình."
        )


# --- data ------------------------------------------------------------------------------------


def _hash_rank(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16)


def kept_aside(public_id: str, percent: int) -> bool:
    """Whether a correction is kept out of training: fixed by its id, never by chance."""
    return _hash_rank(public_id) % 100 < percent


REVIEWERS = "reviewers"


def labelled(opinion: Opinion) -> LabelledOpinion:
    return LabelledOpinion(
        id=opinion.public_id,
        text=opinion.text,
        category=opinion.category,
        department=opinion.department,
        escalate=opinion.escalate,
        escalation_level=opinion.escalation_level if opinion.escalate else None,
        escalation_ground=opinion.escalation_ground if opinion.escalate else None,
        locality=opinion.locality,
        group=f"{REVIEWERS}-{opinion.group.key}" if opinion.group is not None else None,
        source=REVIEWERS,
    )


def corrections(rt: Runtime, session: Session) -> tuple[list[LabelledOpinion],
                                                        list[LabelledOpinion]]:
    """(corrections to train on, corrections kept aside)."""
    train: list[LabelledOpinion] = []
    aside: list[LabelledOpinion] = []
    for opinion in repo.corrected_opinions(session, rt.campaign_id):
        item = labelled(opinion)
        (aside if kept_aside(item.id, rt.settings.corrections_holdout_percent) else train).append(
            item)
    return train, aside


def paraphrase_pairs(items: list[LabelledOpinion]) -> int:
    """How many pairs of opinions share a group (what the duplicate verifier learns from)."""
    sizes: dict[str, int] = {}
    for item in items:
        if item.group:
            sizes[item.group] = sizes.get(item.group, 0) + 1
    return sum(n * (n - 1) // 2 for n in sizes.values())


def _corpus_dir(rt: Runtime) -> Path:
    return rt.settings.data_dir / "corpus"


def base_corpus(rt: Runtime) -> list[LabelledOpinion]:
    items = load_corpus(_corpus_dir(rt) / "train")
    if not items:
        raise Unavailable(f"Không có dữ liệu huấn luyện trong {_corpus_dir(rt) / 'train'}.")
    limit = rt.settings.retrain_max_opinions
    if limit and len(items) > limit:
        items = sorted(items, key=lambda i: _hash_rank(i.id))[:limit]
    return items


def heldout_corpus(rt: Runtime) -> list[LabelledOpinion]:
    path = _corpus_dir(rt) / "heldout"
    items = load_corpus(path) if path.exists() else []
    if not items:
        raise Unavailable(f"Không có tập kiểm tra (held-out) trong {path}: không thể đánh giá "
                          "phiên bản mới.")
    return items


# --- metrics and the gate --------------------------------------------------------------------


def summary(metrics: dict[str, Any] | None) -> dict[str, Any] | None:
    if not metrics or "category" not in metrics:
        return None
    return {
        "n": metrics.get("n"),
        "macro_f1": metrics["category"].get("macro_f1"),
        "accuracy": metrics["category"].get("accuracy"),
        "department_accuracy": metrics.get("department", {}).get("accuracy"),
        "escalation_f1": metrics.get("escalation", {}).get("f1"),
    }


def evaluate_sets(
    rt: Runtime, model: TriageModel, heldout: list[LabelledOpinion],
    aside: list[LabelledOpinion],
) -> dict[str, dict[str, Any] | None]:
    workers = rt.settings.workers or default_workers()
    out: dict[str, dict[str, Any] | None] = {"heldout": None, "corrections": None}
    for name, items in (("heldout", heldout), ("corrections", aside)):
        if items:
            with warnings.catch_warnings():
                # a few corrections seldom cover every class: F1 of a missing class is 0
                warnings.simplefilter("ignore", UndefinedMetricWarning)
                metrics = evaluate_model(model, items, rt.jurisdiction, workers=workers)
            metrics.pop("category_errors", None)
            out[name] = metrics
    return out


def gate(
    new: Mapping[str, dict[str, Any] | None], current: Mapping[str, dict[str, Any] | None],
    tolerance: float, min_corrections: int,
) -> list[str]:
    """Reasons (Vietnamese) to refuse the new version; empty when it may be promoted."""
    reasons = []
    for name in ("heldout", "corrections"):
        a, b = summary(new.get(name)), summary(current.get(name))
        if a is None or b is None:
            continue
        if name == "corrections" and (a["n"] or 0) < min_corrections:
            continue
        for metric, label in HEADLINES:
            if a[metric] is None or b[metric] is None:
                continue
            if a[metric] < b[metric] - tolerance:
                reasons.append(
                    f"{label} ở {SET_LABELS[name]} ({a['n']} ý kiến) giảm từ "
                    f"{b[metric]:.3f} xuống {a[metric]:.3f}, quá mức cho phép "
                    f"{tolerance:.3f}"
                )
    return reasons


def _refusal(reasons: list[str]) -> str:
    return "Không đưa phiên bản này vào dùng vì kém hơn phiên bản hiện hành: " + "; ".join(
        reasons) + "."


# --- versions --------------------------------------------------------------------------------


def _slim_card(card: dict[str, Any]) -> dict[str, Any]:
    keep = ("name", "version", "created_at", "jurisdiction", "training_data", "heldout_data",
            "training_seconds", "libraries", "artefact", "artefact_bytes", "retrained_from")
    return {k: card[k] for k in keep if k in card}


def sync_model_versions(rt: Runtime, session: Session) -> list[ModelVersionRow]:
    """Mirrors `models/` in the table: new versions appear, the promoted one is marked."""
    directory = rt.settings.models_dir
    versions = list_versions(directory) if directory.exists() else []
    for version in versions:
        if repo.get_model_version(session, version.key) is None:
            repo.upsert_model_version(
                session, version.key, status="candidate",
                metrics={"heldout": summary(version.card.get("metrics"))},
                card=_slim_card(version.card),
            )
    promoted = promoted_key(directory) if directory.exists() else None
    rows = repo.list_model_versions(session)
    current = [r for r in rows if r.status == "promoted"]
    if promoted and [r.key for r in current] != [promoted]:
        repo.mark_promoted(session, promoted)
        session.flush()
        rows = repo.list_model_versions(session)
    elif not promoted and current:
        for row in current:
            row.status = "retired"
    return rows


def model_rows(rt: Runtime, session: Session) -> tuple[list[ModelVersionRow], str | None]:
    rows = sync_model_versions(rt, session)
    return rows, promoted_key(rt.settings.models_dir)


def _current_model(rt: Runtime) -> TriageModel | None:
    try:
        return rt.models.current()
    except Unavailable:
        return None


def promote_version(rt: Runtime, session: Session, actor: Actor, key: str) -> ModelVersionRow:
    """Promotes a version unless it is worse than the current one (the refusal is stored)."""
    _admin(actor)
    directory = rt.settings.models_dir
    try:
        version = find_version(key, directory)
    except ModelNotFoundError as exc:
        raise NotFound(f"Không có phiên bản mô hình {key}.") from exc
    sync_model_versions(rt, session)
    row = repo.get_model_version(session, version.key)
    assert row is not None
    current_key = promoted_key(directory)
    if current_key == version.key:
        return row
    reasons: list[str] = []
    if current_key is not None:
        stored = row.metrics.get("baseline") or {}
        if stored.get("key") == current_key and "gate" in row.metrics:
            reasons = list(row.metrics["gate"].get("reasons", []))
        else:
            current = _current_model(rt)
            if current is not None:
                train_aside = corrections(rt, session)[1]
                heldout = heldout_corpus(rt)
                new = evaluate_sets(rt, load_model(version.key, directory), heldout, train_aside)
                base = evaluate_sets(rt, current, heldout, train_aside)
                reasons = gate(new, base, rt.settings.promotion_tolerance,
                               rt.settings.corrections_gate_min)
    if reasons:
        row.status = "refused"
        row.refusal_reason = _refusal(reasons)
        session.commit()  # the refusal is kept even though the request fails
        raise Conflict(row.refusal_reason)
    promote(version.key, directory)
    repo.mark_promoted(session, version.key)
    session.flush()
    session.refresh(row)
    rt.models.current()
    return row


def rollback_version(rt: Runtime, session: Session, actor: Actor) -> ModelVersionRow:
    """Restores the previously promoted version at once (no evaluation)."""
    _admin(actor)
    try:
        version = rollback(rt.settings.models_dir)
    except ModelNotFoundError as exc:
        raise Conflict("Không có phiên bản nào trước đó để quay lui.") from exc
    sync_model_versions(rt, session)
    repo.mark_promoted(session, version.key)
    session.flush()
    row = repo.get_model_version(session, version.key)
    assert row is not None
    session.refresh(row)
    rt.models.current()
    return row


# --- retraining jobs -------------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def fail_stale_jobs(rt: Runtime, session: Session) -> None:
    """A job left running by a process that died would block retraining for ever."""
    job = repo.active_job(session)
    while job is not None and datetime.now(UTC) - _aware(job.created_at) > STALE_JOB:
        repo.finish_job(job, "failed", error="Bị gián đoạn (máy chủ đã dừng giữa chừng).")
        session.flush()
        job = repo.active_job(session)


def start_retrain(
    rt: Runtime, session: Session, actor: Actor, *, promote_if_better: bool = False,
    background: bool = True,
) -> TrainingJob:
    """Queues a retraining and runs it in a background thread; poll the job for its status."""
    _admin(actor)
    with rt.training_lock:
        fail_stale_jobs(rt, session)
        running = repo.active_job(session)
        if running is not None:
            raise Conflict(f"Đang có một lần huấn luyện chạy (việc số {running.id}); "
                           "hãy chờ nó xong.")
        job = repo.create_job(session, actor.username)
        job.progress = "Đang chờ bắt đầu"
        session.commit()  # the worker thread reads it from its own session
    if background:
        thread = threading.Thread(target=run_retrain, args=(rt, job.id, promote_if_better),
                                  name=f"retrain-{job.id}", daemon=True)
        rt.threads[job.id] = thread
        thread.start()
    else:
        run_retrain(rt, job.id, promote_if_better)
        session.refresh(job)
    return job


def get_job(session: Session, actor: Actor, job_id: int) -> TrainingJob:
    if not actor.has("reviewer", "admin"):
        raise Forbidden("Chỉ người rà soát hoặc quản trị mới xem được việc huấn luyện.")
    job = repo.get_job(session, job_id)
    if job is None:
        raise NotFound(f"Không có việc huấn luyện số {job_id}.")
    return job


def _progress(rt: Runtime, job_id: int, text: str, status: str = "running") -> None:
    with rt.session() as session:
        job = repo.get_job(session, job_id)
        if job is not None:
            job.status = status
            job.progress = text


def run_retrain(rt: Runtime, job_id: int, promote_if_better: bool) -> None:
    """The job itself: train, evaluate beside the current version, save, maybe promote."""
    try:
        result = _retrain(rt, job_id, promote_if_better)
    except Exception as exc:
        log.exception("retraining job %s failed", job_id)
        message = exc.message if hasattr(exc, "message") else f"{type(exc).__name__}: {exc}"
        with rt.session() as session:
            job = repo.get_job(session, job_id)
            if job is not None:
                repo.finish_job(job, "failed", error=str(message))
                job.progress = "Thất bại"
    else:
        with rt.session() as session:
            job = repo.get_job(session, job_id)
            if job is not None:
                repo.finish_job(job, "succeeded", result=result, model_key=result["model_key"])
                job.progress = "Xong"
    finally:
        rt.threads.pop(job_id, None)


def _retrain(rt: Runtime, job_id: int, promote_if_better: bool) -> dict[str, Any]:
    _progress(rt, job_id, "Đang chuẩn bị dữ liệu")
    with rt.session() as session:
        train_corrections, aside = corrections(rt, session)
    base = base_corpus(rt)
    heldout = heldout_corpus(rt)
    items = base + train_corrections
    _progress(rt, job_id, f"Đang huấn luyện trên {len(items)} ý kiến "
                          f"({len(train_corrections)} do người rà soát sửa)")
    started = time.perf_counter()
    model = train_model(items, rt.jurisdiction, workers=rt.settings.workers or default_workers())
    seconds = time.perf_counter() - started
    model.version = f"{new_version()}-local{job_id}"
    key = f"{model.name}-{model.version}"

    _progress(rt, job_id, "Đang đánh giá trên tập kiểm tra và các sửa chữa để riêng")
    new = evaluate_sets(rt, model, heldout, aside)
    current = _current_model(rt)
    current_key = f"{current.name}-{current.version}" if current else None
    base_metrics = evaluate_sets(rt, current, heldout, aside) if current else None
    reasons = gate(new, base_metrics, rt.settings.promotion_tolerance,
                   rt.settings.corrections_gate_min) if base_metrics else []
    comparison = {
        "heldout": summary(new["heldout"]),
        "corrections": summary(new["corrections"]),
        "baseline": {"key": current_key, "heldout": summary(base_metrics["heldout"]),
                     "corrections": summary(base_metrics["corrections"])}
        if base_metrics else None,
        "gate": {"passed": not reasons, "reasons": reasons,
                 "tolerance": rt.settings.promotion_tolerance},
    }
    card = {
        "jurisdiction": rt.jurisdiction.code,
        "retrained_from": {"job": job_id, "baseline": current_key},
        "training_data": {"corpus_opinions": len(base), "corrections": len(train_corrections),
                          "corrections_kept_aside": len(aside), "opinions": len(items),
                          "correction_pairs": paraphrase_pairs(train_corrections)},
        "heldout_data": {"opinions": len(heldout)},
        "training_seconds": round(seconds, 1),
        "hyperparameters": vars(model.hyper),
        "metrics": new["heldout"],
        "corrections_metrics": new["corrections"],
        "comparison": comparison,
    }
    saved = save_model(model, card, rt.settings.models_dir)
    with rt.session() as session:
        repo.upsert_model_version(
            session, saved.key, status="candidate", metrics=comparison,
            card=_slim_card(saved.card), corrections_used=len(train_corrections),
            refusal_reason=_refusal(reasons) if reasons else None,
        )
    promoted = False
    if promote_if_better:
        with rt.session() as session:
            if reasons:
                row = repo.get_model_version(session, saved.key)
                assert row is not None
                row.status = "refused"
            else:
                promote(saved.key, rt.settings.models_dir)
                repo.mark_promoted(session, saved.key)
                promoted = True
    return {"model_key": key, "promoted": promoted, "gate": comparison["gate"],
            "heldout": comparison["heldout"], "corrections": comparison["corrections"],
            "baseline": comparison["baseline"], "training_seconds": round(seconds, 1)}
