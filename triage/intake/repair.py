"""Thin bridge to `triage.text`: repairs a whole batch at once, line for line.

The legacy encoding of a batch is judged on the whole text (a short line such as "1." says
nothing), then lines are mapped back one to one so that `original` and `line` stay exact.
"""

from __future__ import annotations

from triage.text import detect_legacy_encoding, repair_text, repair_with_report

__all__ = ["detect_legacy", "repair_lines", "repair_one", "repair_texts"]


def _repair(text: str) -> tuple[str, str | None]:
    result = repair_with_report(text)
    return result.text, result.legacy_encoding


def detect_legacy(text: str) -> str | None:
    """The legacy Vietnamese encoding (e.g. "tcvn3", "vni") `text` is written in, if any."""
    return detect_legacy_encoding(text[:200_000])


def repair_one(text: str) -> str:
    return repair_text(text) if text else text


def repair_lines(lines: list[str]) -> tuple[list[str], str | None]:
    """Repaired copies of `lines` (same count, same order) and the legacy encoding found."""
    if not lines:
        return [], None
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled:
        return ["" for _ in lines], None
    first, last = filled[0], filled[-1]
    repaired, legacy = _repair("\n".join(lines[first : last + 1]))
    middle = repaired.split("\n")
    if len(middle) != last - first + 1:
        # The repair merged or dropped lines: go line by line (slower, same result shape).
        middle = [repair_one(line) if line.strip() else "" for line in lines[first : last + 1]]
    return [""] * first + middle + [""] * (len(lines) - last - 1), legacy


def repair_texts(texts: list[str]) -> tuple[list[str], str | None]:
    """Repairs many short texts (cells, JSON fields) judged together as one batch."""
    pieces = [t.split("\n") for t in texts]
    flat, legacy = repair_lines([p for piece in pieces for p in piece])
    out, pos = [], 0
    for piece in pieces:
        out.append("\n".join(flat[pos : pos + len(piece)]))
        pos += len(piece)
    return out, legacy
