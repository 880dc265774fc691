"""The Excel export: sheets, typed cells, targets, and no formula from what units typed."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import zipfile
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.campaign import Campaign, bundled_campaign_path, load_campaign
from handlers.export import collect, export_workbook, workbook_summary
from storage.db import Database
from tests.oversight import seed

HOSTILE = ('=HYPERLINK("http://evil.example","bấm vào")', "+84 912 345 678", "-5 điểm", "@SUM(A1)")


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign(bundled_campaign_path())


@pytest.fixture
async def any_db(any_db_url: str) -> AsyncIterator[Database]:
    """On SQLite and on PostgreSQL."""
    database = Database(any_db_url)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def db(sqlite_url: str) -> AsyncIterator[Database]:
    database = Database(sqlite_url)
    try:
        yield database
    finally:
        await database.dispose()


async def history(db: Database, campaign: Campaign) -> None:
    await seed.ka_long_story(db, campaign)
    when = seed.local(date(2024, 4, 2))
    await seed.initiative(db, "P_TRAN_PHU", HOSTILE[0], at=when)
    await seed.document(db, "P_TRAN_PHU", at=when, number=HOSTILE[1], name=HOSTILE[3])
    await seed.report(
        db,
        campaign,
        "P_TRAN_PHU",
        {("T13", "2024-Q1"): HOSTILE[3]},
        at=when,
        skipped={("T11", "2024-03"): HOSTILE[2]},
    )


def rows_of(ws) -> list[list[Any]]:  # type: ignore[no-untyped-def]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def row_for(ws, code: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    rows = rows_of(ws)
    head = rows[0]
    found = next(r for r in rows if r[0] == code)
    return dict(zip(head, found, strict=True))


async def test_workbook_has_a_sheet_per_period_with_typed_values_and_targets(
    any_db: Database, campaign: Campaign, tmp_path: Path
) -> None:
    await history(any_db, campaign)
    path = tmp_path / "tong-hop.xlsx"
    summary = await export_workbook(any_db, campaign, path)
    assert summary.units == 48
    wb = load_workbook(path)
    names = wb.sheetnames
    assert names[0] == "Đơn vị"
    assert names[1:13] == [f"Tháng {m}-2024" for m in range(1, 13)]
    assert "Quý I-2024" in names
    assert "Năm 2024" in names
    assert "Một lần trong năm 2024" in names
    assert names[-3:] == ["Sáng kiến", "Văn bản", "Thời gian nộp"]
    assert summary.sheets == len(names)
    async with any_db.read() as conn:  # what /xuat announces before the file is written
        assert workbook_summary(await collect(conn, campaign), path) == summary

    march = wb["Tháng 3-2024"]
    head, targets = rows_of(march)[:2]
    assert "Văn bản điện tử (%)" in head
    assert targets[head.index("Văn bản điện tử (%)")] == "≥ 100%"
    ka_long = row_for(march, "P_KA_LONG")
    assert ka_long["Văn bản điện tử (%)"] == 95.5  # a number, not "95,5%"
    assert ka_long["Văn bản điện tử (%) – Đạt"] == "Chưa đạt"
    assert ka_long["Dịch vụ công trực tuyến toàn trình (%) – Đạt"] == "Đạt"
    assert ka_long["Thanh toán điện tử trong giải quyết TTHC"] == "Có"
    submitted = ka_long["Thời điểm nộp"]
    assert isinstance(submitted, datetime)
    assert (submitted.day, submitted.month, submitted.hour) == (3, 4, 10)  # Vietnam time
    # Units that report no indicator of the sheet are left out (Ban Dân vận has no monthly one).
    assert all(r[0] != "BDV_TU" for r in rows_of(march)[2:])

    once = wb["Một lần trong năm 2024"]
    assert row_for(once, "P_KA_LONG")["Chỉ số CCHC năm 2023"] == "Khá"

    docs = wb["Văn bản"]
    late = row_for(docs, "TTTTVH")
    assert late["Đúng hạn"] == "Không"
    assert isinstance(late["Hạn nộp"], datetime)  # a date cell (openpyxl reads it as datetime)
    assert late["Hạn nộp"].date() == date(2024, 3, 31)
    assert row_for(docs, "P_KA_LONG")["Đúng hạn"] == "Có"


async def test_no_header_cell_shows_an_internal_code(
    db: Database, campaign: Campaign, tmp_path: Path
) -> None:
    """Issue 13: column headers name indicators in Vietnamese, never by code; each one once."""
    await history(db, campaign)
    path = tmp_path / "tong-hop.xlsx"
    await export_workbook(db, campaign, path, today=date(2024, 4, 10))
    wb = load_workbook(path)
    code = re.compile(r"\b[A-Z]\d{2}[A-Z]?\b|\bD_[A-Z]+\b")
    for sheet in wb.worksheets:
        head = [str(c.value) for c in sheet[1] if c.value is not None]
        assert not [h for h in head if code.search(h)], sheet.title
        assert len(head) == len(set(head)), sheet.title


def test_indicators_with_the_same_name_stay_apart(campaign: Campaign) -> None:
    from documents.workbook import _indicator_names

    t11 = next(i for i in campaign.indicators if i.code == "T11")
    same = t11.model_copy(update={"code": "T99", "unit": "văn bản"})
    twin = t11.model_copy(update={"code": "T98"})
    names = _indicator_names([t11, same, twin])
    assert names[1] == "Văn bản điện tử (văn bản)"
    assert len(set(names)) == 3
    assert all("T1" not in n and "T9" not in n for n in names)


async def test_workbook_is_formatted_for_a_clerk_with_the_overview_as_a_native_chart(
    db: Database, campaign: Campaign, tmp_path: Path
) -> None:
    await history(db, campaign)
    path = tmp_path / "tong-hop.xlsx"
    summary = await export_workbook(db, campaign, path, today=date(2024, 4, 10))
    wb = load_workbook(path)
    assert summary.sheets == len(wb.sheetnames)

    # Headers bold and wrapped, kept in view; the period sheets also keep code and name.
    units = wb["Đơn vị"]
    assert units.freeze_panes == "A2"
    assert units["A1"].font.b
    assert units["A1"].alignment.wrap_text
    assert units.column_dimensions["B"].width > 40
    assert units.auto_filter.ref is not None
    assert units.auto_filter.ref.startswith("A1:F")  # code, name, kind, parent, last day, successor
    march = wb["Tháng 3-2024"]
    assert march.freeze_panes == "C3"
    assert march["E1"].font.b
    head = [c.value for c in march[1]]
    ka_long = next(r for r in march.iter_rows(min_row=3) if r[0].value == "P_KA_LONG")
    percent = ka_long[head.index("Văn bản điện tử (%)")]
    assert percent.value == 95.5
    assert percent.number_format == '0.0"%"'
    assert ka_long[head.index("Thời điểm nộp")].number_format == "dd/mm/yyyy hh:mm"
    assert ka_long[1].alignment.wrap_text  # the unit's name
    docs = wb["Văn bản"]
    due = next(r for r in docs.iter_rows(min_row=2) if r[0].value == "TTTTVH")[8]
    assert due.number_format == "dd/mm/yyyy"

    # /tonghop's overview of the month that ended (March), its numbers and its chart sheet.
    overview = wb["Tổng hợp Tháng 3-2024"]
    rows = rows_of(overview)
    assert rows[0][2:] == ["Chỉ tiêu đã báo cáo (%)", "Thời hạn thực hiện đúng hạn (%)"]
    assert len(rows) > 2
    assert all(isinstance(r[1], int) and r[1] > 0 for r in rows[1:])
    assert overview["C2"].number_format == '0.0"%"'
    names = wb.sheetnames
    chart_sheet = "Biểu đồ Tháng 3-2024"
    assert names.index(chart_sheet) == names.index(overview.title) + 1
    assert type(wb[chart_sheet]).__name__ == "Chartsheet"
    with zipfile.ZipFile(path) as z:
        assert "xl/chartsheets/sheet1.xml" in z.namelist()
        chart = z.read("xl/charts/chart1.xml").decode()
    assert '<c:barDir val="bar"/>' in chart
    assert chart.count("<c:ser>") == 2
    assert "'Tổng hợp Tháng 3-2024'!$A$2:$A$" in chart  # live references a clerk can edit
    assert "Tình hình thực hiện – Tháng 3/2024" in chart


async def test_text_that_looks_like_a_formula_stays_text(
    db: Database, campaign: Campaign, tmp_path: Path
) -> None:
    await history(db, campaign)
    path = tmp_path / "x.xlsx"
    await export_workbook(db, campaign, path)
    wb = load_workbook(path)
    found: dict[str, tuple[str, bool]] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and any(h in cell.value for h in HOSTILE):
                    found[cell.value] = (cell.data_type, cell.quotePrefix)
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    assert found[HOSTILE[0]] == ("s", True)  # initiative title
    assert found[HOSTILE[1]] == ("s", True)  # document number
    assert found[HOSTILE[3]] == ("s", True)  # file name, and a text value
    assert found[f"Bỏ qua: {HOSTILE[2]}"] == ("s", False)  # does not start with "-"


async def test_text_in_xlsxwriters_rich_string_form_stays_text(
    db: Database, campaign: Campaign, tmp_path: Path
) -> None:
    """XlsxWriter writes a text between `<r>` and `</r>` as raw XML: it must not be."""
    await history(db, campaign)
    sneaky = '<r><t>a</t></r></is></c><c r="Z1"><f>1+1</f></c><c r="Z2" t="inlineStr"><is><r>'
    sneaky += "<t>b</t></r>"
    await seed.initiative(db, "P_KA_LONG", sneaky, at=seed.local(date(2024, 4, 2)))
    path = tmp_path / "x.xlsx"
    await export_workbook(db, campaign, path)
    sheet = load_workbook(path)["Sáng kiến"]
    titles = [r[3] for r in rows_of(sheet)[1:]]
    assert sneaky in titles
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)


async def test_export_of_an_admins_reach_holds_only_their_units(
    db: Database, campaign: Campaign, tmp_path: Path
) -> None:
    await history(db, campaign)
    path = tmp_path / "media.xlsx"
    summary = await export_workbook(db, campaign, path, kinds=frozenset({"MEDIA"}))
    assert summary.units == 1
    wb = load_workbook(path)
    assert [r[0] for r in rows_of(wb["Đơn vị"])[1:]] == ["TTTTVH"]
    assert [r[0] for r in rows_of(wb["Văn bản"])[1:]] == ["TTTTVH"]
    assert rows_of(wb["Sáng kiến"])[1:] == []


@pytest.mark.skipif(
    shutil.which("libreoffice") is None and shutil.which("soffice") is None,
    reason="LibreOffice is not installed: the spreadsheet-program check is skipped",
)
async def test_a_spreadsheet_program_opens_it(
    db: Database, campaign: Campaign, tmp_path: Path
) -> None:
    await history(db, campaign)
    path = tmp_path / "tong-hop.xlsx"
    await export_workbook(db, campaign, path)
    office = shutil.which("libreoffice") or shutil.which("soffice")
    assert office is not None
    await asyncio.to_thread(
        subprocess.run,
        [office, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
        check=True,
        timeout=120,
        capture_output=True,
    )
    text = (tmp_path / "tong-hop.csv").read_text(encoding="utf-8", errors="replace")
    assert "P_KA_LONG" in text
