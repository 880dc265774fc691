"""The reporting queries on SQLite and on PostgreSQL: initiatives and their status history,
documents superseding each other and a moved deadline, articles counted by date."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest

from storage.db import Database
from storage.queries import articles, documents, initiatives
from storage.queries.deadlines import save_override
from storage.queries.units import get_unit_by_code

CAMPAIGN = "mongcai-cchc-2024"
NOW = datetime(2024, 3, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
async def db(any_db_url: str) -> AsyncIterator[Database]:
    database = Database(any_db_url)
    yield database
    await database.dispose()


async def unit(db: Database, code: str) -> int:
    async with db.read() as conn:
        row = await get_unit_by_code(conn, campaign_id=CAMPAIGN, code=code)
    assert row is not None
    return row.id


async def test_initiatives_their_titles_and_status_history(db: Database) -> None:
    ptp, pkt = await unit(db, "PTP"), await unit(db, "PKT")
    async with db.transaction() as conn:
        first = await initiatives.register(
            conn,
            campaign_id=CAMPAIGN,
            unit_id=ptp,
            person_id=None,
            kind="mo_hinh",
            title="Một cửa điện tử",
            title_folded="mot cua dien tu",
            area_code="A2",
            description="Mô tả",
            expected_effect="Hiệu quả",
            applied_from=date(2024, 1, 15),
            now=NOW,
        )
        changed = await initiatives.change_status(
            conn,
            campaign_id=CAMPAIGN,
            unit_id=ptp,
            initiative_id=first,
            new_status="effective",
            evidence="1.250 hồ sơ",
            person_id=None,
            now=NOW,
        )
        assert changed == ("Một cửa điện tử", "registered")
        # Another unit cannot change it.
        assert (
            await initiatives.change_status(
                conn,
                campaign_id=CAMPAIGN,
                unit_id=pkt,
                initiative_id=first,
                new_status="recognized",
                evidence="x",
                person_id=None,
                now=NOW,
            )
            is None
        )
    async with db.read() as conn:
        [title] = await initiatives.registered_titles(conn, campaign_id=CAMPAIGN)
        [row] = await initiatives.for_unit(conn, campaign_id=CAMPAIGN, unit_id=ptp)
        assert await initiatives.for_unit(conn, campaign_id=CAMPAIGN, unit_id=pkt) == []
    assert (title.unit_name, title.title) == ("Phòng Tư pháp", "Một cửa điện tử")
    assert (row.status, row.applied_from) == ("effective", date(2024, 1, 15))


def launch_doc(number: str, on_time: bool) -> documents.NewDocument:
    return documents.NewDocument(
        doc_type="LAUNCH_DOC",
        number=number,
        doc_date=date(2024, 3, 5),
        stored_name=f"{number[:2]}.pdf",
        original_name="kh.pdf",
        mime_type="application/pdf",
        size=10,
        sha256="0" * 64,
        deadline_code="D01",
        on_time=on_time,
    )


async def test_a_second_document_supersedes_the_first_and_a_moved_due_date_is_read(
    db: Database,
) -> None:
    ptp = await unit(db, "PTP")
    async with db.transaction() as conn:
        assert await documents.moved_due(conn, campaign_id=CAMPAIGN, code="D01") is None
        first, replaced = await documents.submit(
            conn,
            campaign_id=CAMPAIGN,
            unit_id=ptp,
            person_id=None,
            doc=launch_doc("12/KH-PTP", True),
            now=NOW,
        )
        assert replaced == []
        second, replaced = await documents.submit(
            conn,
            campaign_id=CAMPAIGN,
            unit_id=ptp,
            person_id=None,
            doc=launch_doc("15/KH-PTP", False),
            now=NOW,
        )
        assert [r.id for r in replaced] == [first]
        await save_override(
            conn,
            campaign_id=CAMPAIGN,
            code="D01",
            due=date(2024, 4, 5),
            spec=None,
            actor="test",
            now=NOW,
        )
    async with db.read() as conn:
        current = await documents.current(
            conn, campaign_id=CAMPAIGN, unit_id=ptp, doc_type="LAUNCH_DOC"
        )
        assert await documents.moved_due(conn, campaign_id=CAMPAIGN, code="D01") == date(2024, 4, 5)
    assert current is not None
    assert (current.id, current.number, current.on_time) == (second, "15/KH-PTP", False)


async def test_articles_are_counted_from_a_date(db: Database) -> None:
    media = await unit(db, "TTTTVH")
    async with db.transaction() as conn:
        for day in (date(2023, 12, 30), date(2024, 3, 1), date(2024, 3, 15)):
            await articles.add(
                conn,
                campaign_id=CAMPAIGN,
                unit_id=media,
                person_id=None,
                title="Bài",
                outlet="Báo Quảng Ninh",
                kind="bao_in",
                published_on=day,
                link="",
                now=NOW,
            )
    async with db.read() as conn:
        total = await articles.count_for_unit(conn, campaign_id=CAMPAIGN, unit_id=media)
        this_year = await articles.count_for_unit(
            conn, campaign_id=CAMPAIGN, unit_id=media, since=date(2024, 1, 1)
        )
    assert (total, this_year) == (3, 2)


async def test_the_fields_read_in_a_document_their_flags_and_a_correction(db: Database) -> None:
    from storage.queries import document_fields

    ka = await unit(db, "P_KA_LONG")
    async with db.transaction() as conn:
        doc_id, _ = await documents.submit(
            conn, campaign_id=CAMPAIGN, unit_id=ka, person_id=None,
            doc=launch_doc("210/KH-UBND", True), now=NOW,
        )
        await document_fields.save(
            conn, document_id=doc_id, now=NOW,
            fields={"source": "text", "confidence": 1.0, "number": "210/KH-UBND",
                    "issued_on": "2023-12-12", "issuer": "UBND phường Ka Long",
                    "doc_type": "Kế hoạch", "subject": "Phát động phong trào thi đua",
                    "notes": []},
            flags=[{"code": "too_early", "message": "văn bản ghi ngày 12/12/2023"}],
        )
    async with db.transaction() as conn:
        old = await document_fields.correct(
            conn, document_id=doc_id, name="issued_on", value=date(2024, 1, 12), now=NOW
        )
        await document_fields.set_flags(conn, document_id=doc_id, flags=[])
    assert old == date(2023, 12, 12)
    async with db.read() as conn:
        got = await document_fields.get(conn, doc_id)
        assert await document_fields.of_documents(conn, []) == {}
    assert got is not None
    assert (got.source, got.values["number"], got.values["issued_on"]) == (
        "text", "210/KH-UBND", date(2024, 1, 12))
    assert (got.flags, got.corrected, got.values["place"]) == ((), ("issued_on",), None)
