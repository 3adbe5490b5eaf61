"""Duplicate detection: which opinions make the same request about the same subject.

How two opinions are judged (domain.md, Duplicates):

1. Exact duplicates: the same folded words (any encoding, diacritics, case, punctuation) are one
   opinion from the start.
2. Candidates: MinHash LSH over word and word-pair shingles of the *content words*: the body
   after the lead-in ("Cử tri thôn X phản ánh:"), with synonyms unified ("sổ đỏ" = "giấy chứng
   nhận") and words every opinion shares dropped ("đề nghị", "kiến nghị", "thị xã"...).
3. Verification: score = Jaccard of content words and cosine of character 4-grams, weighted;
   above `threshold` (stricter for very short texts and anonymous personal cases).
4. Facets: what is asked ("đẩy nhanh" vs "giảm tiền") and about what ("sang tên" vs "thừa kế",
   "đất giãn dân" vs "đất xen kẹt"); opinions that disagree are different requests.
5. Specifics: names of people and households, parcel and plot numbers, dossier numbers, named
   villages, residential groups, areas, fields, streets and projects, dates, amounts, documents,
   wards and communes. Two opinions that both carry a kind and disagree are different cases.
   An opinion that names a case (a person, parcel, dossier or named place) is never a duplicate
   of a general request, nor of an anonymous personal case ("gia đình tôi…"): the general
   request is a different issue, and the anonymous case may be another family.
6. The lead-in names who speaks, not what the opinion is about: its names and places count only
   when the body refers back to them ("gia đình tôi", "của thôn", "khu đất giãn dân").
7. Groups are built best pair first with union-find, and the rules of 4–5 are checked between
   whole groups, so a chain cannot join two opinions that conflict.

With the trained model's `PairVerifier` (`TriageModel.duplicates`, learned from the paraphrase
groups of the training corpus; `verifier.py`), steps 2–4 change: candidates also come from each
opinion's nearest neighbours by TF-IDF cosine among the members of its leaves in a random
projection forest (`neighbours.py`, linear in n like MinHash; exact for a batch that fits in one
leaf of 1,024), and a pair is joined when the verifier's probability
reaches its threshold, chosen by leave-one-writer-out cross-validation
(`python -m triage.dedup.crossval`). The rules of 5 and the facets of 4 still veto a merge; the
general/personal distinction becomes the verifier's evidence, while a named case never joins an
unnamed one unless that one says its name, or the case is named only by a village or residential
group (`placed_kinds`) of the ward or commune the other names. A group of several opinions
takes in another only when the scored pairs between them reach the verifier's `link_threshold`
on average (average linkage), so one close pair cannot chain a different request into a group.
Without a verifier (no model at hand), the lexical rules above decide.

The representative of a group is its earliest member: it stays the same when later opinions
join, so stored `duplicate_of` links stay valid. Thresholds and every phrase list live in
`data/<jurisdiction>/dedup.yaml`.
"""

from triage.dedup.config import DedupConfig, default_config
from triage.dedup.engine import PairVerdict, explain_pair, group_duplicates
from triage.dedup.features import Analysis, Specifics, analyse, specifics
from triage.dedup.index import DuplicateIndex
from triage.dedup.models import DedupItem, DuplicateGroup
from triage.dedup.verifier import PairVerifier

__all__ = [
    "Analysis",
    "DedupConfig",
    "DedupItem",
    "DuplicateGroup",
    "DuplicateIndex",
    "PairVerdict",
    "PairVerifier",
    "Specifics",
    "analyse",
    "default_config",
    "explain_pair",
    "group_duplicates",
    "specifics",
]
