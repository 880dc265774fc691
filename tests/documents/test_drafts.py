"""The Word drafts: structure, figures, page layout, and a LibreOffice round trip to PDF."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Length

from core.dates import ngay_thang_nam
from core.domain.values import format_number, format_percent
from documents.drafts import (
    render_bao_cao_thanh_tich,
    render_bien_ban,
    render_cong_van,
    render_to_trinh,
    render_tong_ket,
    render_tong_ket_xlsx,
    samples,
)
from documents.drafts.formatting import data_stamp, share_percent
from documents.drafts.model import ReportForm, Scope

STAMP = "Số liệu tổng hợp đến 17 giờ 30 ngày 20/12/2024"
KINDS: dict[str, Callable[[], bytes]] = {
    "bao-cao-thanh-tich": lambda: render_bao_cao_thanh_tich(samples.collective_report()),
    "bao-cao-thanh-tich-ca-nhan": lambda: render_bao_cao_thanh_tich(samples.individual_report()),
    "to-trinh-don-vi": lambda: render_to_trinh(samples.unit_proposal(), Scope.UNIT),
    "to-trinh-thanh-pho": lambda: render_to_trinh(samples.city_proposal(), Scope.CITY),
    "bien-ban": lambda: render_bien_ban(samples.council_meeting()),
    "tong-ket": lambda: render_tong_ket(samples.campaign_summary()),
    "cong-van": lambda: render_cong_van(samples.reminder_letter()),
}
TITLES = {
    "bao-cao-thanh-tich": "BÁO CÁO THÀNH TÍCH",
    "bao-cao-thanh-tich-ca-nhan": "BÁO CÁO THÀNH TÍCH",
    "to-trinh-don-vi": "TỜ TRÌNH",
    "to-trinh-thanh-pho": "TỜ TRÌNH",
    "bien-ban": "BIÊN BẢN",
    "tong-ket": "BÁO CÁO",
    "cong-van": "Kính gửi",
}


def _mm(length: Length | None) -> float:
    """A section length in millimetres (Word stores twips: 15 mm is 850 twips, a hair under)."""
    assert length is not None
    return length.mm


def _open(data: bytes) -> DocxDocument:
    return Document(io.BytesIO(data))


def _all_text(doc: DocxDocument) -> str:
    """Body paragraphs and every table cell, in document order as far as it matters here."""
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _rows(doc: DocxDocument, header_start: str) -> list[list[str]]:
    """Data rows of the bordered table whose first header cell after STT starts with a text."""
    for table in doc.tables:
        header = [c.text for c in table.rows[0].cells]
        if len(header) > 1 and header[1].startswith(header_start):
            return [[c.text for c in row.cells] for row in table.rows[1:]]
    raise AssertionError(f"no table headed {header_start!r}")


def test_date_and_number_formats() -> None:
    assert ngay_thang_nam(date(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024"
    assert ngay_thang_nam(date(2024, 2, 29)) == "ngày 29 tháng 02 năm 2024"
    assert ngay_thang_nam(date(2024, 3, 15)) == "ngày 15 tháng 3 năm 2024"
    assert ngay_thang_nam(date(2024, 12, 5)) == "ngày 05 tháng 12 năm 2024"
    assert format_percent(95.5) == "95,5%"
    assert format_percent(100.0) == "100%"
    assert format_number(1234, 0) == "1.234"
    assert format_number(1234567, 0) == "1.234.567"
    assert share_percent(21, 22) == "95,5%"
    assert share_percent(0, 0) == "-"
    assert data_stamp(datetime(2024, 12, 20, 17, 30)) == STAMP


@pytest.mark.parametrize("kind", KINDS)
def test_every_draft_has_the_nd30_layout(kind: str) -> None:
    doc = _open(KINDS[kind]())
    section = doc.sections[0]
    assert _mm(section.page_width) == pytest.approx(210, abs=0.5)
    assert _mm(section.page_height) == pytest.approx(297, abs=0.5)
    assert 20 <= round(_mm(section.top_margin), 1) <= 25
    assert 20 <= round(_mm(section.bottom_margin), 1) <= 25
    assert 30 <= round(_mm(section.left_margin), 1) <= 35
    assert 15 <= round(_mm(section.right_margin), 1) <= 20
    assert doc.styles["Normal"].font.name == "Times New Roman"
    size = doc.styles["Normal"].font.size
    assert size is not None
    assert 13 <= size.pt <= 14

    heading = doc.tables[0]
    left, right = (cell.text for cell in heading.rows[0].cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Độc lập - Tự do - Hạnh phúc" in right
    assert "Móng Cái, ngày …… tháng …… năm 2024" in heading.rows[1].cells[1].text
    assert left.isupper() or left.upper() == left

    text = _all_text(doc)
    assert TITLES[kind] in text
    assert STAMP in text
    assert "{{" not in text
    assert "{%" not in text
    assert unicodedata.is_normalized("NFC", text)
    for code in ("T04", "D01", "g0", "i1", "A6"):
        assert code not in text


@pytest.mark.parametrize("kind", ["to-trinh-don-vi", "to-trinh-thanh-pho", "tong-ket", "cong-van"])
def test_numbered_documents_carry_a_blank_number_and_noi_nhan(kind: str) -> None:
    doc = _open(KINDS[kind]())
    number = doc.tables[0].rows[1].cells[0].text
    assert number.startswith("Số: ……/")
    closing = doc.tables[-1].rows[0].cells[0].text
    assert closing.startswith("Nơi nhận:")
    assert "- Lưu: VT, " in closing
    assert "TRƯỞNG PHÒNG" in doc.tables[-1].rows[0].cells[1].text or "CHỦ TỊCH" in (
        doc.tables[-1].rows[0].cells[1].text
    )


def test_collective_report_follows_mau_08() -> None:
    report = samples.collective_report()
    doc = _open(render_bao_cao_thanh_tich(report))
    text = _all_text(doc)
    heading = doc.tables[0].rows[0].cells[0].text
    assert "UBND THÀNH PHỐ MÓNG CÁI" in heading
    assert "UBND PHƯỜNG HẢI HÒA" in heading
    assert "Đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in text
    assert "(Thành tích trong phong trào thi đua “Đẩy mạnh cải cách hành chính” năm 2024)" in text
    order = [
        "I. THÔNG TIN CHUNG",
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        "III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN",
    ]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "SƠ LƯỢC LÝ LỊCH" not in text
    assert "XÁC NHẬN CỦA CẤP TRÌNH KHEN" in text
    assert "Ủy ban nhân dân phường Hải Hòa, thành phố Móng Cái" in text

    rows = _rows(doc, "Nội dung chỉ tiêu")
    assert rows == [
        ["1", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn", "100%", "99,2%", "Chưa đạt"],
        ["2", "Tỷ lệ hồ sơ tiếp nhận trực tuyến toàn trình", "80%", "95,5%", "Đạt"],
        [
            "3",
            "Số lượt người dân được hướng dẫn dịch vụ công trực tuyến",
            "1.000 lượt",
            "1.234 lượt",
            "Đạt",
        ],
        ["4", "Chỉ số cải cách hành chính năm 2023", "Khá trở lên", "-", "Chưa đủ căn cứ"],
    ]
    initiatives = _rows(doc, "Tên mô hình, giải pháp")
    assert initiatives[0][1:4] == [
        "Tổ hỗ trợ số tại bộ phận một cửa",
        "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn",
        "Đã được công nhận",
    ]
    documents = _rows(doc, "Số, ký hiệu")
    assert documents[0][1:3] == ["15/KH-UBND", "05/01/2024"]
    assert documents[1][1:3] == ["112/UBND", "15/03/2024"]


def test_individual_report_has_the_cv_and_two_signatures() -> None:
    doc = _open(render_bao_cao_thanh_tich(samples.individual_report()))
    text = _all_text(doc)
    assert "I. SƠ LƯỢC LÝ LỊCH" in text
    assert "THÔNG TIN CHUNG" not in text
    assert "Họ và tên: Lê Thị Ánh Tuyết" in text
    assert "05/02/1990" in text
    assert "NGƯỜI BÁO CÁO THÀNH TÍCH" in text
    assert "XÁC NHẬN, ĐỀ NGHỊ CỦA THỦ TRƯỞNG ĐƠN VỊ" in text
    assert "Không có giải pháp, sáng kiến được ghi nhận." not in text


def test_report_form_is_data(tmp_path: Path) -> None:
    """A campaign under a later decree names its own template file."""
    from documents.drafts.fill import template_bytes

    later = tmp_path / "bao-cao-thanh-tich-nd152-2025.docx"
    later.write_bytes(template_bytes(ReportForm().template))
    form = ReportForm(template=str(later), citation="mẫu kèm theo Nghị định số 152/2025/NĐ-CP")
    report = replace(samples.collective_report(), form=form)
    text = _all_text(_open(render_bao_cao_thanh_tich(report)))
    assert "Nghị định số 152/2025/NĐ-CP" in text
    assert "98/2023" not in text


def test_unit_proposal_lists_collectives_then_individuals() -> None:
    doc = _open(render_to_trinh(samples.unit_proposal(), Scope.UNIT))
    text = _all_text(doc)
    assert "Về việc đề nghị khen thưởng trong phong trào thi đua" in text
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân thành phố Móng Cái." in text
    assert "ngày 05 tháng 12 năm 2024" in text
    assert "I. Khen thưởng tập thể: 1 tập thể" in text
    assert "II. Khen thưởng cá nhân: 2 cá nhân" in text
    assert doc.tables[0].rows[1].cells[0].text == "Số: ……/TTr-UBND"
    signer = doc.tables[-1].rows[0].cells[1].text
    assert "TM. ỦY BAN NHÂN DÂN" in signer
    assert "Nguyễn Văn Thành" in signer


def test_city_proposal_groups_by_award_form() -> None:
    doc = _open(render_to_trinh(samples.city_proposal(), Scope.CITY))
    text = _all_text(doc)
    assert "I. Giấy khen của Chủ tịch Ủy ban nhân dân thành phố: 2 tập thể và 1 cá nhân" in text
    assert "II. Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: 1 cá nhân" in text
    assert doc.tables[0].rows[1].cells[0].text == "Số: ……/TTr-PNV"
    names = [row[1] for row in _rows(doc, "Tên tập thể")]
    assert names[0] == "Bộ phận Tiếp nhận và Trả kết quả phường Hải Hòa"


def test_minutes_list_the_votes_with_blank_counts() -> None:
    meeting = samples.council_meeting()
    doc = _open(render_bien_ban(meeting))
    text = _all_text(doc)
    assert "Vào hồi 14 giờ 00, ngày 05 tháng 12 năm 2024" in text
    assert "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG" in doc.tables[0].rows[0].cells[0].text
    rows = _rows(doc, "Tên tập thể")
    assert [(r[1], r[2], r[3]) for r in rows] == [(v.name, v.award, "") for v in meeting.votes]
    signatures = doc.tables[-1].rows[0].cells
    assert "THƯ KÝ" in signatures[0].text
    assert "CHỦ TRÌ" in signatures[1].text


def test_summary_figures_equal_the_input() -> None:
    summary = samples.campaign_summary()
    doc = _open(render_tong_ket(summary))
    rows = _rows(doc, "Chỉ tiêu")
    assert [r[2:] for r in rows] == [
        ["22", "22", "100%"],
        ["21", "22", "95,5%"],
        ["1.234", "1.300", "94,9%"],
    ]
    counts = _rows(doc, "Nội dung")
    assert [r[2] for r in counts] == ["34", "1.234", "48", "31"]
    shortfalls = _rows(doc, "Cơ quan, đơn vị")
    assert shortfalls == [
        ["1", "UBND xã Hải Sơn", "Giải quyết đúng hạn 100% hồ sơ thủ tục hành chính"]
    ]
    assert "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025" in _all_text(doc)


def test_summary_annex_is_strings_one_sheet_per_table() -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    book = load_workbook(io.BytesIO(render_tong_ket_xlsx(samples.campaign_summary())))
    assert book.sheetnames == ["Tình hình chung", "Chỉ tiêu", "Sáng kiến", "Đơn vị chưa đạt"]
    sheet = book["Chỉ tiêu"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[3]] == [
        "2",
        "Giải quyết đúng hạn 100% hồ sơ thủ tục hành chính",
        "21",
        "22",
        "95,5%",
    ]
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value is not None)
    assert sheet.column_dimensions["B"].width > 30
    assert book["Tình hình chung"]["A7"].value == STAMP


def test_reminder_letter_addresses_each_late_unit_once() -> None:
    letter = samples.reminder_letter()
    doc = _open(render_cong_van(letter))
    number = doc.tables[0].rows[1].cells[0].text
    assert "Số: ……/PNV" in number
    assert "V/v đôn đốc báo cáo kết quả phong trào thi đua" in number
    text = _all_text(doc)
    assert "- UBND xã Hải Sơn;" in text
    assert "- UBND xã Bắc Sơn;" in text
    rows = _rows(doc, "Cơ quan, đơn vị")
    expected = [(i.unit, f"{i.deadline:%d/%m/%Y}") for i in letter.items]
    assert [(r[1], r[3]) for r in rows] == expected
    assert "trước ngày 25/12/2024" in text


def test_one_late_unit_is_addressed_on_one_line() -> None:
    letter = samples.reminder_letter()
    one = replace(letter, items=letter.items[:1])
    text = _all_text(_open(render_cong_van(one)))
    assert "Kính gửi: UBND xã Hải Sơn." in text


def test_markup_in_names_is_escaped() -> None:
    report = samples.collective_report()
    odd = replace(report, award="Giấy khen <đặc biệt> & “tiêu biểu”")
    text = _all_text(_open(render_bao_cao_thanh_tich(odd)))
    assert "Giấy khen <đặc biệt> & “tiêu biểu”" in text


def test_decomposed_input_comes_out_nfc() -> None:
    report = samples.collective_report()
    nfd = replace(report, award=unicodedata.normalize("NFD", report.award))
    text = _all_text(_open(render_bao_cao_thanh_tich(nfd)))
    assert "Đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in text


def test_every_kind_converts_to_an_a4_pdf(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("soffice (LibreOffice) is required but not installed")
        pytest.skip("soffice (LibreOffice) is not installed")
    from pypdf import PdfReader

    for kind, make in KINDS.items():
        (tmp_path / f"{kind}.docx").write_bytes(make())
    scratch = tmp_path / "lo-tmp"
    scratch.mkdir()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *(str(tmp_path / f"{kind}.docx") for kind in KINDS),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "TMPDIR": str(scratch)},  # LibreOffice's pipe and temp files
    )
    for kind in KINDS:
        reader = PdfReader(tmp_path / f"{kind}.pdf")
        box = reader.pages[0].mediabox
        assert abs(float(box.width) - 595) <= 2
        assert abs(float(box.height) - 842) <= 2
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert TITLES[kind] in unicodedata.normalize("NFC", text), kind
