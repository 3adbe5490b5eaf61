"""Submitting a batch: read, decide, group with the campaign's duplicates, store whole.

The slow part (reading, normalising, deciding) runs before any lock. Then, under the campaign
lock, the idempotency check is repeated, the batch and all its opinions, groups and decision
events are written, and the transaction commits: a batch is stored whole or not at all, and a
client that sends the same batch twice (same client batch id or Idempotency-Key) gets the first
result back instead of a second copy.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.services.duplicates import is_fresh
from api.services.errors import Conflict, Forbidden, Invalid, NotFound
from api.services.runtime import Actor, Runtime
from storage import repositories as repo
from storage.models import Batch, DuplicateGroup, Opinion, User
from triage.dedup import DedupItem
from triage.intake import IntakeError, read_batch
from triage.pipeline import decide_opinions, triage_batch
from triage.text import fold

SOURCES = ("api", "web", "cli")
MAX_ID_CHARS = 200


@dataclass
class Submission:
    """One batch as a caller sent it, before anything is read or stored."""

    data: bytes | str
    raw_input: str  # kept verbatim (base64 for binary files)
    fingerprint: str  # SHA-256 of the content: a replay must carry the same
    source: str = "api"
    input_format: str | None = None
    filename: str | None = None
    client_batch_id: str | None = None
    idempotency_key: str | None = None
    submitter: str | None = None

    @classmethod
    def from_text(cls, text: str, **fields: Any) -> Submission:
        digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()
        return cls(data=text, raw_input=text, fingerprint=digest, **fields)

    @classmethod
    def from_items(cls, items: Sequence[dict[str, Any]], **fields: Any) -> Submission:
        """JSON items ({"text", "id", "locality", "submitter"}), read as JSON Lines: one item
        per line, so that intake's per-line limit applies per item and errors name the item."""
        text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
        canonical = json.dumps(list(items), ensure_ascii=False, sort_keys=True)
        fields["input_format"] = fields.get("input_format") or "jsonl"
        return cls(data=text, raw_input=text,
                   fingerprint=hashlib.sha256(canonical.encode("utf-8")).hexdigest(), **fields)

    @classmethod
    def from_bytes(cls, data: bytes, **fields: Any) -> Submission:
        """An uploaded file: text files are kept as text, Office files as base64."""
        digest = hashlib.sha256(data).hexdigest()
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError:
            raw = base64.b64encode(data).decode("ascii")
        if data[:2] == b"PK":
            raw = base64.b64encode(data).decode("ascii")
        return cls(data=data, raw_input=raw, fingerprint=digest, **fields)


@dataclass
class SubmitResult:
    batch: Batch
    opinions: list[Opinion]
    replayed: bool


def _check_ids(sub: Submission) -> None:
    for name, value in (("client_batch_id", sub.client_batch_id),
                        ("Idempotency-Key", sub.idempotency_key)):
        if value is not None and (not value.strip() or len(value) > MAX_ID_CHARS):
            raise Invalid(f"{name} phải có từ 1 đến {MAX_ID_CHARS} ký tự.")
    if sub.source not in SOURCES:
        raise Invalid(f'Nguồn "{sub.source}" không hợp lệ.')


def _replay(session: Session, existing: Batch, actor: Actor, sub: Submission) -> SubmitResult:
    if actor.role != "system" and existing.submitted_by_id != actor.user_id:
        raise Conflict(
            f"Mã đợt hoặc Idempotency-Key này đã được dùng cho đợt {existing.key} do người "
            "khác gửi. Hãy dùng một mã mới."
        )
    if existing.raw_sha256 != sub.fingerprint:
        raise Invalid(
            f"Mã đợt hoặc Idempotency-Key này đã được dùng cho đợt {existing.key} với nội dung "
            "khác. Mỗi đợt mới cần một mã mới; gửi lại đúng nội dung cũ thì nhận lại kết quả cũ."
        )
    return SubmitResult(existing, list(existing.opinions), replayed=True)


def _find_existing(session: Session, rt: Runtime, sub: Submission) -> Batch | None:
    return repo.find_existing_batch(session, rt.campaign_id, sub.client_batch_id,
                                    sub.idempotency_key)


def submit_batch(rt: Runtime, session: Session, actor: Actor, sub: Submission) -> SubmitResult:
    """Reads, decides and stores a batch; commits the session (see the module's docstring)."""
    _check_ids(sub)
    existing = _find_existing(session, rt, sub)
    if existing is not None:
        return _replay(session, existing, actor, sub)
    session.commit()  # hold no connection while reading and deciding, which takes seconds

    model = rt.models.current()
    model_key = f"{model.name}-{model.version}"
    marker = f"~{secrets.token_hex(6)}~"  # tells assigned ids from the caller's own
    try:
        batch = read_batch(sub.data, input_format=sub.input_format, filename=sub.filename,
                           jurisdiction=rt.jurisdiction, id_prefix=marker, settings=rt.settings)
    except IntakeError as exc:
        raise Invalid(exc.message) from exc
    for o in batch.opinions:
        if len(o.id) > MAX_ID_CHARS:
            raise Invalid(f'Mã ý kiến "{o.id[:40]}…" dài quá {MAX_ID_CHARS} ký tự.')
    normalised = rt.normaliser.many([o.text for o in batch.opinions])
    decisions = decide_opinions(normalised, model, rt.jurisdiction, settings=rt.settings)

    try:
        campaign = repo.lock_campaign(session, rt.campaign_id)
        existing = _find_existing(session, rt, sub)
        if existing is not None:
            return _replay(session, existing, actor, sub)
        row = repo.create_batch(
            session,
            campaign_id=campaign.id,
            client_batch_id=sub.client_batch_id,
            idempotency_key=sub.idempotency_key,
            source=sub.source,
            submitted_by_id=actor.user_id,
            submitter=sub.submitter,
            input_format=batch.format,
            filename=sub.filename,
            raw_input=sub.raw_input,
            raw_sha256=sub.fingerprint,
            skipped=[{"text": s.text, "line": s.line, "reason": s.reason}
                     for s in batch.skipped],
            opinion_count=len(batch.opinions),
            model_version=model_key,
        )
        public_ids = [f"{row.key}-{o.position:04d}" for o in batch.opinions]
        keys = rt.dedup.assign(session, campaign, [
            DedupItem(pid, n.repaired, n.expanded, n.folded)
            for pid, n in zip(public_ids, normalised, strict=True)
        ], verifier=getattr(model, "duplicates", None))
        groups = _groups_for(session, campaign.id, keys)
        opinions = []
        for o, n, d, pid in zip(batch.opinions, normalised, decisions, public_ids, strict=True):
            opinions.append(Opinion(
                campaign_id=campaign.id,
                batch_id=row.id,
                public_id=pid,
                external_id=pid if o.id.startswith(marker) else o.id,
                position=o.position,
                original_text=o.original,
                text=o.text,
                masked_text=o.masked_text,
                folded_text=fold(o.text),
                expanded_text=n.expanded,
                submitter=o.submitter,
                locality=o.locality,
                locality_source=o.locality_source,
                section=o.section,
                line=o.line,
                extra=dict(o.extra),
                category=d.category,
                confidence=d.confidence,
                department=d.department,
                escalate=d.escalate,
                escalation_level=d.escalation_level,
                escalation_reason=d.escalation_reason,
                escalation_ground=d.escalation_ground,
                needs_review=d.needs_review,
                review_reasons=list(d.review_reasons),
                explanation=d.explanation,
                model_version=model_key,
                group_id=groups[keys[pid]].id,
            ))
        repo.bulk_add(session, opinions)
        for opinion in opinions:
            repo.record_event(session, opinion, "decision", {}, repo.decision_of(opinion),
                              actor_kind="model", actor=model_key)
        _update_groups(groups, keys, opinions)
        session.flush()
        rt.dedup.confirm(
            campaign,
            {k: g.key for k, g in groups.items() if is_fresh(k)},
            max(o.id for o in opinions),
        )
        session.commit()
    except IntegrityError:
        # Another process stored the same batch between our check and our insert (possible
        # only across campaigns' locks); answer with what it stored.
        rt.dedup.invalidate(rt.campaign_id)
        session.rollback()
        existing = _find_existing(session, rt, sub)
        if existing is None:
            raise
        return _replay(session, existing, actor, sub)
    except BaseException:
        rt.dedup.invalidate(rt.campaign_id)
        session.rollback()
        raise
    return SubmitResult(row, opinions, replayed=False)


def _groups_for(
    session: Session, campaign_id: int, keys: dict[str, str]
) -> dict[str, DuplicateGroup]:
    """The stored group behind each key the index handed out, creating the new ones."""
    wanted = sorted(set(keys.values()))
    stored = {g.key: g for g in repo.groups_by_keys(
        session, campaign_id, [k for k in wanted if not is_fresh(k)])}
    fresh: list[str] = []
    for key in keys.values():  # in input order, so new group keys follow the batch's order
        if is_fresh(key) and key not in fresh:
            fresh.append(key)
    groups: dict[str, DuplicateGroup] = dict(stored)
    for key, new_key in zip(fresh, repo.new_group_keys(session, campaign_id, len(fresh)),
                            strict=True):
        groups[key] = DuplicateGroup(campaign_id=campaign_id, key=new_key, size=0)
    missing = [k for k in wanted if k not in groups]
    if missing:
        raise RuntimeError(f"duplicate index names unknown groups {missing[:5]}")
    repo.bulk_add(session, [groups[k] for k in fresh])
    return groups


def _update_groups(
    groups: dict[str, DuplicateGroup], keys: dict[str, str], opinions: Sequence[Opinion]
) -> None:
    for opinion in opinions:
        group = groups[keys[opinion.public_id]]
        group.size = (group.size or 0) + 1
        if group.representative_id is None:
            group.representative_id = opinion.id


# --- reading ---------------------------------------------------------------------------------


def get_batch(session: Session, actor: Actor, key: str) -> Batch:
    batch = repo.get_batch(session, key)
    if batch is None:
        raise NotFound(f"Không có đợt {key}.")
    if not actor.has("reviewer", "admin") and batch.submitted_by_id != actor.user_id:
        raise Forbidden("Khóa API này chỉ xem được các đợt do chính nó gửi.")
    return batch


def list_batches(
    rt: Runtime, session: Session, actor: Actor, *, limit: int, offset: int
) -> tuple[list[Batch], int]:
    own = None if actor.has("reviewer", "admin") else actor.user_id
    return (repo.list_batches(session, rt.campaign_id, user_id=own, limit=limit, offset=offset),
            repo.count_batches(session, rt.campaign_id, user_id=own))


def submitted_by_names(session: Session, batches: Sequence[Batch]) -> dict[int, str]:
    ids = {b.submitted_by_id for b in batches if b.submitted_by_id is not None}
    return {i: u.username for i in ids if (u := session.get(User, i)) is not None}


# --- one opinion, not stored -----------------------------------------------------------------


def triage_one(
    rt: Runtime, text: str, *, opinion_id: str | None = None, locality: str | None = None,
    submitter: str | None = None,
) -> dict[str, Any]:
    """The triage record of one opinion, without storing anything."""
    item: dict[str, Any] = {"text": text}
    if opinion_id is not None:
        item["id"] = opinion_id
    if locality is not None:
        item["locality"] = locality
    if submitter is not None:
        item["submitter"] = submitter
    model = rt.models.current()
    try:
        batch = read_batch(json.dumps([item], ensure_ascii=False), input_format="jsonl",
                           jurisdiction=rt.jurisdiction, settings=rt.settings)
    except IntakeError as exc:
        raise Invalid(exc.message) from exc
    record = triage_batch(batch, model, rt.jurisdiction, settings=rt.settings)[0]
    return record.contract_dict()
