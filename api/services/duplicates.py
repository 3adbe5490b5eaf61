"""Duplicate groups across the batches of a campaign, via the incremental `DuplicateIndex`.

The database is the truth; the index is a cache of it. It is rebuilt from the stored opinions
and their stored groups (reviewers' merges and splits included) whenever another process added
opinions or a reviewer changed groups since it was built, and dropped whenever a submission
fails. Callers hold the campaign lock (`repositories.lock_campaign`) around `assign` and
`confirm`, so one submission at a time touches a campaign's index.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from storage import repositories as repo
from storage.models import Campaign
from triage.dedup import DedupConfig, DedupItem, DuplicateIndex, PairVerifier
from triage.text import fold

# Keys the index makes up for new groups; never a stored key ("c0042"), which the caller
# allocates and then records with `confirm`.
FRESH_PREFIX = "~new"


@dataclass
class _CampaignIndex:
    index: DuplicateIndex
    last_opinion_id: int
    revision: int
    verifier: PairVerifier | None  # the promoted model's; a new model means a new index
    aliases: dict[str, str] = field(default_factory=dict)  # fresh index key → stored key


class DedupCache:
    def __init__(self, config: DedupConfig | None = None) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._entries: dict[int, _CampaignIndex] = {}
        self.rebuilds = 0  # how many times an index was rebuilt from the database

    def invalidate(self, campaign_id: int | None = None) -> None:
        with self._lock:
            if campaign_id is None:
                self._entries.clear()
            else:
                self._entries.pop(campaign_id, None)

    def _fresh(
        self, session: Session, campaign: Campaign, verifier: PairVerifier | None
    ) -> _CampaignIndex:
        last = repo.max_opinion_id(session, campaign.id)
        with self._lock:
            entry = self._entries.get(campaign.id)
        if entry is not None and entry.last_opinion_id == last and \
                entry.revision == campaign.groups_revision and entry.verifier is verifier:
            return entry
        rows = repo.dedup_rows(session, campaign.id)
        items = [DedupItem(pid, text, expanded or text, fold(expanded or text))
                 for pid, text, expanded, _ in rows]
        assignments = {pid: key for pid, _, _, key in rows if key is not None}
        index = DuplicateIndex.restore(items, assignments, self.config, key_prefix=FRESH_PREFIX,
                                       verifier=verifier)
        entry = _CampaignIndex(index, last, campaign.groups_revision, verifier)
        self.rebuilds += 1
        with self._lock:
            self._entries[campaign.id] = entry
        return entry

    def assign(
        self,
        session: Session,
        campaign: Campaign,
        items: Sequence[DedupItem],
        verifier: PairVerifier | None = None,
    ) -> dict[str, str]:
        """Each new item's group: a stored group key, or a fresh key (FRESH_PREFIX) for a new
        group that the caller must create and `confirm`. `verifier` is the promoted model's
        duplicate verifier, so that stored batches group as `triage run` groups them."""
        entry = self._fresh(session, campaign, verifier)
        try:
            keys = entry.index.add(items)
        except BaseException:
            self.invalidate(campaign.id)
            raise
        return {item_id: entry.aliases.get(key, key) for item_id, key in keys.items()}

    def confirm(
        self, campaign: Campaign, created: Mapping[str, str], last_opinion_id: int
    ) -> None:
        """Records the stored keys given to fresh groups and the newest stored opinion."""
        with self._lock:
            entry = self._entries.get(campaign.id)
            if entry is None:
                return
            entry.aliases.update(created)
            entry.last_opinion_id = last_opinion_id


def is_fresh(key: str) -> bool:
    return key.startswith(FRESH_PREFIX)
