"""Legacy Vietnamese encodings (TCVN3, VNI) that reach us as mojibake, and their repair.

Text typed in the 1990s-2000s fonts (.VnTime, VNI-Times) is stored as 8-bit codes that Word
and Excel hand over as Windows-1252 characters: "Céng hßa x· héi" is TCVN3 for "Cộng hòa xã
hội". Many of those characters are also ordinary Vietnamese letters (á, ó, ê...), so the
decision to convert is made per line (per tab-separated cell) by asking which reading yields
real Vietnamese syllables, never by the mere presence of a character. The conversion tables
are data: `data/encodings/*.json`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from triage.settings import get_settings
from triage.text.vietnamese import VIETNAMESE_LETTERS, is_syllable

__all__ = [
    "ENCODINGS",
    "LegacyCodec",
    "decode_legacy",
    "detect_legacy_encoding",
    "encode_legacy",
    "legacy_segments",
    "repair_legacy",
]

_SENTENCE_END = ".!?"


@dataclass(frozen=True, eq=False)
class LegacyCodec:
    """One legacy encoding: its table and the regexes built from it."""

    name: str
    decode_map: dict[str, str] = field(repr=False)
    encode_map: dict[int, str] = field(repr=False)
    # Legacy codes that decode to a lower-case letter without a capital code of its own
    # (TCVN3's toned vowels): their case comes from context.
    lower_only: frozenset[str]
    upper_codes: frozenset[str]
    infer_case: bool
    key_re: re.Pattern[str]
    token_re: re.Pattern[str]
    strong_re: re.Pattern[str]
    any_re: re.Pattern[str]

    def decode_word(self, word: str) -> str:
        return _decode_word(self, word)

    def _lookup(self, match: re.Match[str]) -> str:
        return self.decode_map[match.group()]

    def encode(self, text: str) -> str:
        return unicodedata.normalize("NFC", text).translate(self.encode_map)


@lru_cache(maxsize=131072)
def _decode_word(codec: LegacyCodec, word: str) -> str:
    # Words repeat a lot within a document: decode each spelling once.
    return codec.key_re.sub(codec._lookup, word)


def _char_class(chars: set[str]) -> str:
    return "".join(re.escape(c) for c in sorted(chars))


def _load_codec(path: Path) -> LegacyCodec:
    with path.open(encoding="utf-8") as fh:
        spec = json.load(fh)
    name = spec["name"]
    table: dict[str, str] = dict(spec["map"])
    for key, value in table.items():
        if unicodedata.normalize("NFC", value) != value or len(value) != 1:
            raise ValueError(f"{path}: {key!r} must map to one composed letter, not {value!r}")
    decode_map = dict(table)
    if spec.get("kind") == "sequence":
        # A capital letter with a lower-case mark byte (or the reverse) keeps the letter's case.
        for key, value in table.items():
            if len(key) == 2:
                mixed = key[0] + key[1].swapcase()
                if len(mixed) == 2 and mixed not in decode_map:
                    decode_map[mixed] = value
    encode_map: dict[int, str] = {ord(v): k for k, v in table.items()}
    lower_only: set[str] = set()
    upper_codes = {k for k, v in table.items() if len(k) == 1 and v.isupper()}
    infer_case = spec.get("kind") != "sequence"
    if infer_case:
        for key, value in table.items():
            if value.islower() and ord(value.upper()) not in encode_map:
                lower_only.add(key)
                # No capital code: capitals are written with the lower-case code (.VnTimeH).
                encode_map[ord(value.upper())] = key
    keys = sorted(decode_map, key=len, reverse=True)
    key_chars = {c for k in decode_map for c in k if not c.isascii()}
    strong = {c for c in key_chars if c not in VIETNAMESE_LETTERS}
    return LegacyCodec(
        name=name,
        decode_map=decode_map,
        encode_map=encode_map,
        lower_only=frozenset(lower_only),
        upper_codes=frozenset(upper_codes),
        infer_case=infer_case,
        key_re=re.compile("|".join(re.escape(k) for k in keys)),
        token_re=re.compile(rf"(?:[^\W\d_]|[{_char_class(key_chars)}])+"),
        strong_re=re.compile(f"[{_char_class(strong)}]"),
        any_re=re.compile(f"[{_char_class(key_chars)}]"),
    )


def _load_all(directory: Path) -> dict[str, LegacyCodec]:
    codecs = {c.name: c for c in map(_load_codec, sorted(directory.glob("*.json")))}
    if not codecs:
        raise FileNotFoundError(f"no legacy encoding tables (*.json) in {directory}")
    return codecs


ENCODINGS: dict[str, LegacyCodec] = _load_all(get_settings().data_dir / "encodings")
_ANY_STRONG_RE = re.compile("|".join(codec.strong_re.pattern for codec in ENCODINGS.values()))


def _codec(encoding: str) -> LegacyCodec:
    try:
        return ENCODINGS[encoding.lower()]
    except KeyError:
        known = ", ".join(sorted(ENCODINGS))
        raise ValueError(f"unknown legacy encoding {encoding!r} (known: {known})") from None


# --- decoding one segment -------------------------------------------------------------------


def _case_class(word: str, codec: LegacyCodec) -> str:
    """The case a word was typed in: U (capitals), L (small letters), C (one capital: "X·",
    "Tù", a capital word or a capitalised one), ? (no plain letter at all: "ë")."""
    upper = lower = 0
    for ch in word:
        if "a" <= ch <= "z":
            lower += 1
        elif "A" <= ch <= "Z" or ch in codec.upper_codes:
            upper += 1
    if lower:
        return "L"
    if upper >= 2:
        return "U"
    return "C" if upper else "?"


def _upper_flags(words: list[str], codec: LegacyCodec) -> list[bool]:
    """Which words were typed in capitals (.VnTimeH headings such as "CéNG HßA X· HéI")."""
    classes = [_case_class(w, codec) for w in words]
    flags = [c == "U" for c in classes]
    if all(c in "UL" for c in classes):
        return flags
    following: list[str | None] = [None] * len(classes)  # next U or L word to the right
    nearest: str | None = None
    for i in range(len(classes) - 1, -1, -1):
        following[i] = nearest
        if classes[i] in "UL":
            nearest = classes[i]
    seen: list[str] = []  # U and L words so far
    for i, cls in enumerate(classes):
        if cls in "UL":
            seen.append(cls)
            continue
        left = seen[-1] if seen else None
        right = following[i]
        if "U" in (left, right) and "L" not in (left, right):
            flags[i] = True
        elif cls == "C" and seen[-3:] == ["U", "U", "U"]:
            # "MUA ĐẤT GIẤY TAY TỪ 2001, người bán": a capital ending a run of capitals
            # (not one after an acronym: "cấp GCN. Đề nghị").
            flags[i] = True
    return flags


def _decode_segment(segment: str, codec: LegacyCodec, *, guard: bool) -> str:
    """`segment` read as `codec`; with `guard`, words that are already Vietnamese stay."""
    matches = list(codec.token_re.finditer(segment))
    if not matches:
        return segment
    words = [m.group() for m in matches]
    flags = _upper_flags(words, codec) if codec.infer_case else [False] * len(words)
    out: list[str] = []
    pos = 0
    for match, word, upper in zip(matches, words, flags, strict=True):
        before = segment[pos : match.start()]
        out.append(before)
        decoded = codec.decode_word(word)
        # "ý" is the same in TCVN3 and Unicode, but in a heading it still needs its capital.
        if decoded != word or (codec.lower_only and not codec.lower_only.isdisjoint(word)):
            if guard and is_syllable(word) and not is_syllable(decoded):
                decoded = word
            elif upper:
                decoded = decoded.upper()
            elif word[0] in codec.lower_only and (pos == 0 or _ends_sentence(before)):
                # .VnTime has no capital toned vowels: a sentence starting with one was typed
                # with that letter in .VnTimeH, i.e. with the lower-case code.
                decoded = decoded[0].upper() + decoded[1:]
        out.append(decoded)
        pos = match.end()
    out.append(segment[pos:])
    return "".join(out)


def _ends_sentence(between: str) -> bool:
    """True when the text between two words closes a sentence (". ", "! ", "? ")."""
    between = between.rstrip()
    return bool(between) and between[-1] in _SENTENCE_END


@dataclass(frozen=True)
class _Evidence:
    changed: int  # words the codec would change
    valid_now: int  # of them, valid syllables as they are
    valid_decoded: int  # of them, valid syllables once decoded
    rich: int  # of the latter, words with two legacy characters or more ("§¶ng")


_MAX_EVIDENCE_WORDS = 16  # enough to judge a line; long paragraphs need not be read whole


def _evidence(segment: str, codec: LegacyCodec) -> _Evidence:
    changed = valid_now = valid_decoded = rich = 0
    for match in codec.token_re.finditer(segment):
        word = match.group()
        decoded = codec.decode_word(word)
        if decoded == word:
            continue
        if len(word) == 1 and not word.isascii():
            continue  # a lone "·" or "µ" proves nothing either way
        changed += 1
        valid_now += is_syllable(word)
        if is_syllable(decoded):
            valid_decoded += 1
            if not rich:
                rich = sum(not c.isascii() for c in word) >= 2
        if changed >= _MAX_EVIDENCE_WORDS:
            break
    return _Evidence(changed, valid_now, valid_decoded, rich)


def _convincing(evidence: _Evidence, *, strong: bool, prior: bool) -> int:
    """The gain in valid syllables when the reading is convincing, else 0."""
    changed, valid_now, valid_decoded = (
        evidence.changed,
        evidence.valid_now,
        evidence.valid_decoded,
    )
    gain = valid_decoded - valid_now
    if changed == 0 or gain <= 0 or valid_decoded * 5 < changed * 3:
        return 0
    if strong:
        # One word is enough only when it is all legacy and has two legacy characters:
        # "§¶ng" (Đảng) is, "µm" (a micro sign) is not.
        single = valid_decoded == changed and evidence.rich > 0
        return gain if (gain >= 2 or prior or single) else 0
    # Without a character that never occurs in Unicode Vietnamese, only a document already
    # known to be in this encoding, and clear evidence, turn the segment.
    # A short heading such as "Xaõ Kim Sôn" gains one syllable only: in a document known to be
    # in this encoding, every word reading right after conversion is enough.
    every_word = valid_decoded == changed
    return gain if prior and (gain >= 2 or valid_now == 0 or every_word) else 0


def _segments(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every line, and of every tab-separated cell in it."""
    start = 0
    length = len(text)
    while start <= length:
        end = text.find("\n", start)
        if end < 0:
            end = length
        cell = start
        while True:
            tab = text.find("\t", cell, end)
            if tab < 0:
                yield cell, end
                break
            yield cell, tab
            cell = tab + 1
        start = end + 1


def legacy_segments(text: str) -> tuple[list[tuple[int, int, str]], str | None]:
    """Segments of `text` to convert, as (start, end, encoding), and the document's encoding."""
    if not _ANY_STRONG_RE.search(text):
        return [], None
    decided: dict[tuple[int, int], str] = {}
    pending: list[tuple[int, int, bool]] = []
    counts = dict.fromkeys(ENCODINGS, 0)
    for start, end in _segments(text):
        segment = text[start:end]
        if not segment or segment.isascii():
            continue
        best, best_gain = None, 0
        any_strong = False
        for codec in ENCODINGS.values():
            if not codec.strong_re.search(segment):
                continue
            any_strong = True
            gain = _convincing(_evidence(segment, codec), strong=True, prior=False)
            if gain > best_gain:
                best, best_gain = codec.name, gain
        if best is not None:
            decided[(start, end)] = best
            counts[best] += 1
        else:
            pending.append((start, end, any_strong))
    document = max(counts, key=lambda name: counts[name]) if any(counts.values()) else None
    if document is not None:
        codec = ENCODINGS[document]
        for start, end, strong in pending:
            segment = text[start:end]
            if not codec.any_re.search(segment):
                continue
            strong_here = strong and bool(codec.strong_re.search(segment))
            evidence = _evidence(segment, codec)
            if _convincing(evidence, strong=strong_here, prior=True):
                decided[(start, end)] = document
    found = sorted((s, e, name) for (s, e), name in decided.items())
    return found, document


def repair_legacy(text: str) -> tuple[str, tuple[str, ...], str | None]:
    """`text` with its legacy-encoded lines converted; the encodings used; the main one."""
    segments, document = legacy_segments(text)
    if not segments:
        return text, (), None
    out: list[str] = []
    pos = 0
    used: list[str] = []
    for start, end, name in segments:
        out.append(text[pos:start])
        out.append(_decode_segment(text[start:end], ENCODINGS[name], guard=True))
        pos = end
        if name not in used:
            used.append(name)
    out.append(text[pos:])
    return "".join(out), tuple(used), document


# --- public helpers -----------------------------------------------------------------------


def detect_legacy_encoding(text: str) -> str | None:
    """The legacy encoding ("tcvn3" or "vni") of (some lines of) `text`, or None."""
    return legacy_segments(text)[1]


def decode_legacy(text: str, encoding: str) -> str:
    """`text` read as `encoding` throughout, without asking whether it should be."""
    codec = _codec(encoding)
    return "\t".join(
        "\n".join(_decode_segment(line, codec, guard=False) for line in cell.split("\n"))
        for cell in text.split("\t")
    )


def encode_legacy(text: str, encoding: str) -> str:
    """The mojibake `text` becomes when typed in the legacy `encoding` and read as cp1252."""
    return _codec(encoding).encode(text)
