"""What the bot says about the content it read from a submitted document (`/nopvanban`), and
what Phòng Nội vụ sees and corrects of it (`/duyet`, `/tinhtrang`)."""

from __future__ import annotations

# -- the person who submits ----------------------------------------------------------------

READING = "Bot đang đọc nội dung văn bản, Anh/Chị vui lòng chờ trong giây lát…"
STILL_READING = "Bot vẫn đang đọc nội dung văn bản, Anh/Chị vui lòng chờ thêm giây lát."
READ_AS = "Bot đọc được: {description}."
READ_MATCHES = "Văn bản khớp với yêu cầu."
UNREAD = (
    "Bot không đọc được nội dung văn bản (có thể là bản chụp, bản quét). Văn bản vẫn được "
    "nhận; Phòng Nội vụ sẽ mở tệp để xem."
)
MISMATCH_HEAD = "Bot thấy văn bản chưa khớp với yêu cầu:"
MISMATCH_LINE = "- {message}."
SUBMIT_ANYWAY = (
    "Anh/Chị vẫn nộp văn bản này chứ? (Bot có thể đọc nhầm; Phòng Nội vụ sẽ xem lại. "
    "Nếu nộp, các điểm chưa khớp được ghi kèm văn bản.)"
)
SUBMIT_YES = "Có, vẫn nộp văn bản này"
SUBMIT_NO = "Không, gửi tệp khác"
# What was read, offered where the form then asks the number and the date.
PREFILL_NUMBER = "Số văn bản bot đọc được: {value} — gõ “đúng” để giữ, hoặc gõ số khác."
PREFILL_DATE = "Ngày ban hành bot đọc được: {value} — gõ “đúng” để giữ, hoặc gõ ngày khác."
PREFILL_KEEP = "Đúng: {value}"

# -- Phòng Nội vụ ------------------------------------------------------------------------------

FIELDS_HEAD = "Nội dung bot đọc được:"
FIELDS_UNREAD = "Nội dung: bot không đọc được (Phòng Nội vụ mở tệp để xem)."
FIELDS_NONE = "Nội dung: chưa được đọc."
FLAGS_HEAD = "⚠ Chưa khớp yêu cầu:"
FLAGS_NONE = "✓ Khớp yêu cầu."
CORRECTED_MARK = " (đã sửa)"
FIELD_LABELS = {
    "doc_type": "Loại văn bản",
    "number": "Số, ký hiệu",
    "issued_on": "Ngày ban hành",
    "place": "Địa danh",
    "issuer": "Cơ quan ban hành",
    "parent_issuer": "Cơ quan chủ quản",
    "subject": "Trích yếu",
    "signer_title": "Chức vụ người ký",
}
FIELD_LINE = "- {label}: {value}"
FIELD_EMPTY = "(không đọc được)"
CORRECT_BUTTON = "Sửa thông tin văn bản"
CORRECT_PICK = "Sửa thông tin nào của văn bản số {number} ({unit})? Gõ số thứ tự."
CORRECT_ASK = (
    "{label} hiện ghi: {value}\nGõ giá trị đúng (ngày theo dạng ngày/tháng/năm), "
    "hoặc “hủy” để thôi."
)
CORRECT_BAD_DATE = "Ngày chưa đúng dạng ngày/tháng/năm, ví dụ 05/03/2024. Vui lòng gõ lại."
CORRECT_TOO_LONG = "Giá trị quá dài (tối đa {limit} ký tự). Vui lòng gõ lại."
CORRECT_DONE = "Đã sửa {label}: {old} → {new}. Việc sửa đã được ghi nhật ký."
CORRECT_GONE = "Không tìm thấy văn bản này, hoặc văn bản không thuộc phạm vi Anh/Chị duyệt."
CORRECT_BACK = "Xem lại văn bản"
STATUS_DOC = "{label} số {number}"

# -- the export's documents sheet: what the bot read, beside what the unit declared ------------

EXPORT_COLUMNS = (
    "Số, ký hiệu đọc được",
    "Ngày ban hành đọc được",
    "Cơ quan ban hành đọc được",
    "Loại văn bản đọc được",
    "Trích yếu đọc được",
    "Người ký (chức vụ) đọc được",
    "Điểm chưa khớp",
    "Đã sửa",
)
EXPORT_SEPARATOR = "; "
