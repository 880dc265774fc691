"""Every Vietnamese sentence the bot says, in one place for review.

Register: polite administrative Vietnamese ("Anh/Chị", "vui lòng"), full diacritics.
"""

from __future__ import annotations

ROLE_LABELS = {
    "focal": "Đầu mối",
    "deputy": "Đầu mối dự phòng",
    "head": "Thủ trưởng đơn vị",
    "admin": "Cán bộ quản trị chiến dịch",
}

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
    "Mã này thuộc một đơn vị không còn tham gia chiến dịch. Vui lòng liên hệ Phòng Nội vụ."
)
CODE_SLOW_DOWN = "Anh/Chị đã nhập sai mã nhiều lần. Vui lòng đợi {seconds} giây rồi nhập lại."
CODE_LOCKED = (
    "Anh/Chị đã nhập sai mã quá nhiều lần, nên việc đăng ký tạm khóa đến {until}. "
    "Vui lòng kiểm tra lại mã với Phòng Nội vụ."
)
ALREADY_REGISTERED = (
    "Anh/Chị đã đăng ký với vai trò {role} của {unit}, không cần đăng ký lại. "
    "Gõ /trogiup để xem các việc có thể làm."
)
ALREADY_REGISTERED_OTHER_CODE = (
    "Tài khoản này đã đăng ký với vai trò {role} của {unit}. Mã vừa nhập chưa được sử dụng. "
    "Nếu cần chuyển đơn vị hoặc vai trò, vui lòng liên hệ Phòng Nội vụ."
)
WELCOME = (
    "Đăng ký thành công. Kính chào Anh/Chị{name}!\n"
    "Anh/Chị tham gia chiến dịch với vai trò {role} của {unit}.\n\n"
    "Anh/Chị có thể:\n{commands}"
)

LINK_CODE = (
    "Mã liên kết của Anh/Chị: {code}\n\n"
    "Để dùng bot trên ứng dụng còn lại (Zalo hoặc Telegram), vui lòng mở bot trên ứng dụng đó "
    "và gửi: /start {code}\n"
    "Mã chỉ dùng được một lần và hết hạn sau {minutes} phút."
)
LINKED = (
    "Đã liên kết tài khoản {channel} với hồ sơ của Anh/Chị {name} ({role} của {unit}). "
    "Từ nay Anh/Chị có thể làm việc với bot trên cả hai ứng dụng; nhắc việc sẽ gửi đến ứng "
    "dụng Anh/Chị dùng gần nhất."
)

# -- help, menu, cancel ---------------------------------------------------------------------

HELP_REGISTERED = (
    "Anh/Chị là {name}, {role} của {unit} (đang dùng {channel}).\n\n"
    "Các việc Anh/Chị có thể làm:\n{commands}\n\n"
    "Khi đang trả lời, gõ “hủy” để dừng; bấm nút hoặc gõ số thứ tự để chọn."
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
NOTHING_TO_CANCEL = "Hiện không có thao tác nào đang dở."
MENU = "Vui lòng chọn một việc dưới đây: bấm nút, gõ số thứ tự hoặc gõ tên lệnh."
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
