"""Benchmarks (`make bench`): intake, end-to-end triage, duplicate search and training.

Speed and memory are measured here, never asserted in tests. Each end-to-end size runs in a
fresh process so that its peak memory (ru_maxrss) is its own. Benchmark batches are generated
from the corpus (real written opinions) with light perturbations: generated data is fine for
timing, never for training.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from triage.corpus import load_corpus
from triage.settings import get_settings

HEADINGS = [
    "PHƯỜNG LÊ LỢI", "PHƯỜNG NGÔ QUYỀN", "PHƯỜNG TRUNG HƯNG", "XÃ ĐƯỜNG LÂM", "XÃ KIM SƠN",
    "XÃ CỔ ĐÔNG", "PHƯỜNG XUÂN KHANH", "XÃ THANH MỸ", "HỘI NÔNG DÂN THỊ XÃ",
]
LEAD_INS = ["", "Cử tri thôn Mông Phụ phản ánh: ", "Ông Nguyễn Văn Hùng (tổ 5) kiến nghị: "]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def corpus_texts() -> list[str]:
    corpus = get_settings().data_dir / "corpus" / "train"
    return [item.text for item in load_corpus(corpus)]


def _perturb(text: str, rng: random.Random) -> str:
    from triage.text import strip_diacritics

    roll = rng.random()
    if roll < 0.15:
        text = strip_diacritics(text)
    elif roll < 0.25:
        text = text + f" (thửa số {rng.randint(1, 900)}, tờ bản đồ số {rng.randint(1, 60)})"
    elif roll < 0.3:
        text = text.upper()
    return text


def generate_opinions(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    texts = corpus_texts()
    return [_perturb(rng.choice(texts), rng) for _ in range(n)]


def generate_document(n: int, seed: int = 7) -> str:
    """A compiled document of n numbered opinions under commune and ward headings."""
    rng = random.Random(seed)
    opinions = generate_opinions(n, seed)
    lines = ["TỔNG HỢP Ý KIẾN, KIẾN NGHỊ CỦA CỬ TRI", ""]
    per_section = 100  # compiled documents number items per section
    for s in range(0, n, per_section):
        k = s // per_section
        lines.append(f"{ROMAN[k % len(ROMAN)]}. {HEADINGS[k % len(HEADINGS)]}")
        for j, text in enumerate(opinions[s : s + per_section], 1):
            lead = rng.choice(LEAD_INS)
            lines.append(f"{j}. {lead}{text}")
        lines.append("")
    return "\n".join(lines)


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_intake(n: int = 10_000) -> dict[str, Any]:
    from triage.intake import read_batch

    document = generate_document(n)
    size = len(document.encode("utf-8"))
    started = time.perf_counter()
    batch = read_batch(document)
    seconds = time.perf_counter() - started
    return {
        "opinions": len(batch.opinions),
        "megabytes": round(size / 1e6, 2),
        "seconds": round(seconds, 2),
        "opinions_per_s": round(len(batch.opinions) / seconds),
        "mb_per_s": round(size / 1e6 / seconds, 2),
    }


def bench_end_to_end(n: int) -> dict[str, Any]:
    """Triage n generated opinions as one JSONL batch: intake, decisions, duplicates."""
    from triage.intake import read_batch
    from triage.jurisdiction import load_jurisdiction
    from triage.pipeline import triage_batch
    from triage.registry import load_model

    jurisdiction = load_jurisdiction()
    model = load_model()
    # 100,000 opinions are about 21 MB of JSON Lines, over the default paste limit (20 MB).
    settings = get_settings().model_copy(update={"max_batch_bytes": 64 * 1024 * 1024})
    payload = "".join(
        json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in generate_opinions(n)
    )
    started = time.perf_counter()
    batch = read_batch(payload, jurisdiction=jurisdiction, settings=settings)
    records = triage_batch(batch, model, jurisdiction, settings=settings)
    seconds = time.perf_counter() - started
    return {
        "opinions": len(records),
        "seconds": round(seconds, 1),
        "opinions_per_s": round(len(records) / seconds),
        "peak_memory_mb": round(peak_memory_mb()),
        "clusters": len({r.cluster for r in records}),
    }


def bench_training() -> dict[str, Any]:
    from triage.features import default_workers
    from triage.jurisdiction import load_jurisdiction
    from triage.train import train_model

    items = load_corpus(get_settings().data_dir / "corpus" / "train")
    started = time.perf_counter()
    train_model(items, load_jurisdiction(), workers=default_workers())
    return {"opinions": len(items), "seconds": round(time.perf_counter() - started, 1)}


def _in_subprocess(kind: str, n: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "triage.bench", "--one", kind, str(n)],
        check=True, capture_output=True, text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def run_all(sizes: list[int]) -> dict[str, Any]:
    from triage.bench_dedup import bench_dedup

    results: dict[str, Any] = {"intake": _in_subprocess("intake", 10_000)}
    results["end_to_end"] = [_in_subprocess("e2e", n) for n in sizes]
    results["duplicates"] = bench_dedup(tuple(sizes))
    results["training"] = _in_subprocess("train", 0)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m triage.bench")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--one", nargs=2, metavar=("KIND", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--out", default=None, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    if args.one:
        kind, n = args.one[0], int(args.one[1])
        runner = {"intake": bench_intake, "e2e": bench_end_to_end}
        result = bench_training() if kind == "train" else runner[kind](n)
        print(json.dumps(result))
        return 0
    results = run_all([int(s) for s in args.sizes.split(",")])
    print(format_report(results))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                                  encoding="utf-8")
    return 0


def format_report(results: dict[str, Any]) -> str:
    intake = results["intake"]
    lines = [
        f"Intake of a generated compiled document ({intake['opinions']:,} opinions, "
        f"{intake['megabytes']} MB): {intake['seconds']} s, {intake['opinions_per_s']:,} "
        f"opinions/s, {intake['mb_per_s']} MB/s",
        "",
        "End-to-end triage (intake, normalisation, segmentation, decisions, duplicates):",
    ]
    for r in results["end_to_end"]:
        lines.append(f"  {r['opinions']:>7,} opinions: {r['seconds']:>7} s, "
                     f"{r['opinions_per_s']:>6,} opinions/s, "
                     f"peak memory {r['peak_memory_mb']:,} MB")
    dup = results["duplicates"]
    lines += ["", "Duplicate grouping against n:"]
    for r in dup if isinstance(dup, list) else dup.get("runs", []):
        lines.append("  " + ", ".join(f"{k} {v}" for k, v in r.items()))
    lines += ["", f"Training on {results['training']['opinions']:,} opinions: "
              f"{results['training']['seconds']} s"]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
