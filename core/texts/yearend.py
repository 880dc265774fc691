"""Vietnamese text of the year's end: proposals for awards (/denghi), dossiers (/hoso), the
drafts (/tongket, /congvan, `python -m bot draft`)."""

from __future__ import annotations

CMD_NOMINATE = "Đề nghị khen thưởng tập thể, cá nhân của đơn vị"
CMD_DOSSIER = "Hồ sơ đề nghị khen thưởng: nộp từng văn bản, nhận bản dự thảo"
CMD_SUMMARY = "Dự thảo báo cáo tổng kết (kèm phụ lục Excel) và tờ trình khen thưởng"
CMD_LETTER = "Dự thảo công văn đôn đốc các đơn vị chậm"

SUBJECT_COLLECTIVE = "Tập thể"
SUBJECT_INDIVIDUAL = "Cá nhân"

# -- /denghi ---------------------------------------------------------------------------------

NOM_HEAD = "ĐỀ NGHỊ KHEN THƯỞNG – {unit}"
NOM_NONE = "Đơn vị chưa có đề nghị khen thưởng nào."
NOM_LINE = "{n}. {subject} {name}{position} – {award}{flag}"
NOM_POSITION = " ({position})"
NOM_FLAG_NOT_MET = " [chưa đủ tiêu chuẩn – lý do: {reason}]"
NOM_DEADLINE = "Hạn nộp hồ sơ đề nghị khen thưởng: {due} (còn {days} ngày)."
NOM_DEADLINE_TODAY = "Hạn nộp hồ sơ đề nghị khen thưởng: hôm nay, {due}."
NOM_CLOSED = (
    "Đã quá hạn nộp hồ sơ đề nghị khen thưởng ({due}): không thể thêm, sửa hay rút đề nghị nữa. "
    "Cần thay đổi, vui lòng liên hệ Phòng Nội vụ."
)
NOM_NO_DEADLINE = "Phong trào thi đua chưa đặt hạn nộp hồ sơ đề nghị khen thưởng."
NOM_ASK = "Anh/Chị muốn làm gì?"
NOM_NEW_COLLECTIVE = "Đề nghị khen thưởng tập thể đơn vị"
NOM_NEW_INDIVIDUAL = "Đề nghị khen thưởng cá nhân"
NOM_WITHDRAW = "Rút một đề nghị"
NOM_CHANGE = "Sửa một đề nghị"
NOM_NO_AWARDS = "Kế hoạch không có hình thức khen thưởng nào dành cho {subject} của đơn vị."
NOM_ASK_AWARD = "Chọn hình thức khen thưởng đề nghị cho {subject}:"
NOM_ASK_WHICH = "Chọn đề nghị cần {action}:"
NOM_ACTION_WITHDRAW = "rút"
NOM_ACTION_CHANGE = "sửa"
NOM_NOT_FOUND = "Không tìm thấy đề nghị này (có thể đã rút). Gõ /denghi để xem lại."
NOM_STANDING = "Đơn vị đang ở đâu so với tiêu chuẩn “{award}” (số liệu đến {as_of}):"
NOM_ELIGIBLE = "Kết luận: đơn vị ĐÁP ỨNG các tiêu chuẩn đã có căn cứ."
NOM_NOT_ELIGIBLE = (
    "Kết luận: CHƯA ĐỦ tiêu chuẩn (hoặc chưa được đánh giá đủ). Vẫn có thể đề nghị, "
    "nhưng cần nêu lý do; đề nghị sẽ được đánh dấu “chưa đủ tiêu chuẩn”."
)
NOM_ROUTED = (
    "Đề nghị của đơn vị thuộc khối báo chí do {office} tổng hợp, đề nghị (Kế hoạch, mục III.3.2)."
)
NOM_TITLE = "Đề nghị khen thưởng – {award}"
NOM_INTRO = "Vui lòng trả lời {n} câu hỏi."
NOM_Q_NAME = "Họ và tên người được đề nghị?"
NOM_L_NAME = "Họ và tên"
NOM_Q_POSITION = "Chức vụ, đơn vị công tác của người được đề nghị?"
NOM_L_POSITION = "Chức vụ"
NOM_Q_ACHIEVEMENT = "Tóm tắt thành tích (một vài câu, dùng trong tờ trình)?"
NOM_L_ACHIEVEMENT = "Thành tích"
NOM_Q_REASON = "Đơn vị chưa đủ tiêu chuẩn. Vì sao vẫn đề nghị?"
NOM_L_REASON = "Lý do đề nghị khi chưa đủ tiêu chuẩn"
NOM_SAVED = "Đã ghi đề nghị: {subject} {name} – {award}.{flag}"
NOM_SAVED_FLAG = " Đề nghị được đánh dấu “chưa đủ tiêu chuẩn”."
NOM_CHANGED = "Đã sửa đề nghị: {subject} {name} – {award}.{flag}"
NOM_NEXT = "Tiếp theo: nộp hồ sơ bằng /hoso (Tờ trình, Biên bản họp xét, Báo cáo thành tích)."
NOM_CONFIRM_WITHDRAW = "Rút đề nghị “{name} – {award}”?"
NOM_YES = "Rút đề nghị"
NOM_NO = "Không rút"
NOM_WITHDRAWN = "Đã rút đề nghị: {name} – {award}. Hồ sơ đã nộp vẫn được lưu."
NOM_KEPT = "Đề nghị được giữ nguyên."
NOM_NOTICE = "{unit} đã {action} đề nghị khen thưởng: {subject} {name} – {award}.{flag}"
NOM_NOTICE_FILED = "gửi"
NOM_NOTICE_CHANGED = "sửa"
NOM_NOTICE_WITHDRAWN = "rút"

# -- /hoso -----------------------------------------------------------------------------------

DOS_HEAD = "HỒ SƠ ĐỀ NGHỊ KHEN THƯỞNG – {unit}"
DOS_NONE = "Đơn vị chưa có đề nghị khen thưởng nào. Đề nghị trước bằng /denghi."
DOS_NOMINATION = "{n}. {subject} {name} – {award}{flag}"
DOS_PART = "   {mark} {label}{state}"
DOS_STATE_MISSING = ": chưa nộp"
DOS_STATE_PENDING = ": đã nộp {at}, chờ duyệt"
DOS_STATE_ACCEPTED = ": đã được duyệt"
DOS_STATE_RETURNED = ": bị trả lại – {comment}"
DOS_COMPLETE = "   Hồ sơ đủ."
DOS_ASK = "Chọn việc cần làm:"
DOS_UPLOAD = "Nộp {part} – {name}"
DOS_DRAFTS = "Nhận bản dự thảo (.docx)"
DOS_TITLE = "{part} – {name}"
DOS_Q_FILE = "Gửi tệp {part} (PDF, DOC, DOCX hoặc ảnh chụp văn bản đã ký, tối đa {limit} MB)."
DOS_L_FILE = "Tệp"
DOS_SAVED = "Đã nhận {part} của đề nghị “{name}”: {file}."
DOS_SAVED_COMPLETE = "Hồ sơ của đề nghị này đã đủ; Phòng Nội vụ sẽ xem xét."
DOS_SAVED_REPLACED = "Tệp này thay cho tệp đã nộp trước (tệp cũ vẫn được lưu)."
DOS_DRAFT_READY = (
    "Dự thảo {what} của {unit} (số liệu đến {as_of}); chỉnh sửa, ký và nộp lại bằng /hoso."
)
DOS_NO_DRAFT_NOMINEES = "Chưa có đề nghị nào để điền vào dự thảo: đề nghị trước bằng /denghi."
DOS_ADMIN_UNKNOWN = "Không tìm thấy đơn vị “{text}” trong phạm vi quản lý của Anh/Chị."
DOS_NOTICE = "{unit} đã nộp {part} của hồ sơ đề nghị khen thưởng “{name}”. Xem và duyệt: /duyet."
DOS_CLOSED = NOM_CLOSED
DOS_CLOSED_RETURNED = "Văn bản bị Phòng Nội vụ trả lại để sửa vẫn nộp lại được."

# -- /duyet: dossier parts -------------------------------------------------------------------

REV_ITEM = "Hồ sơ KT: {unit} – {part} ({name})"
REV_SHOW = (
    "HỒ SƠ ĐỀ NGHỊ KHEN THƯỞNG – {unit}\n{subject} {name} – {award}{flag}\n"
    "Thành tích: {achievement}\nVăn bản: {part}, nộp {at}."
)
REV_ACCEPT = "Duyệt văn bản này"
REV_RETURN = "Trả lại để sửa"
REV_ASK_COMMENT = "Nhập nhận xét (vì sao trả lại, cần sửa gì):"
REV_ACCEPTED = "Đã duyệt {part} của {unit} ({name})."
REV_RETURNED = "Đã trả lại {part} của {unit} ({name}) với nhận xét: {comment}"
REV_GONE = "Văn bản này không còn chờ duyệt (đã được duyệt, trả lại hoặc thay bằng tệp khác)."
REV_TOLD_ACCEPT = "Phòng Nội vụ đã duyệt {part} trong hồ sơ đề nghị khen thưởng “{name}”."
REV_TOLD_RETURN = (
    "Phòng Nội vụ trả lại {part} trong hồ sơ đề nghị khen thưởng “{name}” để sửa: {comment}\n"
    "Nộp lại bằng /hoso."
)

# -- drafts ----------------------------------------------------------------------------------

WHAT_REPORT = "báo cáo thành tích"
WHAT_PROPOSAL = "tờ trình đề nghị khen thưởng"
WHAT_MINUTES = "biên bản họp xét"
FILE_REPORT = "bao-cao-thanh-tich-{unit}-{n}.docx"
FILE_PROPOSAL = "to-trinh-{unit}.docx"
FILE_MINUTES = "bien-ban-{unit}.docx"
FILE_SUMMARY = "tong-ket-{year}.docx"
FILE_ANNEX = "tong-ket-{year}-phu-luc.xlsx"
FILE_CITY_PROPOSAL = "to-trinh-thanh-pho-{year}.docx"
FILE_LETTER = "cong-van-don-doc-{topic}.docx"
SUMMARY_READY = (
    "Dự thảo báo cáo tổng kết phong trào thi đua năm {year} (số liệu đến {as_of}): "
    "{units} đơn vị, {met}/{targets} chỉ tiêu “100% đơn vị” đạt toàn thành phố."
)
ANNEX_READY = "Phụ lục Excel của báo cáo tổng kết."
CITY_PROPOSAL_READY = "Dự thảo tờ trình đề nghị khen thưởng của thành phố: {n} tập thể, cá nhân."
SUMMARY_SUMMARY_LINE = (
    "Năm {year}, {units} đơn vị tham gia phong trào; {reports} báo cáo đã gửi; "
    "{initiatives} mô hình, giải pháp, sáng kiến được đăng ký."
)
LETTER_ASK = "Chọn thời hạn hoặc chỉ tiêu cần đôn đốc:"
LETTER_NOTHING = "Không có thời hạn hay chỉ tiêu nào có đơn vị chậm trong phạm vi của Anh/Chị."
LETTER_NONE_LATE = "Không có đơn vị nào chậm “{title}”."
LETTER_READY = "Dự thảo công văn đôn đốc “{title}”: {n} đơn vị (số liệu đến {as_of})."
LETTER_SUBJECT = "đôn đốc thực hiện: {title}"  # the template writes “V/v”
LETTER_MISSING_DEADLINE = "chưa thực hiện: {title} (hạn {due})"
LETTER_MISSING_INDICATOR = "chưa đạt hoặc chưa báo cáo chỉ tiêu: {name}"
SHORT_MISSING_INDICATOR = "{name}: {state}"
ISSUER_PARENT = "UBND thành phố {place}"
CITY_BODY = "Ủy ban nhân dân thành phố {place}"
CITY_ADDRESSEE = "Chủ tịch Ủy ban nhân dân thành phố {place}"
UNIT_ADDRESSEE = "Chủ tịch Ủy ban nhân dân thành phố {place} (qua Phòng Nội vụ)"
PROVINCE_ADDRESSEE = "Chủ tịch Ủy ban nhân dân tỉnh Quảng Ninh (qua Sở Nội vụ)"
COUNCIL = "Hội đồng Thi đua - Khen thưởng"
SIGNER_HEAD = "Thủ trưởng đơn vị"
SIGNER_PNV = "Trưởng phòng"
SIGNER_CHAIR = "Chủ tịch Hội đồng"
SIGNER_SECRETARY = "Thư ký"
RECIPIENTS_UNIT = ("Như trên",)  # the template adds “Lưu: VT, …”
RECIPIENTS_PNV = ("Như trên", "Chủ tịch, các Phó Chủ tịch UBND thành phố")
VENUE = "Trụ sở {unit}"
AGENDA = "Xét, đề nghị khen thưởng phong trào thi đua “{campaign}” năm {year}"
ACHIEVEMENT_INTRO = (
    "Năm {year}, {unit} triển khai phong trào thi đua “{campaign}”; kết quả thực hiện các "
    "chỉ tiêu thi đua đăng ký như sau:"
)

# -- the command line ------------------------------------------------------------------------

CLI_DRAFT_HELP = "Viết một bản dự thảo (.docx) từ dữ liệu hiện có"
CLI_BAD_KIND = "Loại dự thảo “{kind}” không có. Chọn một trong: {kinds}."
CLI_NOT_DOCX = "Tên tệp dự thảo phải có đuôi .docx, ví dụ: --out du-thao.docx"
CLI_NEEDS_UNIT = "Dự thảo {kind} cần mã đơn vị: --unit MÃ (xem: python -m bot units)."
CLI_UNKNOWN_UNIT = "Không có đơn vị mã “{code}” (xem: python -m bot units)."
CLI_NEEDS_DEADLINE = "Công văn đôn đốc cần mã thời hạn hoặc chỉ tiêu: --deadline MÃ ({codes})."
CLI_UNKNOWN_DEADLINE = "Không có thời hạn hay chỉ tiêu mã “{code}”. Có: {codes}."
CLI_NO_FOLDER = "Thư mục “{folder}” không tồn tại: tạo thư mục trước, hoặc chọn nơi lưu khác."
CLI_NO_NOMINEES = (
    "Đơn vị {unit} chưa có đề nghị khen thưởng nào (/denghi); dự thảo để trống phần đề nghị."
)
CLI_WROTE = "Đã ghi {path} ({size} byte; số liệu đến {as_of})."
CLI_WROTE_ANNEX = "Đã ghi phụ lục {path}."
