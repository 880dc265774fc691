"""Vietnamese texts of the head's sign-off (`/xacnhan`, and what focal points are told).

Polite administrative register; dates dd/mm/yyyy; “Anh/Chị” for the reader.
"""

from __future__ import annotations

from core.domain.periods import period_in_text

CMD_SIGN_OFF = "Xác nhận báo cáo, văn bản của đơn vị (thủ trưởng)"

STATES = {
    "pending": "chờ thủ trưởng xác nhận",
    "returned": "thủ trưởng đề nghị sửa",
    "confirmed": "đã được thủ trưởng xác nhận",
}

# -- what the focal point is told on sending -----------------------------------------------------

REPORT_WAITING = (
    "Đã gửi {title} ({n} chỉ tiêu{changed}). Cảm ơn Anh/Chị!\n"
    "Báo cáo đang chờ thủ trưởng đơn vị xác nhận; sau khi thủ trưởng xác nhận, báo cáo mới được "
    "tính là đã nộp và chuyển Phòng Nội vụ xem xét. {told}"
)
REPORT_NO_HEAD = (
    "Đã gửi {title} ({n} chỉ tiêu{changed}). Cảm ơn Anh/Chị!\n"
    "Đơn vị chưa có thủ trưởng đăng ký trên hệ thống nên báo cáo được tính là đã nộp ngay, không "
    "cần chờ xác nhận. Phòng Nội vụ sẽ xem xét và thông báo nếu cần bổ sung."
)
REPORT_UNCHANGED = (
    "Báo cáo không có mục nào thay đổi nên không cần thủ trưởng xác nhận lại "
    "(trạng thái hiện tại: {state})."
)
DOCUMENT_WAITING = (
    "Văn bản đang chờ thủ trưởng đơn vị xác nhận; sau khi thủ trưởng xác nhận, văn bản mới được "
    "tính là đã nộp và chuyển Phòng Nội vụ xem xét. {told}"
)
DOCUMENT_WAITING_DUE = (
    "Hạn nộp: {due}; đúng hạn hay sau hạn được tính theo ngày thủ trưởng xác nhận."
)
DOCUMENT_WILL_REPLACE = (
    "Khi được thủ trưởng xác nhận, văn bản này sẽ thay thế văn bản số {number} đã nộp trước đó."
)
DOCUMENT_NO_HEAD = (
    "Đơn vị chưa có thủ trưởng đăng ký trên hệ thống nên văn bản được tính là đã nộp ngay, không "
    "cần chờ xác nhận."
)
TOLD_HEADS = "Đã báo cho {n} thủ trưởng."
TOLD_NO_HEAD_CHAT = (
    "Chưa gửi được tin nhắn cho thủ trưởng; thủ trưởng có thể gõ /xacnhan để xem khi đăng nhập."
)

# -- what the head is told at once ---------------------------------------------------------------

NOTICE_REPORT = (
    "{focal} vừa gửi báo cáo {periods} của {unit} ({n} chỉ tiêu{skipped}).\n"
    "Báo cáo cần Anh/Chị xác nhận trước khi được tính là đã nộp và chuyển Phòng Nội vụ.\n\n"
    "Vui lòng gõ /xacnhan để xem, xác nhận hoặc đề nghị sửa."
)
NOTICE_REPORT_SKIPPED = ", {k} mục bỏ qua"
NOTICE_DOCUMENT = (
    "{focal} vừa nộp {doc} số {number}, ngày ban hành {date} của {unit}.\n"
    "Văn bản cần Anh/Chị xác nhận trước khi được tính là đã nộp và chuyển Phòng Nội vụ.\n\n"
    "Vui lòng gõ /xacnhan để xem, xác nhận hoặc đề nghị sửa."
)
FOCAL_FALLBACK = "Đầu mối"

# -- /xacnhan ------------------------------------------------------------------------------------

NONE = "Hiện không có báo cáo, văn bản nào của {unit} chờ Anh/Chị xác nhận."
NOT_REQUIRED = (
    "Phong trào thi đua này không yêu cầu thủ trưởng xác nhận báo cáo, văn bản trước khi gửi "
    "Phòng Nội vụ. Hiện không có mục nào chờ Anh/Chị xác nhận."
)
LIST = (
    "CHỜ THỦ TRƯỞNG XÁC NHẬN ({n}) – {unit}\n"
    "Vui lòng chọn một mục để xem, rồi xác nhận hoặc đề nghị sửa:"
)
ITEM_REPORT = "Báo cáo {period} (gửi {at})"
ITEM_DOCUMENT = "{doc} số {number} (gửi {at})"
REPORT_HEAD = "BÁO CÁO {period} CỦA {unit}\nGửi lúc {at}. Trạng thái: {state}."
REPORT_EMPTY = "(Báo cáo không có giá trị nào.)"
DOCUMENT_HEAD = (
    "VĂN BẢN CỦA {unit}\n"
    "Loại văn bản: {doc}\n"
    "Số, ký hiệu: {number}\n"
    "Ngày ban hành: {date}\n"
    "Tệp: {file}\n"
    "Gửi lúc {at}. Trạng thái: {state}."
)
CONFIRM = "Xác nhận"
RETURN = "Đề nghị sửa"
BACK = "Quay lại danh sách"
ASK_COMMENT = (
    "Vui lòng nhập nội dung đề nghị đầu mối sửa {what} (ít nhất 5 ký tự). "
    "Gõ “hủy” nếu Anh/Chị không muốn đề nghị sửa nữa."
)
COMMENT_SHORT = "Nội dung đề nghị cần rõ ràng hơn (ít nhất 5 ký tự). Vui lòng nhập lại."
NOT_FOUND = "Không tìm thấy mục này trong các báo cáo, văn bản của {unit}."
ALREADY = "{what} đã được xử lý trước đó (trạng thái: {state})."
CONFIRMED = (
    "Đã xác nhận {what}. Từ {at}, {what} được tính là đã nộp và đã chuyển Phòng Nội vụ xem xét. "
    "Đã báo cho {people} đầu mối."
)
RETURNED = "Đã đề nghị đầu mối sửa {what}. Đã báo cho {people} đầu mối."
NOBODY = " (Đơn vị chưa có đầu mối đăng ký: chưa báo được cho ai.)"
REPORT_WHAT = "báo cáo {period}"
DOCUMENT_WHAT = "văn bản “{doc}” số {number}"

NOTICE_CONFIRMED = (
    "Thủ trưởng {head} đã xác nhận {what} của {unit}. Văn bản, số liệu được tính là đã nộp và "
    "đã chuyển Phòng Nội vụ xem xét."
)
NOTICE_RETURNED_REPORT = (
    "Thủ trưởng {head} đề nghị sửa {what} của {unit}:\n“{comment}”\n\n"
    "Vui lòng gõ /baocao {month} để sửa và gửi lại; báo cáo sửa sẽ được chuyển lại thủ trưởng "
    "xác nhận."
)
NOTICE_RETURNED_DOCUMENT = (
    "Thủ trưởng {head} đề nghị sửa {what} của {unit}:\n“{comment}”\n\n"
    "Vui lòng gõ /nopvanban để gửi lại văn bản đã sửa; văn bản mới sẽ được chuyển lại thủ trưởng "
    "xác nhận."
)
HEAD_FALLBACK = "đơn vị"

# -- /tinhtrang ----------------------------------------------------------------------------------

STATUS_WAITING = "Chờ thủ trưởng xác nhận:"
STATUS_WAITING_HEAD = "Đang chờ Anh/Chị xác nhận ({n}) – gõ /xacnhan để xem:"
STATUS_RETURNED = "Thủ trưởng đề nghị sửa:"
STATUS_LINE = "• {what} (gửi {at})"
STATUS_RETURNED_LINE = "• {what}: “{comment}”"


def periods_label(periods: list[str]) -> str:
    """`tháng 3/2024, Quý I/2024`: the periods of one report, the month first, as they read
    inside a sentence."""
    return ", ".join(period_in_text(p) for p in sorted(periods, key=lambda p: ("-Q" in p, p)))
