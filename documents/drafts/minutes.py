"""Biên bản họp xét of the unit's Hội đồng Thi đua - Khen thưởng."""

from __future__ import annotations

from core.dates import ngay_thang_nam
from documents.drafts.fill import common, numbered, render
from documents.drafts.model import CouncilMeeting

DEFAULT_AGENDA = (
    "Thư ký Hội đồng báo cáo kết quả thực hiện phong trào thi đua và danh sách tập thể, "
    "cá nhân được đề nghị khen thưởng.",
    "Các thành viên Hội đồng thảo luận, nhận xét thành tích của từng tập thể, cá nhân.",
    "Hội đồng tiến hành bỏ phiếu kín đề nghị khen thưởng.",
)


def render_bien_ban(meeting: CouncilMeeting) -> bytes:
    """The council's minutes as .docx bytes; vote counts and members are left to write by hand."""
    symbol = f"BB-{meeting.issuer.abbreviation}"
    context = common(meeting.issuer, meeting.campaign, symbol, None, meeting.data_as_of)
    held = meeting.held_at
    blank = f"Vào hồi …… giờ ……, ngày …… tháng …… năm {meeting.campaign.year}"
    context |= {
        "held_at": blank if held is None else (
            f"Vào hồi {held.hour} giờ {held.minute:02d}, {ngay_thang_nam(held.date())}"
        ),
        "venue": meeting.venue,
        "chair_name": meeting.chair.name or "……………………",
        "chair_title": meeting.chair.title,
        "chair_title_caps": meeting.chair.title.upper(),
        "secretary_name": meeting.secretary.name or "……………………",
        "secretary_title": meeting.secretary.title,
        "member_lines": list(range(meeting.member_lines)),
        "agenda": list(meeting.agenda or DEFAULT_AGENDA),
        "votes": numbered([{"name": v.name, "award": v.award} for v in meeting.votes]),
    }
    return render("bien-ban.docx", context)
