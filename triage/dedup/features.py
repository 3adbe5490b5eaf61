"""Reads one opinion for duplicate detection: lead-in, content words, facets and specifics.

Everything is matched on folded tokens (so encodings, diacritics and case do not matter), but
names are read with the original case where the text has one: "ông Nguyễn Văn An" is a name,
"ông bà" and "bà con" are not.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from triage.dedup.config import TOKEN_RE, DedupConfig, Lexicon, Vocabulary, default_config
from triage.dedup.models import DedupItem
from triage.text import fold

# A capitalised word after one of these starts a sentence, so it says nothing about names.
_SENTENCE_START = frozenset(
    [".", "!", "?", ":", ";", "(", "[", '"', "'", "-", "+", "*", "…", "•", ")", "]", "“", "”",
     "–", "—"]
)
_NUMBER_RE = re.compile(r"\d+[a-z]?$|[a-z]?\d+$")
_LONG_DIGITS_RE = re.compile(r"(?<!\S)\d{9,}(?!\S)")
_DATE_RE = re.compile(
    r"(?<!\S)(?:"
    r"ngay (?P<d1>\d{1,2}) thang (?P<m1>\d{1,2}) nam (?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2}) [/.-] (?P<m2>\d{1,2}) [/.-] (?P<y2>\d{4}|\d{2})"
    r"|thang (?P<m3>\d{1,2}) (?:[/.-] |nam )(?P<y3>\d{4})"
    r"|(?P<m4>\d{1,2}) [/-] (?P<y4>\d{4})"
    r"|nam (?P<y5>\d{4})"
    r"|(?:tu|den|truoc|sau|cuoi|dau|giua) (?P<y6>(?:19|20)\d\d)"
    r")(?!\S)"
)
_PARCEL_RE = re.compile(r"(?<!\S)thua (?:dat )?(?:so )?(\d+[a-z]?)(?!\S)")
_SHEET_RE = re.compile(r"(?<!\S)(?:to ban do|to bd|tbd|ban do|to)(?: so)? (\d+[a-z]?)(?!\S)")
_PLOT_RE = re.compile(r"(?<!\S)(?:lo|o) (?:dat (?:so )?|so )")
_MONEY_RE = re.compile(r"(?<!\S)(\d+(?: [.,] \d+)*) ")


@dataclass(frozen=True)
class Specifics:
    """What makes an opinion a case of its own (domain.md, Duplicates); values are folded.

    `strong` is true when the opinion names a case: a person or household, a parcel or plot, a
    dossier, or a named place below the commune (village, residential group, area, field, street,
    project). Dates, amounts, documents and wards/communes only tell two cases apart.
    `personal` marks an opinion about the speaker's own case ("gia đình tôi…").
    """

    persons: frozenset[str] = frozenset()
    parcels: frozenset[tuple[str, str]] = frozenset()  # (parcel number, map sheet or "")
    plots: frozenset[str] = frozenset()
    dossiers: frozenset[str] = frozenset()
    places: frozenset[tuple[str, str]] = frozenset()  # (kind, name)
    localities: frozenset[str] = frozenset()  # locality codes
    dates: frozenset[tuple[int, int, int]] = frozenset()  # (year, month or 0, day or 0)
    documents: frozenset[str] = frozenset()
    amounts: frozenset[int] = frozenset()  # VND
    personal: bool = False
    strong: bool = False

    def kinds(self) -> dict[str, frozenset[object]]:
        """Values by kind ("person", "parcel", "village", "date"...), absent kinds left out."""
        out: dict[str, frozenset[object]] = {}
        for kind, values in (
            ("person", self.persons),
            ("parcel", self.parcels),
            ("plot", self.plots),
            ("dossier", self.dossiers),
            ("locality", self.localities),
            ("date", self.dates),
            ("document", self.documents),
            ("amount", self.amounts),
        ):
            if values:
                out[kind] = frozenset(values)
        for kind, name in self.places:
            out[kind] = out.get(kind, frozenset()) | {name}
        return out

    @property
    def empty(self) -> bool:
        return not self.kinds() and not self.personal


@dataclass(frozen=True)
class Analysis:
    """Everything duplicate detection needs from one opinion."""

    specifics: Specifics
    facets: tuple[tuple[str, frozenset[str]], ...]
    content: tuple[str, ...]  # content words of the body, in order
    level: str  # "named", "personal" or "general"
    lead_in: str = ""
    kinds: dict[str, frozenset[object]] = field(default_factory=dict, compare=False)
    # The folded tokens of the whole text, space-padded (" ba le thi nu to dan pho ... "), and
    # the names of a named case (people, villages, areas, streets...): a text that says the
    # name, even where its specifics were not recognised (lower case, no diacritics), speaks
    # of that case.
    words: str = field(default="", compare=False)
    names: frozenset[str] = field(default_factory=frozenset, compare=False)
    # Where the text was typed with diacritics: its lower-cased tokens as typed, space-padded,
    # and the names as written ("tuấn", not "tuan", which is also "tuần"): a text with
    # diacritics says a name only in its accented form. Names of a text typed without them
    # have no accented form (`plain_names`).
    spoken: str = field(default="", compare=False)
    name_forms: frozenset[str] = field(default_factory=frozenset, compare=False)
    plain_names: frozenset[str] = field(default_factory=frozenset, compare=False)
    # A named case whose specifics only place it in a ward or commune (`placed_kinds`).
    placed: bool = field(default=False, compare=False)


@lru_cache(maxsize=1 << 18)
def _fold_token(token: str) -> str:
    return fold(token)


class _Span:
    """A run of tokens with their original and folded forms, and the folded token string."""

    __slots__ = ("consumed", "low", "marked", "n", "orig", "starts", "text", "unnamed")

    def __init__(self, orig: list[str], low: list[str], marked: bool = False) -> None:
        self.orig = orig
        self.low = low
        self.marked = marked  # the whole text carries diacritics (see `_is_marked`)
        self.n = len(low)
        self.text = " ".join(low)
        starts: list[int] = []
        pos = 0
        for t in low:
            starts.append(pos)
            pos += len(t) + 1
        self.starts = starts
        self.consumed: set[int] = set()
        self.unnamed: set[str] = set()  # place words without a name ("ở thôn", "của xóm")

    def at(self, pos: int) -> int:
        """Index of the token that contains character `pos` of the token string."""
        return bisect_right(self.starts, pos) - 1

    def after(self, pos: int) -> int:
        """Index of the first token starting at or after `pos`."""
        return bisect_left(self.starts, pos)

    def capitalised(self, k: int) -> bool:
        t = self.orig[k]
        return t[:1].isupper() and t.isalpha()

    def take(self, first: int, last: int) -> None:
        self.consumed.update(range(first, last))


def _is_cased(orig: list[str]) -> bool:
    """True when capitals carry information: a capitalised word in mid-sentence."""
    prev = "."
    for t in orig:
        if prev not in _SENTENCE_START and t[:1].isupper() and not t.isupper():
            return True
        prev = t
    return False


def _is_marked(orig: list[str]) -> bool:
    """True when the text was typed with diacritics: a third of its words or more carry them
    (most Vietnamese syllables do; a text typed without them has none)."""
    words = [t for t in orig if t.isalpha()]
    return bool(words) and sum(not t.isascii() for t in words) * 3 >= len(words)


def _is_number(token: str) -> bool:
    return bool(_NUMBER_RE.match(token))


def _read_id(span: _Span, k: int, measures: frozenset[str] = frozenset()) -> tuple[str, int]:
    """Reads an identifier (`123/QĐ-UBND`, `CS 012345`, `000.00.12.H26-230512-0001`) from k.

    A quantity is not an identifier: "phiếu hẹn 10 ngày", "lô đất 200m2" (`measures`)."""
    low, n = span.low, span.n
    if k < n and low[k] == "so":
        k += 1
    if k >= n:
        return "", k
    parts: list[str] = []
    j = k
    if low[j].isalpha() and len(low[j]) <= 3 and j + 1 < n and any(c.isdigit() for c in low[j + 1]):
        parts.append(low[j])
        j += 1
    if j >= n or not any(c.isdigit() for c in low[j]):
        return "", k
    number = low[j]
    quantity = number.isdigit() and j + 1 < n and low[j + 1] in measures
    if quantity or number.lstrip("0123456789") in measures:
        return "", k
    parts.append(number)
    j += 1
    while j + 1 < n and low[j] in ("/", "-", ".") and low[j + 1].isalnum() and len(parts) < 12:
        parts.extend((low[j], low[j + 1]))
        j += 2
    return "".join(parts), j


def _year(text: str) -> int:
    y = int(text)
    if y < 100:
        y += 2000 if y <= 50 else 1900
    return y


def _dates(span: _Span) -> set[tuple[int, int, int]]:
    out: set[tuple[int, int, int]] = set()
    for m in _DATE_RE.finditer(span.text):
        k = span.at(m.start())
        if k in span.consumed:
            continue
        g = m.groupdict()
        y = g["y1"] or g["y2"] or g["y3"] or g["y4"] or g["y5"] or g["y6"]
        mo = g["m1"] or g["m2"] or g["m3"] or g["m4"]
        d = g["d1"] or g["d2"]
        year = _year(y)
        month = int(mo) if mo else 0
        day = int(d) if d else 0
        if not (1900 <= year <= 2100 and 0 <= month <= 12 and 0 <= day <= 31):
            continue
        out.add((year, month, day))
        span.take(k, span.at(m.end() - 1) + 1)
    return out


def _documents(span: _Span, vocab: Vocabulary) -> set[str]:
    """Consumes citations; returns the ids of case documents (decisions, notices)."""
    out: set[str] = set()
    for regex, keep in ((vocab.legal_documents, False), (vocab.case_documents, True)):
        if regex is None:
            continue
        for m in regex.finditer(span.text):
            k = span.at(m.start())
            if k in span.consumed:
                continue
            end = span.after(m.end() + 1)
            ident, j = _read_id(span, end)
            if not ident and j < span.n and _is_number(span.low[j]):
                ident, j = span.low[j], j + 1  # "luật đất đai 2013"
            if (not ident and end + 1 < span.n and span.low[end] == "nam"
                    and _is_number(span.low[end + 1])):
                ident, j = span.low[end + 1], end + 2
            if not ident:
                continue
            # A date right after a citation is the document's.
            if j < span.n and span.low[j] == "ngay":
                j2 = j + 1
                while j2 < span.n and (span.low[j2].isdigit() or span.low[j2] in "/.-"):
                    j2 += 1
                j = j2
            span.take(k, j)
            if keep:
                out.add(ident)
    return out


def _dossiers(span: _Span, vocab: Vocabulary) -> set[str]:
    out: set[str] = set()
    if vocab.dossier_words is None:
        return out
    for m in vocab.dossier_words.finditer(span.text):
        k = span.at(m.start())
        if k in span.consumed:
            continue
        ident, j = _read_id(span, span.after(m.end() + 1), vocab.measure_words)
        if ident:
            out.add(ident)
            span.take(k, j)
    return out


def _parcels(span: _Span) -> set[tuple[str, str]]:
    hits: list[tuple[int, int, str]] = []  # (first token, after last, number)
    for m in _PARCEL_RE.finditer(span.text):
        k = span.at(m.start())
        if k in span.consumed:
            continue
        j = span.at(m.start(1)) + 1
        hits.append((k, j, m.group(1)))
        # "thửa số 125, 126 và 127"
        while j + 1 < span.n and span.low[j] in (",", "va") and _is_number(span.low[j + 1]):
            hits.append((k, j + 2, span.low[j + 1]))
            j += 2
    if not hits:
        return set()
    sheets: list[tuple[int, int, str]] = []
    for m in _SHEET_RE.finditer(span.text):
        k = span.at(m.start())
        if k in span.consumed:
            continue
        bare = m.group(0).startswith("to ") and not m.group(0).startswith(("to ban do", "to bd"))
        if bare and not any(abs(k - h[1]) <= 2 for h in hits):
            continue  # a bare "tờ 7" is a map sheet only next to a parcel number
        sheets.append((k, span.at(m.start(1)) + 1, m.group(1)))
    out: set[tuple[str, str]] = set()
    for first, last, number in hits:
        near = [s for s in sheets if -8 <= s[0] - last <= 8 or -8 <= first - s[1] <= 8]
        sheet = min(near, key=lambda s: min(abs(s[0] - last), abs(first - s[1])))[2] if near else ""
        out.add((number, sheet))
        span.take(first, last)
    for first, last, _ in sheets:
        span.take(first, last)
    return out


def _plots(span: _Span, vocab: Vocabulary) -> set[str]:
    out: set[str] = set()
    for m in _PLOT_RE.finditer(span.text):
        k = span.at(m.start())
        if k in span.consumed:
            continue
        ident, j = _read_id(span, span.after(m.end()), vocab.measure_words)
        if ident:
            out.add(ident)
            span.take(k, j)
    return out


def _amounts(span: _Span, vocab: Vocabulary) -> set[int]:
    out: set[int] = set()
    for m in _MONEY_RE.finditer(span.text):
        k = span.at(m.start())
        if k in span.consumed:
            continue
        j = span.at(m.end(1) - 1) + 1
        if j >= span.n or span.low[j] not in vocab.money_units:
            continue
        tokens = m.group(1).split(" ")
        digits = tokens[0]
        for sep, part in zip(tokens[1::2], tokens[2::2], strict=False):
            digits += part if len(part) == 3 and sep in ".," else "." + part
        try:
            value = float(digits)
        except ValueError:
            continue
        out.add(round(value * vocab.money_units[span.low[j]]))
        span.take(k, j + 1)
    return out


def _gazetteer(
    span: _Span, vocab: Vocabulary, cased: bool
) -> tuple[set[tuple[str, str]], set[str]]:
    places: set[tuple[str, str]] = set()
    localities: set[str] = set()
    names = vocab.gazetteer_names
    if names.regex is None:
        return places, localities
    for m in names.regex.finditer(span.text):
        k = span.at(m.start())
        end = span.at(m.end() - 1) + 1
        if k in span.consumed or (cased and not span.orig[k][:1].isupper()):
            continue
        if not names.accepts(span.orig[k:end], m.group(0)):
            continue
        kind, value = vocab.gazetteer[m.group(0)]
        if kind == "locality":
            localities.add(value)
        elif kind != "ignore":
            places.add((kind, value))
        span.take(k, end)
    return places, localities


def _stop_name(span: _Span, k: int, vocab: Vocabulary) -> bool:
    """True when a name cannot start at k ("ông Chủ tịch", "bà con")."""
    stop = vocab.name_stop
    return stop.accepts(span.orig[k : k + 1], span.low[k]) or (
        k + 1 < span.n and stop.accepts(span.orig[k : k + 2], " ".join(span.low[k : k + 2]))
    )


def _name_run(
    span: _Span, k: int, limit: int, cased: bool, vocab: Vocabulary,
    boundary: Lexicon | None = None,
) -> int:
    """End (exclusive) of a place or person name starting at k, k when there is none."""
    low, orig, n = span.low, span.orig, span.n
    stop = vocab.boundary if boundary is None else boundary
    j = k
    if cased:
        while j < n and j - k < limit and span.capitalised(j) and j not in span.consumed:
            j += 1
    else:
        while (
            j < n
            and j - k < limit
            and low[j].isalpha()
            and not stop.accepts(orig[j : j + 1], low[j])
            and j not in span.consumed
        ):
            j += 1
    if j > k and _stop_name(span, k, vocab):
        return k
    return j


def _not_a_place(span: _Span, k: int, vocab: Vocabulary) -> bool:
    """True when the place word at k names no place: "các thôn", "nhiều thôn vẽ sai" (the word
    before it), "hàng xóm hát karaoke" (the two words together)."""
    before = vocab.not_place_after
    return before.accepts(span.orig[k - 1 : k], span.low[k - 1]) or before.accepts(
        span.orig[k - 1 : k + 1], f"{span.low[k - 1]} {span.low[k]}"
    )


def _places(
    span: _Span, vocab: Vocabulary, cased: bool, first: bool
) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    regex, kinds = vocab.place_triggers[(first, cased)]
    if regex is None:
        return out
    for m in regex.finditer(span.text):
        phrase = m.group(0)
        for kind in kinds[phrase]:
            k = span.at(m.start())
            j = span.after(m.end() + 1)
            if k in span.consumed:
                continue
            if k > 0 and _not_a_place(span, k, vocab):
                continue
            if phrase in kind.trigger_forms and not kind.trigger_forms.accepts(
                span.orig[k:j], phrase
            ):
                continue  # "Ngô" is not "ngõ"
            skipped = 0
            while j < span.n and span.low[j] in kind.descriptors and skipped < 5:
                j += 1
                skipped += 1
            if j + 1 < span.n and span.low[j] == "so" and _is_number(span.low[j + 1]):
                j += 1
            if j >= span.n or j in span.consumed:
                span.unnamed.add(kind.kind)
                continue
            if _is_number(span.low[j]):
                out.add((kind.kind, span.low[j]))
                span.take(k, j + 1)
                continue
            if kind.numbered or (kind.caseless_numbered and not cased):
                continue
            limit = kind.max_words if cased else min(kind.max_words, 2)
            end = _name_run(span, j, limit, cased, vocab)
            if end == j:
                span.unnamed.add(kind.kind)
                continue
            if end < span.n and _is_number(span.low[end]):
                end += 1  # "Khu 7"
            elif (cased and end + 1 < span.n and span.low[end].isalpha()
                  and not vocab.boundary.accepts(span.orig[end : end + 1], span.low[end])
                  and _is_number(span.low[end + 1])):
                end += 2  # "Vành đai 4"
            out.add((kind.kind, " ".join(span.low[j:end])))
            span.take(k, end)
    return out


def _is_surname(span: _Span, k: int, vocab: Vocabulary) -> bool:
    return vocab.surnames.accepts(span.orig[k : k + 1], span.low[k])


def _persons(span: _Span, vocab: Vocabulary, cased: bool) -> set[str]:
    out: set[str] = set()
    low, n = span.low, span.n
    titles = vocab.titles if cased else vocab.caseless_titles
    if titles.regex is not None:
        for m in titles.regex.finditer(span.text):
            k = span.at(m.start())
            j = span.after(m.end() + 1)
            if k in span.consumed or j >= n or j in span.consumed:
                continue
            if not titles.accepts(span.orig[k:j], m.group(0), span.marked):
                continue  # "ống" is not "ông"; in a marked text "ba" is not "bà"
            if cased:
                end = _name_run(span, j, 4, True, vocab)
            elif _is_surname(span, j, vocab):
                end = _name_run(span, j + 1, 3, False, vocab, vocab.name_boundary)
                if (end == j + 2 and low[j + 1] in vocab.middle_names and end < n
                        and low[end].isalpha() and end not in span.consumed):
                    end += 1  # "nguyen van tu": the given name may look like a common word
                end = end if end > j + 1 else j
            elif k > 0 and (low[k - 1] in vocab.household_words or
                            " ".join(low[max(0, k - 2):k]) in vocab.household_words):
                end = _name_run(span, j, 1, False, vocab, vocab.name_boundary)
            else:
                end = j
            if end > j:
                out.add(" ".join(low[j:end]))
                span.take(k, end)
    if cased:
        # "hộ Nguyễn Văn An", "của Trần Thị Bình": a surname and at least two capitalised words.
        for k in range(n):
            if k in span.consumed or not span.capitalised(k) or not _is_surname(span, k, vocab):
                continue
            end = _name_run(span, k, 4, True, vocab)
            if end - k >= 2:
                out.add(" ".join(low[k:end]))
                span.take(k, end)
    return out


def _extract(span: _Span, vocab: Vocabulary, cased: bool) -> dict[str, set[object]]:
    """Specifics of one span, by kind; order matters: ids and dates first, names last."""
    found: dict[str, set[object]] = {}

    def put(kind: str, values: Iterable[object]) -> None:
        vals = set(values)
        if vals:
            found.setdefault(kind, set()).update(vals)

    put("document", _documents(span, vocab))
    put("dossier", _dossiers(span, vocab))
    put("parcel", _parcels(span))
    put("plot", _plots(span, vocab))
    put("date", _dates(span))
    put("amount", _amounts(span, vocab))
    places = _places(span, vocab, cased, True)
    named, localities = _gazetteer(span, vocab, cased)
    put("locality", localities)
    places |= named | _places(span, vocab, cased, False)
    for kind, name in places:
        put(kind, [name])
    put("person", _persons(span, vocab, cased))
    return found


def _only_lead_words(span: _Span, end: int, vocab: Vocabulary, cased: bool) -> bool:
    """True when tokens [0, end) are only who speaks: names, places, lead-in words."""
    head = _Span(span.orig[:end], span.low[:end], span.marked)
    _extract(head, vocab, cased)
    return all(
        k in head.consumed or not head.low[k].isalpha() or head.low[k] in vocab.lead_words
        for k in range(head.n)
    )


def _lead_in_end(span: _Span, config: DedupConfig, cased: bool) -> int:
    """Number of tokens of the lead-in ("Cử tri thôn X phản ánh:"), 0 when there is none."""
    vocab = config.vocabulary
    low = span.low
    limit = min(span.n, config.lead_in_max_tokens)
    for k in range(limit):
        if low[k] == ":":
            head = " ".join(low[:k])
            if (vocab.lead_verbs and vocab.lead_verbs.search(head)) or (
                vocab.lead_subjects and vocab.lead_subjects.match(head)
            ):
                return k + 1
            break
    if vocab.lead_subjects and vocab.lead_verbs and vocab.lead_subjects.match(span.text):
        limit = min(span.n, config.lead_in_max_tokens_no_colon)
        if limit:
            end = span.starts[limit - 1] + len(low[limit - 1])
            m = vocab.lead_verbs.search(span.text, 0, end)
            if m and _only_lead_words(span, span.at(m.start()), vocab, cased):
                k = span.after(m.end() + 1)
                while k < span.n and low[k] in (",", "-", ":"):
                    k += 1
                return k
    return 0


def content_tokens(folded_body: str, vocab: Vocabulary) -> list[str]:
    """Content words of a folded token string: synonyms unified, lead-in words and noise gone."""
    text = _LONG_DIGITS_RE.sub(" ", folded_body)  # phone and ID numbers name the speaker
    for regex, token in vocab.synonyms_raw:
        text = regex.sub(token, text)
    if vocab.synonyms_regex is not None:
        plain = vocab.synonyms_plain
        text = vocab.synonyms_regex.sub(lambda m: plain[m.group(0)], text)
    if vocab.drop_regex is not None:
        text = vocab.drop_regex.sub(" ", text)
    stop = vocab.stopwords
    return [t for t in text.split() if t.isalnum() and t not in stop]


def _facets(text: str, vocab: Vocabulary) -> tuple[tuple[str, frozenset[str]], ...]:
    out = []
    for facet in vocab.facets:
        values = facet.values_in(text)
        if values or facet.mode == "strict":
            out.append((facet.name, values))
    return tuple(out)


def analyse(item: DedupItem, config: DedupConfig) -> Analysis:
    vocab = config.vocabulary
    text = unicodedata.normalize("NFC", item.expanded or item.text)
    orig = TOKEN_RE.findall(text)
    low = TOKEN_RE.findall(fold(text))
    if len(low) != len(orig) or not all(low):  # folding moved a token boundary: word by word
        pairs = [(t, _fold_token(t)) for t in orig]
        orig = [t for t, f in pairs if f]
        low = [f for _, f in pairs if f]
    cased = _is_cased(orig)
    # As typed: the expansion of abbreviations adds words with diacritics to any text. Most
    # texts have nothing to expand, and their tokens are already at hand.
    typed = orig if item.expanded in ("", item.text) else TOKEN_RE.findall(item.text)
    marked = _is_marked(typed)
    whole = _Span(orig, low, marked)
    lead_end = _lead_in_end(whole, config, cased)
    if lead_end >= whole.n:
        lead_end = 0
    body = _Span(orig[lead_end:], low[lead_end:], marked) if lead_end else whole
    found = _extract(body, vocab, cased)

    lead_text = " ".join(low[:lead_end])
    lead = (_extract(_Span(orig[:lead_end], low[:lead_end], marked), vocab, cased)
            if lead_end else {})
    personal = bool(vocab.personal_markers and vocab.personal_markers.search(body.text))
    speaker = bool(vocab.personal_subjects and vocab.personal_subjects.match(lead_text)) or (
        vocab.named_speaker_is_subject and "person" in lead
    )
    if speaker and not (vocab.general_markers and vocab.general_markers.search(body.text)):
        # "Hộ ông A kiến nghị: …", "Bà Lê Thị Hoa, tổ 2: hồ sơ nộp ngày …" speak of their own
        # case unless the body says "các hộ"
        personal = True
    local = bool(vocab.local_markers and vocab.local_markers.search(body.text)) or bool(
        body.unnamed & vocab.unnamed_local
    )
    if lead_end and (personal or local):
        place_kinds = {p.kind for p in vocab.places} | {"locality"}
        for kind, values in lead.items():
            if personal or kind in place_kinds:
                found.setdefault(kind, set()).update(values)

    for village in found.get("village", ()):  # "thôn Mông Phụ" lies in Đường Lâm
        code = vocab.village_localities.get(str(village))
        if code:
            found.setdefault("locality", set()).add(code)

    place_kinds_all = {p.kind for p in vocab.places}
    strong = any(kind in vocab.strong_kinds for kind in found)
    placed = strong and "locality" in found and set(found) - {"locality"} <= vocab.placed_kinds
    spec = Specifics(
        persons=frozenset(str(v) for v in found.get("person", ())),
        parcels=frozenset(v for v in found.get("parcel", ()) if isinstance(v, tuple)),
        plots=frozenset(str(v) for v in found.get("plot", ())),
        dossiers=frozenset(str(v) for v in found.get("dossier", ())),
        places=frozenset(
            (kind, str(v)) for kind in place_kinds_all | {"village"} for v in found.get(kind, ())
        ),
        localities=frozenset(str(v) for v in found.get("locality", ())),
        dates=frozenset(v for v in found.get("date", ()) if isinstance(v, tuple)),
        documents=frozenset(str(v) for v in found.get("document", ())),
        amounts=frozenset(v for v in found.get("amount", ()) if isinstance(v, int)),
        personal=personal,
        strong=strong,
    )
    content = content_tokens(body.text, vocab)
    if not content and lead_end:
        content = content_tokens(whole.text, vocab)
    level = "named" if strong else ("personal" if personal else "general")
    kinds = spec.kinds()
    if level == "general" and vocab.case_kinds:
        kinds = {k: v for k, v in kinds.items() if k not in vocab.case_kinds}
    names = frozenset(
        str(v) for kind, values in found.items() if kind in vocab.strong_kinds
        for v in values if isinstance(v, str) and len(v) >= 3 and not v.isdigit()
    )
    forms = _accented_names(whole, names) if marked else {}
    return Analysis(
        specifics=spec,
        facets=_facets(body.text, vocab),
        content=tuple(content),
        level=level,
        lead_in=" ".join(orig[:lead_end]),
        kinds=kinds,
        words=f" {whole.text} ",
        names=names,
        placed=placed,
        spoken=f" {' '.join(t.lower() for t in orig)} " if marked else "",
        name_forms=frozenset(forms.values()),
        plain_names=frozenset(n for n in names if n not in forms),
    )


def _accented_names(span: _Span, names: frozenset[str]) -> dict[str, str]:
    """Each folded name's form as typed, lower-cased, where the text says it (found as
    `GroupState.said_in` finds names: a run of whole folded tokens)."""
    padded = f" {span.text} "
    out: dict[str, str] = {}
    for name in names:
        pos = padded.find(f" {name} ")
        if pos >= 0:  # the name starts at `pos` of the unpadded token string
            first = span.at(pos)
            out[name] = " ".join(t.lower() for t in span.orig[first : first + name.count(" ") + 1])
    return out


def specifics(item: DedupItem, config: DedupConfig | None = None) -> Specifics:
    """The specifics of one opinion (names, parcels, dossiers, places, dates...)."""
    return analyse(item, config or default_config()).specifics
