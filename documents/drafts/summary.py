"""Báo cáo tổng kết phong trào thi đua of Phòng Nội vụ, and the tables it shares with its annex."""

from __future__ import annotations

from core.domain.values import format_number
from documents.drafts.fill import Context, common, numbered, render
from documents.drafts.formatting import share_percent
from documents.drafts.model import CampaignSummary


def count_rows(summary: CampaignSummary) -> list[Context]:
    """The year's counts: units, reports, initiatives registered and found effective."""
    return numbered([
        {"name": "Cơ quan, đơn vị, xã, phường tham gia phong trào",
         "value": format_number(summary.units, 0)},
        {"name": "Báo cáo đã tiếp nhận", "value": format_number(summary.reports, 0)},
        {"name": "Giải pháp, sáng kiến đăng ký",
         "value": format_number(summary.initiatives_registered, 0)},
        {"name": "Giải pháp, sáng kiến được đánh giá có hiệu quả",
         "value": format_number(summary.initiatives_effective, 0)},
    ])


def target_rows(summary: CampaignSummary) -> list[Context]:
    """Each "100 % of units" target: units that met it, units it applies to, and the share."""
    return numbered([
        {
            "name": t.name,
            "met": format_number(t.met, 0),
            "applicable": format_number(t.applicable, 0),
            "share": share_percent(t.met, t.applicable),
        }
        for t in summary.targets
    ])


def initiative_rows(summary: CampaignSummary) -> list[Context]:
    """The initiatives registered across the city."""
    return numbered([
        {"unit": i.unit, "name": i.name, "status": i.status, "effect": i.effect}
        for i in summary.initiatives
    ])


def shortfall_rows(summary: CampaignSummary) -> list[Context]:
    """The units that did not meet a target, and what they missed."""
    return numbered([{"unit": s.unit, "missing": s.missing} for s in summary.shortfalls])


def render_tong_ket(summary: CampaignSummary) -> bytes:
    """The year-end report as .docx bytes; the detail goes in ``render_tong_ket_xlsx``."""
    symbol = f"BC-{summary.issuer.abbreviation}"
    context = common(summary.issuer, summary.campaign, symbol, summary.signer, summary.data_as_of)
    context |= {
        "next_year": summary.campaign.year + 1,
        "counts": count_rows(summary),
        "targets": target_rows(summary),
        "initiatives": initiative_rows(summary),
        "shortfalls": shortfall_rows(summary),
        "recipients": list(summary.recipients),
    }
    return render("tong-ket.docx", context)
