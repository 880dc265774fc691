"""The .xlsx annex of the year-end report: its tables, one sheet each, to sort and filter.

Every cell is written as a string, exactly as the report prints it, so Excel shows "95,5%"
whatever its locale and no formula can be injected.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence

import xlsxwriter

from documents.drafts.fill import Context
from documents.drafts.formatting import data_stamp
from documents.drafts.model import CampaignSummary
from documents.drafts.summary import count_rows, initiative_rows, shortfall_rows, target_rows

Column = tuple[str, str, int]

SHEETS: tuple[tuple[str, Sequence[Column]], ...] = (
    ("Tình hình chung", (("index", "STT", 6), ("name", "Nội dung", 55), ("value", "Số lượng", 12))),
    ("Chỉ tiêu", (
        ("index", "STT", 6), ("name", "Chỉ tiêu", 60), ("met", "Số đơn vị đạt", 14),
        ("applicable", "Số đơn vị áp dụng", 18), ("share", "Tỷ lệ đạt", 12),
    )),
    ("Sáng kiến", (
        ("index", "STT", 6), ("unit", "Đơn vị", 30), ("name", "Tên giải pháp, sáng kiến", 50),
        ("status", "Tình trạng", 20), ("effect", "Hiệu quả", 45),
    )),
    ("Đơn vị chưa đạt", (
        ("index", "STT", 6), ("unit", "Cơ quan, đơn vị", 35), ("missing", "Nội dung chưa đạt", 70),
    )),
)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def render_tong_ket_xlsx(summary: CampaignSummary) -> bytes:
    """The annex as .xlsx bytes: one sheet per table, header frozen, columns sized."""
    tables = (count_rows(summary), target_rows(summary), initiative_rows(summary),
              shortfall_rows(summary))
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "vcenter",
                            "align": "center", "border": 1, "font_name": "Times New Roman"})
    body = book.add_format({"text_wrap": True, "valign": "top", "border": 1,
                            "font_name": "Times New Roman"})
    note = book.add_format({"italic": True, "font_name": "Times New Roman", "font_size": 9})
    stamp = _nfc(data_stamp(summary.data_as_of))
    for (title, columns), rows in zip(SHEETS, tables, strict=True):
        _sheet(book.add_worksheet(title), columns, rows, head, body)
        sheet = book.get_worksheet_by_name(title)
        sheet.write_string(len(rows) + 2, 0, stamp, note)
    book.close()
    return out.getvalue()


def _sheet(
    sheet: xlsxwriter.worksheet.Worksheet,
    columns: Sequence[Column],
    rows: list[Context],
    head: object,
    body: object,
) -> None:
    """One table on one sheet."""
    for col, (_key, label, width) in enumerate(columns):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, _nfc(label), head)
    for row_no, row in enumerate(rows, start=1):
        for col, (key, _label, _width) in enumerate(columns):
            sheet.write_string(row_no, col, _nfc(str(row[key])), body)
    sheet.freeze_panes(1, 0)
