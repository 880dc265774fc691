"""Build the Word templates of the drafts: ``python -m documents.templates.build``.

The generated .docx files are committed; a clerk may edit wording and styles in Word, keeping
the ``{{ ... }}`` and ``{% ... %}`` tags. Rerunning this script overwrites such edits, so edit
here what should last.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from documents.templates.layout import (
    TEXT_WIDTH_MM,
    centred,
    closing,
    data_table,
    dotted_line,
    heading_block,
    keep_rows_whole,
    new_document,
    para,
    section_heading,
    signature,
    stamp,
    table,
    tag,
    title,
)

HERE = Path(__file__).resolve().parent
CAMPAIGN = "trong phong trào thi đua “{{ campaign }}” năm {{ year }}"


def achievement_report() -> DocxDocument:  # noqa: PLR0915 - one form, read top to bottom
    """Báo cáo thành tích, Mẫu số 08 (NĐ 98/2023), for a collective or an individual."""
    doc = new_document()
    heading_block(doc, number=False)
    title(
        doc,
        "BÁO CÁO THÀNH TÍCH",
        "Đề nghị tặng {{ award }}",
        underline=False,
    )
    centred(doc, "(Thành tích " + CAMPAIGN + ")", italic=True, after=12)
    tag(doc, "{%p if individual %}")
    para(doc, "Họ và tên: {{ name }}", bold=True)
    para(doc, "Chức vụ, đơn vị công tác: {{ position }}, {{ unit }}.")
    section_heading(doc, "I. SƠ LƯỢC LÝ LỊCH")
    para(doc, "- Họ và tên: {{ name }}; giới tính: {{ gender }}.")
    para(doc, "- Ngày, tháng, năm sinh: {{ birth_date }}.")
    para(doc, "- Quê quán: {{ hometown }}.")
    para(doc, "- Đơn vị công tác: {{ unit }}.")
    para(doc, "- Chức vụ: {{ position }}.")
    para(doc, "- Trình độ chuyên môn, nghiệp vụ: {{ education }}.")
    tag(doc, "{%p else %}")
    para(doc, "Tên tập thể đề nghị khen thưởng: {{ name }}", bold=True)
    section_heading(doc, "I. THÔNG TIN CHUNG")
    para(doc, "- Địa chỉ trụ sở: {{ address }}.")
    para(doc, "- Chức năng, nhiệm vụ: {{ functions }}.")
    para(doc, "- Tổ chức bộ máy: {{ organisation }}.")
    tag(doc, "{%p endif %}")

    section_heading(doc, "II. THÀNH TÍCH ĐẠT ĐƯỢC")
    tag(doc, "{%p for line in summary %}")
    para(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")
    para(doc, "1. Kết quả thực hiện các chỉ tiêu thi đua đã đăng ký", bold=True, keep_next=True)
    data_table(
        doc,
        ("STT", "Nội dung chỉ tiêu", "Chỉ tiêu", "Kết quả", "Đánh giá"),
        ("{{ r.index }}", "{{ r.name }}", "{{ r.target }}", "{{ r.result }}", "{{ r.verdict }}"),
        (13, 82, 24, 24, 22),
        loop="indicators",
        centre=(0, 2, 3, 4),
    )
    para(doc, "2. Giải pháp, sáng kiến đã áp dụng", bold=True, keep_next=True)
    tag(doc, "{%p if initiatives %}")
    data_table(
        doc,
        ("STT", "Tên mô hình, giải pháp, sáng kiến", "Loại", "Tình trạng", "Hiệu quả"),
        ("{{ r.index }}", "{{ r.name }}", "{{ r.kind }}", "{{ r.status }}", "{{ r.effect }}"),
        (13, 47, 40, 25, 40),
        loop="initiatives",
    )
    tag(doc, "{%p else %}")
    para(doc, "Không có giải pháp, sáng kiến được ghi nhận.")
    tag(doc, "{%p endif %}")
    para(doc, "3. Văn bản triển khai thực hiện", bold=True, keep_next=True)
    tag(doc, "{%p if documents %}")
    data_table(
        doc,
        ("STT", "Số, ký hiệu", "Ngày ban hành", "Trích yếu nội dung"),
        ("{{ r.index }}", "{{ r.number }}", "{{ r.date }}", "{{ r.summary }}"),
        (13, 35, 28, 89),
        loop="documents",
        centre=(0, 2),
    )
    tag(doc, "{%p else %}")
    para(doc, "Không có văn bản được ghi nhận.")
    tag(doc, "{%p endif %}")

    section_heading(doc, "III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN")
    for _ in range(3):
        dotted_line(doc, "- ")
    para(doc, "", after=6)

    half = TEXT_WIDTH_MM / 2
    tbl = table(doc, 2, (half, half), grid=False)
    keep_rows_whole(tbl)
    left, right = tbl.rows[0].cells
    tag(left, "{%p if individual %}")
    centred(left, "NGƯỜI BÁO CÁO THÀNH TÍCH", bold=True, size=14)
    centred(left, "(Ký, ghi rõ họ và tên)", italic=True, size=13)
    for _ in range(4):
        centred(left, "")
    centred(left, "{{ name }}", bold=True, size=14)
    tag(left, "{%p endif %}")
    tag(right, "{%p if individual %}")
    centred(right, "XÁC NHẬN, ĐỀ NGHỊ CỦA THỦ TRƯỞNG ĐƠN VỊ", bold=True, size=13)
    tag(right, "{%p endif %}")
    signature(right, hint="(Ký, đóng dấu)")
    left, _right = tbl.rows[1].cells
    centred(left, "")
    centred(left, "XÁC NHẬN CỦA CẤP TRÌNH KHEN", bold=True, size=13)
    centred(left, "{{ confirming_body }}", bold=True, size=13)
    centred(left, "(Ký, đóng dấu)", italic=True, size=13)
    _right.add_paragraph()
    para(doc, "", after=0)
    stamp(doc)
    para(doc, "Báo cáo lập theo {{ form_citation }}.", italic=True, size=10, indent=False,
         after=0, align=WD_ALIGN_PARAGRAPH.LEFT)
    return doc


def proposal() -> DocxDocument:
    """Tờ trình đề nghị khen thưởng: a unit's for its nominees, or Phòng Nội vụ's for the city."""
    doc = new_document()
    heading_block(doc)
    title(doc, "TỜ TRÌNH", "Về việc đề nghị khen thưởng " + CAMPAIGN)
    centred(doc, "Kính gửi: {{ addressee }}.", size=14, after=12)
    tag(doc, "{%p for line in grounds %}")
    para(doc, "{{ line }}", italic=True)
    tag(doc, "{%p endfor %}")
    para(doc, "{{ lead }}")
    tag(doc, "{%p for g in groups %}")
    para(doc, "{{ g.heading }}", bold=True, keep_next=True)
    data_table(
        doc,
        ("STT", "Tên tập thể, cá nhân", "{{ column }}", "Tóm tắt thành tích"),
        ("{{ r.index }}", "{{ r.name }}", "{{ r.third }}", "{{ r.achievement }}"),
        (13, 54, 38, 60),
        loop="g.rows",
    )
    tag(doc, "{%p endfor %}")
    para(doc, "(Có hồ sơ đề nghị khen thưởng kèm theo)", italic=True)
    para(doc, "{{ closing_line }}", after=12, keep_next=True)
    closing(doc)
    return doc


def council_minutes() -> DocxDocument:
    """Biên bản họp xét of the unit's Hội đồng Thi đua - Khen thưởng."""
    doc = new_document()
    heading_block(doc)
    title(doc, "BIÊN BẢN", "Họp xét đề nghị khen thưởng " + CAMPAIGN)
    para(doc, "Thời gian: {{ held_at }}.")
    para(doc, "Địa điểm: {{ venue }}.")
    section_heading(doc, "I. THÀNH PHẦN THAM DỰ")
    para(doc, "- Chủ trì: {{ chair_name }}, {{ chair_title }}.")
    para(doc, "- Thư ký: {{ secretary_name }}, {{ secretary_title }}.")
    dotted_line(doc, "- Số thành viên Hội đồng có mặt: …… /…… thành viên, gồm: ")
    tag(doc, "{%p for _ in member_lines %}")
    dotted_line(doc, "+ ")
    tag(doc, "{%p endfor %}")
    section_heading(doc, "II. NỘI DUNG")
    tag(doc, "{%p for line in agenda %}")
    para(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")
    section_heading(doc, "III. KẾT QUẢ BỎ PHIẾU")
    para(doc, "Hội đồng đã bỏ phiếu kín đối với từng trường hợp đề nghị, kết quả như sau:")
    data_table(
        doc,
        ("STT", "Tên tập thể, cá nhân", "Hình thức đề nghị", "Số phiếu đồng ý", "Tỷ lệ (%)"),
        ("{{ r.index }}", "{{ r.name }}", "{{ r.award }}", "", ""),
        (13, 61, 50, 22, 19),
        loop="votes",
    )
    para(
        doc,
        "Cuộc họp kết thúc vào hồi …… giờ …… cùng ngày. Biên bản đã được thông qua trước "
        "Hội đồng và các thành viên dự họp nhất trí./.",
        after=12,
        keep_next=True,
    )
    half = TEXT_WIDTH_MM / 2
    tbl = table(doc, 1, (half, half), grid=False)
    keep_rows_whole(tbl)
    left, right = tbl.rows[0].cells
    centred(left, "THƯ KÝ", bold=True, size=14)
    for _ in range(4):
        centred(left, "")
    centred(left, "{{ secretary_name }}", bold=True, size=14)
    centred(right, "CHỦ TRÌ", bold=True, size=14)
    centred(right, "{{ chair_title_caps }}", bold=True, size=13)
    for _ in range(4):
        centred(right, "")
    centred(right, "{{ chair_name }}", bold=True, size=14)
    para(doc, "", after=0)
    stamp(doc)
    return doc


def campaign_summary() -> DocxDocument:
    """Báo cáo tổng kết phong trào thi đua of Phòng Nội vụ, with an .xlsx annex beside it."""
    doc = new_document()
    heading_block(doc)
    title(doc, "BÁO CÁO", "Tổng kết phong trào thi đua “{{ campaign }}” năm {{ year }}")
    section_heading(doc, "I. KẾT QUẢ THỰC HIỆN PHONG TRÀO THI ĐUA")
    para(doc, "1. Tình hình chung", bold=True, keep_next=True)
    data_table(
        doc,
        ("STT", "Nội dung", "Số lượng"),
        ("{{ r.index }}", "{{ r.name }}", "{{ r.value }}"),
        (13, 122, 30),
        loop="counts",
        centre=(0, 2),
    )
    para(doc, "2. Kết quả thực hiện các chỉ tiêu thi đua", bold=True, keep_next=True)
    data_table(
        doc,
        ("STT", "Chỉ tiêu", "Số đơn vị đạt", "Số đơn vị áp dụng", "Tỷ lệ đạt"),
        ("{{ r.index }}", "{{ r.name }}", "{{ r.met }}", "{{ r.applicable }}", "{{ r.share }}"),
        (13, 82, 22, 26, 22),
        loop="targets",
        centre=(0, 2, 3, 4),
    )
    para(doc, "3. Giải pháp, sáng kiến cải cách hành chính", bold=True, keep_next=True)
    tag(doc, "{%p if initiatives %}")
    data_table(
        doc,
        ("STT", "Đơn vị", "Tên giải pháp, sáng kiến", "Tình trạng", "Hiệu quả"),
        ("{{ r.index }}", "{{ r.unit }}", "{{ r.name }}", "{{ r.status }}", "{{ r.effect }}"),
        (13, 35, 52, 25, 40),
        loop="initiatives",
    )
    tag(doc, "{%p else %}")
    para(doc, "Chưa có giải pháp, sáng kiến được đăng ký.")
    tag(doc, "{%p endif %}")
    section_heading(doc, "II. TỒN TẠI, HẠN CHẾ")
    tag(doc, "{%p if shortfalls %}")
    para(doc, "Các cơ quan, đơn vị, xã, phường chưa đạt chỉ tiêu thi đua:", keep_next=True)
    data_table(
        doc,
        ("STT", "Cơ quan, đơn vị", "Nội dung chưa đạt"),
        ("{{ r.index }}", "{{ r.unit }}", "{{ r.missing }}"),
        (13, 55, 97),
        loop="shortfalls",
    )
    tag(doc, "{%p else %}")
    para(doc, "Tất cả các cơ quan, đơn vị, xã, phường đều đạt các chỉ tiêu thi đua.")
    tag(doc, "{%p endif %}")
    for _ in range(2):
        dotted_line(doc, "- ")
    section_heading(doc, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {{ next_year }}")
    for _ in range(3):
        dotted_line(doc, "- ")
    section_heading(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    for _ in range(2):
        dotted_line(doc, "- ")
    para(doc, "(Chi tiết số liệu tại Phụ lục kèm theo)", italic=True, after=12, keep_next=True)
    closing(doc)
    return doc


def reminder_letter() -> DocxDocument:
    """Công văn đôn đốc the units late on a deadline or short on a target."""
    doc = new_document()
    heading_block(doc, subject=True)
    tag(doc, "{%p if addressees|length == 1 %}")
    centred(doc, "Kính gửi: {{ addressees[0] }}.", size=14, after=12)
    tag(doc, "{%p else %}")
    para(doc, "Kính gửi:", indent=False, after=0).paragraph_format.left_indent = Mm(20)
    tag(doc, "{%p for a in addressees %}")
    para(doc, "- {{ a }};", indent=False, after=0).paragraph_format.left_indent = Mm(45)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    para(doc, "", after=0)
    para(doc, "{{ lead }}")
    data_table(
        doc,
        ("STT", "Cơ quan, đơn vị", "Nội dung chưa hoàn thành", "Thời hạn"),
        ("{{ r.index }}", "{{ r.unit }}", "{{ r.missing }}", "{{ r.deadline }}"),
        (13, 50, 77, 25),
        loop="items",
        centre=(0, 3),
    )
    para(doc, "{{ request }}")
    para(doc, "{{ consequence }}")
    para(doc, "{{ issuer_name }} đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./.",
         after=12, keep_next=True)
    closing(doc)
    return doc


def _stable_zip(data: bytes) -> bytes:
    """The same .docx bytes on every run: fixed entry times, so git sees only real changes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info))
    return out.getvalue()


TEMPLATES = {
    "bao-cao-thanh-tich-nd98-2023-mau-08.docx": achievement_report,
    "to-trinh.docx": proposal,
    "bien-ban.docx": council_minutes,
    "tong-ket.docx": campaign_summary,
    "cong-van.docx": reminder_letter,
}


def main(argv: list[str]) -> int:
    """Write every template into the given folder (default: beside this file)."""
    out = Path(argv[0]) if argv else HERE
    out.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        document = build()
        props = document.core_properties
        props.author = "Phòng Nội vụ"
        props.comments = "Mẫu dự thảo: sửa lời văn tùy ý, giữ nguyên các thẻ trong ngoặc nhọn."
        props.title = name.removesuffix(".docx")
        buffer = io.BytesIO()
        document.save(buffer)
        (out / name).write_bytes(_stable_zip(buffer.getvalue()))
        print(out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
