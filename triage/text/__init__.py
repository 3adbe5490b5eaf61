"""Text repair and normalisation: legacy encodings, mojibake, Unicode form, tone marks,
look-alikes, spacing, abbreviations and the accent-folded form used for matching.

Everything downstream reads text through `Normaliser`, so there is one definition of what
"the same text" means.
"""

from __future__ import annotations

from triage.text.abbreviations import Abbreviations, expand_abbreviations
from triage.text.legacy import decode_legacy, detect_legacy_encoding, encode_legacy
from triage.text.markers import clean_list_marker
from triage.text.normalise import NormalisedText, Normaliser
from triage.text.repair import Repaired, repair_text, repair_with_report
from triage.text.vietnamese import fold, strip_diacritics

__all__ = [
    "Abbreviations",
    "NormalisedText",
    "Normaliser",
    "Repaired",
    "clean_list_marker",
    "decode_legacy",
    "detect_legacy_encoding",
    "encode_legacy",
    "expand_abbreviations",
    "fold",
    "repair_text",
    "repair_with_report",
    "strip_diacritics",
]
