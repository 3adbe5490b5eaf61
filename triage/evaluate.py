"""Honest evaluation on the held-out set, which is never used for training or tuning."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from triage.classify import CATEGORIES
from triage.corpus import LabelledOpinion, corpus_files, read_labelled
from triage.dedup import DedupItem, PairVerifier, default_config, group_duplicates
from triage.jurisdiction import Jurisdiction
from triage.model import Hyperparameters, TriageModel
from triage.text import Normaliser, strip_diacritics
from triage.train import prepare_texts, train_model


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn}


def duplicate_pairs(groups: Mapping[str, str | None]) -> set[frozenset[str]]:
    """All unordered pairs of ids that share a (non-null) group."""
    members: dict[str, list[str]] = {}
    for item_id, group in groups.items():
        if group:
            members.setdefault(group, []).append(item_id)
    return {frozenset(p) for ids in members.values() for p in combinations(sorted(ids), 2)}


def dedup_items_of(
    items: Sequence[LabelledOpinion], normaliser: Normaliser
) -> list[DedupItem]:
    normalised = normaliser.many([i.text for i in items])
    return [DedupItem(i.id, n.repaired, n.expanded, n.folded)
            for i, n in zip(items, normalised, strict=True)]


def _pair_sets(
    items: Sequence[LabelledOpinion], dedup_items: Sequence[DedupItem],
    verifier: PairVerifier | None,
) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    """(true pairs, predicted pairs) of a grouping of `items`."""
    predicted = {m: g.id for g in group_duplicates(dedup_items, verifier=verifier)
                 for m in g.members}
    # Singletons have their own cluster, so only clusters with several members make pairs.
    return duplicate_pairs({i.id: i.group for i in items}), duplicate_pairs(predicted)


def evaluate_duplicates(
    items: Sequence[LabelledOpinion],
    normaliser: Normaliser,
    verifier: PairVerifier | None = None,
) -> dict[str, Any]:
    """Pair precision/recall of grouping `items`, with the model's verifier when given."""
    true_pairs, predicted_pairs = _pair_sets(items, dedup_items_of(items, normaliser), verifier)
    tp = len(true_pairs & predicted_pairs)
    result: dict[str, Any] = _prf(
        tp, len(predicted_pairs - true_pairs), len(true_pairs - predicted_pairs)
    )
    result["verifier"] = verifier is not None
    result["false_merges"] = sorted(sorted(p) for p in predicted_pairs - true_pairs)[:20]
    result["missed"] = sorted(sorted(p) for p in true_pairs - predicted_pairs)[:20]
    return result


def f_beta(m: Mapping[str, float], beta: float) -> float:
    p, r = m["precision"], m["recall"]
    b2 = beta * beta
    return (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0


def evaluate_duplicates_across_writers(
    train_dir: Path,
    jurisdiction: Jurisdiction,
    *,
    Cs: Sequence[float] = (0.1, 0.3, 1.0),
    case_vetoes: Sequence[bool] = (True,),
    thresholds: Sequence[float] = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8),
    link_thresholds: Sequence[float] = (0.0, 0.25, 0.3, 0.35, 0.4),
    min_precision: float = 0.65,
) -> dict[str, Any]:
    """Leave-one-writer-out cross-validation of the duplicate verifier, which also chooses its
    hyperparameters (C, the pair threshold and the average-linkage threshold between groups,
    0 for none): never the held-out set. `case_vetoes`
    may add `False` to measure what the rule of domain.md (a named case is a duplicate only of
    opinions about that case) costs on the writers' labels; the model keeps the rule.

    For each training file (one writer each) the verifier learns from the other files and
    groups the left-out one; pair tp/fp/fn are pooled over the files. The choice is the setting
    with the best pooled F1 among those with a pooled precision of at least `min_precision`: a
    false merge hides a citizen's issue behind another one's representative, so no more than
    about one wrong pair in three (as the labels count them: writers left some true pairs
    unlabelled, so the real precision is higher). The lexical rules are scored beside it.
    """
    files = corpus_files(train_dir)
    normaliser = Normaliser.for_jurisdiction(jurisdiction)
    config = default_config(jurisdiction.code)
    labelled = {f.name: read_labelled(f) for f in files}
    dedup = {name: dedup_items_of(items, normaliser) for name, items in labelled.items()}
    counts: dict[str, list[int]] = {}
    per_file: dict[str, dict[str, dict[str, float]]] = {}

    def add(setting: str, name: str, sets: tuple[set[frozenset[str]], set[frozenset[str]]]
            ) -> None:
        truth, pred = sets
        tp, fp, fn = len(truth & pred), len(pred - truth), len(truth - pred)
        total = counts.setdefault(setting, [0, 0, 0])
        total[0] += tp
        total[1] += fp
        total[2] += fn
        per_file.setdefault(setting, {})[name] = _prf(tp, fp, fn)

    for name in labelled:
        add("lexical", name, _pair_sets(labelled[name], dedup[name], None))
        train = [(i, d, other) for other in labelled if other != name
                 for i, d in zip(labelled[other], dedup[other], strict=True)]
        for C in Cs:
            for case in case_vetoes:
                verifier = PairVerifier(C=C, case_veto=case).fit(
                    [d for _, d, _ in train], [i.group for i, _, _ in train],
                    [i.department for i, _, _ in train], [i.category for i, _, _ in train],
                    sources=[src for _, _, src in train], config=config,
                )
                for t in thresholds:
                    for link in link_thresholds:
                        v = copy.copy(verifier)
                        v.threshold, v.link_threshold = t, link
                        add(f"C={C:g} case={int(case)} threshold={t:g} link={link:g}", name,
                            _pair_sets(labelled[name], dedup[name], v))
    pooled = {setting: _prf(*c) for setting, c in counts.items()}
    learned = {k: m for k, m in pooled.items() if k != "lexical"}
    precise = {k: m for k, m in learned.items() if m["precision"] >= min_precision}
    if precise:
        chosen = max(precise, key=lambda k: (precise[k]["f1"], precise[k]["precision"]))
    else:
        chosen = max(learned, key=lambda k: (learned[k]["precision"], learned[k]["f1"]))
    params = dict(part.split("=") for part in chosen.split())
    return {
        "files": [f.name for f in files],
        "pooled": pooled,
        "per_file": per_file,
        "chosen": {"setting": chosen, "C": float(params["C"]),
                   "case_veto": params["case"] == "1",
                   "threshold": float(params["threshold"]),
                   "link_threshold": float(params["link"]), "min_precision": min_precision,
                   **pooled[chosen]},
    }


def format_duplicates_across_writers(results: Mapping[str, Any]) -> str:
    lines = [f"  {'setting':<40}{'precision':>10}{'recall':>8}{'f1':>7}{'f0.5':>7}"
             f"{'tp':>6}{'fp':>6}{'fn':>6}"]
    chosen = results["chosen"]["setting"]
    for setting, m in results["pooled"].items():
        mark = "  <- chosen" if setting == chosen else ""
        lines.append(f"  {setting:<40}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>7.3f}"
                     f"{f_beta(m, 0.5):>7.3f}{m['tp']:>6}{m['fp']:>6}{m['fn']:>6}{mark}")
    lines.append(f"  per left-out file ({chosen}):")
    for name, m in results["per_file"][chosen].items():
        lines.append(f"    {name:<10}precision {m['precision']:.3f}  recall {m['recall']:.3f}  "
                     f"f1 {m['f1']:.3f}")
    return "\n".join(lines)


def evaluate_model(
    model: TriageModel,
    items: Sequence[LabelledOpinion],
    jurisdiction: Jurisdiction,
    *,
    workers: int = 1,
    duplicates: bool = True,
) -> dict[str, Any]:
    normaliser = Normaliser.for_jurisdiction(jurisdiction)
    texts = prepare_texts([i.text for i in items], normaliser, workers=workers)
    decisions = model.decide(texts, jurisdiction, explain=False)
    y_true = [i.category for i in items]
    y_pred = [d.category for d in decisions]
    labels = list(CATEGORIES)
    p, r, f, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    per_class = {
        label: {"precision": round(float(p[k]), 4), "recall": round(float(r[k]), 4),
                "f1": round(float(f[k]), 4), "support": int(support[k])}
        for k, label in enumerate(labels)
    }
    esc_true = [i.escalate for i in items]
    esc_pred = [d.escalate for d in decisions]
    tp = sum(t and q for t, q in zip(esc_true, esc_pred, strict=True))
    fp = sum(q and not t for t, q in zip(esc_true, esc_pred, strict=True))
    fn = sum(t and not q for t, q in zip(esc_true, esc_pred, strict=True))
    level_ok = sum(
        d.escalation_level == i.escalation_level
        for i, d in zip(items, decisions, strict=True)
        if i.escalate and d.escalate
    )
    bare_texts = prepare_texts(
        [strip_diacritics(i.text) for i in items], normaliser, workers=workers
    )
    bare_pred = model.predict_category(bare_texts)
    errors = [
        {"id": i.id, "text": i.text, "true": i.category, "predicted": d.category,
         "confidence": d.confidence}
        for i, d in zip(items, decisions, strict=True)
        if i.category != d.category
    ]
    return {
        "n": len(items),
        "category": {
            "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
            "macro_f1": round(
                float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
                4,
            ),
            "per_class": per_class,
            "confusion_matrix": {
                "labels": labels,
                "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
            },
            "accuracy_without_diacritics": round(float(accuracy_score(y_true, bare_pred)), 4),
        },
        "department": {
            "accuracy": round(
                sum(i.department == d.department for i, d in zip(items, decisions, strict=True))
                / max(len(items), 1),
                4,
            ),
        },
        "escalation": {
            **_prf(tp, fp, fn),
            "level_accuracy": round(level_ok / tp, 4) if tp else 0.0,
        },
        "needs_review_rate": round(sum(d.needs_review for d in decisions) / max(len(items), 1), 4),
        "duplicates": (
            evaluate_duplicates(items, normaliser, model.duplicates) if duplicates else None
        ),
        "category_errors": errors,
    }


def format_report(metrics: dict[str, Any]) -> str:
    cat = metrics["category"]
    lines = [f"Held-out opinions: {metrics['n']}", "", "Category"]
    lines.append(f"  {'class':<26}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
    for label, m in cat["per_class"].items():
        lines.append(f"  {label:<26}{m['precision']:>10.3f}{m['recall']:>10.3f}"
                     f"{m['f1']:>10.3f}{m['support']:>9}")
    lines.append(f"  macro-F1 {cat['macro_f1']:.3f}   accuracy {cat['accuracy']:.3f}   "
                 f"accuracy without diacritics {cat['accuracy_without_diacritics']:.3f}")
    cm = cat["confusion_matrix"]
    lines.append("  confusion matrix (rows: true, columns: predicted)")
    short = {"first_issuance": "first", "transaction_registration": "transact",
             "off_topic": "off"}
    lines.append("  " + " " * 12 + "".join(f"{short.get(lb, lb):>10}" for lb in cm["labels"]))
    for label, row in zip(cm["labels"], cm["matrix"], strict=True):
        lines.append(f"  {short.get(label, label):<12}" + "".join(f"{v:>10}" for v in row))
    esc = metrics["escalation"]
    dup = metrics["duplicates"]
    lines += [
        "",
        f"Department accuracy  {metrics['department']['accuracy']:.3f}",
        f"Escalation           precision {esc['precision']:.3f}  recall {esc['recall']:.3f}  "
        f"f1 {esc['f1']:.3f}  (level accuracy {esc['level_accuracy']:.3f})",
        f"Duplicate pairs      precision {dup['precision']:.3f}  recall {dup['recall']:.3f}  "
        f"f1 {dup['f1']:.3f}  (tp {dup['tp']}, fp {dup['fp']}, fn {dup['fn']})",
        f"Needs review         {metrics['needs_review_rate']:.1%} of opinions",
    ]
    return "\n".join(lines)


def evaluate_across_writers(
    train_dir: Path,
    jurisdiction: Jurisdiction,
    *,
    workers: int = 1,
    hyper: Hyperparameters | None = None,
) -> dict[str, dict[str, float]]:
    """Trains on all training files but one and evaluates on that one, for each file.

    Each file was written by a different person, so this estimates how the model does on
    opinions written by someone it has never read, a harder test than the held-out set alone.
    """
    files = corpus_files(train_dir)
    results: dict[str, dict[str, float]] = {}
    for left_out in files:
        train_items = [i for f in files if f != left_out for i in read_labelled(f)]
        model = train_model(train_items, jurisdiction, workers=workers, hyper=hyper)
        metrics = evaluate_model(
            model, read_labelled(left_out), jurisdiction, workers=workers, duplicates=False
        )
        results[left_out.name] = {
            "category_macro_f1": metrics["category"]["macro_f1"],
            "accuracy_without_diacritics": metrics["category"]["accuracy_without_diacritics"],
            "department_accuracy": metrics["department"]["accuracy"],
            "escalation_f1": metrics["escalation"]["f1"],
        }
    return results


def format_across_writers(results: dict[str, dict[str, float]]) -> str:
    lines = [f"  {'left-out file':<14}{'macro-F1':>10}{'no-diacr.':>11}{'dept acc':>10}"
             f"{'esc F1':>9}"]
    for name, m in results.items():
        lines.append(f"  {name:<14}{m['category_macro_f1']:>10.3f}"
                     f"{m['accuracy_without_diacritics']:>11.3f}"
                     f"{m['department_accuracy']:>10.3f}{m['escalation_f1']:>9.3f}")
    return "\n".join(lines)
