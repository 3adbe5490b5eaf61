"""Turns the bytes of a batch into text, or refuses them with the byte offset at fault.

UTF-8 (with or without BOM) and UTF-16 with a BOM (Excel's "Unicode text") are read as they
are. Old Vietnamese files are tried only when the result is clearly Vietnamese: Windows-1258
text, and TCVN3/VNI bytes read as Windows-1252, which `triage.text` then repairs. Anything
else is refused rather than guessed, because a wrong guess silently garbles every opinion.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from triage.intake.errors import IntakeError
from triage.intake.repair import detect_legacy

__all__ = ["check_text_content", "decode_bytes", "line_of"]

# Letters and combining tone marks that Vietnamese written in Windows-1258 is made of.
_VI_1258 = set("ăâêôơưđĂÂÊÔƠƯĐàáèéìíòóùúýÀÁÈÉÌÍÒÓÙÚÝãõÃÕ") | {
    "\u0300",
    "\u0301",
    "\u0303",
    "\u0309",
    "\u0323",
}
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# C0 controls only: C1 ones (U+0080-U+009F) are what UTF-8 read as Latin-1 is made of, and
# `triage.text` repairs that.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _binary_error(offset: int, what: str) -> IntakeError:
    return IntakeError(
        f"Dữ liệu không phải văn bản: gặp {what} ở byte {offset}. "
        "Hãy dán nội dung văn bản hoặc tải lên tệp .txt, .csv, .xlsx, .docx.",
        f"byte {offset}",
    )


def _looks_like_utf16(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _is_vietnamese_1258(text: str) -> bool:
    non_ascii = [c for c in text[:200_000] if ord(c) > 127]
    if not non_ascii:
        return False
    vi = sum(1 for c in non_ascii if c in _VI_1258)
    tones = sum(1 for c in non_ascii if c in _TONE_MARKS)
    return tones >= 1 and vi / len(non_ascii) >= 0.9


def _cp1252_table() -> dict[int, str]:
    table = {}
    for b in range(128, 256):
        # The five bytes Windows-1252 leaves undefined stay Latin-1, as Windows reads them.
        table[b] = bytes([b]).decode("cp1252", errors="ignore") or chr(b)
    return table


_CP1252 = _cp1252_table()


def _decode_cp1252_lenient(data: bytes) -> str:
    return data.decode("latin-1").translate(_CP1252)


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Text of `data` and the 8-bit code page it was read with (None for Unicode)."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8", len(codecs.BOM_UTF8)), None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", 0), None
    nul = data.find(b"\x00")
    if nul >= 0:
        guess = _looks_like_utf16(data)
        if guess is None:
            raise _binary_error(nul, "ký tự NUL")
        return _strict(data, guess, 0), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        bad = exc.start
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        text = ""
    if text and _is_vietnamese_1258(text):
        return unicodedata.normalize("NFC", text), "cp1258"
    text = _decode_cp1252_lenient(data)
    if detect_legacy(text):
        return text, "cp1252"
    line = data.count(b"\n", 0, bad) + 1
    raise IntakeError(
        f"Không đọc được mã ký tự: byte {bad} (dòng {line}) "
        "không phải UTF-8 và văn bản không giống tiếng Việt mã cũ (TCVN3, VNI, Windows-1258). "
        "Hãy lưu lại tệp dạng UTF-8 rồi thử lại.",
        f"byte {bad}",
    )


def _strict(data: bytes, encoding: str, shift: int) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        offset = exc.start + shift
        raise IntakeError(
            f"Không đọc được mã ký tự {encoding.upper()}: byte {offset} bị hỏng. "
            "Hãy lưu lại tệp dạng UTF-8 rồi thử lại.",
            f"byte {offset}",
        ) from None


def check_text_content(text: str) -> None:
    """Refuses text that is mostly control characters: a binary file read as text."""
    nul = text.find("\x00")
    if nul >= 0:
        line = line_of(text, nul)
        raise IntakeError(
            f"Dữ liệu không phải văn bản: gặp ký tự NUL ở dòng {line}. "
            "Hãy dán nội dung văn bản hoặc tải lên tệp .txt, .csv, .xlsx, .docx.",
            f"dòng {line}",
        )
    sample = text[:200_000]
    controls = _CONTROL_RE.findall(sample)
    if len(controls) > max(8, len(sample) // 100):
        first = _CONTROL_RE.search(sample)
        line = line_of(text, first.start() if first else 0)
        raise IntakeError(
            f"Dữ liệu không phải văn bản: có {len(controls)} ký tự điều khiển, "
            f"ký tự đầu tiên ở dòng {line}. Hãy dán nội dung văn bản hoặc tải lên tệp "
            ".txt, .csv, .xlsx, .docx.",
            f"dòng {line}",
        )
