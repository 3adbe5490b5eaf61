"""Finds and masks personal data: the public results report must not carry it.

Masking choice: names become initials after the honorific ("Ông Nguyễn Văn An" → "Ông N.V.A."),
the convention of Vietnamese official and press writing, which keeps two households
distinguishable in a published list; numbers and e-mail addresses become a bracketed label
("[số điện thoại]", "[số CCCD/CMND]", "[email]") because any part of them identifies a person.

Parcel and map-sheet numbers, years, amounts and decision numbers are not personal data and
are left alone: phone numbers must start with 0 or +84, citizen IDs with a province code 0xx
(or carry a CMND/CCCD context), and digits glued to "/", "," or "." groups are not taken.
"""

from __future__ import annotations

import re
import unicodedata

from triage.intake.folding import fold_same_length
from triage.intake.models import PersonalDataSpan
from triage.intake.vocabulary import CITIZEN_ID_CONTEXT, HONORIFICS, NOT_NAME_WORDS

__all__ = ["find_personal_data", "mask_personal_data"]


def _letters(upper: bool) -> str:
    chars = []
    for code in list(range(0x41, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(code)
        if ch.isalpha() and (ch.isupper() if upper else ch.islower()):
            chars.append(ch)
    return "".join(chars)


_UPPER = _letters(upper=True)
_LOWER = _letters(upper=False)
_UP = f"[{re.escape(_UPPER)}]"
_LO = f"[{re.escape(_LOWER)}]"


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Honorifics with and without diacritics, lower or capitalised ("ông", "Ông", "ong", "Ong").
_HON_FORMS = sorted(
    {form for h in HONORIFICS for base in (h, _strip_marks(h)) for form in (base, base.title())},
    key=len,
    reverse=True,
)
# A name syllable: a capital then lower-case letters, or an all-caps word, or a lone initial.
_SYLLABLE = rf"{_UP}(?:{_LO}+|{_UP}*)"
_NAME_RE = re.compile(
    rf"(?<![\w])(?:{'|'.join(map(re.escape, _HON_FORMS))})[ \t]+"
    rf"(?P<name>{_SYLLABLE}(?:[ \t]+{_SYLLABLE}){{0,4}})(?![\w])"
)
# Words that begin a title or a place rather than a name, compared with their diacritics.
_TITLE_STARTS = frozenset(
    {
        "Chủ",
        "Phó",
        "Trưởng",
        "Bí",
        "Giám",
        "Tổ",
        "Cán",
        "Đại",
        "Hội",
        "Thư",
        "Kế",
        "Công",
        "Trợ",
        "Chánh",
        "Ủy",
        "Uỷ",
        "Cựu",
        "Xã",
        "Phường",
        "Thôn",
        "Ban",
        "Đội",
        "Sở",
        "Người",
        "Tại",
        "Ở",
        "Và",
        "UBND",
        "HĐND",
        "MTTQ",
        "GCN",
        "QSDĐ",
        "TDP",
    }
)

_NOT_AFTER_DIGIT_GROUP = r"(?<!\d[.,])(?<![\w/])"
_PHONE_RE = re.compile(
    _NOT_AFTER_DIGIT_GROUP
    + r"(?:\(\+?84\)|\+84|0084|0)[ .\-]?\(?[1-9]\)?(?:[ .\-]?\d){8,9}(?![ .\-]?\d)(?![\w/])"
)
_CID12_RE = re.compile(
    _NOT_AFTER_DIGIT_GROUP + r"0\d{2}(?:\d{9}|(?: \d{3}){3}|(?:\.\d{3}){3})(?![ .\-]?\d)(?![\w/])"
)
_CID_CONTEXT_RE = re.compile(
    rf"(?:{CITIZEN_ID_CONTEXT})[^\d\n]{{0,30}}?(?P<num>\d{{12}}|\d{{9}})(?![\d\w/])"
)
_NINE_DIGITS_RE = re.compile(r"\d{9}")
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _name_spans(text: str) -> list[PersonalDataSpan]:
    spans = []
    for m in _NAME_RE.finditer(text):
        name = m.group("name")
        words = name.split()
        # Drop trailing words that start a title ("Ông An Chủ tịch" is rare; "Ông An Tổ 5" not).
        while words and words[-1] in _TITLE_STARTS:
            words.pop()
        if not words or words[0] in _TITLE_STARTS or words[0].upper() in _TITLE_STARTS:
            continue
        if len(words) == 1 and _strip_marks(words[0]).lower() in NOT_NAME_WORDS:
            continue
        start = m.start("name")
        # The words are separated by single spaces or tabs; recompute the end in `text`.
        end = start
        for word in words:
            end = text.index(word, end) + len(word)
        spans.append(PersonalDataSpan("name", start, end, text[start:end]))
    return spans


def find_personal_data(text: str) -> list[PersonalDataSpan]:
    """Phone numbers, citizen IDs, e-mail addresses and names after an honorific, in order."""
    found: list[PersonalDataSpan] = []
    for m in _EMAIL_RE.finditer(text) if "@" in text else ():
        found.append(PersonalDataSpan("email", m.start(), m.end(), m.group()))
    if _NINE_DIGITS_RE.search(text):
        for m in _CID_CONTEXT_RE.finditer(fold_same_length(text)):
            s, e = m.span("num")
            found.append(PersonalDataSpan("citizen_id", s, e, text[s:e]))
    for m in _CID12_RE.finditer(text):
        found.append(PersonalDataSpan("citizen_id", m.start(), m.end(), m.group()))
    for m in _PHONE_RE.finditer(text):
        found.append(PersonalDataSpan("phone", m.start(), m.end(), m.group()))
    found.extend(_name_spans(text))
    # Earlier kinds win on overlap (an e-mail's digits are not a phone, an ID is not a phone).
    kept: list[PersonalDataSpan] = []
    taken: list[tuple[int, int]] = []
    for span in found:
        if any(span.start < e and s < span.end for s, e in taken):
            continue
        kept.append(span)
        taken.append((span.start, span.end))
    kept.sort(key=lambda s: s.start)
    return kept


_LABELS = {"phone": "[số điện thoại]", "citizen_id": "[số CCCD/CMND]", "email": "[email]"}


def _initials(name: str, followed_by_dot: bool) -> str:
    letters = ".".join(word[0].upper() for word in name.split())
    return letters if followed_by_dot else letters + "."


def mask_personal_data(text: str, spans: list[PersonalDataSpan]) -> str:
    """`text` with each span replaced: names by initials, numbers and e-mails by a label."""
    parts: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < pos:
            continue
        parts.append(text[pos : span.start])
        if span.kind == "name":
            parts.append(_initials(span.value, text[span.end : span.end + 1] == "."))
        else:
            parts.append(_LABELS.get(span.kind, "[***]"))
        pos = span.end
    parts.append(text[pos:])
    return "".join(parts)
