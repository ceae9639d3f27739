"""Words and number formats for people, in English or Vietnamese (CLDR through Babel)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.numbers import format_decimal, format_percent

LANGS = ("en", "vi")

STATUS = {
    "en": {"achieved": "achieved", "on_track": "on track", "at_risk": "at risk",
           "behind": "behind"},
    "vi": {"achieved": "đã đạt", "on_track": "đúng tiến độ", "at_risk": "có nguy cơ",
           "behind": "chậm"},
}
STATUS_STYLE = {"achieved": "bold green", "on_track": "green", "at_risk": "yellow",
                "behind": "bold red"}

LABELS = {
    "en": {
        "program": "Program", "target": "Target", "achieved": "Achieved",
        "attainment": "Attainment", "expected": "Expected", "pace": "Pace",
        "status": "Status", "gap": "Gap", "days_left": "Days left",
        "required_per_day": "Needed / day", "required_per_month": "Needed / month",
        "projected": "Projected", "share": "National share", "vs_baseline": "vs baseline",
        "as_of": "as of", "elapsed": "of the period elapsed", "closing": "What closes the gap",
        "national_total": "national total", "stale": "stale", "campaign": "Campaign",
        "staff_seen": "Staff seen", "staff_met": "Met quota", "signed_up": "Signed up",
        "per_staff": "Quota / staff", "warning": "warning",
    },
    "vi": {
        "program": "Chương trình", "target": "Chỉ tiêu", "achieved": "Đã đạt",
        "attainment": "Hoàn thành", "expected": "Kế hoạch đến nay", "pace": "Tiến độ",
        "status": "Tình trạng", "gap": "Còn thiếu", "days_left": "Ngày còn lại",
        "required_per_day": "Cần / ngày", "required_per_month": "Cần / tháng",
        "projected": "Dự kiến cả kỳ", "share": "Thị phần",
        "vs_baseline": "So kỳ trước", "as_of": "tính đến", "elapsed": "thời gian đã qua",
        "closing": "Để hoàn thành chỉ tiêu", "national_total": "tổng số toàn quốc",
        "stale": "cũ", "campaign": "Đợt phát động", "staff_seen": "Số nhân viên",
        "staff_met": "Đạt định mức", "signed_up": "Số người tham gia",
        "per_staff": "Định mức / người", "warning": "cảnh báo",
    },
}


@dataclass(frozen=True)
class Words:
    """Formats numbers, ratios and dates the way `lang` writes them."""

    lang: str = "en"

    def label(self, key: str) -> str:
        return LABELS[self.lang][key]

    def status(self, status: str) -> str:
        return STATUS[self.lang][status]

    def number(self, value: float | None, digits: int = 0) -> str:
        if value is None:
            return "-"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return str(format_decimal(round(value, digits) if digits else round(value), pattern,
                                  locale=self.lang))

    def percent(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return "-"
        if 0 < abs(value) < 0.01:  # small shares would all read 0.0%
            digits = max(digits, 2)
        return str(format_percent(value, "#,##0." + "0" * digits + "%", locale=self.lang))

    def date(self, value: dt.date) -> str:
        return value.strftime("%d/%m/%Y") if self.lang == "vi" else value.isoformat()
