"""Training: from labelled opinions to a `TriageModel`, with diacritic-free copies.

People type on phones without diacritics, so every training opinion is also shown to the model
without them; the folded features then carry the same weight for both forms. Corrections made by
reviewers join the corpus as ordinary labelled opinions.
"""

from __future__ import annotations

from collections.abc import Sequence

from triage.corpus import LabelledOpinion
from triage.dedup import DedupItem
from triage.features import FeatureText, feature_texts
from triage.jurisdiction import Jurisdiction
from triage.model import Hyperparameters, TriageModel
from triage.text import Normaliser, strip_diacritics


def prepare_texts(
    texts: Sequence[str], normaliser: Normaliser, *, workers: int = 1
) -> list[FeatureText]:
    return feature_texts(normaliser.many(list(texts)), workers=workers)


def augmented(items: Sequence[LabelledOpinion]) -> list[tuple[str, LabelledOpinion]]:
    """Each opinion as written, plus a copy without diacritics when it had any."""
    pairs = []
    for item in items:
        pairs.append((item.text, item))
        bare = strip_diacritics(item.text)
        if bare != item.text:
            pairs.append((bare, item))
    return pairs


def label_source(item: LabelledOpinion) -> str:
    """Who labelled an opinion's group: its `source` when given ("reviewers"), else the id
    prefix of its corpus file ("ta" of "ta-0001", one writer). Writers grouped only their own
    paraphrases, so the duplicate verifier learns from pairs within one source."""
    if item.source:
        return item.source
    return item.id.rsplit("-", 1)[0] if "-" in item.id else ""


def train_model(
    items: Sequence[LabelledOpinion],
    jurisdiction: Jurisdiction,
    *,
    hyper: Hyperparameters | None = None,
    workers: int = 1,
    augment: bool = True,
) -> TriageModel:
    if not items:
        raise ValueError("no training opinions")
    pairs = augmented(items) if augment else [(i.text, i) for i in items]
    normaliser = Normaliser.for_jurisdiction(jurisdiction)
    normalised = normaliser.many([t for t, _ in pairs])
    texts = feature_texts(normalised, workers=workers)
    labels = [item for _, item in pairs]
    # A copy keeps its opinion's id: the duplicate verifier counts each opinion once.
    dedup_items = [DedupItem(i.id, n.repaired, n.expanded, n.folded)
                   for i, n in zip(labels, normalised, strict=True)]
    return TriageModel(hyper).fit(
        texts,
        [i.category for i in labels],
        [i.department for i in labels],
        [i.escalate for i in labels],
        [i.escalation_ground for i in labels],
        jurisdiction=jurisdiction,
        groups=[i.group for i in labels],
        dedup_items=dedup_items,
        sources=[label_source(i) for i in labels],
    )
