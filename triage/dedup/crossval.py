"""Leave-one-writer-out cross-validation of duplicate grouping, from the command line.

`triage evaluate --across-writers` scores the classifiers; this scores the duplicate verifier
the same way and shows the setting it would choose (`Hyperparameters.duplicate_C`,
`duplicate_threshold` and `duplicate_link_threshold` are set from it).
The held-out set is never read here.

Run: `python -m triage.dedup.crossval [--train data/corpus/train] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from triage.jurisdiction import load_jurisdiction
from triage.settings import get_settings


def main(argv: Sequence[str] | None = None) -> int:
    from triage.evaluate import (
        evaluate_duplicates_across_writers,
        format_duplicates_across_writers,
    )

    parser = argparse.ArgumentParser(prog="python -m triage.dedup.crossval")
    parser.add_argument("--train", default=str(get_settings().data_dir / "corpus" / "train"))
    parser.add_argument("--jurisdiction", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    results = evaluate_duplicates_across_writers(Path(args.train),
                                                 load_jurisdiction(args.jurisdiction))
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        print("Duplicate pairs, leave-one-writer-out on the training files (pooled):")
        print(format_duplicates_across_writers(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
