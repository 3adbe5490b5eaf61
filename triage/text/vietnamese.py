"""Facts about the Vietnamese script: letters, tones, syllable shape, folding.

These are properties of the writing system (the same in every jurisdiction), so they live in
code. The syllable parser is what lets the legacy-encoding detector and the tone-mark
normaliser tell a real syllable ("hòa", "quý") from mojibake ("hßa", "Coäng").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "TONE_MARKS",
    "VIETNAMESE_LETTERS",
    "Syllable",
    "compose",
    "fold",
    "is_syllable",
    "parse_syllable",
    "split_letter",
    "strip_diacritics",
]

# Tone number -> combining mark. 0 is the level tone (no mark).
TONE_MARKS: dict[int, str] = {
    1: "\u0301",  # acute (sắc)
    2: "\u0300",  # grave (huyền)
    3: "\u0309",  # hook above (hỏi)
    4: "\u0303",  # tilde (ngã)
    5: "\u0323",  # dot below (nặng)
}
_MARK_TONE = {mark: tone for tone, mark in TONE_MARKS.items()}
_BASE_VOWELS = "aăâeêioôơuưy"
_CONSONANTS = "bcdđghklmnpqrstvx"
# f, j, w, z are in the Latin alphabet but not in Vietnamese words.
_FOREIGN = "fjwz"


def _build_letters() -> dict[str, tuple[str, int]]:
    """Every Vietnamese letter (both cases) -> (lower-case toneless letter, tone)."""
    table: dict[str, tuple[str, int]] = {}
    for vowel in _BASE_VOWELS:
        table[vowel] = (vowel, 0)
        table[vowel.upper()] = (vowel, 0)
        for tone, mark in TONE_MARKS.items():
            composed = unicodedata.normalize("NFC", vowel + mark)
            table[composed] = (vowel, tone)
            table[composed.upper()] = (vowel, tone)
    for consonant in _CONSONANTS:
        table[consonant] = (consonant, 0)
        table[consonant.upper()] = (consonant, 0)
    return table


_LETTERS = _build_letters()
_COMPOSE = {(base, tone): ch for ch, (base, tone) in _LETTERS.items() if ch.islower()}
VIETNAMESE_LETTERS = frozenset(_LETTERS)


def split_letter(ch: str) -> tuple[str, int] | None:
    """(lower-case toneless letter, tone) of a Vietnamese letter, None for anything else."""
    return _LETTERS.get(ch)


def compose(base: str, tone: int, upper: bool = False) -> str:
    """The letter `base` (lower-case, toneless) carrying `tone`."""
    ch = _COMPOSE.get((base, tone), base)
    return ch.upper() if upper else ch


# --- syllable structure -------------------------------------------------------------------

_ONSETS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
)  # fmt: skip
_NUCLEI = (
    # three vowels
    "oai", "oao", "oay", "oeo", "uây", "uôi", "uya", "uyê", "uyu", "ươi", "ươu", "iêu", "yêu",
    # two vowels
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi",
    "oo", "ôi", "ơi", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê",
    # one vowel
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
)  # fmt: skip
_CODAS = ("ch", "nh", "ng", "c", "m", "n", "p", "t")
_SYLLABLE_RE = re.compile(
    "(?P<onset>{})?(?P<nucleus>{})(?P<coda>{})?".format(
        "|".join(_ONSETS), "|".join(_NUCLEI), "|".join(_CODAS)
    )
)
# Nuclei that never stand without a final consonant, and those that never take one.
_NEEDS_CODA = frozenset({"ă", "â", "iê", "yê", "uô", "ươ", "uyê", "oă", "uâ", "oo"})
_NO_CODA = frozenset(
    {"ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui",
     "ưa", "ưi", "ưu", "oai", "oao", "oay", "oeo", "uây", "uôi", "uya", "uyu", "ươi", "ươu",
     "iêu", "yêu", "uơ"}
)  # fmt: skip
_PALATAL_CODA_OK = frozenset({"a", "ê", "i", "oa", "uê", "uy"})  # before -ch, -nh
_STOP_CODAS = frozenset({"c", "ch", "p", "t"})
_MARKED = "ăâêôơư"
# Without a final consonant these put the tone on the first vowel in the "new" style (hòa,
# khỏe, thủy) and on the second in the "old" style (hoà, khoẻ, thuỷ); both are correct.
_TWO_STYLE = frozenset({"oa", "oe", "uy"})


@dataclass(frozen=True)
class Syllable:
    onset: str
    nucleus: str
    coda: str
    tone: int
    tone_index: int  # index of the toned letter in the word, -1 without tone

    @property
    def nucleus_start(self) -> int:
        return len(self.onset)

    def canonical_tone_index(self) -> int:
        """Where the "new" style puts the tone: the index in the word, -1 without tone."""
        if not self.tone:
            return -1
        return self.nucleus_start + _tone_offset(self.nucleus, self.coda, new_style=True)

    def accepted_tone_indices(self) -> tuple[int, ...]:
        """Tone positions a careful writer may use (old or new style)."""
        start = self.nucleus_start
        new = _tone_offset(self.nucleus, self.coda, new_style=True)
        old = _tone_offset(self.nucleus, self.coda, new_style=False)
        return (start + new,) if new == old else (start + new, start + old)


def _tone_offset(nucleus: str, coda: str, *, new_style: bool) -> int:
    if nucleus in ("ươ", "ươi", "ươu"):
        return 1
    for i, ch in enumerate(nucleus):
        if ch in _MARKED:
            # "ưu" has one marked vowel; "uô", "iê", "uyê"... carry it on the marked one.
            return i
    if len(nucleus) == 1:
        return 0
    if coda:
        return len(nucleus) - 1
    if len(nucleus) == 3:
        return 1
    if nucleus in _TWO_STYLE:
        return 0 if new_style else 1
    return 0


def _split_word(word: str) -> tuple[str, int, int] | None:
    """(toneless lower-case word, tone, index of the toned letter) or None."""
    bases = []
    tone = 0
    tone_index = -1
    for i, ch in enumerate(word):
        split = _LETTERS.get(ch)
        if split is None:
            return None
        base, t = split
        if t:
            if tone:
                return None
            tone, tone_index = t, i
        bases.append(base)
    return "".join(bases), tone, tone_index


def _structure_ok(onset: str, nucleus: str, coda: str) -> bool:
    first = nucleus[0]
    if onset == "qu" and nucleus == "y":
        nucleus = "uy"  # quýt, quỳnh: the u of qu is the glide of "uy"
    if coda and nucleus in _NO_CODA:
        return False
    if not coda and nucleus in _NEEDS_CODA:
        return False
    if coda in ("ch", "nh") and nucleus not in _PALATAL_CODA_OK:
        return False
    if coda and nucleus == "y":
        return False
    if nucleus in ("i", "ơ") and coda in ("c", "ng"):
        return False
    if onset in ("k", "gh", "ngh") and first not in "ieêy":
        return False
    if onset in ("c", "ng") and first in "ieê":
        return False
    if onset == "g" and first in "eê":
        return False
    if onset == "qu" and first in "uo":
        return False
    return not (onset == "gi" and first == "i")


@lru_cache(maxsize=65536)
def parse_syllable(word: str) -> Syllable | None:
    """The structure of `word` if it is spelled like one Vietnamese syllable, else None.

    The tone may sit anywhere; callers judge its position (see `is_syllable`).
    """
    split = _split_word(word)
    if split is None:
        return None
    bare, tone, tone_index = split
    if not bare:
        return None
    for onset in _onset_candidates(bare):
        rest = bare[len(onset) :]
        for nucleus in _NUCLEI:
            if not rest.startswith(nucleus):
                continue
            coda = rest[len(nucleus) :]
            if coda and coda not in _CODAS:
                continue
            if _structure_ok(onset, nucleus, coda):
                return Syllable(onset, nucleus, coda, tone, tone_index)
    return None


def _onset_candidates(bare: str) -> list[str]:
    found = [o for o in _ONSETS if bare.startswith(o)]
    found.append("")
    return found


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """True when `word` is a well-formed Vietnamese syllable with its tone where it belongs."""
    syllable = parse_syllable(word)
    if syllable is None:
        return False
    if syllable.tone and syllable.coda in _STOP_CODAS and syllable.tone not in (1, 5):
        return False
    return not syllable.tone or syllable.tone_index in syllable.accepted_tone_indices()


# --- folding ------------------------------------------------------------------------------


def _build_strip_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        ch = chr(cp)
        decomposed = unicodedata.normalize("NFD", ch)
        if (
            len(decomposed) > 1
            and decomposed[0].isascii()
            and decomposed[0].isalpha()
            and all(unicodedata.combining(c) for c in decomposed[1:])
        ):
            table[cp] = decomposed[0]
    for cp in range(0x0300, 0x0370):  # combining marks of decomposed input
        table[cp] = None
    table.update({ord("đ"): "d", ord("Đ"): "D", ord("ð"): "d", ord("Ð"): "D"})
    table.update({0x0189: "D", 0x0256: "d"})  # Ɖ ɖ, look-alikes of Đ đ
    return table


_STRIP_TABLE = _build_strip_table()
_SPACES_RE = re.compile(r"[^\S\n]+")
_SPACE_AROUND_NEWLINE_RE = re.compile(r" ?\n ?")


def strip_diacritics(text: str) -> str:
    """`text` without tone and vowel marks, đ as d; keeps case and length of composed text."""
    return text.translate(_STRIP_TABLE)


def fold(text: str) -> str:
    """The accent-folded form used for matching: no diacritics, lower case, single spaces."""
    folded = _SPACES_RE.sub(" ", text.translate(_STRIP_TABLE).lower())
    if "\n" in folded:
        folded = _SPACE_AROUND_NEWLINE_RE.sub("\n", folded)
    return folded.strip()
