"""The export's documents sheet shows, beside each document, what the bot read in it, the flags
and which fields Phòng Nội vụ corrected (read back with openpyxl, on both databases)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.campaign import Campaign, bundled_campaign_path, load_campaign
from handlers.export import export_workbook
from storage.db import Database
from storage.queries import document_fields
from tests.oversight import seed

READ_COLUMNS = (
    "Số, ký hiệu đọc được", "Ngày ban hành đọc được", "Cơ quan ban hành đọc được",
    "Loại văn bản đọc được", "Trích yếu đọc được", "Người ký (chức vụ) đọc được",
    "Điểm chưa khớp", "Đã sửa",
)


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign(bundled_campaign_path())


@pytest.fixture
async def any_db(any_db_url: str) -> AsyncIterator[Database]:
    database = Database(any_db_url)
    try:
        yield database
    finally:
        await database.dispose()


def rows_by_unit(ws: Any) -> tuple[list[Any], dict[str, dict[str, Any]]]:  # the last row wins
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


async def test_documents_sheet_shows_the_fields_read_the_flags_and_the_corrections(
    any_db: Database, campaign: Campaign, tmp_path: Path
) -> None:
    at = seed.local(date(2024, 3, 6))
    read_id = await seed.document(any_db, "P_KA_LONG", at=at, number="25/KH-UBND")
    await seed.document(any_db, "P_TRAN_PHU", at=at, number="7/KH-UBND")  # never read
    flagged = await seed.document(any_db, "TTTTVH", at=at, number="3/KH-TTTTVH")
    now = datetime(2024, 3, 6, 3, tzinfo=UTC)
    async with any_db.transaction() as conn:
        await document_fields.save(conn, document_id=read_id, now=now, flags=[], fields={
            "source": "text", "confidence": 1.0, "number": "25/KH-UBND",
            "issued_on": "2024-03-05", "issuer": "UBND phường Ka Long", "doc_type": "Kế hoạch",
            "subject": "Phát động phong trào thi đua “Đẩy mạnh cải cách hành chính” năm 2024",
            "signer_title": "KT. CHỦ TỊCH, PHÓ CHỦ TỊCH"})
        await document_fields.save(conn, document_id=flagged, now=now, fields={
            "source": "ocr", "confidence": 0.6, "number": "3/KH-TTTTVH",
            "issued_on": date(2023, 12, 12), "issuer": "UBND phường Trà Cổ",
            "doc_type": "Kế hoạch", "subject": "=HYPERLINK(\"http://x\",\"bấm\")"},
            flags=[{"code": "date", "message": "văn bản ghi ngày 12/12/2023, trước năm phát động"},
                   {"code": "issuer", "message": "cơ quan ban hành là UBND phường Trà Cổ"}])
        await document_fields.correct(conn, document_id=flagged, name="issuer",
                                      value="Trung tâm Truyền thông và Văn hóa", now=now)
        await document_fields.correct(conn, document_id=flagged, name="number",
                                      value="3/KH-TTTTVH", now=now)

    path = tmp_path / "tong-hop.xlsx"
    await export_workbook(any_db, campaign, path)
    ws = load_workbook(path)["Văn bản"]
    head, by_unit = rows_by_unit(ws)
    assert tuple(head[-len(READ_COLUMNS):]) == READ_COLUMNS

    ka_long = by_unit["P_KA_LONG"]
    assert ka_long["Số, ký hiệu đọc được"] == "25/KH-UBND"
    assert ka_long["Ngày ban hành đọc được"].date() == date(2024, 3, 5)  # a date cell
    assert ka_long["Cơ quan ban hành đọc được"] == "UBND phường Ka Long"
    assert ka_long["Loại văn bản đọc được"] == "Kế hoạch"
    assert ka_long["Trích yếu đọc được"].startswith("Phát động phong trào thi đua")
    assert ka_long["Người ký (chức vụ) đọc được"] == "KT. CHỦ TỊCH, PHÓ CHỦ TỊCH"
    assert ka_long["Điểm chưa khớp"] is None
    assert ka_long["Đã sửa"] is None

    assert all(by_unit["P_TRAN_PHU"][c] is None for c in READ_COLUMNS)

    media = by_unit["TTTTVH"]
    assert media["Cơ quan ban hành đọc được"] == "Trung tâm Truyền thông và Văn hóa"
    assert media["Điểm chưa khớp"] == (
        "văn bản ghi ngày 12/12/2023, trước năm phát động; "
        "cơ quan ban hành là UBND phường Trà Cổ")
    assert media["Đã sửa"] == "Cơ quan ban hành, Số, ký hiệu"
    assert media["Trích yếu đọc được"].startswith("=HYPERLINK")  # text, not a formula
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
    col = head.index("Ngày ban hành đọc được")
    cell = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "P_KA_LONG")[col]
    assert cell.number_format == "dd/mm/yyyy"

    # An admin's reach: only the media unit's document and its reading.
    await export_workbook(any_db, campaign, path, kinds=frozenset({"MEDIA"}))
    _, by_unit = rows_by_unit(load_workbook(path)["Văn bản"])
    assert list(by_unit) == ["TTTTVH"]
    assert by_unit["TTTTVH"]["Đã sửa"] == "Cơ quan ban hành, Số, ký hiệu"
