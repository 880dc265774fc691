"""Reporting periods: codes, Vietnamese labels, and which indicators a monthly report asks.

A person reports for a month. The report for month M asks the monthly indicators, plus the
quarterly ones when M ends a quarter, the half-yearly ones in June and December, the annual
ones in December, and the one-off ones until they are answered. Each value is stored under
its own period: `2024-03`, `2024-Q1`, `2024-H1`, `2024`, `2024-ONCE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

ROMAN = ("I", "II", "III", "IV")
_MONTH_RE = re.compile(r"^\s*(?:thang\s*)?(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")


@dataclass(frozen=True, slots=True, order=True)
class Month:
    year: int
    month: int

    @property
    def code(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"Tháng {self.month}/{self.year}"

    @property
    def in_text(self) -> str:
        """`tháng 3/2024`: the label as it reads inside a sentence."""
        return in_text(self.label)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def from_code(cls, code: str) -> Month:
        year, month = code.split("-")
        return cls(int(year), int(month))


def period_for(frequency: str, month: Month) -> str | None:
    """The period code a value of this frequency takes in the report for `month`, or None when
    the report for that month does not ask it."""
    y, m = month.year, month.month
    if frequency == "monthly":
        return month.code
    if frequency == "quarterly":
        return f"{y}-Q{(m - 1) // 3 + 1}" if m % 3 == 0 else None
    if frequency == "semiannual":
        return f"{y}-H{1 if m <= 6 else 2}" if m in (6, 12) else None
    if frequency == "annual":
        return str(y) if m == 12 else None
    if frequency == "once":
        return f"{y}-ONCE"
    raise ValueError(f"unknown frequency {frequency!r}")


def period_label(code: str) -> str:
    """`2024-Q1` → `Quý I/2024`, and so on."""
    if code.endswith("-ONCE"):
        return f"Một lần trong năm {code[:4]}"
    if "-Q" in code:
        year, q = code.split("-Q")
        return f"Quý {ROMAN[int(q) - 1]}/{year}"
    if "-H" in code:
        year, h = code.split("-H")
        return f"6 tháng {'đầu' if h == '1' else 'cuối'} năm {year}"
    if "-" in code:
        return Month.from_code(code).label
    return f"Năm {code}"


def in_text(label: str) -> str:
    """A label as it reads inside a sentence: `báo cáo tháng 3/2024`, `báo cáo một lần trong năm
    2024` (a quarter keeps its capital, `Quý I/2024`, as the reminders write it)."""
    return label if label.startswith("Quý") or not label else label[0].lower() + label[1:]


def period_in_text(code: str) -> str:
    """`2024-ONCE` → `một lần trong năm 2024`: `period_label` inside a sentence."""
    return in_text(period_label(code))


def parse_month(text: str) -> Month | None:
    """`3/2024`, `03-2024`, `tháng 3/2024` → Month(2024, 3); None if it is not a month."""
    from core.vntext import fold

    m = _MONTH_RE.match(fold(text))
    if not m:
        return None
    month, year = int(m.group(1)), int(m.group(2))
    return Month(year, month) if 1 <= month <= 12 else None


def months_between(start: date, end: date) -> list[Month]:
    out, cur, last = [], Month.of(start), Month.of(end)
    while cur <= last:
        out.append(cur)
        cur = Month(cur.year + 1, 1) if cur.month == 12 else Month(cur.year, cur.month + 1)
    return out


def offered_months(today: date, start: date, end: date, count: int = 3) -> list[Month]:
    """The months a person is most likely reporting for: the latest ones of the campaign up to
    today (the current month first, then the ones before it)."""
    allowed = months_between(start, end)
    current = min(Month.of(today), allowed[-1]) if allowed else Month.of(today)
    recent = [m for m in allowed if m <= current]
    return list(reversed(recent[-count:]))
