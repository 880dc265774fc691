"""Vietnamese texts of /sangkien, /nopvanban, /baiviet and of the form engine's file questions
and cautions.

Register: polite administrative Vietnamese ("Anh/Chị", "vui lòng"), full diacritics; dates as
dd/mm/yyyy, numbers with a decimal comma. Only wording lives here.
"""

from __future__ import annotations

# -- the form engine: files, cautions, questions that cannot be skipped ------------------------

FORM_CONTROLS_NO_SKIP = "(Gõ “quay lại” để về câu trước, “hủy” để dừng.)"
FORM_CANNOT_SKIP = "Mục này bắt buộc, không thể bỏ qua. Vui lòng trả lời."
FORM_STILL_MISSING = "Còn mục chưa trả lời. Vui lòng trả lời trước khi gửi."
FORM_DATE_TOO_EARLY = "Ngày không được trước ngày {day}."
FORM_STALE_BUTTON = "Nút vừa bấm thuộc một câu hỏi trước. Vui lòng trả lời câu hỏi hiện tại:"
FORM_RESUME_HELP = "Vui lòng chọn tiếp tục phần đang làm hoặc làm lại từ đầu: gõ số 1 hoặc 2."

FORM_CAUTION_KEEP = "Vẫn giữ câu trả lời này"
FORM_CAUTION_CHANGE = "Trả lời lại câu này"
FORM_STILL_WAITING = (
    "Bot vẫn đang xử lý câu trả lời vừa rồi, Anh/Chị vui lòng chờ trong giây lát "
    "(hoặc gõ “quay lại” để trả lời lại câu này)."
)
FORM_CAUTION_HELP = "Vui lòng chọn một trong hai phương án sau: gõ số thứ tự 1 hoặc 2."

FORM_FILE_EXPECTED = (
    "Câu này cần Anh/Chị gửi tệp: bấm biểu tượng đính kèm rồi chọn tệp văn bản (PDF, DOC, DOCX) "
    "hoặc chụp ảnh văn bản giấy và gửi."
)
FORM_FILE_TOO_BIG = (
    "Tệp vừa gửi quá lớn (tối đa {limit} MB). Vui lòng gửi bản nhẹ hơn, ví dụ lưu lại thành PDF "
    "hoặc chụp ảnh văn bản."
)
FORM_FILE_UNAVAILABLE = (
    "Bot chưa tải được tệp vừa gửi (tệp có thể đã hết hạn hoặc đường truyền bị gián đoạn). "
    "Vui lòng gửi lại tệp."
)
FORM_FILE_BAD_TYPE = (
    "Tệp vừa gửi không phải là {kinds} (bot kiểm tra nội dung tệp, không chỉ phần đuôi tên tệp). "
    "Vui lòng gửi đúng tệp văn bản hoặc ảnh chụp văn bản."
)
FILE_KIND_NAMES = {
    "pdf": "PDF",
    "doc": "DOC",
    "docx": "DOCX",
    "jpeg": "ảnh JPEG",
    "png": "ảnh PNG",
}
FILE_KIND_LABELS = {
    "pdf": "tệp PDF",
    "doc": "tệp Word (DOC)",
    "docx": "tệp Word (DOCX)",
    "jpeg": "ảnh chụp (JPEG)",
    "png": "ảnh (PNG)",
}

# -- shared by the three conversations ---------------------------------------------------------

TEXT_TOO_LONG = "Nội dung quá dài: tối đa {limit} ký tự (hiện có {n}). Vui lòng rút gọn."
TEXT_TOO_SHORT = "Nội dung quá ngắn. Vui lòng ghi rõ hơn (ít nhất {limit} ký tự)."

# -- /sangkien ---------------------------------------------------------------------------------

CMD_INITIATIVE = "Đăng ký mô hình, giải pháp, sáng kiến; cập nhật trạng thái"
INITIATIVE_KINDS = (
    ("Mô hình", "mo_hinh"),
    ("Giải pháp", "giai_phap"),
    ("Sáng kiến", "sang_kien"),
)
INITIATIVE_STATUSES = {
    "registered": "Đã đăng ký",
    "applying": "Đang áp dụng",
    "effective": "Có hiệu quả",
    "recognized": "Được công nhận",
}
INITIATIVE_MENU = "Anh/Chị muốn làm gì với mô hình, giải pháp, sáng kiến của {unit}?"
INITIATIVE_MENU_NEW = "Đăng ký mô hình, giải pháp, sáng kiến mới"
INITIATIVE_MENU_STATUS = "Cập nhật trạng thái"
INITIATIVE_MENU_HELP = "Vui lòng chọn một trong các việc sau: gõ số thứ tự 1 hoặc 2."
INITIATIVE_NEW_TITLE = "đăng ký mô hình, giải pháp, sáng kiến của {unit}"
INITIATIVE_NEW_INTRO = (
    "Đăng ký mô hình, giải pháp, sáng kiến về cải cách hành chính của {unit}. Bot sẽ hỏi {n} câu."
)
INITIATIVE_Q_KIND = "Anh/Chị đăng ký loại nào?"
INITIATIVE_L_KIND = "Loại"
INITIATIVE_Q_TITLE = "Tên mô hình, giải pháp, sáng kiến là gì?"
INITIATIVE_H_TITLE = "Ví dụ: Ứng dụng Zalo trong trả kết quả thủ tục hành chính."
INITIATIVE_L_TITLE = "Tên"
INITIATIVE_Q_AREA = "Thuộc nội dung cải cách hành chính nào (theo Nghị quyết số 76/NQ-CP)?"
INITIATIVE_L_AREA = "Nội dung CCHC"
INITIATIVE_Q_DESCRIPTION = "Vui lòng mô tả ngắn gọn nội dung, cách làm."
INITIATIVE_L_DESCRIPTION = "Mô tả"
INITIATIVE_Q_EFFECT = "Hiệu quả dự kiến là gì?"
INITIATIVE_H_EFFECT = "Ví dụ: rút ngắn thời gian giải quyết hồ sơ từ 5 ngày xuống 3 ngày."
INITIATIVE_L_EFFECT = "Hiệu quả dự kiến"
INITIATIVE_Q_APPLIED = "Áp dụng từ ngày nào? (ngày/tháng/năm, ví dụ: 15/01/2024)"
INITIATIVE_H_APPLIED = "Nếu chưa áp dụng, gõ “bỏ qua”."
INITIATIVE_L_APPLIED = "Áp dụng từ ngày"
INITIATIVE_SIMILAR = (
    "Lưu ý: tên này rất giống với mô hình, giải pháp, sáng kiến đã đăng ký:\n{items}\n\n"
    "Nếu là cùng một nội dung, Anh/Chị không cần đăng ký lại. Anh/Chị vẫn giữ tên này "
    "hay đổi tên khác?"
)
INITIATIVE_SIMILAR_ITEM = "– “{title}” của {unit}"
INITIATIVE_SIMILAR_OWN = " (chính đơn vị Anh/Chị)"
INITIATIVE_SIMILAR_MORE = "– và {n} mục khác"
INITIATIVE_SIMILAR_KEEP = "Vẫn đăng ký với tên này"
INITIATIVE_SIMILAR_CHANGE = "Đổi tên khác"
INITIATIVE_SAVED = (
    "Đã đăng ký {kind} “{title}” của {unit}. Cảm ơn Anh/Chị!\n"
    "Khi mô hình, giải pháp, sáng kiến được áp dụng, có hiệu quả hoặc được công nhận, Anh/Chị "
    "gõ /sangkien rồi chọn “Cập nhật trạng thái” để cập nhật kèm minh chứng."
)

INITIATIVE_STATUS_TITLE = "cập nhật trạng thái mô hình, giải pháp, sáng kiến của {unit}"
INITIATIVE_STATUS_INTRO = "Cập nhật trạng thái mô hình, giải pháp, sáng kiến của {unit}."
INITIATIVE_NONE_YET = (
    "{unit} chưa đăng ký mô hình, giải pháp, sáng kiến nào nên chưa có gì để cập nhật. "
    "Bot sẽ giúp Anh/Chị đăng ký mới."
)
INITIATIVE_Q_PICK = "Anh/Chị cập nhật mô hình, giải pháp, sáng kiến nào?"
INITIATIVE_L_PICK = "Mô hình, giải pháp, sáng kiến"
INITIATIVE_PICK_LABEL = "{title} ({status})"
INITIATIVE_Q_STATUS = "Trạng thái mới là gì?"
INITIATIVE_L_STATUS = "Trạng thái mới"
INITIATIVE_Q_EVIDENCE = "Vui lòng nêu minh chứng cho trạng thái mới."
INITIATIVE_H_EVIDENCE = (
    "Ví dụ: số, ngày văn bản công nhận; kết quả đạt được (số hồ sơ, thời gian tiết kiệm)."
)
INITIATIVE_L_EVIDENCE = "Minh chứng"
INITIATIVE_STATUS_SAME = (
    "Mô hình, giải pháp, sáng kiến này đang ở trạng thái “{status}”. Anh/Chị vẫn cập nhật "
    "(bổ sung minh chứng mới) hay chọn trạng thái khác?"
)
INITIATIVE_STATUS_SAME_KEEP = "Vẫn cập nhật, bổ sung minh chứng"
INITIATIVE_STATUS_SAME_CHANGE = "Chọn trạng thái khác"
INITIATIVE_STATUS_SAVED = (
    "Đã cập nhật “{title}”: {old} → {new}. Minh chứng đã được lưu. Cảm ơn Anh/Chị!"
)
INITIATIVE_GONE = (
    "Không tìm thấy mô hình, giải pháp, sáng kiến đã chọn trong danh sách của đơn vị. "
    "Vui lòng gõ /sangkien để chọn lại."
)

# -- /nopvanban --------------------------------------------------------------------------------

CMD_DOCUMENT = "Nộp văn bản (văn bản phát động phong trào thi đua…)"
DOCUMENT_NO_TYPES = "Phong trào thi đua hiện chưa quy định văn bản nào cần nộp qua bot."
DOCUMENT_TITLE = "hồ sơ nộp văn bản của {unit}"
DOCUMENT_INTRO = (
    "Nộp văn bản về UBND thành phố (qua Phòng Nội vụ) cho {unit}. Bot sẽ hỏi {n} câu: "
    "loại văn bản, tệp văn bản, số và ngày ban hành."
)
DOCUMENT_Q_TYPE = "Anh/Chị nộp văn bản nào?"
DOCUMENT_L_TYPE = "Loại văn bản"
DOCUMENT_Q_FILE = (
    "Vui lòng gửi tệp văn bản (PDF, DOC hoặc DOCX) hoặc ảnh chụp văn bản giấy, "
    "dung lượng tối đa {limit} MB."
)
DOCUMENT_L_FILE = "Tệp"
DOCUMENT_Q_NUMBER = "Số và ký hiệu của văn bản là gì?"
DOCUMENT_H_NUMBER = "Ghi như trên văn bản, ví dụ: 12/KH-UBND hoặc 05-KH/ĐU."
DOCUMENT_L_NUMBER = "Số, ký hiệu"
DOCUMENT_Q_DATE = "Văn bản ban hành ngày nào? (ngày/tháng/năm, ví dụ: 05/03/2024)"
DOCUMENT_L_DATE = "Ngày ban hành"
DOCUMENT_BAD_NUMBER = (
    "Số văn bản chưa đúng dạng. Vui lòng ghi số và ký hiệu như trên văn bản, ví dụ: "
    "12/KH-UBND, 98/2023/NĐ-CP hoặc 05-KH/ĐU."
)
DOCUMENT_ALREADY = (
    "{unit} đã nộp {label} số {number}, ngày ban hành {date} (gửi ngày {sent}). "
    "Nếu tiếp tục, văn bản mới sẽ thay thế văn bản đã nộp; văn bản cũ vẫn được lưu lại."
)
DOCUMENT_ALREADY_KEEP = "Tiếp tục, nộp văn bản thay thế"
DOCUMENT_ALREADY_CHANGE = "Chọn lại loại văn bản"
DOCUMENT_SAVED = "Đã nhận {label} số {number}, ngày ban hành {date} ({file}). Cảm ơn Anh/Chị!"
DOCUMENT_ON_TIME = "Văn bản được ghi nhận nộp đúng hạn (hạn nộp: {due})."
DOCUMENT_LATE = "Văn bản được ghi nhận nộp sau hạn {due} ({days} ngày)."
DOCUMENT_REPLACED = "Văn bản này thay thế văn bản số {number} đã nộp trước đó."
DOCUMENT_REVIEW = "Phòng Nội vụ sẽ xem xét và thông báo nếu cần bổ sung."

# -- /baiviet ----------------------------------------------------------------------------------

CMD_ARTICLE = "Báo cáo bài viết tuyên truyền về CCHC (đơn vị báo chí)"
ARTICLE_NOT_MEDIA = (
    "Lệnh /baiviet dành cho các đơn vị báo chí, truyền thông (Trung tâm Truyền thông và Văn hóa "
    "thành phố; cơ quan báo, đài có văn phòng đại diện tại thành phố). {unit} không thuộc nhóm "
    "này nên không cần báo cáo bài viết. Xin cảm ơn Anh/Chị! Gõ /trogiup để xem các việc khác."
)
ARTICLE_KINDS = (
    ("Báo in", "bao_in"),
    ("Báo điện tử", "bao_dien_tu"),
    ("Phát thanh", "phat_thanh"),
    ("Truyền hình", "truyen_hinh"),
)
ARTICLE_TITLE = "báo cáo bài viết của {unit}"
ARTICLE_INTRO = "Báo cáo bài viết tuyên truyền về cải cách hành chính. Bot sẽ hỏi {n} câu."
ARTICLE_Q_TITLE = "Tên (tiêu đề) bài viết là gì?"
ARTICLE_L_TITLE = "Tên bài"
ARTICLE_Q_OUTLET = "Bài đăng, phát trên báo, đài nào?"
ARTICLE_H_OUTLET = "Ví dụ: Báo Quảng Ninh, Đài Phát thanh và Truyền hình Quảng Ninh."
ARTICLE_L_OUTLET = "Báo, đài"
ARTICLE_Q_KIND = "Loại hình báo chí?"
ARTICLE_L_KIND = "Loại hình"
ARTICLE_Q_DATE = "Bài đăng, phát ngày nào? (ngày/tháng/năm, ví dụ: 15/03/2024)"
ARTICLE_L_DATE = "Ngày đăng, phát"
ARTICLE_Q_LINK = "Đường dẫn (link) đến bài viết?"
ARTICLE_H_LINK = (
    "Ví dụ: https://baoquangninh.vn/ten-bai-viet. Với báo in và phát thanh, nếu không có "
    "đường dẫn, gõ “bỏ qua”."
)
ARTICLE_L_LINK = "Đường dẫn"
ARTICLE_BAD_LINK = (
    "Đường dẫn chưa đúng. Vui lòng dán đầy đủ địa chỉ trang, bắt đầu bằng http:// hoặc "
    "https://, ví dụ: https://baoquangninh.vn/ten-bai-viet."
)
ARTICLE_SAVED = (
    "Đã ghi nhận bài “{title}” ({kind}, {outlet}, ngày {date}). Từ đầu năm {unit} đã báo cáo "
    "{n} bài. Cảm ơn Anh/Chị!"
)
