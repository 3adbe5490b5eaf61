"""List markers at the start of a line: "1.", "2)", "a)", "II.", "1.2.", "-", "•".

Compiled documents number their opinions and head their sections with roman numerals; the
intake splitter needs the marker apart from the text, without mistaking amounts ("12.500.000
đồng", "1.5 ha") or phone numbers ("+84...") for markers.
"""

from __future__ import annotations

import re

__all__ = ["clean_list_marker"]

_ROMAN = r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})"
_BULLETS = "-+*•·●○◦▪▫■□►▸▹➢➤➔→❖◆◇✓✔✗–—\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0e0"
_UPPER_START = r"[A-ZĐÀ-ÝĂÂÊÔƠƯẠ-Ỹ]"

_MARKER_RE = re.compile(
    rf"""
    ^[ \t]*
    (?P<marker>
        \((?:\d{{1,3}}|[a-zđA-ZĐ]|{_ROMAN})\)             # (1) (a) (IV)
      | {_ROMAN}[.)](?=\s|$)                            # I.  II)  IV.
      | \d{{1,3}}(?:\.\d{{1,2}})+\.?(?=\s+{_UPPER_START})  # 1.2 Tiếp tục / 1.2. ...
      | \d{{1,3}}(?:\.\d{{1,2}})*[.)](?=\s|$)             # 1.  2)  1.2.  1.2.3)
      | \d{{1,3}}[.)](?=[^\W\d_])                       # 1.Ông A (no space typed)
      | \d{{1,3}}\s?-(?=\s)                             # 1- Ông A
      | [a-zđ][.)](?=\s|$)                              # a)  b.  đ)
      | [a-zđ]\)(?=[^\W\d_])                            # a)Ông
      | [A-ZĐ][.)](?=\s|$)                              # A.  B)
      | [{_BULLETS}](?=\s|$)                            # - item, • item
      | [-+*•●▪►➢](?=[^\W\d_])                          # -Ông A (but not -5, +84)
    )
    [ \t]*
    """,
    re.VERBOSE,
)


def clean_list_marker(line: str) -> tuple[str | None, str]:
    """(marker, rest of the line) or (None, the line), both without surrounding spaces."""
    match = _MARKER_RE.match(line)
    if match is None:
        return None, line.strip()
    return match.group("marker").strip(), line[match.end() :].strip()
