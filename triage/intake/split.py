"""Splits raw text into opinions: compiled documents and piles of posts.

A compiled document is read line by line with a small outline model: headings (per ward or
commune, per mass organisation, per topic) open sections; numbered or bulleted lines open
items; unmarked lines continue the item above unless the previous line closed a sentence;
lead-ins ("Cử tri thôn Mông Phụ phản ánh:") name the submitter of the item, or of the list
under them. Top matter, recipients and signatures are kept aside as `SkippedPart`s.

Every step looks at one line and a few flags, so a document of any length is read in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from triage.intake.folding import collapse, fold_same_length, upper_ratio
from triage.intake.locality import find_locality, locality_heading
from triage.intake.models import Draft, Line, SkippedPart
from triage.intake.vocabulary import (
    CLOSING_PATTERNS,
    LEADIN_FILLER,
    LEADIN_HEADS,
    LEADIN_VERBS,
    ORG_HEADING_PATTERN,
    PERSON_HEADS,
    PREAMBLE_PATTERNS,
    RECIPIENTS_PATTERN,
    SEPARATOR_PATTERN,
    SIGNATURE_PATTERNS,
    TITLE_PATTERNS,
    TITLE_UPPER_PATTERNS,
    TOPIC_HEADING_PATTERN,
)
from triage.text import clean_list_marker

if TYPE_CHECKING:
    from triage.jurisdiction import Jurisdiction

__all__ = ["DocumentSplitter", "Marker", "looks_like_document", "parse_marker", "split_posts"]

# Reasons shown to staff for what was left out.
R_TITLE = "tiêu đề"
R_RECIPIENTS = "nơi nhận"
R_SIGNATURE = "chữ ký"
R_HEADING = "đề mục"
R_LEADIN = "lời dẫn"
R_PREAMBLE = "phần mở đầu"
R_CLOSING = "phần kết"
R_RULE = "dòng kẻ"
R_EMPTY = "không có nội dung"


def _any(patterns: tuple[str, ...] | str) -> re.Pattern[str]:
    if isinstance(patterns, str):
        patterns = (patterns,)
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_TITLE = _any(TITLE_PATTERNS)
_TITLE_UPPER = _any(TITLE_UPPER_PATTERNS)
_SEPARATOR = re.compile(SEPARATOR_PATTERN)
_RECIPIENTS = re.compile(RECIPIENTS_PATTERN)
_SIGNATURE = _any(SIGNATURE_PATTERNS)
_CLOSING = _any(CLOSING_PATTERNS)
_PREAMBLE = _any(PREAMBLE_PATTERNS)
_ORG = re.compile(ORG_HEADING_PATTERN)
_TOPIC = re.compile(TOPIC_HEADING_PATTERN)
_VERB_WORD = re.compile(rf"\b(?:{LEADIN_VERBS})\b")
# The same without "hỏi", which folds like "Hội" (an association) in subjects and headings.
_VERB_NOT_HOI = re.compile(rf"\b(?!hoi\b)(?:{LEADIN_VERBS})\b")
_LEADIN = re.compile(
    rf"^(?P<subject>(?:{LEADIN_HEADS})\b.{{0,90}}?)\s*,?\s+(?P<verb>{LEADIN_VERBS})\b"
    rf"{LEADIN_FILLER}\s*(?:[-–]\s*)?:\s*"
)
# A speaker named tightly, for the forms without "verb:" ("Bà B (tổ 3): hỏi ...",
# "Cử tri thôn X phản ánh việc ..."): a person with a name, or citizens of a place, and an
# optional address ("ở thôn X", ", TDP số 3", "(tổ 5)").
_ADDRESS = (
    r"(?:\s*\([^()]{0,40}\))?"
    r"(?:\s*[,-]?\s*(?:o\s+|tai\s+)?(?:thon|to|tdp|to dan pho|so nha|xom|khu|phuong|xa|p\.|x\."
    r"|duong|pho|ngo)\b[^,:;()]{0,40}?)?"
    r"(?:\s*\([^()]{0,40}\))?"
)
_WORD = r"[^\s,:;()]+"
_PERSON = (
    rf"(?:(?:ho|gia dinh)\s+)?(?:{'|'.join(PERSON_HEADS)})\s+"
    rf"(?P<name>{_WORD}(?:\s+{_WORD}){{0,4}}?)"
)
_COLLECTIVE = (
    r"(?:mot so |nhieu |cac |da so )?(?:cu tri|nhan dan|nguoi dan|ba con|ho dan|hoi vien"
    r"|doan vien|cuu chien binh)"
)
_SPEAKER = rf"(?P<subject>(?:{_PERSON}|{_COLLECTIVE}){_ADDRESS})"
_SPEAKER_COLON = re.compile(rf"^{_SPEAKER}\s*:\s*")
_SPEAKER_VERB = re.compile(rf"^{_SPEAKER}\s*,?\s+(?P<verb>{LEADIN_VERBS})(?=[\s,])")
_OPINION_START = re.compile(rf"(?:{LEADIN_VERBS}|xin|toi|chung toi|gia dinh|ho )\b")
_AS_FOLLOWS = re.compile(r"\bnhu sau\s*:\s*$")

# "Câu 3:", "Ý kiến 2:": numbered items that `clean_list_marker` leaves to us.
_LABEL = re.compile(r"^(?:[Cc]âu|[Ýý]\s*kiến|[Kk]iến\s*nghị)(?:\s*số)?\s*\d{1,3}\s*[:.)]\s*")
_ROMAN = re.compile(r"^(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})$")


@dataclass(frozen=True)
class Marker:
    style: str  # which family of markers, so that siblings can be told from children
    text: str  # the marker as written
    rest: str  # the line after the marker


def _marker_style(marker: str) -> str:
    if marker.startswith("("):
        inner = marker.strip("()")
        return "(num)" if inner.isdigit() else "(roman)" if _ROMAN.match(inner) else "(alpha)"
    body, sep = (marker[:-1], marker[-1]) if marker[-1] in ".)-" else (marker, "")
    body = body.strip()
    if _ROMAN.match(body):
        return f"roman{sep}"
    if body[:1].isdigit():
        return f"num{body.count('.')}{sep}"
    if len(body) == 1 and body.isalpha():
        return f"{'ALPHA' if body.isupper() else 'alpha'}{sep}"
    return f"bullet{marker[0]}"


def parse_marker(line: str) -> Marker | None:
    """The list marker opening `line` ("1.", "a)", "II.", "-", "Câu 3:"), if any."""
    marker, rest = clean_list_marker(line)
    if marker is None:
        label = _LABEL.match(line.strip())
        if label is None:
            return None
        return Marker("label", label.group().strip(), line.strip()[label.end() :].strip())
    if not rest and not marker[:1].isalnum():
        return None  # a lone "-" is a rule, not an empty item
    return Marker(_marker_style(marker), marker, rest)


@dataclass
class _Heading:
    style: str
    text: str
    locality: str | None
    unit: bool  # a ward, commune or mass organisation: a new unit replaces the previous one


@dataclass
class _Pending:
    submitter: str
    style: str | None
    raw: str
    child_style: str | None = None


@dataclass
class _Item:
    first: int
    style: str | None
    raw: list[str]
    parts: list[str]
    submitter: str | None = None
    lead_raw: str | None = None
    absorbing: bool = False  # an item ending with ":" takes the sub-list under it
    last_text: str = ""


@dataclass
class Leadin:
    subject: str  # as written, e.g. "Ông Nguyễn Văn A (tổ 5)"
    end: int  # offset in the item text where the opinion itself starts (0: keep all)


@lru_cache(maxsize=4096)
def find_leadin(text: str) -> Leadin | None:
    """The speaker at the start of an item.

    "Bà B, TDP số 3 đề nghị: ..." and "Bà B (tổ 3): hỏi ..." give the speaker and the
    opinion after the colon; "Cử tri thôn X phản ánh việc ..." gives the speaker and keeps
    the whole sentence, since without a colon the verb belongs to the opinion.
    """
    folded = fold_same_length(text)
    m = _LEADIN.match(folded)
    if m and not _VERB_NOT_HOI.search(folded, m.start("subject") + 1, m.end("subject")):
        return Leadin(_clean_subject(text[: m.end("subject")]), m.end())
    m = _SPEAKER_COLON.match(folded)
    if m and _named(text, m):
        return Leadin(_clean_subject(text[: m.end("subject")]), m.end())
    m = _SPEAKER_VERB.match(folded)
    if m and _named(text, m) and text[m.start("verb") : m.end("verb")].lower() != "hội":
        return Leadin(_clean_subject(text[: m.end("subject")]), 0)
    return None


def _named(text: str, m: re.Match[str]) -> bool:
    """A person is a speaker only with a capitalised name ("Ông bà chúng tôi" names nobody)."""
    if m.group("name") is None:
        return True
    words = text[m.start("name") : m.end("name")].split()
    return all(w[:1].isupper() for w in words) and not _VERB_NOT_HOI.search(
        m.string, m.start("subject") + 1, m.end("subject")
    )


def _clean_subject(subject: str) -> str:
    return collapse(subject).strip(" ,;-–")


def _is_upper_heading(text: str) -> bool:
    if text.count(" ") > 40 or len(text.split()) > 25:
        return False
    letters, ratio = upper_ratio(text)
    return letters >= 3 and ratio >= 0.8


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 5 and all(w[0].isupper() and w.isalpha() for w in words)


class DocumentSplitter:
    """Feeds on lines of a compiled document and collects drafts and skipped parts."""

    def __init__(self, jurisdiction: Jurisdiction, *, paragraphs: bool = False) -> None:
        self.jurisdiction = jurisdiction
        self.paragraphs = paragraphs  # lines are Word paragraphs: never hard-wrapped
        self.drafts: list[Draft] = []
        self.skipped: list[SkippedPart] = []
        self._stack: list[_Heading] = []
        self._pending: _Pending | None = None
        self._last_item: tuple[str, int | None] | None = None  # style and number of the last item
        self._item: _Item | None = None
        self._closing = False
        self._seen_content = False  # a heading, lead-in or item was read
        self._seen_items = False  # an item was read: upper-case lines are headings now
        self._blank_before = True
        self._after_title = False

    # --- state that table rows in a .docx inherit ---------------------------------------

    def section(self) -> tuple[str | None, str | None]:
        text = self._stack[-1].text if self._stack else None
        locality = next((h.locality for h in reversed(self._stack) if h.locality), None)
        return text, locality

    # --- feeding --------------------------------------------------------------------------

    def feed(self, line: Line) -> None:
        text = line.text.strip()
        if not text:
            self.flush()
            self._blank_before = True
            return
        self._line(line, text)
        self._blank_before = False

    def feed_all(self, lines: list[Line]) -> None:
        for line in lines:
            self.feed(line)
        self.flush()

    def _skip(self, line: Line, text: str, reason: str) -> None:
        self.flush()
        self.skipped.append(SkippedPart(collapse(text), line.number, reason))

    def _line(self, line: Line, text: str) -> None:
        marker = parse_marker(text)
        rest = marker.rest if marker else text
        folded = fold_same_length(text)
        folded_rest = (
            folded[len(text) - len(rest) :] if text.endswith(rest) else (fold_same_length(rest))
        )
        cells = [c.strip() for c in text.split("\t") if c.strip()] if "\t" in text else [text]

        if _SEPARATOR.match(text):
            self._skip(line, text, R_RULE)
            return
        if self._closing_line(line, text, marker, rest, folded):
            return
        if not marker and self._top_matter(line, text, cells, folded):
            return
        heading = self._heading(marker, text, rest, folded_rest)
        if heading is not None:
            self.flush()
            self._push(heading)
            self._pending = None
            self._seen_content = True
            self.skipped.append(SkippedPart(collapse(text), line.number, R_HEADING))
            return
        lead = find_leadin(rest)
        if lead and lead.end and not rest[lead.end :].strip():
            self.flush()
            self._pending = _Pending(lead.subject, marker.style if marker else None, line.raw)
            self._seen_content = True
            self.skipped.append(SkippedPart(collapse(text), line.number, R_LEADIN))
            return
        if not marker and not lead and not self._item_continues(text, lead):
            if not self._seen_content and _PREAMBLE.search(folded):
                self._skip(line, text, R_PREAMBLE)
                return
            if self._seen_content and folded.endswith(":") and _AS_FOLLOWS.search(folded):
                self._skip(line, text, R_LEADIN)
                return
        self._seen_content = self._seen_items = True
        if marker:
            self._last_item = (marker.style, _marker_number(marker))
            self._marked(line, marker)
        else:
            self._unmarked(line, text, lead)

    # --- top and bottom of a document -------------------------------------------------------

    def _closing_line(
        self, line: Line, text: str, marker: Marker | None, rest: str, folded: str
    ) -> bool:
        first_cell = folded.split("\t", 1)[0].strip()
        if _RECIPIENTS.match(first_cell):
            self._skip(line, text, R_RECIPIENTS)
            self._closing = True
            return True
        if _SIGNATURE.match(first_cell) and len(text) <= 120:
            self._skip(line, text, R_SIGNATURE)
            self._closing = True
            return True
        if not marker and _CLOSING.match(folded):
            self._skip(line, text, R_CLOSING)
            self._closing = True
            return True
        if not self._closing:
            if not marker and _looks_like_name(text) and self._after_signature():
                self._skip(line, text, R_SIGNATURE)
                return True
            return False
        # In the end block: short lines are recipients or the signer, until real content.
        folded_rest = fold_same_length(rest)
        new_unit = locality_heading(rest, self.jurisdiction) or (
            _ORG.match(folded_rest) and not _looks_like_name(rest)
        )
        if len(rest) <= 100 and not _TITLE.match(folded) and not new_unit:
            if marker and marker.style.startswith("bullet"):
                self._skip(line, text, R_RECIPIENTS)
            elif not marker and (_looks_like_name(text) or len(text) <= 60):
                self._skip(line, text, R_SIGNATURE)
            else:
                self._closing = False
                return False
            return True
        self._closing = False
        return False

    def _after_signature(self) -> bool:
        return bool(self.skipped) and self.skipped[-1].reason == R_SIGNATURE

    def _top_matter(self, line: Line, text: str, cells: list[str], folded: str) -> bool:
        if self._top_matter_line(line, text, cells, folded):
            self._after_title = True
            self._place_from_title(cells)
            return True
        self._after_title = False
        return False

    def _place_from_title(self, cells: list[str]) -> None:
        """A title that names a ward or commune ("MTTQ PHƯỜNG SƠN LỘC") places the document."""
        if any(h.unit for h in self._stack):
            return
        for cell in cells:
            for part in cell.split("\t"):
                code = find_locality(part, self.jurisdiction)
                if code:
                    self._push(_Heading("plain-unit", _heading_text(part), code, unit=True))
                    return

    def _top_matter_line(self, line: Line, text: str, cells: list[str], folded: str) -> bool:
        folded_cells = (
            [c.strip() for c in folded.split("\t") if c.strip()] if "\t" in text else [folded]
        )
        if any(_TITLE.match(c) for c in folded_cells):
            if self._seen_items:
                # A new document begins (several compiled reports pasted one after another).
                self.flush()
                self._stack.clear()
                self._pending = None
                self._seen_content = self._seen_items = False
                self._closing = False
            self._skip(line, text, R_TITLE)
            return True
        if self._seen_items:
            return False
        if locality_heading(text, self.jurisdiction):
            return False
        if any(_TITLE_UPPER.match(c) for c in folded_cells):
            self._skip(line, text, R_TITLE)
            return True
        if _is_upper_heading(text) and not _ORG.match(folded_cells[0]):
            self._skip(line, text, R_TITLE)
            return True
        if text.startswith("(") and text.endswith(")"):
            self._skip(line, text, R_TITLE)
            return True
        if self._after_title and not self._blank_before and _continues_title(text, folded):
            self._skip(line, text, R_TITLE)  # the second line of a title ("về công tác ...")
            return True
        return False

    # --- headings ------------------------------------------------------------------------------

    def _heading(
        self, marker: Marker | None, text: str, rest: str, folded_rest: str
    ) -> _Heading | None:
        j = self.jurisdiction
        words = len(rest.split())
        plain = "plain-upper" if _is_upper_heading(rest) else "plain"
        style = marker.style if marker else plain
        # "X. Kim Sơn", "P. Lê Lợi": the letter is the kind of locality, not a list marker.
        if marker and marker.text[:1] in {"X", "P"}:
            code = locality_heading(text, j)
            if code:
                return _Heading("plain-unit", _heading_text(text), code, unit=True)
        code = locality_heading(rest, j)
        if code:
            return _Heading(style if marker else "plain-unit", _heading_text(rest), code, True)
        if find_leadin(rest):
            return None
        if marker and self._continues_numbering(marker):
            return None  # "803." after item 802 is the next item, even in capitals
        ends_colon = rest.rstrip().endswith(":")

        # A numbered opinion typed in capitals reads as a sentence: long, or punctuated.
        shouted = marker is not None and (words > 12 or _ends_sentence(rest))
        if _is_upper_heading(rest) and not shouted:
            code = find_locality(rest, j)
            unit = bool(code) or bool(_ORG.match(folded_rest))
            return _Heading(
                style if marker else plain + ("-unit" if unit else ""),
                _heading_text(rest),
                code,
                unit,
            )
        if (
            _ORG.match(folded_rest)
            and words <= 10
            and not _ends_sentence(rest)
            and not _VERB_NOT_HOI.search(folded_rest)
        ):
            code = find_locality(rest, j)
            return _Heading(style if marker else "plain-unit", _heading_text(rest), code, True)
        topic = False
        if ends_colon and words <= 12:
            topic = not _looks_like_sentence_intro(folded_rest)
        elif _TOPIC.match(folded_rest) and words <= 10 and not _ends_sentence(rest):
            topic = True
        elif marker and marker.style.startswith(("roman", "ALPHA")) and words <= 12:
            topic = not _ends_sentence(rest)
        if not topic:
            return None
        code = find_locality(rest, j)
        return _Heading(style if marker else "plain-topic", _heading_text(rest), code, bool(code))

    def _continues_numbering(self, marker: Marker) -> bool:
        number = _marker_number(marker)
        if number is None or self._last_item is None:
            return False
        style, last = self._last_item
        return style == marker.style and last is not None and number == last + 1

    def _push(self, heading: _Heading) -> None:
        stack = self._stack
        if heading.unit:
            units = [i for i, h in enumerate(stack) if h.unit]
            if units:
                del stack[units[0] :]
        styles = [h.style for h in stack]
        if heading.style in styles:
            del stack[styles.index(heading.style) :]
        stack.append(heading)

    # --- items -----------------------------------------------------------------------------

    def _marked(self, line: Line, marker: Marker) -> None:
        item = self._item
        if (
            item is not None
            and item.absorbing
            and marker.style != item.style
            and marker.style not in {h.style for h in self._stack}
        ):
            self._append(item, line, line.text.strip())
            return
        self.flush()
        pending = self._pending
        if pending is not None:
            # A lead-in speaks for the one list under it: a sibling of the lead-in itself or
            # a list of another style ends it.
            if pending.style == marker.style or (
                pending.child_style is not None and pending.child_style != marker.style
            ):
                self._pending = pending = None
            else:
                pending.child_style = marker.style
        self._start(line, marker.style, marker.rest, pending)

    def _unmarked(self, line: Line, text: str, lead: Leadin | None) -> None:
        item = self._item
        if item is not None and not self._blank_before and self._item_continues(text, lead):
            self._append(item, line, text)
            return
        self.flush()
        if lead is not None:
            self._pending = None  # a paragraph naming its own speaker ends the list above
        self._start(line, None, text, self._pending)

    def _item_continues(self, text: str, lead: Leadin | None) -> bool:
        item = self._item
        if item is None or self._blank_before or lead is not None:
            return False
        if item.style is not None:
            return True
        if self.paragraphs:
            return False
        closed = item.last_text.rstrip("'\")]").endswith((".", "!", "?", ";", "…", ":"))
        return not (closed and (text[0].isupper() or text[0].isdigit()))

    def _start(self, line: Line, style: str | None, text: str, pending: _Pending | None) -> None:
        self._item = _Item(
            first=line.number,
            style=style,
            raw=[line.raw.strip()],
            parts=[text],
            submitter=pending.submitter if pending else None,
            lead_raw=pending.raw.strip() if pending else None,
            absorbing=text.rstrip().endswith(":") and find_leadin(text) is None,
            last_text=text,
        )

    @staticmethod
    def _append(item: _Item, line: Line, text: str) -> None:
        item.raw.append(line.raw.strip())
        item.parts.append(text)
        item.last_text = text

    def flush(self) -> None:
        item, self._item = self._item, None
        if item is None:
            return
        text = collapse(" ".join(item.parts))
        if text.endswith("./."):
            text = text[:-3].rstrip()
        submitter, speaker = item.submitter, item.submitter or ""
        lead = find_leadin(text)
        if lead is not None:
            submitter = lead.subject
            speaker = text[: lead.end] if lead.end else lead.subject
            text = text[lead.end :].strip()
        raw = "\n".join(([item.lead_raw] if item.lead_raw else []) + item.raw)
        if not any(c.isalnum() for c in text):
            self.skipped.append(SkippedPart(collapse(" ".join(item.parts)), item.first, R_EMPTY))
            return
        section, section_locality = self.section()
        draft = Draft(
            original=raw,
            text=text,
            line=item.first,
            submitter=submitter,
            speaker=speaker,
            section=section,
            section_locality=section_locality,
        )
        self.drafts.append(draft)


def _continues_title(text: str, folded: str) -> bool:
    """A short unfinished line right under a title, not an opinion ("Đề nghị ...")."""
    if find_leadin(text) or _ends_sentence(text) or len(text.split()) > 20:
        return False
    return not _OPINION_START.match(folded)


def _heading_text(text: str) -> str:
    return collapse(text).rstrip(" :.-–")


def _marker_number(marker: Marker) -> int | None:
    match = re.fullmatch(r"\(?(\d+)[.)\-]?", marker.text.strip())
    return int(match.group(1)) if match else None


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", ";", "!", "?", "./."))


def _looks_like_sentence_intro(folded: str) -> bool:
    """A colon line that opens an item's own list ("Đề nghị thị xã giải quyết các việc sau:")."""
    return bool(re.search(r"\b(sau|sau day|cu the)\s*:\s*$", folded)) and bool(
        _VERB_WORD.search(folded)
    )


def looks_like_document(lines: list[Line], jurisdiction: Jurisdiction) -> bool:
    """True for compiled documents (headings, numbered items), False for a pile of posts."""
    markers = 0
    upper = 0
    seen = 0
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        seen += 1
        if seen > 3000:
            break
        folded = fold_same_length(text)
        if (
            _TITLE.match(folded)
            or _RECIPIENTS.match(folded)
            or locality_heading(text, jurisdiction)
        ):
            return True
        marker = parse_marker(text)
        if marker is not None:
            if marker.style.startswith(("roman", "ALPHA")):
                return True
            markers += 1
        elif _is_upper_heading(text) and 2 <= len(text.split()) <= 12:
            upper += 1
        # Posts shouted in capitals are not headings: an upper-case line needs a list with it.
        if markers >= 2 or (markers and upper):
            return True
    return False


def split_posts(lines: list[Line]) -> tuple[list[Draft], list[SkippedPart]]:
    """One opinion per paragraph; lines of a paragraph are one post however they wrap."""
    drafts: list[Draft] = []
    skipped: list[SkippedPart] = []
    block: list[Line] = []

    def close() -> None:
        if not block:
            return
        text = collapse(" ".join(line.text for line in block))
        first = block[0].number
        if _SEPARATOR.match(text):
            skipped.append(SkippedPart(text, first, R_RULE))
        elif not any(c.isalnum() for c in text):
            skipped.append(SkippedPart(text, first, R_EMPTY))
        else:
            original = "\n".join(line.raw.strip() for line in block)
            drafts.append(Draft(original=original, text=text, line=first))
        block.clear()

    for line in lines:
        if line.text.strip():
            block.append(line)
        else:
            close()
    close()
    return drafts, skipped
