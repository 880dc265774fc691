"""The figures of the year-end summary (tổng kết) are the data's: its units, reports and
initiatives (registered, effective) equal `/tonghop`'s and the `/xuat` workbook's, and its
per-target attainment (in the .docx and its .xlsx annex) equals a count made afresh from each
unit's own facts."""

from __future__ import annotations

import re
from datetime import date

from docx import Document as Docx
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.campaign import Campaign
from core.domain.status import meets_target
from core.texts import oversight as tx
from handlers.drafting import EFFECTIVE
from storage.db import Database
from storage.queries import oversight
from tests.harness import Clock
from tests.oversight import seed
from tests.oversight.conftest import account
from tests.oversight.desk import Desk


def table_with(doc: object, header: str) -> list[list[str]]:
    for table in doc.tables:  # type: ignore[attr-defined]
        rows = [[c.text.strip() for c in row.cells] for row in table.rows]
        if rows and any(header in cell for cell in rows[0]):
            return rows
    raise AssertionError(f"no table headed {header!r}")


def sheet_rows(path: str, name: str) -> list[tuple[object, ...]]:
    book = load_workbook(path, read_only=True)
    rows = [r for r in book[name].iter_rows(values_only=True) if any(c is not None for c in r)]
    return rows[1:]  # below the header


async def test_summary_figures_equal_overview_export_and_the_facts(
    desk: Desk, db: Database, campaign: Campaign, clock: Clock
) -> None:
    await seed.ka_long_story(db, campaign)
    await seed.report(
        db, campaign, "P_TRAN_PHU", {("T04", "2024-03"): 100.0}, at=seed.local(date(2024, 4, 8))
    )
    at = seed.local(date(2024, 4, 1))
    await seed.initiative(db, "P_TRAN_PHU", "Tổ công nghệ số cộng đồng", at=at, status="effective")
    await seed.initiative(db, "PNV", "Chấm điểm CCHC trực tuyến", at=at, status="recognized")
    admin = await account(db, "PNV", "admin", 1, name="Hà")

    said = await desk.send(admin, "/tongket")
    files = [r.attachment for r in said.replies if r.attachment]
    doc, annex = Docx(files[0].path), files[1].path
    counts = {row[1]: row[2] for row in table_with(doc, "STT")[1:] if len(row) >= 3}
    units = int(counts["Cơ quan, đơn vị, xã, phường tham gia phong trào"].replace(".", ""))
    reports = int(counts["Báo cáo đã tiếp nhận"].replace(".", ""))
    registered = int(counts["Giải pháp, sáng kiến đăng ký"].replace(".", ""))
    effective = int(counts["Giải pháp, sáng kiến được đánh giá có hiệu quả"].replace(".", ""))

    # /tonghop: the units in scope.
    overview = await desk.send(admin, "/tonghop")
    found = re.search(r"\((\d+) đơn vị\)", overview.text)
    assert found is not None, overview.text
    assert units == int(found.group(1))

    # The /xuat workbook: units, submissions, initiatives and their status.
    export = await desk.send(admin, "/xuat")
    [book] = [r.attachment.path for r in export.replies if r.attachment]
    assert units == len(sheet_rows(book, tx.SHEET_UNITS))
    assert reports == len(sheet_rows(book, tx.SHEET_SUBMISSIONS))
    initiatives = sheet_rows(book, tx.SHEET_INITIATIVES)
    status = tx.INITIATIVE_COLUMNS.index("Trạng thái")
    good = {tx.INITIATIVE_STATES[s] for s in EFFECTIVE}
    assert registered == len(initiatives) == 3
    assert effective == sum(1 for r in initiatives if r[status] in good) == 2

    # Per-target attainment, counted afresh from each unit's facts.
    expected: dict[str, tuple[int, int]] = {}
    async with db.read() as conn:
        refs = await oversight.units_in_scope(conn, campaign_id=seed.CAMPAIGN_ID, kinds=None)
        for ref in refs:
            unit = campaign.unit(ref.code)
            assert unit is not None
            facts = await oversight.unit_facts(conn, campaign_id=seed.CAMPAIGN_ID, unit_id=ref.id)
            for ind in campaign.indicators:
                if ind.target is None or not ind.applies_to_unit(unit):
                    continue
                periods = sorted(p for (c, p) in facts.values if c == ind.code)
                fact = facts.values[(ind.code, periods[-1])] if periods else None
                met = (
                    fact is not None
                    and fact.value is not None
                    and bool(meets_target(ind, fact, campaign.rating_scale))
                )
                m, n = expected.get(ind.label, (0, 0))
                expected[ind.label] = (m + met, n + 1)
    targets = table_with(doc, "Chỉ tiêu")[1:]
    got = {row[1]: (int(row[2]), int(row[3])) for row in targets}
    assert got == expected
    assert any(m for m, _ in expected.values())  # the seeded results count somewhere
    xlsx = load_workbook(annex, read_only=True)
    annex_rows = {
        str(r[1]): (int(str(r[2])), int(str(r[3])))
        for ws in xlsx.worksheets
        for r in ws.iter_rows(values_only=True)
        if len(r) >= 4 and str(r[1]) in expected and str(r[2]).isdigit()
    }
    assert annex_rows == expected
