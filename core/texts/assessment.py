"""Vietnamese texts of `/danhgia` (officers assess the award criteria only they can judge,
e.g. "gương mẫu chấp hành"), of those assessments wherever they are shown (/khenthuong,
/tinhtrang).

Register: polite administrative Vietnamese ("Anh/Chị", "vui lòng"), full diacritics; dates as
dd/mm/yyyy in the campaign's time zone. Only wording lives here.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from core.campaign.schema import Criterion
from core.domain.awards import AssessmentFact, AwardResult, CriterionResult
from core.domain.values import format_date

CMD_ASSESS = "Đánh giá tiêu chí khen thưởng (quản trị)"

MIN_REASON = 5  # characters: a reason must say something

# -- choosing the unit and the award -----------------------------------------------------------

ASK_UNIT = (
    "Anh/Chị đánh giá tiêu chí khen thưởng cho đơn vị nào? Vui lòng gõ mã đơn vị (ví dụ: "
    "P_KA_LONG) hoặc tên đơn vị (ví dụ: Phường Ka Long). Gõ “hủy” để dừng."
)
ASK_UNIT_PICK = (
    "Anh/Chị đánh giá tiêu chí khen thưởng cho đơn vị nào? Vui lòng chọn trong danh sách, "
    "hoặc gõ mã hay tên đơn vị. Gõ “hủy” để dừng."
)
UNIT_UNKNOWN = "Không tìm thấy đơn vị “{text}”."
DRAFT_CHOICE = "Đang làm dở: {unit} – {award}"
ASK_AWARD = (
    "Vui lòng chọn hình thức khen thưởng cần đánh giá cho {unit} (trong ngoặc: tiêu chí do "
    "{office} đánh giá và kết quả hiện tại):"
)
AWARD_CHOICE = "{title} ({state})"
AWARD_STATE = "{name}: {verdict}"
BAD_AWARD = (
    "Vui lòng chọn một hình thức khen thưởng trong danh sách: gõ số thứ tự từ 1 đến {n}."
)
AWARD_UNKNOWN = (
    "Hình thức khen thưởng “{text}” không áp dụng cho {unit} hoặc không có tiêu chí do {office} "
    "đánh giá."
)
NO_AWARDS = (
    "{unit} không thuộc đối tượng của hình thức khen thưởng nào có tiêu chí do {office} đánh giá."
)

# -- the questions (one pair per criterion), the summary, the result ------------------------------

FORM_TITLE = "đánh giá của {office} cho {unit} – {award}"
FORM_INTRO = (
    "ĐÁNH GIÁ TIÊU CHÍ KHEN THƯỞNG\nĐơn vị: {unit}\nHình thức: {award}\n"
    "Có {n} tiêu chí do {office} đánh giá; bot hỏi lần lượt từng tiêu chí. Đánh giá chỉ được "
    "lưu sau khi Anh/Chị xác nhận."
)
Q_VERDICT = (
    "Tiêu chí: “{text}”.\n{current}\nAnh/Chị đánh giá {unit} đạt hay không đạt tiêu chí này?"
)
L_VERDICT = "Tiêu chí “{name}” – kết quả"
VERDICT_MET = "Đạt"
VERDICT_NOT_MET = "Không đạt"
VERDICT_CHOICES = ((VERDICT_MET, "met"), (VERDICT_NOT_MET, "not_met"))
Q_REASON = (
    "Nhận xét, lý do đánh giá tiêu chí “{name}” (bắt buộc khi Không đạt, ít nhất "
    f"{MIN_REASON} ký tự)."
)
H_VERDICT_OPTIONAL = (
    "Có thể gõ “bỏ qua” để tiêu chí này được xét theo tỷ lệ hoàn thành nhiệm vụ Kế hoạch cải cách "
    "hành chính năm 2024 mà đơn vị báo cáo."
)
H_REASON = "Ví dụ: Năm 2024 đơn vị có 01 công chức bị xử lý kỷ luật hình thức khiển trách."
L_REASON = "Tiêu chí “{name}” – nhận xét, lý do"
CURRENT_NONE = "Hiện chưa có đánh giá."
CURRENT = "Đánh giá hiện tại: {verdict}{comment} ({by})."

SAVED_HEAD = "Đã lưu đánh giá của {office} cho {unit} – {award}:"
SAVED_LINE = "• {name}: {verdict}{comment}"
SAVED_WAS = " (trước đó: {verdict}, ngày {day})"
SAVED_SAME = "• {name}: {verdict} – không thay đổi so với đánh giá trước"
SAVED_HISTORY = "Đánh giá trước đó vẫn được lưu trong lịch sử."
SEE_AWARDS = "Xem kết quả xét {award}"
ASSESS_OTHER_AWARD = "Đánh giá hình thức khác cho {unit}"
ASSESS_OTHER_UNIT = "Đánh giá đơn vị khác"

# -- how a verdict reads elsewhere --------------------------------------------------------------

WORD_MET = "đạt"
WORD_NOT_MET = "không đạt"
WORD_NOT_ASSESSED = "chưa đánh giá"
BY_OFFICER = "{who}ngày {day}"
ASSESSED_BY = "{office} đánh giá ngày {day}{name}"
ASSESSED_FOR_UNIT = "{office} đã đánh giá ngày {day}"
OFFICE_FALLBACK = "Phòng Nội vụ"

# /khenthuong
AWARDS_ASSESSED = (
    "Tiêu chí do {office} đánh giá ({ids}): đã đánh giá {done}/{units} đơn vị; "
    "đủ mọi tiêu chí: {qualified} đơn vị."
)
DETAIL_QUALIFIED = (
    "Đạt đủ các tiêu chí, kể cả tiêu chí {ids} đã được đánh giá: đủ điều kiện đề nghị."
)
DETAIL_REFUSED = "Chưa đủ điều kiện đề nghị: tiêu chí {ids} được đánh giá là không đạt."
DETAIL_AWAITING = "Tiêu chí {ids} chưa được đánh giá."
OTHER_AWARDS = "Tiêu chí do {office} đánh giá ở các hình thức khen thưởng khác:"
OTHER_AWARD_LINE = "• {title} – {states}"
ASSESS_BUTTON = "Đánh giá tiêu chí {ids}"


def verdict_word(met: bool) -> str:
    return WORD_MET if met else WORD_NOT_MET


def criterion_name(criterion: Criterion) -> str:
    """What people call a criterion in a sentence: its short name from the campaign file, else
    its text up to the first comma (the id, e.g. g0, is internal and never shown)."""
    if criterion.short:
        return criterion.short
    text = criterion.text.rstrip(".").split(",")[0]
    return text[:1].lower() + text[1:]


def fact_day(fact: AssessmentFact, tz: ZoneInfo) -> str:
    return format_date(fact.assessed_at.astimezone(tz).date())


def current_text(fact: AssessmentFact | None, tz: ZoneInfo) -> str:
    """`Đánh giá hiện tại: không đạt – “…” (Nguyễn Thu Hà, Phòng Nội vụ, ngày 05/04/2024).`"""
    if fact is None:
        return CURRENT_NONE
    who = ", ".join(p for p in (fact.assessor, fact.office) if p)
    by = BY_OFFICER.format(who=f"{who}, " if who else "", day=fact_day(fact, tz))
    comment = f" – “{fact.comment}”" if fact.comment else ""
    return CURRENT.format(verdict=verdict_word(fact.met), comment=comment, by=by)


def evidence(fact: AssessmentFact, tz: ZoneInfo, *, for_unit: bool = False) -> str:
    """What an assessed criterion rests on. The unit's own people see who and when; officers
    also see the officer's name and the reason."""
    office = fact.office or OFFICE_FALLBACK
    if for_unit:
        return ASSESSED_FOR_UNIT.format(office=office, day=fact_day(fact, tz))
    name = f" ({fact.assessor})" if fact.assessor else ""
    text = ASSESSED_BY.format(office=office, day=fact_day(fact, tz), name=name)
    return f"{text}: “{fact.comment}”" if fact.comment else text


def criterion_states(results: Sequence[CriterionResult]) -> str:
    """`gương mẫu chấp hành…: đạt; có thành tích xuất sắc: chưa đánh giá`."""
    return "; ".join(
        AWARD_STATE.format(
            name=criterion_name(c.criterion),
            verdict=verdict_word(c.assessment.met) if c.assessment else WORD_NOT_ASSESSED,
        )
        for c in results
    )


def ids(results: Sequence[CriterionResult]) -> str:
    return "; ".join(f"“{criterion_name(c.criterion)}”" for c in results)


def detail_conclusion(result: AwardResult) -> str:
    """One line on what the officers' assessments mean for the award ("" if it has none)."""
    if not result.assessed:
        return ""
    if result.refused:
        return DETAIL_REFUSED.format(ids=ids(result.refused))
    if result.qualified:
        return DETAIL_QUALIFIED.format(ids=ids(result.assessed))
    if result.awaiting:
        return DETAIL_AWAITING.format(ids=ids(result.awaiting))
    return ""
