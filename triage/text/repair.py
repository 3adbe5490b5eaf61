"""The full text repair: encodings, Unicode form, tone marks, look-alikes, spacing.

The steps, in order (each named in `Repaired.fixes` when it changed something):
newlines, mojibake_cp1252 (UTF-8 read as Windows-1252/Latin-1; first, because its runs would
otherwise look like legacy codes), c1_controls, zero_width, nfc, tcvn3/vni (per line or
tab-separated cell), spaces (odd spaces, soft hyphens, control characters), lookalikes,
tone_marks (the "new" style: hòa, thủy, khỏe), punctuation (quotes, dashes), then spaces and
punctuation spacing again on the result.

Every opinion passes through here once, so each step is a precompiled regex or a
`str.translate` table over the whole text, and the costly checks (legacy encodings, mojibake,
tone marks) only run where a cheap search found something to look at.

The number of lines is kept: line i of the result is line i of the input (after "\\r\\n" and
the other line separators became "\\n"), so the intake can map repaired lines back.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from triage.text.legacy import repair_legacy
from triage.text.vietnamese import compose, is_syllable, parse_syllable, split_letter

__all__ = ["Repaired", "repair_text", "repair_with_report"]


@dataclass(frozen=True)
class Repaired:
    """A repaired text and what was done to it (names in the order the steps ran)."""

    original: str
    text: str
    fixes: tuple[str, ...]
    legacy_encoding: str | None


# --- line breaks ----------------------------------------------------------------------------

# Everything str.splitlines() treats as a line break except U+0085 (a Windows-1252 "…" read
# as Latin-1 far more often than a real NEL), which the C1 step below maps.
_NEWLINES_RE = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\u2028\u2029]")

# --- UTF-8 read as Windows-1252 / Latin-1 -----------------------------------------------------


def _cp1252_to_byte() -> dict[str, int]:
    table: dict[str, int] = {}
    for b in range(0x80, 0x100):
        table[chr(b)] = b  # Latin-1 reading (and the five bytes cp1252 leaves undefined)
        with contextlib.suppress(UnicodeDecodeError):
            table[bytes([b]).decode("cp1252")] = b
    return table


_TO_BYTE = _cp1252_to_byte()


def _chars_for(lo: int, hi: int) -> str:
    return "".join(re.escape(c) for c, b in sorted(_TO_BYTE.items()) if lo <= b <= hi)


_CONT = f"[{_chars_for(0x80, 0xBF)}]"
_MOJIBAKE_RE = re.compile(
    f"(?:[{_chars_for(0xC2, 0xDF)}]{_CONT}"
    f"|[{_chars_for(0xE0, 0xEF)}]{_CONT}{{2}}"
    f"|[{_chars_for(0xF0, 0xF4)}]{_CONT}{{3}})+"
)
# "à" is C3 A0: when the no-break space that A0 reads as became a plain space, "Ã " is left.
_LOST_NBSP_RE = re.compile("(?<=[^\\W\\d_])\u00c3 ")
_VI_EXTRA = set(
    "ăâđêôơưĂÂĐÊÔƠƯ"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
)
_MOJIBAKE_OK = _VI_EXTRA | set("\u00a0–—‘’‚“”„†‡•…‰‹›€™«»°±×÷§©®¶·¹²³¼½¾¿¡")


# E1 BB 81/8D/8F/9D (ề ọ ỏ ờ) hold a byte Windows-1252 leaves undefined; tools that drop it
# leave "á»" behind. The syllable around it says which letter it was.
_LOST_BYTE_RE = re.compile("\u00e1\u00bb\ufffd?")
_LOST_BYTE_LETTERS = ("ề", "ờ", "ọ", "ỏ")
_WORD_CHARS_RE = re.compile(r"[^\W\d_]*")


def _restore_lost_bytes(text: str) -> str:
    out: list[str] = []
    pos = 0
    for match in _LOST_BYTE_RE.finditer(text):
        if match.start() < pos:
            continue
        start = match.start()
        while start > pos and text[start - 1].isalpha():
            start -= 1
        tail = _WORD_CHARS_RE.match(text, match.end())
        end = tail.end() if tail else match.end()
        head, rest = text[start : match.start()], text[match.end() : end]
        for letter in _LOST_BYTE_LETTERS:
            if is_syllable(head + letter + rest):
                out.append(text[pos:start] + head + letter + rest)
                break
        else:
            out.append(text[pos:end])
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _decode_run(chunk: str) -> str | None:
    try:
        return bytes(_TO_BYTE[c] for c in chunk).decode("utf-8")
    except (UnicodeDecodeError, KeyError):
        return None


def _fix_mojibake(text: str) -> str:
    """Re-reads runs of UTF-8-as-cp1252 text; keeps the result only if it is Vietnamese."""
    vietnamese = False

    def fix(match: re.Match[str]) -> str:
        nonlocal vietnamese
        chunk = match.group()
        decoded = _decode_run(chunk)
        if decoded is not None and _MOJIBAKE_RE.fullmatch(decoded):
            # Text that went through the wrong reading twice ("Ã¡Â»â€¢" -> "á»•" -> "ổ").
            decoded = _decode_run(decoded) or decoded
        if decoded is None or not all(c in _MOJIBAKE_OK for c in decoded):
            return chunk
        vietnamese = vietnamese or any(c in _VI_EXTRA for c in decoded)
        return decoded

    fixed = _MOJIBAKE_RE.sub(fix, text)
    if not vietnamese:
        # Only punctuation ("â€œ") or nothing came out: no proof this was UTF-8 at all.
        return text
    if "\u00c3 " in fixed:
        fixed = _LOST_NBSP_RE.sub("à", fixed)
    if "\u00e1\u00bb" in fixed:
        fixed = _restore_lost_bytes(fixed)
    return fixed


# --- invisible and odd characters --------------------------------------------------------------

# C1 controls are Windows-1252 punctuation read as Latin-1 ("\x93" is "“").
_C1_TABLE: dict[int, str] = {}
for _b in range(0x80, 0xA0):
    try:
        _C1_TABLE[_b] = bytes([_b]).decode("cp1252")
    except UnicodeDecodeError:
        _C1_TABLE[_b] = ""
_C1_RE = re.compile("[\x80-\x9f]")

_INVISIBLE_TABLE: dict[int, str | None] = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E, 0x200E, 0x200F, 0x061C,
     *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)  # fmt: skip
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u2060\ufeff\u180e\u061c\u202a-\u202e\u2066-\u2069]")

_SPACE_TABLE: dict[int, str | None] = {
    0x00A0: " ", 0x1680: " ", 0x202F: " ", 0x205F: " ", 0x3000: " ",
    **{cp: " " for cp in range(0x2000, 0x200B)},
    0x00AD: None,  # soft hyphen left over once TCVN3 lines (where it is "ư") are converted
    **{cp: None for cp in [*range(0x00, 0x09), *range(0x0E, 0x1C), 0x1F, 0x7F]},
}  # fmt: skip
_SPACE_RE = re.compile(
    "[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u00ad\x00-\x08\x0e-\x1b\x1f\x7f]"
)

# --- look-alikes ------------------------------------------------------------------------------

_LOOKALIKE_TABLE: dict[int, str] = {
    0x00D0: "Đ", 0x00F0: "đ",  # Icelandic eth, typed for Đ/đ on foreign keyboards
    0x0189: "Đ", 0x0256: "đ",  # African D
    0x02BC: "'", 0x02B9: "'", 0x02BB: "'",
    0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB06: "st",
    **{cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)},  # full-width ASCII
}  # fmt: skip
_LOOKALIKE_RE = re.compile("[\u00d0\u00f0\u0189\u0256\u02b9\u02bb\u02bc\ufb00-\ufb06\uff01-\uff5e]")
# Cyrillic letters that look Latin, replaced only inside words that also have Latin letters.
_CYRILLIC_TABLE = str.maketrans("АВЕКМНОРСТХУаеорсхуіјѕԁ", "ABEKMHOPCTXYaeopcxyijsd")
_CYRILLIC_RE = re.compile("[\u0400-\u04ff\u0500-\u052f]")
_MIXED_WORD_RE = re.compile(r"[^\W\d_]+")

# --- tone marks -------------------------------------------------------------------------------

_TONED = {
    base: "".join(compose(base, t) + compose(base, t, upper=True) for t in range(1, 6))
    for base in "aeiouy"
}
# Candidates for a misplaced tone: old-style oa/oe/uy at the end of a word ("hoà", "thuỷ"),
# new-style before a final consonant ("hòan"), and the tone typed on the u of qu ("qủa").
_TONE_CANDIDATE_RE = re.compile(
    rf"[oO][{_TONED['a']}{_TONED['e']}](?![^\W\d_])"
    rf"|[uU][{_TONED['y']}](?![^\W\d_])"
    rf"|[{_TONED['o']}][aAeE](?:ch|nh|ng|[cmnpt]|CH|NH|NG|[CMNPT])(?![^\W\d_])"
    rf"|[{_TONED['u']}][yY](?:nh|ch|[npt]|NH|CH|[NPT])(?![^\W\d_])"
    rf"|[qQ][{_TONED['u']}][^\W\d_]+"
)


def _retone(word: str) -> str:
    """`word` with its tone where the new style puts it, if it is a syllable."""
    syllable = parse_syllable(word)
    if syllable is None or not syllable.tone:
        return word
    target = syllable.canonical_tone_index()
    if target == syllable.tone_index:
        return word
    chars = list(word)
    src, tone = syllable.tone_index, syllable.tone
    for index, new_tone in ((src, 0), (target, tone)):
        split = split_letter(chars[index])
        if split is None:
            return word
        chars[index] = compose(split[0], new_tone, upper=chars[index].isupper())
    return "".join(chars)


def _fix_tone_marks(text: str) -> str:
    out: list[str] = []
    pos = 0
    for match in _TONE_CANDIDATE_RE.finditer(text):
        start = match.start()
        if start < pos:
            continue
        while start > pos and (text[start - 1].isalpha()):
            start -= 1
        tail = _WORD_CHARS_RE.match(text, match.end())
        end = tail.end() if tail else match.end()
        out.append(text[pos:start])
        out.append(_retone(text[start:end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)


# --- punctuation and spacing --------------------------------------------------------------------

_PUNCT_TABLE: dict[int, str] = {
    **dict.fromkeys(map(ord, "“”„‟«»″〝〞"), '"'),
    **dict.fromkeys(map(ord, "‘’‚‛′´"), "'"),
    **dict.fromkeys(map(ord, "‐‑‒–—―−⁃"), "-"),
    ord("…"): "...",
}
_PUNCT_RE = re.compile("[“”„‟«»″〝〞‘’‚‛′´‐‑‒–—―−⁃…]")
_MULTI_SPACE_RE = re.compile(" {2,}")
_EDGE_SPACE_RE = re.compile("^ +| +$| +\n *|\n +| +\t *|\t +")
# Lines are stripped before these run, so a space before punctuation follows a character.
_SPACE_BEFORE_RE = re.compile(r" +(?=[,.;:!?)\]])")
_SPACE_AFTER_OPEN_RE = re.compile(r"([(\[]) +")
_MISSING_SPACE_RE = re.compile(r"([,;:])(?<=[^\W\d_][,;:])(?=[^\W\d_])")


def _fix_spacing(text: str) -> str:
    if "  " in text:
        text = _MULTI_SPACE_RE.sub(" ", text)
    return _EDGE_SPACE_RE.sub(_edge_space, text)


def _edge_space(match: re.Match[str]) -> str:
    found = match.group()
    if "\t" in found:
        return "\t"
    return "\n" if "\n" in found else ""


def _fix_punctuation_spacing(text: str) -> str:
    text = _SPACE_BEFORE_RE.sub("", text)
    text = _SPACE_AFTER_OPEN_RE.sub(r"\1", text)
    return _MISSING_SPACE_RE.sub(r"\1 ", text)


def _replace_sparse(pattern: re.Pattern[str], table: Mapping[int, str | None], text: str) -> str:
    """`text.translate(table)` for the few characters `pattern` finds: much faster on long
    texts where they are rare, as they are here."""
    return pattern.sub(lambda m: table[ord(m.group())] or "", text)


# --- the pipeline -----------------------------------------------------------------------------


def repair_with_report(text: str) -> Repaired:
    """Repairs `text` and says what was wrong with it."""
    original = text
    fixes: list[str] = []

    def step(name: str, new: str) -> str:
        if new != text:
            fixes.append(name)
        return new

    if _NEWLINES_RE.search(text):
        text = step("newlines", _NEWLINES_RE.sub("\n", text))
    legacy: str | None = None
    if not text.isascii():
        if _MOJIBAKE_RE.search(text):
            text = step("mojibake_cp1252", _fix_mojibake(text))
        if _C1_RE.search(text):
            text = step("c1_controls", _replace_sparse(_C1_RE, _C1_TABLE, text))
        if _INVISIBLE_RE.search(text):
            text = step("zero_width", _replace_sparse(_INVISIBLE_RE, _INVISIBLE_TABLE, text))
        if not unicodedata.is_normalized("NFC", text):
            text = step("nfc", unicodedata.normalize("NFC", text))
        converted, used, legacy = repair_legacy(text)
        if used:
            fixes.extend(used)
            text = converted
        if _SPACE_RE.search(text):
            text = step("spaces", _replace_sparse(_SPACE_RE, _SPACE_TABLE, text))
        if _LOOKALIKE_RE.search(text) or _CYRILLIC_RE.search(text):
            text = step("lookalikes", _fix_lookalikes(text))
        if _TONE_CANDIDATE_RE.search(text):
            text = step("tone_marks", _fix_tone_marks(text))
        if _PUNCT_RE.search(text):
            text = step("punctuation", _replace_sparse(_PUNCT_RE, _PUNCT_TABLE, text))
    elif _SPACE_RE.search(text):
        text = step("spaces", _replace_sparse(_SPACE_RE, _SPACE_TABLE, text))
    text = step("spaces", _fix_spacing(text))
    text = step("punctuation", _fix_punctuation_spacing(text))
    return Repaired(original, text, tuple(dict.fromkeys(fixes)), legacy)


def _fix_lookalikes(text: str) -> str:
    text = text.translate(_LOOKALIKE_TABLE)
    if _CYRILLIC_RE.search(text):
        text = _MIXED_WORD_RE.sub(_latinise, text)
    return text


def _latinise(match: re.Match[str]) -> str:
    word = match.group()
    if _CYRILLIC_RE.search(word) and any("a" <= c.lower() <= "z" for c in word):
        return word.translate(_CYRILLIC_TABLE)
    return word


def repair_text(text: str) -> str:
    """The repaired text: see the module docstring for what is repaired."""
    return repair_with_report(text).text
