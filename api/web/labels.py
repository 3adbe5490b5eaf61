"""What staff read instead of codes: names of categories, departments, localities, levels.

Everything comes from the jurisdiction's data files; the few words here are the fixed
vocabulary of the pages themselves (status words, administrative unit kinds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from triage.jurisdiction import Jurisdiction

KIND_LABELS = {"phuong": "Phường", "xa": "Xã", "thi_tran": "Thị trấn"}
ROLE_LABELS = {"intake": "Tiếp nhận", "reviewer": "Rà soát", "admin": "Quản trị",
               "system": "Hệ thống"}
STATUS_LABELS = {"promoted": "Đang dùng", "candidate": "Ứng viên", "retired": "Đã thay",
                 "refused": "Bị từ chối"}
JOB_LABELS = {"queued": "Đang chờ", "running": "Đang chạy", "succeeded": "Xong",
              "failed": "Thất bại", "done": "Xong"}
FIELD_LABELS = {"decision": "Quyết định của mô hình", "category": "Nhóm", "department": "Cơ quan",
                "escalation": "Chuyển cấp trên", "locality": "Địa bàn", "status": "Trạng thái",
                "review": "Xác nhận", "cluster": "Nhóm trùng", "answer": "Trả lời của cơ quan"}
SOURCE_LABELS = {"text": "theo nội dung", "address": "theo địa chỉ", "section": "theo đề mục",
                 "field": "theo cột dữ liệu", "reviewer": "người rà soát sửa"}
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC if name == "UTC" else _fixed_vietnam()


def _fixed_vietnam() -> tzinfo:
    from datetime import timezone

    return timezone(timedelta(hours=7), "ICT")


@dataclass(frozen=True)
class Labels:
    """Display names for one jurisdiction, shared by every template."""

    jurisdiction: Jurisdiction
    zone: tzinfo

    @classmethod
    def of(cls, jurisdiction: Jurisdiction) -> Labels:
        name = str(jurisdiction.raw.get("timezone") or DEFAULT_TIMEZONE)
        return cls(jurisdiction, _zone(name))

    @property
    def categories(self) -> dict[str, str]:
        return dict(self.jurisdiction.categories)

    @property
    def departments(self) -> dict[str, str]:
        return {code: d.name for code, d in self.jurisdiction.departments.items()}

    @property
    def localities(self) -> dict[str, str]:
        return {code: self.locality(code) for code in self.jurisdiction.localities}

    @property
    def grounds(self) -> list[dict[str, str]]:
        return [{"code": g.code, "level": g.level, "level_label": self.level(g.level),
                 "reason": g.reason} for g in self.jurisdiction.escalation_grounds]

    def category(self, code: str | None) -> str:
        return self.jurisdiction.categories.get(code or "", code or "")

    def department(self, code: str | None) -> str:
        d = self.jurisdiction.departments.get(code or "")
        return d.name if d else (code or "")

    def locality(self, code: str | None) -> str:
        if not code:
            return "Chưa rõ địa bàn"
        loc = self.jurisdiction.localities.get(code)
        if loc is None:
            return code
        return f"{KIND_LABELS.get(loc.kind, loc.kind)} {loc.name}"

    def level(self, code: str | None) -> str:
        if code == "city":
            return str(self.jurisdiction.raw.get("city") or "Thành phố")
        if code == "central":
            return "Trung ương"
        return code or ""

    def local(self, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.zone)

    def when(self, moment: Any) -> str:
        """dd/mm/yyyy hh:mm in the jurisdiction's time zone ("" for nothing)."""
        if isinstance(moment, str):
            try:
                moment = datetime.fromisoformat(moment)
            except ValueError:
                return moment
        if isinstance(moment, datetime):
            local = self.local(moment)
            assert local is not None
            return local.strftime("%d/%m/%Y %H:%M")
        if isinstance(moment, date):
            return moment.strftime("%d/%m/%Y")
        return ""

    def today(self) -> date:
        return datetime.now(self.zone).date()


def number(value: Any) -> str:
    """12345 → "12.345" (Vietnamese thousands separator)."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{int(value):,}".replace(",", ".")


def percent(value: Any, digits: int = 0) -> str:
    if value is None:
        return "–"
    text = f"{float(value) * 100:.{digits}f}".replace(".", ",")
    return f"{text}%"


def metric(value: Any) -> str:
    if value is None:
        return "–"
    return f"{float(value):.3f}".replace(".", ",")


REASON_LABELS = {"low_confidence": "độ tin cậy thấp",
                 "close_categories": "hai nhóm gần ngang nhau",
                 "escalation_uncertain": "chưa chắc có phải chuyển cấp trên"}
KEY_LABELS = {"category": "Nhóm", "department": "Cơ quan", "locality": "Địa bàn",
              "locality_source": "Nguồn địa bàn", "escalate": "Chuyển cấp trên",
              "escalation_level": "Cấp", "escalation_reason": "Lý do",
              "escalation_ground": "Căn cứ", "cluster": "Nhóm trùng", "reviewed": "Đã rà soát",
              "needs_review": "Cần rà soát", "confidence": "Độ tin cậy",
              "answer": "Trả lời", "answer_reference": "Văn bản trả lời"}


def show_value(labels: Labels, key: str, value: Any) -> str:
    if value is None or value == "":
        return "–" if key != "locality" else labels.locality(None)
    if isinstance(value, bool):
        return "có" if value else "không"
    if key == "category":
        return labels.category(value)
    if key == "department":
        return labels.department(value)
    if key == "locality":
        return labels.locality(value)
    if key == "escalation_level":
        return labels.level(value)
    if key == "locality_source":
        return SOURCE_LABELS.get(value, str(value))
    if key == "confidence":
        return percent(value)
    if key == "escalation_ground":
        ground = next((g for g in labels.jurisdiction.escalation_grounds if g.code == value), None)
        return ground.reason if ground else str(value)
    return str(value)


def describe_change(labels: Labels, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """"Nhóm: Cấp GCN lần đầu → Đăng ký biến động", one line per changed key.

    A decision without escalation says "Chuyển cấp trên: không" once, not its empty level,
    reason and ground; a ground is shown only where no reason says it better.
    """
    skip = set()
    if after.get("escalate") is False:
        skip |= {"escalation_level", "escalation_reason", "escalation_ground"}
    if after.get("escalation_reason"):
        skip.add("escalation_ground")
    if not before:
        skip.add("needs_review")
    lines = []
    for key, new in after.items():
        if key in skip:
            continue
        name = KEY_LABELS.get(key, key)
        if before and key in before:
            old = before.get(key)
            if old == new:
                continue
            lines.append(f"{name}: {show_value(labels, key, old)} → {show_value(labels, key, new)}")
        else:
            lines.append(f"{name}: {show_value(labels, key, new)}")
    return lines


def feature_words(features: Any, limit: int = 8) -> list[str]:
    """Readable words from model feature names ("fw:le_phi" → "le phi"), without repeats."""
    words: list[str] = []
    for feature in features or []:
        name = str(feature[0] if isinstance(feature, list | tuple) else feature)
        word = name.split(":", 1)[-1].replace("_", " ").strip()
        if word and word not in words:
            words.append(word)
    return words[:limit]
