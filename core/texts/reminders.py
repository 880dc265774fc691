"""Vietnamese texts of reminders, escalations, the late-units digest and the deadline admin.

Register: polite administrative Vietnamese ("Kính gửi", "Anh/Chị", "đề nghị"), full
diacritics; dates as dd/mm/yyyy. Only wording lives here; what to say is decided in
`schedules/`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from core.dates import day_and_time, numeric_date
from core.domain import periods

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

ROLE_LABELS = {
    "focal": "Đầu mối",
    "deputy": "Đầu mối dự phòng",
    "head": "Thủ trưởng",
    "admin": "Cán bộ quản trị phong trào thi đua",
    "leader": "Lãnh đạo UBND thành phố",
}


fmt_date = numeric_date  # 31/03/2024 (`core.dates`)


def fmt_day(day: date) -> str:
    """31/03/2024 (Chủ nhật)."""
    return f"{fmt_date(day)} ({WEEKDAYS[day.weekday()]})"


def fmt_time(moment: datetime) -> str:
    """08:00 ngày 29/03/2024 (a local time)."""
    return day_and_time(moment)


def period_label(code: str) -> str:
    """``2024`` → năm 2024; ``2024-Q1`` → Quý I/2024; ``2024-03`` → tháng 3/2024: the period's
    label as it reads inside a sentence (a one-off value belongs to its year)."""
    label = periods.period_label(code[:4] if code.endswith("-ONCE") else code)
    return label if label.startswith("Quý") else label[0].lower() + label[1:]


def _greeting(name: str, role: str, unit: str) -> str:
    who = f"Anh/Chị {name}" if name else "Anh/Chị"
    label = ROLE_LABELS.get(role, role)
    return f"Kính gửi {who},\n{label} của {unit}."


def when_phrase(days_left: int) -> str:
    """How far the due date is, from the day the reminder is read."""
    if days_left > 1:
        return f"còn {days_left} ngày"
    if days_left == 1:
        return "ngày mai là hạn cuối"
    if days_left == 0:
        return "hôm nay là hạn cuối"
    return f"đã quá hạn {-days_left} ngày"


# -- what is missing ----------------------------------------------------------------------------

MISSING_DOCUMENT = "{label} (chưa nộp)"
MISSING_DOCUMENT_RETURNED = "{label} (văn bản đã nộp bị trả lại, cần nộp lại)"
MISSING_REPORT = "Báo cáo kết quả {period}"
MISSING_INITIATIVE = "Đăng ký ít nhất một mô hình, giải pháp hoặc sáng kiến cải cách hành chính"

COMMAND_LINE = "Để hoàn thành, Anh/Chị vui lòng gửi lệnh {command} cho bot."
NO_COMMAND_LINE = "Anh/Chị vui lòng liên hệ Phòng Nội vụ để được hướng dẫn."
LAST_WORKING_DAY = "Ngày {due} là ngày nghỉ nên hôm nay là ngày làm việc cuối cùng trước hạn."
LATE_NOTE = "(Tin nhắc này được gửi muộn do hệ thống tạm gián đoạn; lẽ ra được gửi lúc {planned}.)"


def reminder(
    *,
    name: str,
    role: str,
    unit: str,
    title: str,
    due: date,
    days_left: int,
    missing: str,
    command: str | None,
    note: str | None = None,
    last_working_day: bool = False,
    late_planned: datetime | None = None,
) -> str:
    """A reminder to a unit's focal point (or its deputy standing in)."""
    lines = [_greeting(name, role, unit), ""]
    if late_planned is not None:
        lines += [LATE_NOTE.format(planned=fmt_time(late_planned)), ""]
    lines.append(f"Bot xin nhắc việc: {title}.")
    lines.append(f"Hạn hoàn thành: {fmt_day(due)} – {when_phrase(days_left)}.")
    if last_working_day:
        lines.append(LAST_WORKING_DAY.format(due=fmt_date(due)))
    lines.append(f"Đơn vị còn thiếu: {missing}.")
    if note and days_left >= 0:
        lines.append(f"Ghi chú: {note}")
    lines += ["", COMMAND_LINE.format(command=command) if command else NO_COMMAND_LINE]
    return "\n".join(lines)


def escalation(
    *,
    name: str,
    role: str,
    unit: str,
    title: str,
    due: date,
    days_late: int,
    reminders_sent: int,
    missing: str,
    command: str | None,
    late_planned: datetime | None = None,
) -> str:
    """To the deputy, then the head, of a unit that stayed late after several reminders."""
    lines = [_greeting(name, role, unit), ""]
    if late_planned is not None:
        lines += [LATE_NOTE.format(planned=fmt_time(late_planned)), ""]
    lines.append(f"{unit} chưa hoàn thành: {title}.")
    reminded = (
        f"; đầu mối của đơn vị đã được nhắc {reminders_sent} lần sau hạn" if reminders_sent else ""
    )
    lines.append(f"Hạn hoàn thành: {fmt_day(due)} – đã quá hạn {days_late} ngày{reminded}.")
    lines.append(f"Còn thiếu: {missing}.")
    how = f" (lệnh {command} trên bot)" if command else ""
    lines += ["", f"Đề nghị Anh/Chị đôn đốc hoàn thành sớm{how}. Trân trọng cảm ơn Anh/Chị."]
    return "\n".join(lines)


# -- the digest for admins -----------------------------------------------------------------------

DIGEST_TITLE = "TỔNG HỢP ĐƠN VỊ CHƯA HOÀN THÀNH ĐÚNG HẠN (tính đến {today})"
DIGEST_NONE = "Tính đến {today}, tất cả các đơn vị đã hoàn thành các nội dung đến hạn."
DIGEST_SCOPE = "Phạm vi: {kinds}."


def digest(
    *,
    name: str | None,
    today: date,
    sections: Sequence[tuple[str, date, Sequence[tuple[str, int]]]],
    scope: str | None = None,
    late_planned: datetime | None = None,
) -> str:
    """`sections`: (deadline title, due date, [(unit name, days late), …]) in order."""
    lines: list[str] = []
    if name is not None:
        lines += [f"Kính gửi Anh/Chị {name}," if name else "Kính gửi Anh/Chị,", ""]
    if late_planned is not None:
        lines += [LATE_NOTE.format(planned=fmt_time(late_planned)), ""]
    if not sections:
        lines.append(DIGEST_NONE.format(today=fmt_date(today)))
        return "\n".join(lines)
    lines.append(DIGEST_TITLE.format(today=fmt_date(today)))
    if scope:
        lines.append(scope)
    units: set[str] = set()
    for i, (title, due, late) in enumerate(sections, start=1):
        lines += ["", f"{i}. {title} – hạn {fmt_date(due)}: {len(late)} đơn vị chưa hoàn thành"]
        for unit, days in late:
            units.add(unit)
            lines.append(f"   – {unit} (quá hạn {days} ngày)")
    lines += [
        "",
        f"Tổng cộng: {sum(len(s[2]) for s in sections)} lượt chưa hoàn thành đúng hạn, "
        f"thuộc {len(units)} đơn vị.",
        "Đề nghị Anh/Chị đôn đốc các đơn vị hoàn thành sớm.",
    ]
    return "\n".join(lines)


# -- notices to admins -------------------------------------------------------------------------

CHANNEL_LABELS = {"telegram": "Telegram", "zalo": "Zalo", "terminal": "màn hình dòng lệnh"}


def blocked_notice(*, name: str, person: str, role: str, unit: str, channel: str) -> str:
    """A person blocked the bot: admins should reach them another way."""
    who = f"Anh/Chị {person}" if person else "một người dùng"
    label = ROLE_LABELS.get(role, role)
    label = label[:1].lower() + label[1:]  # mid-sentence; "UBND" keeps its capitals
    return (f"Kính gửi Anh/Chị {name},\n\n" if name else "Kính gửi Anh/Chị,\n\n") + (
        f"Bot không gửi được nhắc việc đến {who} ({label} của {unit}) qua "
        f"{CHANNEL_LABELS.get(channel, channel)}: tài khoản này đã chặn bot hoặc không còn liên "
        "lạc được. Bot ngừng gửi đến tài khoản này cho đến khi người dùng nhắn lại cho bot.\n"
        "Đề nghị Anh/Chị liên hệ trực tiếp để nhắc việc."
    )


# -- the deadline and calendar admin (command line) ----------------------------------------------

BAD_DATE = "Ngày “{text}” không hợp lệ. Vui lòng nhập ngày dạng dd/mm/yyyy, ví dụ 29/03/2024."
DATE_OUT_OF_RANGE = (
    "Ngày {day} nằm ngoài khoảng cho phép của phong trào thi đua ({low} – {high})."
)
UNKNOWN_DEADLINE = "Không có thời hạn mã {code}. Các mã hiện có: {codes}."
DEADLINE_EXISTS = "Đã có thời hạn mã {code}. Để đổi hạn, vui lòng dùng lệnh “deadline move”."
BAD_CODE = (
    "Mã thời hạn “{code}” không hợp lệ: mã viết HOA không dấu, bắt đầu bằng chữ cái, chỉ gồm "
    "A-Z, 0-9 và dấu gạch dưới (ví dụ D04)."
)
EMPTY_TITLE = "Vui lòng nhập nội dung của thời hạn (ví dụ: “Báo cáo sơ kết 6 tháng”)."
NO_SCOPE = "Vui lòng nêu đơn vị phải thực hiện: loại đơn vị (--kinds) hoặc mã đơn vị (--units)."
UNKNOWN_KINDS = "Không có loại đơn vị: {codes}. Các loại hiện có: {known}."
UNKNOWN_UNITS = "Không có đơn vị mã: {codes}."
FULFILMENT_CHOICE = (
    "Vui lòng chọn đúng một cách hoàn thành: nộp văn bản (--document MÃ), báo cáo theo kỳ "
    "(--report monthly|quarterly|semiannual|annual|once) hoặc đăng ký sáng kiến (--initiative)."
)
UNKNOWN_DOCUMENT = "Không có loại văn bản mã {code}. Các loại hiện có: {known}."
UNKNOWN_FREQUENCY = (
    "Kỳ báo cáo “{value}” không hợp lệ; chọn một trong: monthly, quarterly, semiannual, "
    "annual, once."
)
BAD_COMMAND = "Lệnh “{value}” không hợp lệ: lệnh có dạng /tenlenh, chữ thường không dấu."
NO_CAMPAIGN = (
    "Chưa nạp phong trào thi đua nào. Vui lòng nạp tệp cấu hình phong trào thi đua trước."
)
DEADLINE_MOVED = (
    "Đã dời hạn {code} ({title}) từ {old} sang {new}. Nhắc việc theo hạn cũ chưa gửi sẽ bị "
    "hủy; nhắc việc theo hạn mới được lập trong vài phút."
)
DEADLINE_UNCHANGED = "Hạn {code} đã là {day}; không có gì thay đổi."
DEADLINE_ADDED = (
    "Đã thêm thời hạn {code} ({title}), hạn {day}, áp dụng cho {count} đơn vị. Nhắc việc được "
    "lập trong vài phút."
)
DAY_OFF_SET = "Đã đánh dấu {day} là ngày nghỉ. Nhắc việc rơi vào ngày này được dời sang {next}."
DAY_WORK_SET = (
    "Đã đánh dấu {day} là ngày làm việc (làm bù). Nhắc việc có thể được gửi vào ngày này."
)
DAY_CLEARED = "Đã bỏ đánh dấu ngày {day}; ngày này theo lịch chung ({what})."
DAY_NOT_MARKED = "Ngày {day} chưa được đánh dấu riêng; không có gì thay đổi."
DAY_ALREADY = "Ngày {day} đã được đánh dấu là {what}; không có gì thay đổi."
WORKING = "ngày làm việc"
OFF = "ngày nghỉ"


# Before a reminder sent again after a crash (its first copy may have arrived).
REPEAT_MARK = "(Nhắc lại) "
