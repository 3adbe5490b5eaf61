"""Duplicate groups: listing, and reviewers' merges and splits.

Both changes run under the campaign lock (like submissions), are kept as decision events on
every moved opinion, and bump the campaign's groups revision so that cached duplicate indexes
rebuild from the database and new opinions join the groups as reviewers left them. Emptied
groups keep their row and key (keys are never reused) with size 0.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from api.services.errors import Forbidden, Invalid, NotFound
from api.services.runtime import Actor, Runtime
from storage import repositories as repo
from storage.models import DuplicateGroup, Opinion


def _reviewer(actor: Actor) -> None:
    if not actor.has("reviewer", "admin"):
        raise Forbidden("Chỉ người rà soát hoặc quản trị mới được gộp hoặc tách nhóm trùng.")


def get_group(rt: Runtime, session: Session, key: str) -> DuplicateGroup:
    group = repo.get_group(session, rt.campaign_id, key)
    if group is None:
        raise NotFound(f"Không có nhóm ý kiến trùng {key}.")
    return group


def list_groups(
    rt: Runtime, session: Session, *, min_size: int, limit: int, offset: int
) -> tuple[list[DuplicateGroup], int]:
    return repo.list_groups(session, rt.campaign_id, min_size=min_size, limit=limit,
                            offset=offset)


def _move(
    session: Session, actor: Actor, opinions: Sequence[Opinion], source: dict[int, str],
    target: DuplicateGroup, note: str | None,
) -> None:
    for opinion in opinions:
        before = source[opinion.id]
        opinion.group_id = target.id
        repo.record_event(session, opinion, "cluster", {"cluster": before},
                          {"cluster": target.key}, actor_kind="reviewer",
                          actor=actor.username, user_id=actor.user_id, note=note)


def merge_groups(
    rt: Runtime, session: Session, actor: Actor, keys: Sequence[str], *,
    into: str | None = None, note: str | None = None,
) -> DuplicateGroup:
    """Moves every member of the given groups into one (`into`, else the oldest)."""
    _reviewer(actor)
    wanted = list(dict.fromkeys([*keys, *([into] if into else [])]))
    if len(wanted) < 2:
        raise Invalid("Cần ít nhất hai nhóm khác nhau để gộp.")
    campaign = repo.lock_campaign(session, rt.campaign_id)
    groups = repo.groups_by_keys(session, campaign.id, wanted)
    found = {g.key for g in groups}
    missing = [k for k in wanted if k not in found]
    if missing:
        raise NotFound(f"Không có nhóm ý kiến trùng: {', '.join(missing)}.")
    empty = [g.key for g in groups if g.size == 0]
    if empty:
        raise Invalid(f"Nhóm {', '.join(empty)} không còn ý kiến nào (đã gộp trước đó).")
    target = next(g for g in groups if g.key == into) if into else groups[0]
    for group in groups:
        if group.id == target.id:
            continue
        members = repo.group_members(session, group.id)
        _move(session, actor, members, {m.id: group.key for m in members}, target, note)
        session.flush()
        repo.refresh_group(session, group)
    session.flush()
    repo.refresh_group(session, target)
    repo.bump_groups_revision(session, campaign)
    session.flush()
    rt.dedup.invalidate(campaign.id)
    return target


def split_group(
    rt: Runtime, session: Session, actor: Actor, key: str, opinion_ids: Sequence[str], *,
    note: str | None = None,
) -> DuplicateGroup:
    """Moves the given members out of a group into one new group of their own."""
    _reviewer(actor)
    ids = list(dict.fromkeys(opinion_ids))
    if not ids:
        raise Invalid("Cần chọn ít nhất một ý kiến để tách ra khỏi nhóm.")
    campaign = repo.lock_campaign(session, rt.campaign_id)
    group = get_group(rt, session, key)
    members = repo.group_members(session, group.id)
    by_id = {m.public_id: m for m in members}
    strangers = [i for i in ids if i not in by_id]
    if strangers:
        raise Invalid(f"Ý kiến {', '.join(strangers)} không thuộc nhóm {key}.")
    if len(ids) == len(members):
        raise Invalid(f"Không thể tách tất cả ý kiến ra khỏi nhóm {key}: hãy để lại ít nhất một.")
    new_key = repo.new_group_keys(session, campaign.id, 1)[0]
    new = DuplicateGroup(campaign_id=campaign.id, key=new_key, size=0)
    repo.bulk_add(session, [new])
    moving = sorted((by_id[i] for i in ids), key=lambda o: o.id)
    _move(session, actor, moving, {o.id: key for o in moving}, new, note)
    session.flush()
    repo.refresh_group(session, group)
    repo.refresh_group(session, new)
    repo.bump_groups_revision(session, campaign)
    session.flush()
    rt.dedup.invalidate(campaign.id)
    return new
