"""The year's end tables on SQLite and on PostgreSQL (migration 0007): every version of a
proposal in `nomination_history`, each step audited, the database itself refusing a proposal
that does not meet the criteria without a reason, and dossier parts superseded but kept with
their reviews."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import AuditLog, DossierPart, Nomination
from storage.queries import yearend
from storage.queries.units import get_unit_by_code

CAMPAIGN = "mongcai-cchc-2024"
NOW = datetime(2024, 11, 20, 3, 0, tzinfo=UTC)
REQUIRED = ["TO_TRINH", "BIEN_BAN", "BAO_CAO_THANH_TICH"]
_N = Nomination.__table__  # type: ignore[attr-defined]
_P = DossierPart.__table__  # type: ignore[attr-defined]
_A = AuditLog.__table__  # type: ignore[attr-defined]


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


def fields(**changes: object) -> yearend.NominationFields:
    base: dict[str, object] = {
        "award_code": "GK_CT_TP",
        "subject": yearend.INDIVIDUAL,
        "full_name": "Nguyễn Thị Lan",
        "position": "Công chức Văn phòng - Thống kê",
        "achievement": "Hướng dẫn 1.200 lượt người dân nộp hồ sơ trực tuyến",
        "eligible": False,
        "reason": "Chưa được đánh giá tiêu chí thành tích",
    }
    return yearend.NominationFields(**{**base, **changes})  # type: ignore[arg-type]


def part(code: str, name: str) -> yearend.NewPart:
    return yearend.NewPart(code, f"{name}.stored", name, "application/pdf", 100, "ab" * 32)


async def actions(db: Database) -> list[tuple[str, str]]:
    async with db.read() as conn:
        rows = await conn.execute(select(_A.c.action, _A.c.entity).order_by(_A.c.id))
        return [(a, e) for a, e in rows]


async def test_proposal_history_and_audit(db: Database) -> None:
    ka_long, pnv = await unit(db, "P_KA_LONG"), await unit(db, "PNV")
    async with db.transaction() as conn:
        nid = await yearend.file_nomination(
            conn,
            campaign_id=CAMPAIGN,
            unit_id=ka_long,
            fields=fields(),
            office_unit_id=pnv,
            person_id=None,
            now=NOW,
        )
    async with db.transaction() as conn:
        old = await yearend.change_nomination(
            conn,
            campaign_id=CAMPAIGN,
            nomination_id=nid,
            fields=fields(eligible=True, reason=None, position="Phó Chủ tịch UBND phường"),
            person_id=None,
            now=NOW + timedelta(days=1),
        )
    assert old is not None
    assert old.position == "Công chức Văn phòng - Thống kê"
    async with db.transaction() as conn:
        gone = await yearend.withdraw_nomination(
            conn, campaign_id=CAMPAIGN, nomination_id=nid, person_id=None, now=NOW
        )
    assert gone is not None
    async with db.read() as conn:
        history = await yearend.nomination_history(conn, nomination_id=nid)
        active = await yearend.nominations(conn, campaign_id=CAMPAIGN, unit_id=ka_long)
        row = await yearend.get_nomination(conn, campaign_id=CAMPAIGN, nomination_id=nid)
    assert [(h["action"], h["status"], h["position"], h["eligible"]) for h in history] == [
        ("file", "active", "Công chức Văn phòng - Thống kê", False),
        ("change", "active", "Phó Chủ tịch UBND phường", True),
        ("withdraw", "withdrawn", "Phó Chủ tịch UBND phường", True),
    ]
    assert history[0]["reason"] == "Chưa được đánh giá tiêu chí thành tích"
    assert active == []  # withdrawn: kept, but no longer listed
    assert row is not None
    assert row.status == yearend.WITHDRAWN
    assert row.full_name == "Nguyễn Thị Lan"
    done = [a for a, e in await actions(db) if e == "nomination"]
    assert done == ["nomination.file", "nomination.change", "nomination.withdraw"]


@pytest.mark.parametrize("reason", [None, ""])
async def test_the_database_refuses_a_not_eligible_proposal_without_reason(
    db: Database, reason: str | None
) -> None:
    ka_long = await unit(db, "P_KA_LONG")
    row = {
        "campaign_id": CAMPAIGN,
        "unit_id": ka_long,
        "award_code": "GK_CT_TP",
        "subject": yearend.COLLECTIVE,
        "full_name": "Phường Ka Long",
        "position": "",
        "achievement": "Hoàn thành 100% hồ sơ trực tuyến",
        "eligible": False,
        "reason": reason,
        "status": yearend.ACTIVE,
        "created_at": NOW,
        "changed_at": NOW,
    }
    with pytest.raises(IntegrityError):
        async with db.transaction() as conn:
            await conn.execute(insert(_N).values(**row))
    with pytest.raises(IntegrityError):
        async with db.transaction() as conn:
            await yearend.file_nomination(
                conn,
                campaign_id=CAMPAIGN,
                unit_id=ka_long,
                fields=fields(reason=reason),
                office_unit_id=None,
                person_id=None,
                now=NOW,
            )
    async with db.transaction() as conn:  # eligible: no reason needed
        await conn.execute(insert(_N).values(**{**row, "eligible": True}))
    async with db.read() as conn:
        rows = await yearend.nominations(conn, campaign_id=CAMPAIGN, unit_id=ka_long)
    assert [(r.eligible, r.reason) for r in rows] == [(True, reason)]


async def test_dossier_parts_superseded_are_kept_with_their_reviews(db: Database) -> None:
    ka_long = await unit(db, "P_KA_LONG")
    async with db.transaction() as conn:
        nid = await yearend.file_nomination(
            conn,
            campaign_id=CAMPAIGN,
            unit_id=ka_long,
            fields=fields(),
            office_unit_id=None,
            person_id=None,
            now=NOW,
        )
        nom = await yearend.get_nomination(conn, campaign_id=CAMPAIGN, nomination_id=nid)
    assert nom is not None
    ids = []
    async with db.transaction() as conn:
        for code in REQUIRED:
            pid, replaced, complete = await yearend.submit_part(
                conn,
                campaign_id=CAMPAIGN,
                nomination=nom,
                part=part(code, f"{code.lower()}.pdf"),
                required=REQUIRED,
                person_id=None,
                now=NOW,
            )
            ids.append(pid)
            assert replaced == []
    assert complete
    async with db.transaction() as conn:
        first = await yearend.get_part(conn, campaign_id=CAMPAIGN, part_id=ids[0])
        assert first is not None
        assert await yearend.review_part(
            conn,
            part=first,
            status=yearend.RETURNED,
            comment="Thiếu chữ ký",
            required=REQUIRED,
            person_id=None,
            now=NOW + timedelta(hours=1),
        )
        again = await yearend.review_part(  # only a pending part is reviewed
            conn,
            part=first,
            status=yearend.ACCEPTED,
            comment=None,
            required=REQUIRED,
            person_id=None,
            now=NOW,
        )
        assert not again
        after = await yearend.get_nomination(conn, campaign_id=CAMPAIGN, nomination_id=nid)
    assert after is not None
    assert after.complete_at is None  # a returned part: the dossier is not complete
    async with db.transaction() as conn:
        new, replaced, complete = await yearend.submit_part(
            conn,
            campaign_id=CAMPAIGN,
            nomination=after,
            part=part("TO_TRINH", "to-trinh-da-ky.pdf"),
            required=REQUIRED,
            person_id=None,
            now=NOW + timedelta(days=2),
        )
    assert replaced == [ids[0]]
    assert complete
    async with db.read() as conn:
        rows = [
            tuple(r)
            for r in await conn.execute(
                select(_P.c.id, _P.c.original_name, _P.c.superseded, _P.c.review_status)
                .where(_P.c.part_code == "TO_TRINH")
                .order_by(_P.c.id)
            )
        ]
        current = await yearend.current_parts(conn, nomination_ids=[nid])
        reviews = await yearend.part_reviews(conn, part_id=ids[0])
    assert rows == [
        (ids[0], "to_trinh.pdf", True, yearend.RETURNED),
        (new, "to-trinh-da-ky.pdf", False, yearend.PENDING),
    ]
    assert current[nid]["TO_TRINH"].id == new
    assert [(r["status"], r["comment"]) for r in reviews] == [(yearend.RETURNED, "Thiếu chữ ký")]
    done = [a for a, e in await actions(db) if e == "dossier_part"]
    assert done == ["dossier.submit"] * 3 + ["dossier.returned", "dossier.submit"]
