"""Units that closed, and the units that took them over (issue 11): the lines `/tinhtrang`,
`/tonghop` and the export show about them. Plain functions of the campaign and a unit's facts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from core.campaign.schema import Campaign, Unit
from core.domain.periods import period_label
from core.domain.status import UnitFacts

CLOSED_HEAD = "Đơn vị đã kết thúc hoạt động:"
CLOSED_LINE = "• {unit}: kết thúc hoạt động từ ngày {from_day}{successor}"
CLOSED_SUCCESSOR = "; đơn vị kế thừa: {successor}{unconfirmed}"
UNCONFIRMED = " (chưa được Phòng Nội vụ xác nhận)"
PREDECESSOR_LINE = (
    "Kế thừa {unit} (kết thúc hoạt động từ ngày {from_day}): {reported}; {initiatives}; "
    "{documents}. Xem chi tiết: /tinhtrang {code}"
)
PRED_REPORTED = "đã báo cáo {n} số liệu chỉ tiêu{last}"
PRED_LAST_MONTH = " (tháng gần nhất: {month})"
PRED_NOTHING_REPORTED = "chưa báo cáo số liệu chỉ tiêu nào"
PRED_INITIATIVES = "{n} mô hình, giải pháp, sáng kiến đã đăng ký"
PRED_DOCUMENTS = "{n} văn bản đã nộp"
#: Extra columns of the export's units sheet.
UNIT_LIFE_COLUMNS = ("Hoạt động đến ngày", "Đơn vị kế thừa")


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def successor_text(campaign: Campaign, unit: Unit) -> str:
    """The successor's name, marked when the campaign file says it is not confirmed; ""."""
    if unit.successor is None:
        return ""
    successor = campaign.unit(unit.successor.unit)
    if successor is None:
        return ""
    return successor.name + ("" if unit.successor.confirmed else UNCONFIRMED)


def closed_units(
    campaign: Campaign, today: date, units: Iterable[Unit] | None = None
) -> list[Unit]:
    """The units (of ``units``, default all) that have ended by ``today``."""
    return [u for u in (campaign.units if units is None else units) if u.closed_on(today)]


def closed_section(
    campaign: Campaign, today: date, units: Iterable[Unit] | None = None
) -> list[str]:
    """`/tonghop`'s lines on the units that ended: their last day and successor ([] if none)."""
    closed = closed_units(campaign, today, units)
    if not closed:
        return []
    out = [CLOSED_HEAD]
    for u in closed:
        if u.active_to is None:  # closed_on says it has one
            continue
        name = successor_text(campaign, u)
        out.append(
            CLOSED_LINE.format(
                unit=u.name,
                from_day=_fmt(u.active_to + timedelta(days=1)),
                successor=CLOSED_SUCCESSOR.format(
                    successor=name.removesuffix(UNCONFIRMED),
                    unconfirmed=UNCONFIRMED if name.endswith(UNCONFIRMED) else "",
                )
                if name
                else "",
            )
        )
    return out


def predecessor_line(unit: Unit, facts: UnitFacts) -> str:
    """A successor's line about a unit it took over: what that unit reported and sent."""
    reported = [p for (_c, p), f in facts.values.items() if f.reported]
    months = [p for p in reported if len(p) == 7 and p[5:].isdigit()]  # YYYY-MM
    last = PRED_LAST_MONTH.format(month=period_label(max(months))) if months else ""
    end = unit.active_to
    return PREDECESSOR_LINE.format(
        unit=unit.name,
        from_day=_fmt(end + timedelta(days=1)) if end else "–",
        reported=PRED_REPORTED.format(n=len(reported), last=last)
        if reported
        else PRED_NOTHING_REPORTED,
        initiatives=PRED_INITIATIVES.format(n=len(facts.registered_initiatives())),
        documents=PRED_DOCUMENTS.format(n=len(facts.documents)),
        code=unit.code,
    )


def life_cells(campaign: Campaign, unit: Unit | None) -> list[object]:
    """The export's cells for a unit's last day and successor."""
    if unit is None:
        return ["", ""]
    return [unit.active_to or "", successor_text(campaign, unit)]
