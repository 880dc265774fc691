"""The số/ký hiệu as OCR gives it: "Số" misread, O for 0, l for 1, the hyphen or slash lost."""

from __future__ import annotations

import pytest

from documents.reading.fields import ocr_number, parse_fields


@pytest.mark.parametrize(("line", "number"), [
    ("Số: 25/KH-UBND", "25/KH-UBND"),
    ("S6: 25/KH UBND", "25/KH-UBND"),
    ("So 25/KH-UBND", "25/KH-UBND"),
    ("Sô: 56/UBND-VP Móng Cái, ngày 10 tháng 3 năm 2024", "56/UBND-VP"),
    ("S0: l12/QĐ-UBND", "112/QĐ-UBND"),
    ("Số: 1O/KH-UBND", "10/KH-UBND"),
    ("Số: 25|KH - UBND", "25/KH-UBND"),
    ("Số:31/KH-UBND.", "31/KH-UBND"),
    ("s§ẽ28KHUBND", "28/KH-UBND"),  # the slash lost: the known heads split the glued symbol
])
def test_a_garbled_number_line_is_read(line: str, number: str) -> None:
    assert ocr_number(line) == number


@pytest.mark.parametrize("line", [
    "Sở Nội vụ", "So sánh 12 lần", "Số lượng: 12 KH", "2. Nâng cao chỉ số hài lòng 12",
    "Số: 0/KH",
])
def test_words_that_are_not_a_number_line_are_not_read_as_one(line: str) -> None:
    assert ocr_number(line) is None


def test_the_heading_read_again_wins_over_the_page_for_a_scan_only() -> None:
    page = "ỦY BAN NHÂN DÂN\nPHƯỜNG KA LONG\ns§ẽ28KHUBND\nKẾ HOẠCH\nPhát động phong trào"
    heading = "ỦY BAN NHÂN DÂN\nPHƯỜNG KA LONG\nSố: 25/KH-UBND\nKẾ"
    assert parse_fields(page, source="ocr", heading=heading).number == "25/KH-UBND"
    assert parse_fields(page, source="ocr").number == "28/KH-UBND"
    assert parse_fields(page, source="text").number is None  # typed text is read strictly
