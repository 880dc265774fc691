"""Dates, in one place: the local day of a moment, the formats Vietnamese readers expect, and
the one parser of dates people type.

- :func:`local_date` — the calendar day of an aware moment in the campaign's time zone; the
  clock of the bot (``Services.clock``, a UTC ``datetime``) gives "today" only through it.
- :func:`numeric_date` — ``31/03/2024``: chat messages, tables, workbooks, running text.
- :func:`ngay_thang_nam` — ``ngày 05 tháng 01 năm 2024``: the heading of an administrative
  document (NĐ 30/2020/NĐ-CP, Phụ lục I).
- :func:`day_and_time` — ``08:00 ngày 29/03/2024``.
- :func:`parse_date` — what a person typed (``31/03/2024``, ``31-3-2024``, ``2024-03-31``,
  ``ngày 31 tháng 3 năm 2024``) → a date, or :class:`BadDate` saying in Vietnamese what is
  expected.

Pure code: imports nothing of ours but :mod:`core.vntext`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from core.vntext import fold

EARLIEST_DATE: Final = date(1945, 1, 1)
LATEST_DATE: Final = date(2100, 12, 31)

DATE_EXPECTED: Final = "Vui lòng nhập ngày theo dạng ngày/tháng/năm, ví dụ: 31/03/2024."
_MAX_INPUT = 200


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """The local calendar day of a UTC (or any aware) moment (the one `local_date`)."""
    return moment.astimezone(tz).date()


# --------------------------------------------------------------------------- writing


def numeric_date(day: date) -> str:
    """``date(2024, 3, 31)`` → ``31/03/2024`` (the product's one numeric date)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def ngay_thang_nam(day: date) -> str:
    """Date as the heading of an administrative document writes it (NĐ 30/2020, Phụ lục I).

    Days below 10 and the months 1 and 2 take a leading zero, other months do not:
    "ngày 05 tháng 01 năm 2024", "ngày 15 tháng 3 năm 2024".
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def day_and_time(moment: datetime, tz: ZoneInfo | None = None) -> str:
    """``08:00 ngày 29/03/2024``; in ``tz`` when given, else as ``moment`` reads."""
    local = moment.astimezone(tz) if tz is not None else moment
    return f"{local:%H:%M} ngày {numeric_date(local.date())}"


# --------------------------------------------------------------------------- reading


class BadDate(ValueError):
    """A typed date that cannot be read; ``message`` says, in Vietnamese, what is expected."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_DMY_RE = re.compile(r"([0-9]{1,2})\s*([/.\-])\s*([0-9]{1,2})\s*\2\s*([0-9]+)")
_ISO_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_WORDS_DATE_RE = re.compile(
    r"(?:ngay\s*)?([0-9]{1,2})\s*thang\s*([0-9]{1,2})\s*,?\s*nam\s*([0-9]+)"
)
_NO_YEAR_RE = re.compile(r"(?:ngay\s*)?[0-9]{1,2}\s*(?:[/.\-]|thang)\s*[0-9]{1,2}")


def parse_date(text: str, *, today: date | None = None) -> date:
    """``31/03/2024``, ``31/3/2024``, ``31-03-2024``, ``31.03.2024``, ``2024-03-31``,
    ``ngày 31 tháng 3 năm 2024``; between 1945 and 2100 and not after ``today``."""
    s = fold("".join(ch for ch in text if unicodedata.category(ch) != "Cf"))
    if len(s) > _MAX_INPUT:
        raise BadDate(DATE_EXPECTED)
    if m := _DMY_RE.fullmatch(s):
        day, month, year = m[1], m[3], m[4]
    elif m := _ISO_RE.fullmatch(s):
        year, month, day = m[1], m[2], m[3]
    elif m := _WORDS_DATE_RE.fullmatch(s):
        day, month, year = m[1], m[2], m[3]
    elif _NO_YEAR_RE.fullmatch(s):
        raise BadDate("Vui lòng ghi đủ ngày, tháng và năm, ví dụ: 31/03/2024.")
    else:
        raise BadDate(DATE_EXPECTED)
    if len(year) == 2:
        raise BadDate("Vui lòng ghi năm đủ 4 chữ số, ví dụ: 31/03/2024.")
    if len(year) != 4:
        raise BadDate(DATE_EXPECTED)
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        raise BadDate(
            f"Ngày {int(day):02d}/{int(month):02d}/{year} không có trên lịch. "
            "Vui lòng kiểm tra lại, ví dụ: 31/03/2024."
        ) from None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise BadDate(
            f"Vui lòng nhập ngày trong khoảng từ {numeric_date(EARLIEST_DATE)} "
            f"đến {numeric_date(LATEST_DATE)}."
        )
    if today is not None and value > today:
        raise BadDate(f"Ngày không được sau hôm nay ({numeric_date(today)}).")
    return value
