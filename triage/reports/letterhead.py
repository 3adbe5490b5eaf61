"""Who issues the documents and who receives them: the header block and "Nơi nhận".

These differ per place and per year (a town has a Thị ủy, a district a Huyện ủy; offices were
merged in 2025), so they are read from the jurisdiction's optional `reports.yaml`. Without that
file, neutral wording is built from the jurisdiction's `town` and `city` names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from triage.jurisdiction import Jurisdiction

__all__ = ["REPORTS_FILE", "Letterhead", "letterhead_for", "place_and_date"]

REPORTS_FILE = "reports.yaml"

# The unit word in front of a town's proper name ("Thị xã Sơn Tây" → "Sơn Tây").
_UNIT_PREFIX = re.compile(r"^(?:thị xã|thành phố|quận|huyện|thị trấn|xã|phường)\s+", re.I)


@dataclass(frozen=True)
class Letterhead:
    superior: str  # first line of the issuer block, upper case: "UBND THỊ XÃ SƠN TÂY"
    issuer: str  # second line, bold: "VĂN PHÒNG HĐND VÀ UBND"
    issuer_name: str  # the issuer inside a sentence: "Văn phòng HĐND và UBND thị xã Sơn Tây"
    town: str  # "thị xã Sơn Tây", inside a sentence
    place: str  # the place of the date line: "Sơn Tây"
    report_number: str  # "Số:      /BC-VP" (the number is written in by hand at issue)
    escalation_number: str
    signer_title: tuple[str, ...]  # "T/M ..." and the title, each on its own line
    signer_name: str
    recipients: tuple[str, ...]  # "Nơi nhận" of the consolidated report
    escalation_recipients: tuple[str, ...]  # "Nơi nhận" of the list sent up
    level_names: Mapping[str, str] = field(default_factory=dict)  # city → "Thành phố Hà Nội"

    def level_name(self, level: str | None) -> str:
        if level is None:
            return ""
        return self.level_names.get(level, level)


def _sentence_case(name: str) -> str:
    """"Thị xã Sơn Tây" → "thị xã Sơn Tây", for use inside a sentence."""
    match = _UNIT_PREFIX.match(name)
    if not match:
        return name
    return match.group(0).lower() + name[match.end():]


def _defaults(jurisdiction: Jurisdiction) -> dict[str, Any]:
    town = str(jurisdiction.raw.get("town") or jurisdiction.name)
    city = str(jurisdiction.raw.get("city") or "")
    town_in_sentence = _sentence_case(town)
    unit = _UNIT_PREFIX.match(town)
    town_unit = unit.group(0).strip().lower() if unit else town_in_sentence  # "thị xã"
    city_in_sentence = _sentence_case(city) if city else "cấp trên"
    return {
        "superior": f"UBND {town}".upper(),
        "issuer": "VĂN PHÒNG HĐND VÀ UBND",
        "issuer_name": f"Văn phòng HĐND và UBND {town_in_sentence}",
        "town": town_in_sentence,
        "place": _UNIT_PREFIX.sub("", town),
        "report_number": "Số:        /BC-VP",
        "escalation_number": "Số:        /BC-VP",
        "signer_title": ["CHÁNH VĂN PHÒNG"],
        "signer_name": "",
        "recipients": [
            "Thường trực cấp ủy (để báo cáo);",
            f"Thường trực HĐND, UBND {town_unit};",
            f"Ủy ban MTTQ {town_unit};",
            f"Các phòng, ban, ngành {town_unit};",
            "UBND các xã, phường;",
            "Lưu: VT, VP.",
        ],
        "escalation_recipients": [
            f"UBND {city_in_sentence} (để báo cáo);" if city else "Cấp có thẩm quyền;",
            "Thường trực cấp ủy;",
            f"Thường trực HĐND, UBND {town_unit};",
            f"Ủy ban MTTQ {town_unit};",
            "Lưu: VT, VP.",
        ],
        "level_names": {"city": city or "Cấp tỉnh, thành phố", "central": "Trung ương"},
    }


def letterhead_for(jurisdiction: Jurisdiction) -> Letterhead:
    """The jurisdiction's letterhead: `reports.yaml` where present, neutral defaults elsewhere."""
    values = _defaults(jurisdiction)
    if jurisdiction.file(REPORTS_FILE).exists():
        data = jurisdiction.load_yaml(REPORTS_FILE) or {}
        given = data.get("letterhead", data)
        if not isinstance(given, Mapping):
            raise ValueError(f"{jurisdiction.file(REPORTS_FILE)}: letterhead must be a mapping")
        unknown = set(given) - set(values)
        if unknown:
            raise ValueError(
                f"{jurisdiction.file(REPORTS_FILE)}: unknown letterhead keys {sorted(unknown)}"
            )
        for key, value in given.items():
            if key == "level_names":
                values[key] = {**values[key], **dict(value)}
            else:
                values[key] = value
    return Letterhead(
        superior=str(values["superior"]),
        issuer=str(values["issuer"]),
        issuer_name=str(values["issuer_name"]),
        town=str(values["town"]),
        place=str(values["place"]),
        report_number=str(values["report_number"]),
        escalation_number=str(values["escalation_number"]),
        signer_title=tuple(str(s) for s in values["signer_title"]),
        signer_name=str(values["signer_name"] or ""),
        recipients=tuple(str(s) for s in values["recipients"]),
        escalation_recipients=tuple(str(s) for s in values["escalation_recipients"]),
        level_names=dict(values["level_names"]),
    )


def place_and_date(place: str, day: date) -> str:
    """"Sơn Tây, ngày 05 tháng 9 năm 2023": days below 10 and months 1–2 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
