"""Honest evaluation on the held-out set, which is never used for training or tuning."""

from __future__ import annotations

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
from triage.dedup import DedupItem, group_duplicates
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


def evaluate_duplicates(
    items: Sequence[LabelledOpinion], normaliser: Normaliser
) -> dict[str, Any]:
    normalised = normaliser.many([i.text for i in items])
    dedup_items = [
        DedupItem(i.id, n.repaired, n.expanded, n.folded)
        for i, n in zip(items, normalised, strict=True)
    ]
    predicted = {m: g.id for g in group_duplicates(dedup_items) for m in g.members}
    true_pairs = duplicate_pairs({i.id: i.group for i in items})
    # Singletons have their own cluster, so only clusters with several members make pairs.
    predicted_pairs = duplicate_pairs(predicted)
    tp = len(true_pairs & predicted_pairs)
    result: dict[str, Any] = _prf(
        tp, len(predicted_pairs - true_pairs), len(true_pairs - predicted_pairs)
    )
    result["false_merges"] = sorted(sorted(p) for p in predicted_pairs - true_pairs)[:20]
    result["missed"] = sorted(sorted(p) for p in true_pairs - predicted_pairs)[:20]
    return result


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
        "duplicates": evaluate_duplicates(items, normaliser) if duplicates else None,
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
