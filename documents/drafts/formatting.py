"""Vietnamese renderings of dates and numbers, in one place so every draft writes them alike."""

from __future__ import annotations

from datetime import date, datetime


def ngay_thang_nam(day: date) -> str:
    """Date as the heading of an administrative document writes it (NĐ 30/2020, Phụ lục I).

    Days below 10 and the months 1 and 2 take a leading zero, other months do not:
    "ngày 05 tháng 01 năm 2024", "ngày 15 tháng 3 năm 2024".
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def numeric_date(day: date) -> str:
    """Date in tables and running text: "20/12/2024"."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def format_int(value: int) -> str:
    """Whole number with dots between thousands: "1.234"."""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", ".")


def format_number(value: float, digits: int = 1) -> str:
    """Decimal number, comma as decimal separator, no trailing ",0": "95,5", "1.234", "100"."""
    rounded = round(value, digits)
    if rounded == int(rounded):
        return format_int(int(rounded))
    whole, _, frac = f"{abs(rounded):.{digits}f}".partition(".")
    sign = "-" if rounded < 0 else ""
    return f"{sign}{format_int(int(whole))},{frac.rstrip('0')}"


def format_percent(value: float, digits: int = 1) -> str:
    """Percentage as Vietnamese writes it, number glued to the sign: "95,5%"."""
    return f"{format_number(value, digits)}%"


def share_percent(part: int, whole: int) -> str:
    """``part`` out of ``whole`` as "95,5%"; an empty whole has no share, so it reads "-"."""
    if whole <= 0:
        return "-"
    return format_percent(100 * part / whole)


def data_stamp(moment: datetime) -> str:
    """The line telling the reader which moment the figures reflect."""
    return (
        f"Số liệu tổng hợp đến {moment.hour} giờ {moment.minute:02d} "
        f"ngày {numeric_date(moment.date())}"
    )
