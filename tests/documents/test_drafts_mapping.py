"""From the data to the Báo cáo thành tích: the unit's initiatives and documents go in their own
sections (never under the first indicator), in words, and the địa danh is the campaign file's."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document as Docx

from core.campaign import bundled_campaign_path, load_campaign
from core.domain.status import DocumentFact, InitiativeFact, UnitFacts
from documents import drafts
from handlers import drafting

AT = datetime(2024, 3, 28, 3, 0, tzinfo=UTC)


def test_initiatives_and_documents_in_their_own_sections_and_the_place_from_the_file() -> None:
    bundled = load_campaign(bundled_campaign_path())
    assert bundled.campaign.place == "Móng Cái"
    info = bundled.campaign.model_copy(update={"place": "Hạ Long"})
    campaign = bundled.model_copy(update={"campaign": info})
    unit = campaign.unit("P_KA_LONG")
    assert unit is not None
    facts = UnitFacts(
        documents={"LAUNCH_DOC": DocumentFact("LAUNCH_DOC", AT, AT, number="12/KH-UBND")},
        initiatives=[InitiativeFact("Số hóa hồ sơ một cửa", "effective", AT, kind="sang_kien")],
    )
    data = drafting.UnitData(unit, 1, facts, [], datetime(2024, 11, 20, 10))
    [report] = drafting.achievement_reports(campaign, data)
    assert all(not i.initiatives and not i.documents for i in report.indicators)
    assert [(i.name, i.status, i.kind) for i in report.initiatives] == [
        ("Số hóa hồ sơ một cửa", "có hiệu quả", "Sáng kiến")
    ]
    doc = Docx(io.BytesIO(drafts.render_bao_cao_thanh_tich(report)))
    rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    text = "\n".join([p.text for p in doc.paragraphs] + [c for r in rows for c in r])
    assert "Hạ Long, ngày" in text
    assert "Móng Cái" not in text
    [initiative] = [r for r in rows if "Số hóa hồ sơ một cửa" in r]
    assert initiative[2:4] == ["Sáng kiến", "có hiệu quả"]
    assert any("12/KH-UBND" in r for r in rows)
    first = report.indicators[0].name
    assert not any(first in r and "Số hóa hồ sơ một cửa" in r for r in rows)
