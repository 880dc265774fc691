"""Every Vietnamese sentence of status and oversight (/tinhtrang and the admins' commands).

Register: polite administrative Vietnamese ("Anh/Chị", "vui lòng"), full diacritics; numbers
and dates written the Vietnamese way (`61,2%`, `31/03/2024`). The functions below are the
small formatters and the criterion renderers the handlers and the digests share; they hold no
logic beyond choosing words. The whole `/tinhtrang`, `/tonghop`, `/quahan` and `/khenthuong`
messages are laid out in `handlers/oversight_views.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.campaign.schema import (
    Campaign,
    DeadlinesMetCheck,
    Indicator,
    IndicatorsMetCheck,
    InitiativeRegisteredCheck,
    RatingAtLeastCheck,
)
from core.domain.awards import CriterionResult, Outcome
from core.domain.periods import period_label
from core.domain.status import (
    DeadlineLine,
    DeadlineState,
    IndicatorLine,
    IndicatorState,
)
from core.domain.values import format_date, format_number, format_percent, format_target
from core.texts import assessment as ta
from core.texts.common import ROLE_LABELS

MAX_LISTED = 3  # items shown under one heading before "và N mục khác"

# -- command descriptions (menu) -------------------------------------------------------------

CMD_STATUS = "Tình hình thực hiện của đơn vị"
CMD_OVERVIEW = "Tổng hợp chung"
CMD_OVERDUE = "Danh sách đơn vị quá hạn"
CMD_URGE = "Đôn đốc đơn vị chưa thực hiện (quản trị)"
CMD_REVIEW = "Duyệt báo cáo, văn bản (quản trị)"
CMD_EXPORT = "Xuất dữ liệu ra Excel (quản trị)"
CMD_BROADCAST = "Gửi thông báo chung (quản trị)"
CMD_INVITE = "Cấp mã đăng ký (quản trị)"
CMD_AWARDS = "Xét điều kiện khen thưởng"

# -- access ----------------------------------------------------------------------------------

NO_SCOPE = (
    "Đơn vị của Anh/Chị chưa được giao phạm vi quản lý trong phong trào thi đua này, nên chưa "
    "dùng được lệnh quản trị. Vui lòng liên hệ Phòng Nội vụ."
)
OWN_UNIT_ONLY = "Anh/Chị chỉ xem được tình hình của đơn vị mình ({unit}). Gõ /tinhtrang để xem."
OUT_OF_SCOPE = (
    "Không tìm thấy mục này trong phạm vi Anh/Chị quản lý ({scope}). Vui lòng kiểm tra lại."
)
UNIT_NOT_FOUND = (
    "Không tìm thấy đơn vị “{text}”. Vui lòng gõ mã đơn vị (ví dụ: P_KA_LONG) hoặc tên đơn vị "
    "(ví dụ: Phường Ka Long)."
)
UNIT_NOT_IN_CAMPAIGN = (
    "{unit} hiện không còn trong danh sách đơn vị tham gia phong trào thi đua. "
    "Vui lòng liên hệ Phòng Nội vụ."
)
SCOPE_ALL = "toàn bộ phong trào thi đua"
OFFICE_FALLBACK = "Phòng Nội vụ"


def scope_label(kind_labels: Sequence[str] | None) -> str:
    return SCOPE_ALL if kind_labels is None else "; ".join(kind_labels)


# -- small pieces ----------------------------------------------------------------------------


def fmt_date(day: date) -> str:
    return format_date(day)


def fmt_local(moment: datetime, tz: ZoneInfo) -> str:
    """`28/03/2024 14:05` in the campaign's time zone."""
    local = moment.astimezone(tz)
    return f"{format_date(local.date())} {local.hour:02d}:{local.minute:02d}"


def fmt_pct(x: float | None) -> str:
    return "–" if x is None else format_percent(x, 1)


def ratio(part: int, whole: int) -> str:
    """`30/49 (61,2%)`."""
    if not whole:
        return "0/0"
    share = format_percent(100 * part / whole, 1)
    return f"{format_number(part, 0)}/{format_number(whole, 0)} ({share})"


def short(ind: Indicator) -> str:
    return ind.short_label or ind.label


def target_text(ind: Indicator) -> str:
    if ind.target is None:
        return ""
    return format_target(ind.target.op, ind.target.value, ind.type, unit=ind.unit)


def _more(items: Sequence[str], limit: int = MAX_LISTED) -> list[str]:
    shown = list(items[:limit])
    if len(items) > limit:
        shown.append(f"… và {len(items) - limit} mục khác")
    return shown


def _period(code: str | None) -> str:
    return period_label(code) if code else ""


# -- /tinhtrang ------------------------------------------------------------------------------

STATUS_HEAD = "TÌNH HÌNH THỰC HIỆN CỦA {unit}\nCập nhật ngày {today}."
STATUS_INDICATORS = "1. Chỉ tiêu kỳ hiện tại ({month}): {counts}."
STATUS_NO_INDICATORS = "1. {unit} không có chỉ tiêu nào phải báo cáo."
STATUS_NOT_MET = "Chưa đạt:"
STATUS_RETURNED = "Phòng Nội vụ đề nghị sửa:"
STATUS_MISSING = "Chưa báo cáo:"
STATUS_MET = "Đã đạt hoặc đã báo cáo: {items}."
STATUS_NOT_DUE = "Chưa đến kỳ báo cáo: {n} chỉ tiêu."
STATUS_PREVIOUS = "Báo cáo {month} còn thiếu: {items}."
STATUS_REPORT_HINT = "→ Gõ /baocao để báo cáo hoặc sửa số liệu."
STATUS_DOCUMENTS = "2. Văn bản phải nộp"
STATUS_DOC_SENT = "đã nộp ngày {day}"
STATUS_NO_DOCUMENTS = "2. Văn bản phải nộp: không có."
STATUS_INITIATIVES = "3. Mô hình, giải pháp, sáng kiến đã đăng ký: {n}"
STATUS_NO_INITIATIVES = "3. Chưa đăng ký mô hình, giải pháp, sáng kiến nào. → Gõ /sangkien."
STATUS_DEADLINES = "4. Thời hạn sắp tới"
STATUS_NO_DEADLINES = "4. Thời hạn sắp tới: không còn việc nào chưa thực hiện."
STATUS_AWARD = "5. {title}: đạt {met}/{total} tiêu chí bot kiểm tra được."
STATUS_AWARD_NONE = (
    "5. Đơn vị không thuộc đối tượng xét các hình thức khen thưởng có tiêu chí tự động."
)

COUNT_WORDS = (
    (IndicatorState.MET, "đạt {n}"),
    (IndicatorState.NOT_MET, "chưa đạt {n}"),
    (IndicatorState.REPORTED, "đã báo cáo {n}"),
    (IndicatorState.RETURNED, "cần sửa {n}"),
    (IndicatorState.MISSING, "chưa báo cáo {n}"),
    (IndicatorState.SKIPPED, "bỏ qua {n}"),
)

DOC_STATES = {
    "pending": "chờ Phòng Nội vụ xem xét",
    "accepted": "Phòng Nội vụ đã tiếp nhận",
    "returned": "Phòng Nội vụ đề nghị bổ sung",
}

INITIATIVE_KINDS = {"mo_hinh": "Mô hình", "giai_phap": "Giải pháp", "sang_kien": "Sáng kiến"}
INITIATIVE_STATES = {
    "registered": "đã đăng ký",
    "in_progress": "đang triển khai",
    "applying": "đang áp dụng",
    "applied": "đã áp dụng",
    "effective": "có hiệu quả",
    "recognized": "được công nhận",
    "not_effective": "chưa đạt hiệu quả",
    "withdrawn": "đã rút",
    "cancelled": "đã hủy",
    "rejected": "không được chấp nhận",
}


def indicator_text(line: IndicatorLine, *, with_period: bool = True) -> str:
    """`Văn bản điện tử (Tháng 4/2024): 95,5%, chỉ tiêu ≥ 100%`."""
    name = short(line.indicator)
    if with_period and line.period:
        name += f" ({_period(line.period)})"
    if line.state in (IndicatorState.MISSING, IndicatorState.NOT_DUE):
        return name
    if line.state is IndicatorState.SKIPPED:
        return f"{name}: bỏ qua" + (f", lý do: {line.comment}" if line.comment else "")
    text = f"{name}: {line.display}" if line.display else name
    target = target_text(line.indicator)
    if line.state is IndicatorState.NOT_MET and target:
        text += f", chỉ tiêu {target}"
    if line.state is IndicatorState.RETURNED and line.comment:
        text += f" – “{line.comment}”"
    return text


def deadline_state_text(line: DeadlineLine, tz: ZoneInfo, *, sent: bool = False) -> str:
    """`đã thực hiện ngày 28/03/2024, đúng hạn` (`sent`: a document, `đã nộp`, `chưa nộp`)."""
    due = fmt_date(line.deadline.due)
    done_word, not_done = ("đã nộp", "chưa nộp") if sent else ("đã thực hiện", "chưa thực hiện")
    if line.state is DeadlineState.ON_TIME and line.done_at is not None:
        return f"{done_word} ngày {fmt_date(line.done_at.astimezone(tz).date())}, đúng hạn"
    if line.state is DeadlineState.LATE and line.done_at is not None:
        done = fmt_date(line.done_at.astimezone(tz).date())
        return f"{done_word} ngày {done}, muộn {line.days} ngày (hạn {due})"
    if line.state is DeadlineState.OVERDUE:
        return f"{not_done}, quá hạn {line.days} ngày (hạn {due})"
    if line.days == 0:
        return f"hạn hôm nay, {due}"
    return f"hạn {due}, còn {line.days} ngày"


def with_command(state: str, command: str | None) -> str:
    """`hạn 31/12/2024, còn 5 ngày (gõ /baocao)`; a state that ends in parentheses takes the
    command inside them: `quá hạn 3 ngày (hạn 31/12/2024, gõ /baocao)`."""
    if not command:
        return state
    if state.endswith(")"):
        return f"{state[:-1]}, gõ {command})"
    return f"{state} (gõ {command})"


STATUS_BRIEF_ALL_DONE = (
    "Đơn vị đã thực hiện đầy đủ các việc đến nay; chưa có việc nào cần làm ngay."
)
STATUS_BRIEF_TODO = "Còn {n} việc cần làm:"
STATUS_BRIEF_RETURNED = "Sửa {n} số liệu Phòng Nội vụ đề nghị sửa: {items} → /baocao"
STATUS_BRIEF_MISSING = "Báo cáo {n} chỉ tiêu kỳ {month} → /baocao"
STATUS_BRIEF_PREVIOUS = "Báo cáo bổ sung {n} chỉ tiêu {month} → /baocao"
STATUS_BRIEF_DOC_RETURNED = "Bổ sung {label}: “{comment}”{hint}"
STATUS_BRIEF_DEADLINE = "{title}: {state}{hint}"
STATUS_BRIEF_NEXT = "Hạn gần nhất: {title}, {state}."
STATUS_BRIEF_NOT_MET = "Chỉ tiêu chưa đạt: {items}."
STATUS_BRIEF_AWARD = "{title}: đạt {met}/{total} tiêu chí bot kiểm tra được."
STATUS_BRIEF_INITIATIVE = "Đăng ký mô hình, giải pháp, sáng kiến → /sangkien"
STATUS_DETAIL_CHOICE = "Xem chi tiết"
#: A deadline this close (in days) is something to do now; later ones are only "hạn gần nhất".
STATUS_SOON_DAYS = 30


# -- award criteria ---------------------------------------------------------------------------

OUTCOME_WORDS = {
    Outcome.MET: "đạt",
    Outcome.NOT_MET: "chưa đạt",
    Outcome.OPEN: "chưa đủ căn cứ",
    Outcome.NOT_APPLICABLE: "không áp dụng (được tính là đạt)",
    Outcome.ASSESSMENT: ta.WORD_NOT_ASSESSED,
}
PROVISIONAL = " (tạm tính theo số liệu mới nhất)"
EVIDENCE_NO_VALUE = "{name}: chưa có số liệu"
EVIDENCE_NOT_REPORTED = "{name}: không đạt (không báo cáo)"
EVIDENCE_LATENESS = "{title}: {state} (ghi nhận việc chậm hạn, không tính vào tiêu chí)"
OUTCOME_FINAL_NOT_MET = "không đạt"
EVIDENCE_INITIATIVES = "đã đăng ký {n}/{required}"


def criterion_name(c: CriterionResult, campaign: Campaign) -> str:
    """A short name for a criterion, from what it checks."""
    check = c.criterion.check
    if isinstance(check, DeadlinesMetCheck):
        return "thực hiện đúng hạn các việc được giao"
    if isinstance(check, IndicatorsMetCheck):
        return "đạt hoặc vượt các chỉ tiêu thi đua"
    if isinstance(check, RatingAtLeastCheck):
        ind = campaign.indicator(check.indicator)
        name = short(ind) if ind else check.indicator
        return f"{name} từ {check.value} trở lên"
    if isinstance(check, InitiativeRegisteredCheck):
        return f"đăng ký ít nhất {check.min_count} mô hình, giải pháp, sáng kiến"
    # An officer's criterion: its short name from the campaign file.
    return ta.criterion_name(c.criterion)


def criterion_text(
    c: CriterionResult,
    *,
    campaign: Campaign,
    tz: ZoneInfo,
    detail: bool = False,
    for_unit: bool = False,
) -> str:
    """`Đạt hoặc vượt các chỉ tiêu thi đua: chưa đạt – Văn bản điện tử: 95,5%, chỉ tiêu ≥ 100%`.

    An officer's verdict says who gave it and when (and, unless `for_unit`, why)."""
    name = criterion_name(c, campaign)
    if c.assessment is not None:
        verdict, why = (
            ta.verdict_word(c.assessment.met),
            ta.evidence(c.assessment, tz, for_unit=for_unit),
        )
        return f"{_capital(name)}: {verdict} – {why}"
    word = OUTCOME_WORDS[c.outcome]
    if c.final and c.outcome is Outcome.NOT_MET:
        word = OUTCOME_FINAL_NOT_MET
    head = f"{_capital(name)}: {word}"
    if c.provisional and c.outcome is not Outcome.MET:
        head += PROVISIONAL
    evidence = criterion_evidence(c, tz)
    if not c.satisfied and evidence:
        limit = len(evidence) if detail else MAX_LISTED
        head += " – " + "; ".join(_more(evidence, limit))
    elif detail and evidence:
        head += " – " + "; ".join(evidence)
    return head


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def criterion_evidence(c: CriterionResult, tz: ZoneInfo) -> list[str]:
    """What the outcome rests on: failing items first (all items when it is met)."""
    lateness = [
        EVIDENCE_LATENESS.format(title=d.deadline.title, state=deadline_state_text(d, tz))
        for d in c.lateness
    ]
    if c.deadlines:
        late = c.failing_deadlines() or list(c.deadlines)
        return [f"{d.deadline.title}: {deadline_state_text(d, tz)}" for d in late]
    if c.indicators:
        out = []
        for line in c.failing_indicators() or list(c.indicators):
            if line.state in (IndicatorState.MISSING, IndicatorState.NOT_DUE) and c.final:
                out.append(EVIDENCE_NOT_REPORTED.format(name=short(line.indicator)))
            elif line.state is IndicatorState.MISSING:
                out.append(EVIDENCE_NO_VALUE.format(name=short(line.indicator)))
            else:
                out.append(indicator_text(line))
        if c.required:
            out.append(
                "Mô hình, giải pháp, sáng kiến (sổ /sangkien): "
                + EVIDENCE_INITIATIVES.format(n=c.initiatives, required=c.required)
            )
        return out + lateness
    if isinstance(c.criterion.check, InitiativeRegisteredCheck):
        return [EVIDENCE_INITIATIVES.format(n=c.initiatives, required=c.required)]
    return lateness


# -- /tonghop --------------------------------------------------------------------------------

OVERVIEW_HEAD = (
    "TỔNG HỢP PHONG TRÀO THI ĐUA – {month}\n"
    "Phạm vi: {scope} ({units} đơn vị). Số liệu đến ngày {today}."
)
OVERVIEW_REPORTS = (
    "Báo cáo {month}: {complete} đơn vị đủ số liệu; đã báo cáo {reported} chỉ tiêu phải báo cáo."
)
OVERVIEW_DEADLINES = (
    "Các thời hạn đã qua: {due} lượt đơn vị; đúng hạn {on_time}, muộn {late}, "
    "chưa thực hiện {overdue}."
)
OVERVIEW_NO_DEADLINES = "Chưa có thời hạn nào đã qua."
OVERVIEW_REVIEW = "Chờ duyệt: {pending} báo cáo, văn bản (/duyet)."
OVERVIEW_REVIEW_READER = "Chờ Phòng Nội vụ duyệt: {pending} báo cáo, văn bản."
OVERVIEW_CORRECTIONS = "Mục trả lại để sửa: {returned}, đã sửa {corrected}{mean}."
OVERVIEW_MEAN = ", thời gian sửa trung bình {hours} giờ"
OVERVIEW_BY_KIND = "Theo loại đơn vị (đủ số liệu · chỉ tiêu đã báo cáo · thời hạn đúng hạn):"
OVERVIEW_FOOT = "Xem đơn vị quá hạn: /quahan. Đôn đốc: /dondoc. Xuất Excel: /xuat."
OVERVIEW_FOOT_READER = "Xem đơn vị quá hạn: /quahan. Điều kiện khen thưởng: /khenthuong."
OVERVIEW_OTHER_MONTH = "Xem {month}"
OVERVIEW_BAD_MONTH = (
    "Không đọc được tháng “{text}”. Vui lòng gõ theo dạng tháng/năm, ví dụ: /tonghop 3/2024."
)
OVERVIEW_NO_UNITS = "Phạm vi quản lý của Anh/Chị ({scope}) chưa có đơn vị nào."
CHART_TITLE = "Tình hình thực hiện – {month}"
CHART_COMPLETENESS = "Chỉ tiêu đã báo cáo (%)"
CHART_TIMELINESS = "Thời hạn thực hiện đúng hạn (%)"
CHART_AXIS = "Tỷ lệ (%)"


# -- /quahan ---------------------------------------------------------------------------------

OVERDUE_HEAD = "ĐƠN VỊ QUÁ HẠN – số liệu đến ngày {today} ({scope})"
OVERDUE_NONE = "Không có đơn vị nào quá hạn trong phạm vi {scope}. Số liệu đến ngày {today}."
OVERDUE_DEADLINE = "{title} (hạn {due}, quá {days} ngày): {n} đơn vị chưa thực hiện{late}"
OVERDUE_LATE = "; {late} đơn vị đã thực hiện muộn"
OVERDUE_ALL_DONE = "{title} (hạn {due}): tất cả đã thực hiện{late}"
OVERDUE_FOOT = "Gõ /dondoc để nhắc các đơn vị chưa thực hiện."


OVERDUE_MORE = "Xem tiếp ({n} đơn vị)"
OVERDUE_PAGE = "Trang {page}/{pages}."
OVERDUE_CONTINUED = "tiếp"


# -- /dondoc ---------------------------------------------------------------------------------

URGE_PICK = (
    "Anh/Chị muốn đôn đốc các đơn vị chưa thực hiện việc nào? Vui lòng chọn (số đơn vị chưa "
    "thực hiện trong phạm vi {scope} ghi trong ngoặc)."
)
URGE_NOTHING = "Trong phạm vi {scope} không có đơn vị nào cần đôn đốc. Số liệu đến ngày {today}."
URGE_DEADLINE_CHOICE = "{title} ({n})"
URGE_INDICATOR_CHOICE = "{label}, {period} ({n})"
URGE_GROUPS = "Anh/Chị muốn đôn đốc việc gì trong phạm vi {scope}? Vui lòng chọn:"
URGE_GROUP_DEADLINES = "Văn bản, việc có thời hạn ({n} việc)"
URGE_GROUP_INDICATORS = "Báo cáo chỉ tiêu ({n} chỉ tiêu)"
URGE_MORE = "Xem tiếp ({n} việc)"
URGE_BAD_TARGET = "Không tìm thấy việc cần đôn đốc này. Gõ /dondoc để chọn lại."
URGE_NONE_MISSING = "Mọi đơn vị trong phạm vi {scope} đã thực hiện việc này. Không cần đôn đốc."
URGE_PREVIEW = (
    "XEM TRƯỚC ĐÔN ĐỐC\n"
    "Việc: {what}\n"
    "Đơn vị chưa thực hiện: {n}\n{units}\n\n"
    "Sẽ gửi đến {people} đầu mối đã đăng ký{unreachable}.\n\n"
    "Nội dung tin nhắn:\n—\n{message}\n—\n\n"
    "Anh/Chị xác nhận gửi?"
)
URGE_UNREACHABLE = "; {n} đơn vị chưa có đầu mối đăng ký nên không nhận được tin"
URGE_SEND = "Gửi đôn đốc"
URGE_CANCEL = "Hủy"
URGE_CONFIRM_HELP = "Vui lòng chọn “Gửi đôn đốc” hoặc “Hủy”."
URGE_SENT = "Đã gửi đôn đốc đến {people} đầu mối của {units} đơn vị.{unreachable}"
URGE_SENT_UNREACHABLE = " Chưa gửi được đến {n} đơn vị chưa có đầu mối đăng ký: {names}."
URGE_DEADLINE_WHAT = "{title} (hạn {due})"
URGE_INDICATOR_WHAT = "báo cáo chỉ tiêu “{label}” kỳ {period}"
URGE_MESSAGE_DEADLINE = (
    "Kính gửi đầu mối {unit},\n"
    "Qua theo dõi của {office}, đến ngày {today} đơn vị chưa thực hiện: {title} (hạn "
    "{due}{state}). "
    "Đề nghị đơn vị khẩn trương thực hiện{command}.\n"
    "Trân trọng cảm ơn."
)
URGE_MESSAGE_INDICATOR = (
    "Kính gửi đầu mối {unit},\n"
    "Qua theo dõi của {office}, đến ngày {today} đơn vị chưa báo cáo chỉ tiêu “{label}” kỳ "
    "{period}. "
    "Đề nghị đơn vị khẩn trương báo cáo (gõ /baocao {month}).\n"
    "Trân trọng cảm ơn."
)
URGE_OVERDUE_STATE = ", đã quá hạn {days} ngày"
URGE_COMMAND = " (gõ {command})"


def unit_list(names: Sequence[str], limit: int = 15) -> str:
    return "\n".join(f"• {n}" for n in _more(names, limit))


# -- /duyet ----------------------------------------------------------------------------------

REVIEW_LIST = "BÁO CÁO, VĂN BẢN CHỜ DUYỆT ({total}) – phạm vi {scope}\nVui lòng chọn mục cần xem:"
REVIEW_NONE = "Không có báo cáo, văn bản nào chờ duyệt trong phạm vi {scope}."
REVIEW_ITEM_REPORT = "{unit} – báo cáo {period} ({at})"
REVIEW_ITEM_DOCUMENT = "{unit} – {doc} ({at})"
REVIEW_MORE = "Xem tiếp"
REVIEW_REPORT_HEAD = "BÁO CÁO {period} CỦA {unit}\nGửi lúc {at}. Trạng thái: {state}.\n"
REVIEW_REPORT_EMPTY = "(Báo cáo không có số liệu nào.)"
REVIEW_DOCUMENT_HEAD = (
    "VĂN BẢN CỦA {unit}\n{doc}\nSố, ký hiệu: {number}\nNgày văn bản: {date}\n"
    "Tệp: {file}\nGửi lúc {at}{deadline}. Trạng thái: {state}."
)
REVIEW_DOC_DEADLINE = ", {state} so với hạn {due}"
ON_TIME_WORD = "đúng hạn"
LATE_WORD = "muộn"
MET_WORD = "đạt"
NOT_MET_WORD = "chưa đạt"
MORE_UNITS = "… và {n} đơn vị khác"
REVIEW_STATES = {
    "pending": "chờ duyệt",
    "accepted": "đã tiếp nhận",
    "returned": "đã trả lại để sửa",
}
REVIEW_ACCEPT = "Tiếp nhận"
REVIEW_RETURN = "Trả lại một mục để sửa"
REVIEW_RETURN_DOC = "Trả lại để bổ sung"
REVIEW_BACK = "Danh sách chờ duyệt"
REVIEW_PICK_ITEM = "Vui lòng chọn mục cần trả lại để đơn vị sửa (chỉ mục này được mở lại):"
REVIEW_ASK_COMMENT = (
    "Vui lòng nhập nội dung đề nghị {unit} sửa mục “{item}” (ví dụ: số liệu chưa khớp với "
    "Cổng Dịch vụ công, đề nghị kiểm tra lại). Gõ “hủy” để dừng."
)
REVIEW_COMMENT_SHORT = "Nội dung đề nghị cần rõ ràng hơn (ít nhất 5 ký tự). Vui lòng nhập lại."
REVIEW_ACCEPTED = "Đã tiếp nhận {what} của {unit}. Đã báo cho {people} đầu mối."
REVIEW_ALREADY = "{what} của {unit} đã được xử lý trước đó (trạng thái: {state})."
REVIEW_RETURNED = "Đã trả lại mục “{item}” của {unit} để sửa. Đã báo cho {people} đầu mối."
REVIEW_NOBODY = " (Đơn vị chưa có đầu mối đăng ký: chưa báo được cho ai.)"
REVIEW_REPORT_WHAT = "báo cáo {period}"
REVIEW_DOC_WHAT = "văn bản “{doc}”"
NOTICE_ACCEPTED = "{office} đã tiếp nhận {what} của {unit}. Trân trọng cảm ơn!"
NOTICE_RETURNED_VALUE = (
    "{office} đề nghị {unit} sửa mục “{item}” trong báo cáo {period}:\n“{comment}”\n\n"
    "Vui lòng gõ /baocao {month} để sửa mục này; các mục khác giữ nguyên."
)
NOTICE_RETURNED_DOC = (
    "{office} đề nghị {unit} bổ sung, hoàn thiện văn bản “{doc}”:\n“{comment}”\n\n"
    "Vui lòng gõ /nopvanban để gửi lại văn bản."
)


def review_value_line(
    n: int,
    ind: Indicator | None,
    *,
    code: str,
    display: str,
    skipped: str | None,
    status: str,
    met: bool | None,
) -> str:
    name = short(ind) if ind else code
    if skipped is not None:
        shown = "bỏ qua" + (f" (lý do: {skipped})" if skipped else "")
    else:
        shown = display or "–"
    extra = ""
    if met is not None and ind is not None and ind.target is not None:
        extra = f" – {MET_WORD if met else NOT_MET_WORD} (chỉ tiêu {target_text(ind)})"
    flag = " [đang trả lại]" if status == "returned" else ""
    return f"{n}. {name}: {shown}{extra}{flag}"


# -- /thongbao -------------------------------------------------------------------------------

BROADCAST_AUDIENCE = (
    "Gửi thông báo đến những đơn vị nào? Chọn một mục, hoặc gõ nhiều số cách nhau bởi dấu phẩy "
    "(ví dụ: 2, 3)."
)
BROADCAST_ALL = "Tất cả đơn vị trong phạm vi ({n})"
BROADCAST_KIND = "{label} ({n})"
BROADCAST_BAD_AUDIENCE = "Vui lòng chọn theo số thứ tự trong danh sách, ví dụ: 1 hoặc 2, 3."
BROADCAST_ASK_TEXT = "Vui lòng nhập nội dung thông báo (tối đa {limit} ký tự). Gõ “hủy” để dừng."
BROADCAST_TEXT_ONLY = "Nội dung thông báo cần là tin nhắn chữ. Vui lòng nhập lại."
BROADCAST_TOO_LONG = "Nội dung dài {n} ký tự, vượt quá {limit} ký tự. Vui lòng rút gọn."
BROADCAST_PREVIEW = (
    "XEM TRƯỚC THÔNG BÁO\nGửi đến: {audience} – {units} đơn vị, {people} người đã đăng ký.\n\n"
    "—\n{message}\n—\n\nAnh/Chị xác nhận gửi?"
)
BROADCAST_SEND = "Gửi thông báo"
BROADCAST_EDIT = "Sửa nội dung"
BROADCAST_CONFIRM_HELP = "Vui lòng chọn “Gửi thông báo”, “Sửa nội dung” hoặc gõ “hủy”."
BROADCAST_SENT = "Đã gửi thông báo đến {people} người của {units} đơn vị."
BROADCAST_NOBODY = "Chưa có ai trong các đơn vị đã chọn đăng ký với bot, nên chưa gửi được."
BROADCAST_MESSAGE = "THÔNG BÁO CỦA {office}\n\n{text}"

# -- /moi ------------------------------------------------------------------------------------

INVITE_ASK_UNIT = (
    "Cấp mã đăng ký cho đơn vị nào? Vui lòng gõ mã đơn vị (ví dụ: P_KA_LONG) hoặc tên đơn vị."
)
INVITE_ASK_ROLE = "Cấp mã cho vai trò nào của {unit}?"
INVITE_BAD_ROLE = "Vui lòng chọn một vai trò trong danh sách."
INVITE_ASK_COUNT = "Cấp bao nhiêu mã? Vui lòng chọn hoặc gõ một số từ 1 đến {max}."
INVITE_BAD_COUNT = "Số lượng mã phải từ 1 đến {max}. Vui lòng nhập lại."
INVITE_ADMIN_NOT_ALLOWED = (
    "Anh/Chị không cấp được mã quản trị cho {unit}: phạm vi quản trị của đơn vị đó rộng hơn "
    "phạm vi của Anh/Chị."
)
INVITE_CODES = (
    "Mã đăng ký {role} của {unit} (mỗi mã dùng một lần, hết hạn ngày {expires}):\n{codes}\n\n"
    "Người được cấp mã mở bot và gửi: /start MÃ{link}"
)
INVITE_LINK = "\nHoặc mở liên kết (Telegram): https://t.me/{bot}?start=MÃ"
INVITE_ROLE_CHOICES = ("focal", "deputy", "head", "admin")
ROLE_WORDS = {
    "focal": ("focal", "dau moi"),
    "deputy": ("deputy", "du phong", "dau moi du phong", "pho"),
    "head": ("head", "thu truong", "thu truong don vi", "lanh dao"),
    "admin": ("admin", "quan tri", "can bo quan tri"),
}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


# -- /xuat -----------------------------------------------------------------------------------

EXPORT_DONE = (
    "Tệp Excel tổng hợp phong trào thi đua ({scope}), số liệu đến {at}: {units} đơn vị, "
    "{sheets} trang tính."
)
EXPORT_FILE_NAME = "tong-hop-thi-dua-{day}.xlsx"

# Sheet and column names of the workbook.
SHEET_UNITS = "Đơn vị"
SHEET_INITIATIVES = "Sáng kiến"
SHEET_DOCUMENTS = "Văn bản"
SHEET_SUBMISSIONS = "Thời gian nộp"
SHEET_OVERVIEW = "Tổng hợp {month}"  # the data of the chart sheet (31 characters at most)
SHEET_CHART = "Biểu đồ {month}"
OVERVIEW_COLUMNS = ("Loại đơn vị", "Số đơn vị", CHART_COMPLETENESS, CHART_TIMELINESS)
COL_CODE = "Mã đơn vị"
COL_NAME = "Tên đơn vị"
COL_KIND = "Loại đơn vị"
COL_SUBMITTED = "Thời điểm nộp"
COL_TARGET_ROW = "Chỉ tiêu"
COL_MET = "Đạt"
MET_YES = "Đạt"
MET_NO = "Chưa đạt"
SKIPPED_CELL = "Bỏ qua: {reason}"
INITIATIVE_COLUMNS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Loại",
    "Tên mô hình, giải pháp, sáng kiến",
    "Lĩnh vực",
    "Trạng thái",
    "Áp dụng từ ngày",
    "Ngày đăng ký",
    "Cập nhật lần cuối",
)
DOCUMENT_COLUMNS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Loại văn bản",
    "Số, ký hiệu",
    "Ngày văn bản",
    "Tên tệp",
    "Thời điểm nộp",
    "Thời hạn",
    "Hạn nộp",
    "Đúng hạn",
    "Trạng thái duyệt",
    "Ý kiến",
    "Đã thay thế",
)
SUBMISSION_COLUMNS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Kỳ báo cáo",
    "Mã kỳ",
    "Thời điểm nộp",
    "Trạng thái duyệt",
    "Thời điểm duyệt",
)
UNIT_COLUMNS = ("Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Đơn vị cấp trên")
YES = "Có"
NO = "Không"

# -- /khenthuong -----------------------------------------------------------------------------

AWARDS_HEAD = (
    "XÉT ĐIỀU KIỆN {title} – phạm vi {scope}, số liệu đến ngày {today}\n"
    "Đủ các tiêu chí bot kiểm tra được: {eligible}/{units} đơn vị."
)
AWARDS_NOTE = (
    "Chọn một đơn vị để xem căn cứ của từng tiêu chí. Gõ /danhgia để ghi đánh giá các tiêu chí "
    "do Phòng Nội vụ đánh giá."
)
AWARDS_ROW = "{unit}: {marks}"
AWARDS_ORDER = "Các dấu lần lượt theo tiêu chí: {names}."
AWARDS_MORE = "Xem tiếp ({n} đơn vị)"
AWARDS_NONE = "Không có hình thức khen thưởng nào có tiêu chí bot kiểm tra được."
AWARDS_NO_UNITS = "Không có đơn vị nào trong phạm vi {scope} thuộc đối tượng {title}."
AWARDS_DETAIL_HEAD = "{title}\n{unit}: đạt {met}/{total} tiêu chí bot kiểm tra được{eligible}."
AWARDS_ELIGIBLE = " – đủ điều kiện đề nghị nếu tiêu chí còn lại được đánh giá đạt"
AWARDS_NOT_APPLICABLE = "{unit} không thuộc đối tượng xét {title}."
MARKS = {
    Outcome.MET: "✓",
    Outcome.NOT_MET: "✗",
    Outcome.OPEN: "…",
    Outcome.NOT_APPLICABLE: "–",
    Outcome.ASSESSMENT: "?",
}
AWARDS_LEGEND = (
    "✓ đạt · ✗ chưa đạt · … chưa đủ căn cứ · – không áp dụng (tính là đạt) · ? chưa đánh giá"
)
