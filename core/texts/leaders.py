"""Every Vietnamese sentence for the city's leaders (Chủ tịch, Phó Chủ tịch UBND thành phố):
their welcome, what they may look at, and the weekly digest.

Register: polite administrative Vietnamese ("Kính gửi", "Anh/Chị"), full diacritics; numbers
and dates written the Vietnamese way (`75%`, `01/04/2024`). The digest's figures are worked
out in `schedules.digests`; here they are only worded.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from core.domain.values import format_number
from core.texts import oversight as tx
from core.texts import reminders as tr

if TYPE_CHECKING:
    from core.domain.digests import DocumentStanding, LeaderDigest

# -- registration and access -------------------------------------------------------------------

WELCOME = (
    "Đăng ký thành công. Kính chào Anh/Chị{name}!\n"
    "Anh/Chị tham gia phong trào thi đua với vai trò Lãnh đạo UBND thành phố (đăng ký qua {unit}). "
    "Anh/Chị xem được tình hình của toàn bộ phong trào thi đua; tài khoản này không dùng để "
    "báo cáo hay thay đổi số liệu.\n\n"
    "Trong thời gian diễn ra phong trào, vào {hour} ngày làm việc đầu tiên của mỗi tuần, bot "
    "gửi Anh/Chị bản tóm tắt tình hình chung của toàn thành phố.\n\n"
    "Anh/Chị có thể:\n{commands}"
)
STATUS_PICK_UNIT = (
    "Anh/Chị vui lòng gõ /tinhtrang kèm mã hoặc tên đơn vị cần xem, ví dụ: /tinhtrang P_KA_LONG "
    "hoặc /tinhtrang Phường Ka Long. Tình hình chung: /tonghop; đơn vị quá hạn: /quahan."
)
AWARDS_NOTE = (
    "Chọn một đơn vị để xem căn cứ của từng tiêu chí (có tiêu chí do Phòng Nội vụ đánh giá)."
)

# /moi: the words that name the role when typed, folded (lower case, no diacritics).
ROLE_WORDS = (
    "leader",
    "lanh dao ubnd",
    "lanh dao ubnd thanh pho",
    "lanh dao thanh pho",
    "chu tich",
    "pho chu tich",
)
INVITE_NOT_ALLOWED = (
    "Không cấp được mã Lãnh đạo UBND thành phố cho {unit}: mã này chỉ do {office} cấp, cho một "
    "cơ quan cấp thành phố (ví dụ: Văn phòng HĐND và UBND thành phố)."
)

# -- the weekly digest --------------------------------------------------------------------------

DIGEST_GREETING = "Kính gửi Anh/Chị {name},"
DIGEST_GREETING_NO_NAME = "Kính gửi Anh/Chị,"
DIGEST_HEAD = (
    "TÌNH HÌNH PHONG TRÀO THI ĐUA TOÀN THÀNH PHỐ – {title}\n"
    "Số liệu đến ngày {today}; {units} đơn vị tham gia."
)
DOCUMENT_PAST = (
    "{label} (hạn {due}): {filed} đơn vị đã nộp ({on_time} đúng hạn, {late} muộn); "
    "{missing} đơn vị chưa nộp."
)
DOCUMENT_OPEN = "{label} (hạn {due}, còn {days} ngày): {filed} đơn vị đã nộp; {missing} chưa nộp."
DOCUMENT_TODAY = "{label} (hạn hôm nay, {due}): {filed} đơn vị đã nộp; {missing} chưa nộp."
OVERDUE = "Đơn vị đang quá hạn ít nhất một nội dung: {overdue}. Quá hạn lâu nhất:"
OVERDUE_UNIT = "   – {unit}: quá hạn {days} ngày{items}"
OVERDUE_ITEMS = "; {n} nội dung chưa thực hiện"
OVERDUE_NONE = "Không có đơn vị nào quá hạn."
INITIATIVES = (
    "Mô hình, giải pháp, sáng kiến đã đăng ký: {count}, của {units} đơn vị; "
    "{effective} đã có hiệu quả hoặc được công nhận."
)
AWARD = (
    "{title}: {eligible} đơn vị đạt các tiêu chí bot kiểm tra được; {qualified} đơn vị đủ mọi "
    "tiêu chí (kể cả tiêu chí do {office} đánh giá)."
)
DIGEST_FOOT = (
    "Xem chi tiết: /tonghop (tổng hợp), /quahan (đơn vị quá hạn), /khenthuong (khen thưởng). "
    "Trân trọng."
)


def welcome(*, name: str, unit: str, hour: int, commands: str) -> str:
    return WELCOME.format(
        name=f" {name}" if name else "", unit=unit, hour=f"{hour:02d}:00", commands=commands
    )


def _n(x: int) -> str:
    return format_number(x, 0)


def digest(d: LeaderDigest, *, name: str, late_planned: datetime | None = None) -> str:
    """The weekly overview of the whole city for a leader."""
    lines = [DIGEST_GREETING.format(name=name) if name else DIGEST_GREETING_NO_NAME, ""]
    if late_planned is not None:
        lines += [tr.LATE_NOTE.format(planned=tr.fmt_time(late_planned)), ""]
    lines += [
        DIGEST_HEAD.format(title=d.title, today=tx.fmt_date(d.today), units=_n(d.units)),
        "",
    ]
    items = [_document(doc, d.today) for doc in d.documents]
    t = d.overview.total
    items.append(
        tx.OVERVIEW_REPORTS.format(
            month=d.overview.month.in_text,
            complete=tx.ratio(t.complete_units, t.owing_units),
            reported=tx.ratio(t.reported, t.expected),
        )
    )
    overdue = [OVERDUE_NONE]
    if d.overdue_units:
        overdue = [OVERDUE.format(overdue=tx.ratio(d.overdue_units, d.units))]
        overdue += [
            OVERDUE_UNIT.format(
                unit=unit,
                days=_n(days),
                items=OVERDUE_ITEMS.format(n=_n(n)) if n > 1 else "",
            )
            for unit, days, n in d.longest
        ]
    items.append("\n".join(overdue))
    items.append(
        INITIATIVES.format(
            count=_n(d.initiatives),
            units=tx.ratio(d.initiative_units, d.units),
            effective=_n(d.effective_initiatives),
        )
    )
    if d.award is not None:
        a = d.award
        items.append(
            AWARD.format(
                title=a.title,
                eligible=tx.ratio(a.eligible, a.units),
                qualified=_n(a.qualified),
                office=a.office,
            )
        )
    lines += [f"{i}. {text}" for i, text in enumerate(items, start=1)]
    lines += ["", DIGEST_FOOT]
    return "\n".join(lines)


def _document(doc: DocumentStanding, today: date) -> str:
    filed = tx.ratio(doc.filed, doc.units)
    if doc.due < today:
        return DOCUMENT_PAST.format(
            label=doc.label,
            due=tx.fmt_date(doc.due),
            filed=filed,
            on_time=_n(doc.on_time),
            late=_n(doc.late),
            missing=_n(doc.missing),
        )
    template = DOCUMENT_TODAY if doc.due == today else DOCUMENT_OPEN
    return template.format(
        label=doc.label,
        due=tx.fmt_date(doc.due),
        days=_n((doc.due - today).days),
        filed=filed,
        missing=_n(doc.missing),
    )
