"""Công văn đôn đốc: the units late on a deadline or short on a target, ready to sign."""

from __future__ import annotations

from core.dates import numeric_date
from documents.drafts.fill import common, numbered, render
from documents.drafts.formatting import data_stamp
from documents.drafts.model import ReminderLetter


def render_cong_van(letter: ReminderLetter) -> bytes:
    """The reminder letter as .docx bytes, addressed to each late unit."""
    context = common(letter.issuer, letter.campaign, letter.issuer.abbreviation, letter.signer,
                     letter.data_as_of)
    campaign = f"phong trào thi đua “{letter.campaign.name}” năm {letter.campaign.year}"
    who = letter.issuer.name
    stamp = data_stamp(letter.data_as_of)
    context |= {
        "subject": letter.subject,
        "addressees": list(letter.kinh_gui()),
        "lead": (
            f"Thực hiện Kế hoạch phát động {campaign}, {who} đã theo dõi, tổng hợp kết quả "
            f"thực hiện của các cơ quan, đơn vị, xã, phường. "
            f"{stamp[0].upper()}{stamp[1:]}, các cơ quan, đơn vị sau chưa hoàn thành:"
        ),
        "items": numbered([
            {"unit": i.unit, "missing": i.missing, "deadline": numeric_date(i.deadline)}
            for i in letter.items
        ]),
        "request": (
            f"Để bảo đảm tiến độ tổng hợp, đánh giá kết quả {campaign}, {who} đề nghị "
            f"Thủ trưởng các cơ quan, đơn vị, Chủ tịch UBND các xã, phường nêu trên khẩn trương "
            f"hoàn thành các nội dung còn thiếu, gửi về {who} trước ngày "
            f"{numeric_date(letter.reply_by)}."
        ),
        "consequence": (
            "Quá thời hạn trên, đơn vị nào chưa hoàn thành sẽ được tổng hợp, báo cáo Chủ tịch "
            "UBND thành phố và là căn cứ xem xét khi bình xét thi đua, khen thưởng cuối năm."
        ),
        "recipients": list(letter.recipients),
    }
    return render("cong-van.docx", context)
