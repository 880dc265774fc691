"""Every Vietnamese sentence the bot says, in one place for review.

Register: polite administrative Vietnamese ("Anh/Chị", "vui lòng"), full diacritics.
"""

from __future__ import annotations

ROLE_LABELS = {
    "focal": "Đầu mối",
    "deputy": "Đầu mối dự phòng",
    "head": "Thủ trưởng đơn vị",
    "admin": "Cán bộ quản trị phong trào thi đua",
    "leader": "Lãnh đạo UBND thành phố",
}

ATTACHMENT_NOT_ON_CHANNEL = (
    "(Ứng dụng này chưa nhận được tệp đính kèm từ bot. Anh/Chị vui lòng xem tệp qua Telegram, "
    "hoặc liên hệ Phòng Nội vụ để nhận bản in.)"
)


def role_at(role: str, unit: str) -> str:
    """“Đầu mối của Xã Hải Sơn”; a leader is registered through a city office but speaks for
    the whole city, so the office is not named."""
    label = ROLE_LABELS.get(role, role)
    return label if role == "leader" else f"{label} của {unit}"


ATTACHMENT_GONE = (
    "(Tệp đính kèm không còn trên máy chủ. Anh/Chị vui lòng gõ lại lệnh để bot tạo tệp mới.)"
)

CHANNEL_LABELS = {"telegram": "Telegram", "zalo": "Zalo", "terminal": "màn hình dòng lệnh"}

INTERNAL_ERROR = (
    "Xin lỗi, hệ thống gặp sự cố khi xử lý tin nhắn vừa rồi. Dữ liệu Anh/Chị đã nhập trước đó "
    "vẫn được giữ nguyên. Vui lòng thử lại sau ít phút; nếu vẫn không được, vui lòng liên hệ "
    "Phòng Nội vụ."
)

# -- registration ---------------------------------------------------------------------------

ASK_CODE = (
    "Kính chào Anh/Chị. Đây là trợ lý phong trào thi đua “Đẩy mạnh cải cách hành chính”.\n\n"
    "Để bắt đầu, vui lòng nhập mã đăng ký do Phòng Nội vụ cấp (ví dụ: ABCDE-FGHJK)."
)
ASK_CODE_AGAIN = "Vui lòng nhập mã đăng ký do Phòng Nội vụ cấp (ví dụ: ABCDE-FGHJK)."
CODE_NOT_TEXT = (
    "Mã đăng ký cần được gõ bằng chữ và số; bot không đọc được mã từ hình ảnh hay nhãn dán."
)
CODE_MALFORMED = (
    "Mã vừa nhập không đúng định dạng. Mã gồm 10 ký tự chữ và số, thường được viết thành hai "
    "nhóm, ví dụ: ABCDE-FGHJK (không phân biệt chữ hoa, chữ thường)."
)
CODE_UNKNOWN = "Mã đăng ký không đúng. Vui lòng kiểm tra lại mã Phòng Nội vụ đã cấp."
CODE_USED = (
    "Mã này đã được sử dụng. Mỗi mã chỉ dùng được một lần; vui lòng liên hệ Phòng Nội vụ "
    "để được cấp mã mới."
)
CODE_EXPIRED = "Mã này đã hết hạn. Vui lòng liên hệ Phòng Nội vụ để được cấp mã mới."
CODE_UNIT_CLOSED = (
    "Mã này thuộc một đơn vị không còn tham gia phong trào thi đua. Vui lòng liên hệ Phòng Nội vụ."
)
CODE_SLOW_DOWN = "Anh/Chị đã nhập sai mã nhiều lần. Vui lòng đợi {seconds} giây rồi nhập lại."
CODE_LOCKED = (
    "Anh/Chị đã nhập sai mã quá nhiều lần, nên việc đăng ký tạm khóa đến {until}. "
    "Vui lòng kiểm tra lại mã với Phòng Nội vụ."
)
ALREADY_REGISTERED = (
    "Anh/Chị đã đăng ký với vai trò {role}, không cần đăng ký lại. "
    "Gõ /trogiup để xem các việc có thể làm."
)
ALREADY_REGISTERED_OTHER_CODE = (
    "Tài khoản này đã đăng ký với vai trò {role}. Mã vừa nhập chưa được sử dụng. "
    "Nếu cần chuyển đơn vị hoặc vai trò, vui lòng liên hệ Phòng Nội vụ."
)
WELCOME = (
    "Đăng ký thành công. Kính chào Anh/Chị{name}!\n"
    "Anh/Chị tham gia phong trào thi đua với vai trò {role}.\n\n"
    "Anh/Chị có thể:\n{commands}"
)
# Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15: what is kept, and why, said at registration.
PRIVACY_NOTE = (
    "Về dữ liệu cá nhân: bot lưu tên hiển thị và mã tài khoản Telegram/Zalo của Anh/Chị, đơn vị "
    "và vai trò, cùng các báo cáo, tệp Anh/Chị gửi — chỉ để nhận báo cáo thi đua của đơn vị và "
    "gửi nhắc hạn. Khi Anh/Chị thôi phụ trách, Phòng Nội vụ xóa các thông tin cá nhân này; báo "
    "cáo của đơn vị được giữ lại."
)

LINK_CODE = (
    "Mã liên kết của Anh/Chị: {code}\n\n"
    "Để dùng bot trên ứng dụng còn lại (Zalo hoặc Telegram), vui lòng mở bot trên ứng dụng đó "
    "và gửi: /start {code}\n"
    "Mã chỉ dùng được một lần và hết hạn sau {minutes} phút."
)
LINKED = (
    "Đã liên kết tài khoản {channel} với hồ sơ của Anh/Chị {name} ({role}). "
    "Từ nay Anh/Chị có thể làm việc với bot trên cả hai ứng dụng; nhắc việc sẽ gửi đến ứng "
    "dụng Anh/Chị dùng gần nhất."
)

# -- help, menu, cancel ---------------------------------------------------------------------

HELP_REGISTERED = (
    "Anh/Chị là {name}, {role} (đang dùng {channel}).\n\n"
    "Các việc Anh/Chị có thể làm:\n{commands}\n\n"
    "Khi đang trả lời: gõ số thứ tự để chọn một trong các mục; “quay lại” để về câu trước; "
    "“bỏ qua” để bỏ qua câu không bắt buộc; “hủy” để dừng."
)
HELP_UNREGISTERED = (
    "Tài khoản này chưa đăng ký. Để đăng ký, vui lòng gửi /start kèm mã do Phòng Nội vụ cấp, "
    "ví dụ: /start ABCDE-FGHJK, hoặc gửi /start rồi nhập mã."
)
NOT_REGISTERED = (
    "Anh/Chị chưa đăng ký nên chưa dùng được lệnh này. Vui lòng gửi /start kèm mã đăng ký "
    "do Phòng Nội vụ cấp."
)
FORBIDDEN = (
    "Lệnh này không dành cho vai trò {role}. Gõ /trogiup để xem các việc Anh/Chị có thể làm."
)
CANCELLED = "Đã dừng thao tác. Gõ /trogiup để xem các việc có thể làm."
CANCELLED_DRAFT_KEPT = (
    "Đã dừng. Các câu Anh/Chị đã trả lời được lưu tạm; khi gõ lại lệnh vừa dùng, bot sẽ hỏi "
    "Anh/Chị có muốn tiếp tục phần đang làm không."
)
NOTHING_TO_CANCEL = "Hiện không có thao tác nào đang dở."
MENU = "Vui lòng chọn một trong các việc sau: gõ số thứ tự hoặc tên lệnh."
NOT_UNDERSTOOD = "Xin lỗi, bot chưa hiểu yêu cầu. " + MENU
NOT_UNDERSTOOD_UNREGISTERED = (
    "Tài khoản này chưa đăng ký. Vui lòng gửi /start kèm mã đăng ký do Phòng Nội vụ cấp."
)
NON_TEXT_IDLE = "Bot chỉ đọc được tin nhắn chữ ở bước này. Gõ /trogiup để xem các việc có thể làm."

# -- command descriptions (menu) -------------------------------------------------------------

CMD_START = "Bắt đầu, đăng ký bằng mã"
CMD_HELP = "Hướng dẫn và vai trò của tôi"
CMD_CANCEL = "Dừng thao tác đang làm"
CMD_MENU = "Danh sách việc có thể làm"
CMD_LINK = "Liên kết thêm tài khoản Zalo hoặc Telegram"


def commands_list(items: list[tuple[str, str]]) -> str:
    """`/lenh – mô tả` lines."""
    return "\n".join(f"/{name} – {desc}" for name, desc in items)


# -- the form engine (every questionnaire: reports, initiatives, documents, articles) ---------

FORM_QUESTION = "Câu {i}/{n}. {text}"
FORM_CONTROLS = "(Gõ “quay lại” để về câu trước, “bỏ qua” để trả lời sau, “hủy” để dừng.)"
#: After a wrong answer: the error and this line, not the whole question again (issue 13).
FORM_RETRY = "Câu {i}/{n}. Vui lòng trả lời lại (gõ “nhắc lại” để xem câu hỏi)."
FORM_TARGET = "Chỉ tiêu: {target}."
FORM_RECORDED = "Đã ghi nhận: {display}."
FORM_FIRST_QUESTION = "Đây là câu đầu tiên."
FORM_TEXT_ONLY = "Câu này cần trả lời bằng chữ; bot không đọc được hình ảnh hay nhãn dán ở đây."
FORM_ASK_REASON = (
    "Mục “{label}” là bắt buộc. Vui lòng cho biết lý do chưa báo cáo được mục này "
    "(hoặc gõ “quay lại” để trả lời)."
)
FORM_REASON_TOO_SHORT = "Lý do cần rõ ràng hơn (ít nhất 3 ký tự). Vui lòng nhập lại lý do."
FORM_SKIPPED = "Đã bỏ qua mục này."
FORM_SKIPPED_WITH_REASON = "Đã ghi nhận lý do: {reason}."
FORM_SUMMARY_HEAD = "Vui lòng kiểm tra lại {title}:"
FORM_SUMMARY_SKIPPED = "bỏ qua"
FORM_SUMMARY_REASON = "bỏ qua – lý do: {reason}"
FORM_SUMMARY_EMPTY = "chưa trả lời"
FORM_CONFIRM = "Xác nhận gửi"
FORM_EDIT = "Sửa một mục"
FORM_LATER = "Để sau"
# Where there are no buttons the summary's actions are words to type (its items are numbered).
FORM_CONFIRM_TYPED = "“gửi” để xác nhận gửi"
FORM_EDIT_TYPED = "“sửa {i}” để sửa mục {i}"
FORM_LATER_TYPED = "“để sau”"
FORM_CONFIRM_HELP = (
    "Vui lòng gõ “gửi” để xác nhận gửi, “sửa” kèm số thứ tự mục cần sửa, hoặc “để sau”."
)
FORM_PICK_ITEM = "Vui lòng gõ số thứ tự mục cần sửa (từ 1 đến {n})."
FORM_LATER_SAVED = (
    "Đã lưu tạm {title}. Khi cần tiếp tục, Anh/Chị gõ lại lệnh {command}; các câu đã trả lời "
    "vẫn được giữ nguyên."
)
TYPE_ONE_OF = "Gõ: {options}"
FORM_RESUME = "Anh/Chị đang làm dở {title} (đã trả lời {done}/{n} câu)."
FORM_RESUME_CONTINUE = "Tiếp tục phần đang làm"
FORM_RESUME_RESTART = "Làm lại từ đầu"
FORM_BAD_CHOICE = "Vui lòng chọn một trong các phương án: gõ số thứ tự từ 1 đến {n}."

# -- /baocao --------------------------------------------------------------------------------

CMD_REPORT = "Báo cáo kết quả thực hiện chỉ tiêu"
REPORT_PICK_MONTH = "Anh/Chị báo cáo cho tháng nào? Gõ số tháng (ví dụ: 3 hoặc 3/2024) hoặc chọn:"
REPORT_BAD_MONTH = "Chưa rõ tháng. Gõ số tháng, ví dụ: 3 hoặc 3/2024."
REPORT_MONTH_CONFIRM = (
    "Anh/Chị báo cáo {month}? Gõ “có” để tiếp tục, hoặc chọn tháng khác (ví dụ: {other})."
)
CONFIRM_WORDS = ("co", "dung", "ok", "vang", "u", "dong y")
REPORT_MONTH_OUTSIDE = (
    "{month} nằm ngoài thời gian của phong trào thi đua ({start} – {end})."
)
REPORT_NOTHING_DUE = (
    "{unit} không có chỉ tiêu nào cần báo cáo trong kỳ {month}. Gõ /trogiup để xem các việc khác."
)
REPORT_LOCKED = (
    "Kỳ báo cáo {periods} đã khóa sổ nên không thể nhập hoặc sửa số liệu. "
    "Nếu cần điều chỉnh, vui lòng liên hệ Phòng Nội vụ."
)
REPORT_TITLE = "báo cáo {month} của {unit}"
REPORT_INTRO = "Báo cáo {month} của {unit} gồm {n} chỉ tiêu. Bot sẽ hỏi lần lượt từng chỉ tiêu."
REPORT_ALREADY_SENT = (
    "Báo cáo {month} của {unit} đã được gửi. Anh/Chị có thể sửa số liệu cho đến khi kỳ báo cáo "
    "khóa sổ; mọi thay đổi đều được lưu lại."
)
REPORT_SAVED = (
    "Đã gửi {title} ({n} chỉ tiêu{changed}). Cảm ơn Anh/Chị! Phòng Nội vụ sẽ xem xét và "
    "thông báo nếu cần bổ sung."
)
REPORT_SAVED_CHANGED = ", {k} mục thay đổi"
REPORT_RETURNED_ITEM = "Phòng Nội vụ đề nghị sửa mục này: {comment}"
REPORT_HINT_UNIT = "Đơn vị tính: {unit}."


# -- a unit that closed or left the campaign (issue 11) ------------------------------------------

#: {unit} has ended: {from_day} is its first day without it; {merged} names where it went.
UNIT_CLOSED = (
    "{unit} đã kết thúc hoạt động từ ngày {from_day}{merged}; "
    "Anh/Chị không thể gửi {what} sau ngày này."
)
UNIT_CLOSED_MERGED = " (sáp nhập vào {successor})"
UNIT_CLOSED_SUCCESSOR_HINT = (
    "Kết quả của đơn vị đến ngày {last_day} được chuyển cho {successor}; "
    "cần hỗ trợ, Anh/Chị liên hệ Phòng Nội vụ."
)
UNIT_CLOSED_WHAT_REPORT = "báo cáo cho các kỳ"
UNIT_CLOSED_WHAT_INITIATIVE = "đăng ký mô hình, giải pháp, sáng kiến"
UNIT_CLOSED_WHAT_DOCUMENT = "văn bản"
UNIT_CLOSED_WHAT_ARTICLE = "bài viết"
#: A unit no longer in the campaign file (or retired from it).
UNIT_REMOVED = (
    "{unit} không còn trong danh sách đơn vị tham gia phong trào thi đua “Đẩy mạnh cải cách "
    "hành chính” năm 2024; Anh/Chị không thể gửi báo cáo, sáng kiến, văn bản hay bài viết cho "
    "đơn vị này nữa. Nếu đây là nhầm lẫn, Anh/Chị liên hệ Phòng Nội vụ."
)
