"""What only documents write about numbers and dates; the formats themselves are the product's
one set (`core.dates` for dates, `core.domain.values` for numbers and percents)."""

from __future__ import annotations

from datetime import datetime

from core.dates import numeric_date
from core.domain.values import format_percent


def share_percent(part: int, whole: int) -> str:
    """``part`` out of ``whole`` as "95,5%"; an empty whole has no share, so it reads "-"."""
    if whole <= 0:
        return "-"
    return format_percent(100 * part / whole, 1)


def data_stamp(moment: datetime) -> str:
    """The line telling the reader which moment the figures reflect."""
    return (
        f"Số liệu tổng hợp đến {moment.hour} giờ {moment.minute:02d} "
        f"ngày {numeric_date(moment.date())}"
    )
