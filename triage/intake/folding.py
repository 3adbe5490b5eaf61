"""Offset-preserving folding, so that patterns written without diacritics can be matched on
folded text and their spans cut from the original (`triage.text.fold` may change lengths)."""

from __future__ import annotations

import unicodedata

__all__ = ["collapse", "fold_same_length", "upper_ratio"]


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(code)
        decomposed = unicodedata.normalize("NFD", ch.replace("đ", "d").replace("Đ", "D"))
        base = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
        if len(base) == 1 and base != ch:
            table[code] = base
        elif len(base) != 1 and ch.lower() != ch and len(ch.lower()) == 1:
            table[code] = ch.lower()
    table[ord("Đ")] = "d"
    table[ord("đ")] = "d"
    return table


_TABLE = _fold_table()


def fold_same_length(text: str) -> str:
    """Lower case without diacritics, one character for each character of NFC `text`."""
    return text.translate(_TABLE)


def collapse(text: str) -> str:
    """Whitespace runs (line breaks included) to one space, ends trimmed."""
    return " ".join(text.split())


def upper_ratio(text: str) -> tuple[int, float]:
    """How many letters `text` has and which share of them is upper case."""
    letters = sum(map(str.isalpha, text))
    if not letters:
        return 0, 0.0
    return letters, sum(map(str.isupper, text)) / letters
