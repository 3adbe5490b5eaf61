"""The learned pair verifier: paraphrases the lexical rules miss, with the rules still on top.

The verifier is trained once per session on the training corpus, as `triage train` does; the
opinions below were written for these tests, not taken from the corpus.
"""

from __future__ import annotations

import copy
import pickle
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from triage.corpus import LabelledOpinion, load_corpus, read_labelled
from triage.dedup import (
    DedupItem,
    DuplicateGroup,
    DuplicateIndex,
    PairVerifier,
    explain_pair,
    group_duplicates,
)
from triage.jurisdiction import Jurisdiction
from triage.model import Hyperparameters
from triage.text import Normaliser, fold
from triage.train import label_source

ONE_REQUEST = "Đề nghị đẩy nhanh cấp giấy chứng nhận lần đầu cho các hộ dân thôn Mông Phụ"

# The same wording about another case (domain.md: two families' dossiers are two issues).
DIFFERENT_CASES = [
    ("Hồ sơ sang tên của gia đình ông Lê Văn Hải nộp ngày 3/4/2023 đã quá hạn hai tháng chưa "
     "có kết quả",
     "Hồ sơ sang tên của gia đình bà Phạm Thị Hoa nộp ngày 3/4/2023 đã quá hạn hai tháng chưa "
     "có kết quả", "specific:person"),
    ("Thửa đất số 45 tờ bản đồ số 12 của nhà tôi bị đo sai diện tích, đề nghị đo lại",
     "Thửa đất số 46 tờ bản đồ số 12 của nhà tôi bị đo sai diện tích, đề nghị đo lại",
     "specific:parcel"),
    ("Các hộ ở khu giãn dân thôn Cam Thịnh nhận đất từ năm 2004 vẫn chưa có sổ đỏ",
     "Các hộ ở khu giãn dân thôn Phú Nhi nhận đất từ năm 2004 vẫn chưa có sổ đỏ",
     "specific:village"),
    ("Gia đình tôi nộp hồ sơ cấp đổi sổ từ tháng 3/2022 đến nay chưa được giải quyết",
     "Gia đình tôi nộp hồ sơ cấp đổi sổ từ tháng 9/2021 đến nay chưa được giải quyết",
     "specific:date"),
    ("Các hộ ở tổ dân phố số 2 phường Ngô Quyền làm nhà trên đất xen kẹt từ năm 1995 chưa được "
     "cấp sổ",
     "Các hộ ở tổ dân phố số 8 phường Ngô Quyền làm nhà trên đất xen kẹt từ năm 1995 chưa được "
     "cấp sổ", "specific:residential_group"),
]

# One topic, different requests (the facets of dedup.yaml).
DIFFERENT_REQUESTS = [
    ("Đề nghị giảm tiền sử dụng đất khi cấp sổ đỏ lần đầu cho các hộ nghèo",
     "Đề nghị cho các hộ nghèo được ghi nợ tiền sử dụng đất khi cấp sổ đỏ lần đầu"),
    ("Xin hướng dẫn thủ tục cấp lại sổ đỏ bị mất",
     "Xin hướng dẫn thủ tục đính chính sổ đỏ bị ghi sai tên"),
    ("Đề nghị cấp GCN cho các hộ có đất giãn dân đã ở ổn định",
     "Đề nghị cấp GCN cho các hộ có đất xen kẹt đã ở ổn định"),
]


@pytest.fixture(scope="session")
def normaliser(jurisdiction: Jurisdiction) -> Normaliser:
    return Normaliser.for_jurisdiction(jurisdiction)


def _items(normaliser: Normaliser, labelled: Sequence[LabelledOpinion]) -> list[DedupItem]:
    return [DedupItem(i.id, n.repaired, n.expanded, n.folded)
            for i, n in zip(labelled, normaliser.many([i.text for i in labelled]), strict=True)]


@pytest.fixture(scope="session")
def verifier(corpus_dir: Path, normaliser: Normaliser) -> PairVerifier:
    """A verifier trained on the whole training corpus with the model's hyperparameters."""
    labelled = load_corpus(corpus_dir / "train")
    hyper = Hyperparameters()
    return PairVerifier(C=hyper.duplicate_C, threshold=hyper.duplicate_threshold,
                        link_threshold=hyper.duplicate_link_threshold).fit(
        _items(normaliser, labelled), [i.group for i in labelled],
        [i.department for i in labelled], [i.category for i in labelled],
        sources=[label_source(i) for i in labelled],
    )


def make(normaliser: Normaliser, texts: Sequence[str], prefix: str = "o") -> list[DedupItem]:
    out = []
    for k, text in enumerate(texts, 1):
        n = normaliser(text)
        out.append(DedupItem(f"{prefix}{k}", n.repaired, n.expanded, n.folded))
    return out


def partition(groups: Sequence[DuplicateGroup]) -> list[set[str]]:
    return [set(g.members) for g in groups]


# Same request, different citizens: few shared words, other spellings, no diacritics.
PARAPHRASES = [
    ("Đề nghị sớm cấp đổi giấy chứng nhận sau dồn điền đổi thửa, dân vẫn cầm sổ cũ không đúng "
     "thửa mới",
     "Dồn điền đổi thửa xong lâu rồi mà chưa đổi sổ đỏ mới cho bà con, bao giờ mới cấp đổi?"),
    ("Mất điện liên tục vào buổi tối, điện áp yếu, đề nghị điện lực nâng cấp trạm biến áp",
     "dien chap chon, toi nao cung mat dien, de nghi nang cap tram bien ap"),
    ("Xin hướng dẫn thủ tục xóa đăng ký thế chấp sau khi đã trả hết nợ ngân hàng",
     "tra het no ngan hang roi thi giai chap so do o dau, thu tuc the nao"),
    ("Thủ tục thừa kế đất khi bố mẹ mất không để lại di chúc thì làm thế nào?",
     "Bố mẹ tôi mất không có di chúc, anh em muốn làm sổ thừa kế mảnh đất thì làm thủ tục gì?"),
]


@pytest.mark.parametrize(("first", "second"), PARAPHRASES)
def test_paraphrases_the_lexical_rules_miss_are_grouped(
    verifier: PairVerifier, normaliser: Normaliser, first: str, second: str
) -> None:
    a, b = make(normaliser, [first, second])
    assert not explain_pair(a, b).duplicate  # the hand-set lexical threshold misses them
    verdict = explain_pair(a, b, verifier=verifier)
    assert verdict.duplicate and verdict.reason == "similar"
    assert verdict.score >= verifier.threshold
    assert explain_pair(b, a, verifier=verifier).score == pytest.approx(verdict.score)
    assert partition(group_duplicates([a, b], verifier=verifier)) == [{"o1", "o2"}]


def test_paraphrases_of_different_requests_form_different_groups(
    verifier: PairVerifier, normaliser: Normaliser
) -> None:
    texts = [t for pair in PARAPHRASES for t in pair]
    groups = group_duplicates(make(normaliser, texts), verifier=verifier)
    assert partition(groups) == [{f"o{2 * k + 1}", f"o{2 * k + 2}"} for k in range(4)]


@pytest.mark.parametrize(("first", "second", "reason"), DIFFERENT_CASES)
def test_same_wording_about_different_cases_stays_apart(
    verifier: PairVerifier, normaliser: Normaliser, first: str, second: str, reason: str
) -> None:
    a, b = make(normaliser, [first, second])
    verdict = explain_pair(a, b, verifier=verifier)
    assert not verdict.duplicate and verdict.reason.startswith(reason)
    assert len(group_duplicates([a, b], verifier=verifier)) == 2


@pytest.mark.parametrize(("first", "second"), DIFFERENT_REQUESTS)
def test_different_requests_on_one_topic_stay_apart(
    verifier: PairVerifier, normaliser: Normaliser, first: str, second: str
) -> None:
    a, b = make(normaliser, [first, second])
    assert not explain_pair(a, b, verifier=verifier).duplicate
    assert len(group_duplicates([a, b], verifier=verifier)) == 2


def test_a_named_case_is_not_a_duplicate_of_a_general_request(
    verifier: PairVerifier, normaliser: Normaliser
) -> None:
    general = "Đề nghị đẩy nhanh cấp GCN lần đầu cho các hộ dân"
    named = "Đề nghị đẩy nhanh cấp GCN lần đầu cho các hộ dân thôn Đoài Giáp"
    a, b = make(normaliser, [general, named])
    assert explain_pair(a, b, verifier=verifier).reason == "case_level"
    # A general request is one issue wherever it comes from.
    speaker = make(normaliser, [general, "Cử tri thôn Mông Phụ phản ánh: " + general.lower()])
    assert len(group_duplicates(speaker, verifier=verifier)) == 1


# The street is named in both, but only the accented text's capitals tell it is a name.
STREET = "Đường Chùa Thông đoạn qua phường Sơn Lộc cứ mưa to là ngập sâu nửa mét, nước tràn vào " \
    "nhà dân. Đề nghị cải tạo hệ thống thoát nước."
STREET_PLAIN = "duong chua thong phuong son loc mua la ngap, nuoc vao tan nha, de nghi lam lai " \
    "cong thoat nuoc"
OTHER_STREET_PLAIN = "duong lang phuong son loc mua la ngap, nuoc vao tan nha, de nghi lam lai " \
    "cong thoat nuoc"


def test_a_text_that_says_the_name_of_a_named_case_is_about_that_case(
    normaliser: Normaliser,
) -> None:
    from triage.dedup import default_config
    from triage.dedup.features import analyse
    from triage.dedup.rules import pair_conflict

    config = default_config()
    named, plain, other = (analyse(i, config)
                           for i in make(normaliser, [STREET, STREET_PLAIN, OTHER_STREET_PLAIN]))
    assert named.level == "named" and named.names == {"chua thong"}
    assert plain.level == other.level == "general"  # no capitals: the name is not recognised
    assert pair_conflict(named, plain, {}, learned=True) is None
    assert pair_conflict(named, other, {}, learned=True) == "case_level"
    assert pair_conflict(named, plain, {}, learned=True, case=False) is None
    assert pair_conflict(named, other, {}, learned=True, case=False) is None


def test_a_group_that_takes_in_a_named_case_becomes_that_case(normaliser: Normaliser) -> None:
    from triage.dedup import default_config
    from triage.dedup.features import analyse
    from triage.dedup.rules import GroupState

    config = default_config()
    named, plain, other = (GroupState.of(analyse(i, config))
                           for i in make(normaliser, [STREET, STREET_PLAIN, OTHER_STREET_PLAIN]))
    assert plain.conflict(named, {}, learned=True) is None
    plain.absorb(named)
    assert plain.level == "named" and plain.names == {"chua thong"}
    # The group is now about Chùa Thông street; a text that does not say it stays out.
    assert plain.conflict(other, {}, learned=True) == "case_level"


def test_the_verifier_sees_each_pair_against_its_members_best_matches(
    verifier: PairVerifier, normaliser: Normaliser
) -> None:
    from triage.dedup.engine import Engine
    from triage.dedup.verifier import FEATURES

    texts = [PARAPHRASES[2][0], PARAPHRASES[2][1], PARAPHRASES[3][0]]
    engine = Engine(verifier=verifier)
    engine.add_docs(make(normaliser, texts))
    left, right = np.array([0, 0, 1]), np.array([1, 2, 2])
    assert engine.sem is not None
    verifier.observe(engine, engine.sem, left, right)
    sims = (engine.sem.tfidf @ engine.sem.tfidf.T).toarray()
    for d in range(3):
        assert engine.best[d] == pytest.approx(max(sims[d, e] for e in range(3) if e != d))
    dense = verifier.pair_features(engine, engine.sem, left, right)
    column = {name: dense[:, k] for k, name in enumerate(FEATURES)}
    best_pair = int(np.argmax(sims[left, right]))
    assert column["mutual_best"][best_pair] == 1.0
    assert column["context_min"][best_pair] == pytest.approx(1.0)
    assert all(0.0 <= v <= 1.0 for v in column["context_min"])
    assert np.all(column["context_min"] <= column["context_max"])


# One request by two citizens who share almost no words: the TF-IDF cosine of the pair lies
# under 0.1, where candidate search used to stop looking.
FEW_SHARED_WORDS = (
    "Mất sổ đỏ thì làm lại mất bao lâu, thủ tục rườm rà quá, đề nghị giảm bớt giấy tờ",
    "nha chay mat so do, di xin cap lai thi bat niem yet roi cho ca thang troi, nguoi gia di lai "
    "vat va",
)


def test_candidate_search_proposes_paraphrases_that_share_few_words(
    verifier: PairVerifier, normaliser: Normaliser
) -> None:
    from triage.dedup.engine import Engine

    a, b = make(normaliser, FEW_SHARED_WORDS)
    engine = Engine(verifier=verifier)
    engine.add_docs([a, b])
    assert engine.sem is not None
    cosine = float(engine.sem.tfidf[0].multiply(engine.sem.tfidf[1]).sum())
    assert verifier.min_cosine <= cosine < 0.1
    left, right = verifier.candidates(engine.sem)
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1)]
    assert partition(group_duplicates([a, b], verifier=verifier)) == [{"o1", "o2"}]


def test_opinions_that_resemble_one_paraphrase_group_of_the_corpus_weigh_together(
    verifier: PairVerifier, normaliser: Normaliser
) -> None:
    from triage.dedup.engine import Engine
    from triage.dedup.verifier import FEATURES

    power = "Mất điện liên tục vào buổi tối, đề nghị điện lực nâng cấp trạm biến áp"
    engine = Engine(verifier=verifier)
    engine.add_docs(make(normaliser, [*FEW_SHARED_WORDS, power]))
    assert engine.sem is not None
    groups = engine.sem.groups.toarray()
    assert groups.shape[1] == int(verifier.memory_group_.max()) + 1
    # Both re-issue stories resemble opinions of some paraphrase group in the corpus.
    assert (groups[0] * groups[1]).sum() > 0
    verifier.observe(engine, engine.sem, np.array([0, 0]), np.array([1, 2]))
    dense = verifier.pair_features(engine, engine.sem, np.array([0, 0]), np.array([1, 2]))
    column = {name: dense[:, k] for k, name in enumerate(FEATURES)}
    assert column["corpus_group"][0] == pytest.approx((groups[0] * groups[1]).sum(), rel=1e-5)
    assert column["corpus_group"][0] > column["corpus_group"][1]
    assert 0.0 < column["corpus_group_cosine"][0] <= 1.0 + 1e-6


def test_a_training_opinion_does_not_vouch_for_its_own_group(verifier: PairVerifier) -> None:
    memory = verifier.memory_tfidf()[:50]
    own = verifier.memory_group_[:50]
    seen = verifier.corpus_groups(memory).toarray()
    hidden = verifier.corpus_groups(memory, verifier.memory_source_[:50]).toarray()
    rows = np.arange(50)
    # Remembered with its group, an opinion is its own nearest neighbour (cosine 1) ...
    assert np.all(seen[rows, own] >= 1.0 - 1e-4)
    # ... but in training, where its own writer's groups are hidden, its group counts nothing.
    assert np.all(hidden[rows, own] == 0.0)
    assert np.all(hidden.sum(axis=1) > 0)
    # The model file keeps term counts; the TF-IDF rows rebuilt from them are the same.
    restored = pickle.loads(pickle.dumps(verifier))
    assert "_memory" not in restored.__dict__
    assert (restored.memory_tfidf() != verifier.memory_tfidf()).nnz == 0


def test_exact_copies_in_any_spelling_are_one_group(
    verifier: PairVerifier, normaliser: Normaliser
) -> None:
    tcvn3 = "§Ò nghÞ ®Èy nhanh cÊp giÊy chøng nhËn lÇn ®Çu cho c¸c hé d©n th«n M«ng Phô"
    texts = [ONE_REQUEST, fold(ONE_REQUEST), ONE_REQUEST.upper(),
             unicodedata.normalize("NFD", ONE_REQUEST), tcvn3,
             "Đề nghị giảm tiền sử dụng đất khi cấp giấy chứng nhận lần đầu"]
    items = make(normaliser, texts)
    assert partition(group_duplicates(items, verifier=verifier)) == [
        {"o1", "o2", "o3", "o4", "o5"}, {"o6"}]
    assert explain_pair(items[0], items[4], verifier=verifier).reason == "exact"


def test_a_chain_of_paraphrases_cannot_join_two_conflicting_cases(
    verifier: PairVerifier, normaliser: Normaliser
) -> None:
    texts = [
        "Hộ ông Nguyễn Văn An thôn Mông Phụ có thửa đất số 125 chưa được cấp GCN lần đầu",
        "Hộ ông Nguyễn Văn An thôn Mông Phụ có thửa đất chưa được cấp sổ đỏ lần đầu",
        "Hộ ông Nguyễn Văn An thôn Mông Phụ có thửa đất số 130 chưa được cấp GCN lần đầu",
    ]
    groups = group_duplicates(make(normaliser, texts), verifier=verifier)
    assert not any({"o1", "o3"} <= members for members in partition(groups))


# -- DuplicateIndex ----------------------------------------------------------------------------

BATCH_1 = [PARAPHRASES[0][0], PARAPHRASES[1][0],
           "Hộ ông Nguyễn Văn An thôn Mông Phụ nộp hồ sơ cấp GCN từ năm 2019 đến nay chưa được "
           "cấp"]
BATCH_2 = [PARAPHRASES[0][1], PARAPHRASES[1][1],
           "Hộ ông Trần Văn Bình thôn Mông Phụ nộp hồ sơ cấp GCN từ năm 2019 đến nay chưa được "
           "cấp"]


def test_index_with_a_verifier_joins_paraphrases_across_batches(
    verifier: PairVerifier, normaliser: Normaliser
) -> None:
    index = DuplicateIndex(verifier=verifier)
    assert index.verifier is verifier
    first = index.add(make(normaliser, BATCH_1, prefix="a"))
    assert len(set(first.values())) == 3
    second = index.add(make(normaliser, BATCH_2, prefix="b"))
    assert second["b1"] == first["a1"] and second["b2"] == first["a2"]
    assert second["b3"] not in first.values()  # another household's dossier
    groups = {g.id: g for g in index.groups()}
    assert groups[first["a1"]].members == ["a1", "b1"]
    assert groups[first["a1"]].representative == "a1"

    rebuilt = DuplicateIndex.restore(make(normaliser, BATCH_1, prefix="a"), first,
                                     verifier=verifier)
    assert rebuilt.add(make(normaliser, BATCH_2, prefix="b")) == second


def test_index_with_a_verifier_never_merges_two_stored_groups(
    verifier: PairVerifier, normaliser: Normaliser
) -> None:
    a, b = PARAPHRASES[1]
    index = DuplicateIndex.restore(make(normaliser, [a, b], prefix="a"),
                                   {"a1": "k1", "a2": "k2"}, verifier=verifier)
    new = index.add(make(normaliser, [a + " Mong sớm được giải quyết."], prefix="b"))
    assert new["b1"] in {"k1", "k2"}
    assert index.group_of("a1") == "k1" and index.group_of("a2") == "k2"


# -- training ----------------------------------------------------------------------------------


def test_a_diacritic_free_copy_counts_once(corpus_dir: Path, normaliser: Normaliser) -> None:
    from triage.text import strip_diacritics

    labelled = read_labelled(corpus_dir / "train" / "d.jsonl")
    copies = [LabelledOpinion(**{**vars(i), "text": strip_diacritics(i.text)}) for i in labelled]
    plain = PairVerifier().fit(_items(normaliser, labelled), [i.group for i in labelled])
    doubled_labels = labelled + copies
    doubled = PairVerifier().fit(_items(normaliser, doubled_labels),
                                 [i.group for i in doubled_labels])
    assert doubled.training_pairs_ == plain.training_pairs_


def test_reviewers_groups_across_batches_are_paraphrase_pairs(
    corpus_dir: Path, normaliser: Normaliser
) -> None:
    labelled = read_labelled(corpus_dir / "train" / "d.jsonl")
    reviewed = [
        LabelledOpinion(id=f"b{k}-0001", text=text, category="transaction_registration",
                        department="vpdkdd", escalate=False, group="reviewers-c03",
                        source="reviewers")
        for k, text in enumerate([PARAPHRASES[2][0], PARAPHRASES[2][1],
                                  "Trả hết nợ rồi mà sổ vẫn ghi đang thế chấp, xóa ở đâu?"], 1)
    ]

    def fit(items: list[LabelledOpinion]) -> PairVerifier:
        return PairVerifier().fit(_items(normaliser, items), [i.group for i in items],
                                  sources=[label_source(i) for i in items])

    plain, with_reviewers = fit(labelled), fit(labelled + reviewed)
    assert with_reviewers.training_pairs_["positive"] == plain.training_pairs_["positive"] + 3


# Three citizens on one delay, and a different request on a neighbouring topic.
DELAYS = [
    "Đề nghị Chi nhánh Văn phòng đăng ký đất đai giải quyết hồ sơ sang tên đúng hẹn, hiện nhiều "
    "hồ sơ quá hạn cả tháng",
    "sang ten so do o chi nhanh lau qua, phieu hen qua han may lan roi ma chua co so",
    "Hồ sơ chuyển nhượng nộp ở chi nhánh đăng ký đất đai thường trễ hẹn, đề nghị rút ngắn thời "
    "gian giải quyết",
    "Đề nghị giảm lệ phí trước bạ khi sang tên sổ đỏ cho con",
]


def test_average_linkage_decides_how_groups_grow(
    verifier: PairVerifier, normaliser: Normaliser
) -> None:
    items = make(normaliser, DELAYS)
    assert verifier.link_threshold > 0  # the model's setting
    assert partition(group_duplicates(items, verifier=verifier)) == [
        {"o1", "o2", "o3"}, {"o4"}]
    single = copy.copy(verifier)
    single.link_threshold = 0.0  # one close pair is enough
    assert partition(group_duplicates(items, verifier=single)) == [{"o1", "o2", "o3"}, {"o4"}]
    # No mean probability reaches 1: a pair joins on its own score, but no third opinion can.
    strict = copy.copy(verifier)
    strict.link_threshold = 1.0
    groups = group_duplicates(items, verifier=strict)
    assert max(len(g.members) for g in groups) == 2
    assert sum(len(g.members) for g in groups) == 4


def test_too_few_paraphrase_groups_cannot_train_a_verifier(normaliser: Normaliser) -> None:
    items = make(normaliser, [PARAPHRASES[0][0], PARAPHRASES[0][1], PARAPHRASES[1][0]])
    with pytest.raises(ValueError, match="too few"):
        PairVerifier().fit(items, ["g1", "g1", None])


def test_cross_validation_by_writer_chooses_a_setting(
    tmp_path: Path, corpus_dir: Path, jurisdiction: Jurisdiction
) -> None:
    from triage.evaluate import (
        evaluate_duplicates_across_writers,
        format_duplicates_across_writers,
    )

    for name in ("a.jsonl", "d.jsonl"):
        (tmp_path / name).write_text((corpus_dir / "train" / name).read_text(encoding="utf-8"),
                                     encoding="utf-8")
    results = evaluate_duplicates_across_writers(tmp_path, jurisdiction, Cs=(0.3,),
                                                 thresholds=(0.5, 0.9), link_thresholds=(0, 0.3),
                                                 min_precision=0.0)
    assert results["files"] == ["a.jsonl", "d.jsonl"]
    assert set(results["pooled"]) == {"lexical"} | {
        f"C=0.3 case=1 threshold={t} link={link}" for t in ("0.5", "0.9") for link in ("0", "0.3")
    }
    chosen = results["chosen"]
    assert chosen["setting"] in results["pooled"] and chosen["C"] == 0.3
    assert chosen["case_veto"] is True and chosen["link_threshold"] in (0.0, 0.3)
    assert chosen["f1"] == max(m["f1"] for k, m in results["pooled"].items() if k != "lexical")
    # The learned verifier finds more true pairs than the lexical rules on an unseen writer.
    assert chosen["tp"] > results["pooled"]["lexical"]["tp"]
    assert "<- chosen" in format_duplicates_across_writers(results)


# -- the shipped model -------------------------------------------------------------------------


def test_the_shipped_model_carries_a_verifier_the_pipeline_uses(
    shipped_model: Any, jurisdiction: Jurisdiction
) -> None:
    from triage.intake import read_batch
    from triage.pipeline import triage_batch

    assert isinstance(shipped_model.duplicates, PairVerifier)
    text = "\n\n".join([PARAPHRASES[0][0], PARAPHRASES[1][0], PARAPHRASES[0][1]])
    batch = read_batch(text, input_format="text", jurisdiction=jurisdiction)
    records = triage_batch(batch, shipped_model, jurisdiction)
    assert len(records) == 3
    assert records[0].cluster == records[2].cluster != records[1].cluster
    assert records[2].duplicate_of == records[0].id and records[0].cluster_size == 2
