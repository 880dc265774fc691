"""Putting a campaign's history into the database for oversight tests: values reported,
documents sent, initiatives registered, people registered (as the other conversations do)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from core.campaign import Campaign
from core.domain.values import format_value, to_json
from storage.db import Database
from storage.models import Document, Initiative, Unit, table
from storage.queries import people, reports

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAMPAIGN_ID = "mongcai-cchc-2024"


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A moment on `day` in Vietnam, as UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).astimezone(UTC)


async def unit_id(db: Database, code: str, campaign_id: str = CAMPAIGN_ID) -> int:
    t = table(Unit)
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(t.c.id).where(t.c.campaign_id == campaign_id, t.c.code == code)
            )
        ).first()
    assert row is not None, code
    return int(row[0])


async def report(
    db: Database,
    campaign: Campaign,
    unit_code: str,
    values: Mapping[tuple[str, str], Any],
    *,
    at: datetime,
    skipped: Mapping[tuple[str, str], str] | None = None,
    campaign_id: str = CAMPAIGN_ID,
) -> None:
    """The unit reports `values` ((indicator, period) → Python value) at `at`."""
    uid = await unit_id(db, unit_code, campaign_id)
    new = []
    for (code, period), value in values.items():
        ind = campaign.indicator(code)
        assert ind is not None, code
        new.append(
            reports.NewValue(
                code,
                period,
                to_json(value, ind.type),
                format_value(ind.type, value, unit=ind.unit if ind.type == "count" else None),
            )
        )
    for (code, period), reason in (skipped or {}).items():
        new.append(reports.NewValue(code, period, None, "", reason))
    async with db.transaction() as conn:
        await reports.save_values(
            conn, campaign_id=campaign_id, unit_id=uid, person_id=None, values=new, now=at
        )
        await reports.mark_submitted(
            conn,
            campaign_id=campaign_id,
            unit_id=uid,
            periods=sorted({v.period for v in new}),
            person_id=None,
            now=at,
        )


async def document(
    db: Database,
    unit_code: str,
    *,
    at: datetime,
    doc_type: str = "LAUNCH_DOC",
    number: str = "12/KH-UBND",
    name: str = "ke-hoach.pdf",
    campaign_id: str = CAMPAIGN_ID,
) -> int:
    uid = await unit_id(db, unit_code, campaign_id)
    t = table(Document)
    async with db.transaction() as conn:
        return int(
            (
                await conn.execute(
                    insert(t)
                    .values(
                        campaign_id=campaign_id,
                        unit_id=uid,
                        doc_type=doc_type,
                        number=number,
                        doc_date=(at - timedelta(days=2)).date(),
                        stored_name=f"{uuid.uuid4().hex}.pdf",
                        original_name=name,
                        mime_type="application/pdf",
                        submitted_at=at,
                        deadline_code="D01",
                    )
                    .returning(t.c.id)
                )
            ).scalar_one()
        )


async def initiative(
    db: Database,
    unit_code: str,
    title: str,
    *,
    at: datetime,
    status: str = "registered",
    campaign_id: str = CAMPAIGN_ID,
) -> None:
    uid = await unit_id(db, unit_code, campaign_id)
    t = table(Initiative)
    async with db.transaction() as conn:
        await conn.execute(
            insert(t).values(
                campaign_id=campaign_id,
                unit_id=uid,
                kind="sang_kien",
                title=title,
                title_folded=title.lower(),
                area_code="A2",
                status=status,
                created_at=at,
                updated_at=at,
            )
        )


async def person(
    db: Database,
    unit_code: str,
    role: str,
    *,
    channel: str,
    external_id: str,
    name: str = "Cán bộ",
    campaign_id: str = CAMPAIGN_ID,
) -> int:
    """Someone registered for the unit, reachable on one messenger account."""
    uid = await unit_id(db, unit_code, campaign_id)
    async with db.transaction() as conn:
        return await people.create_person(
            conn,
            full_name=name,
            unit_id=uid,
            role=role,
            channel=channel,
            external_id=external_id,
            chat_id=external_id,
        )


async def ka_long_story(db: Database, campaign: Campaign) -> None:
    """Phường Ka Long by mid-April 2024: March reported (one value short of its target, one
    skipped), the launch document sent on time, one initiative; Phường Trần Phú nothing at all;
    Trung tâm Truyền thông và Văn hóa its launch document late."""
    march = {
        ("T04", "2024-03"): 100.0,
        ("T09", "2024-03"): True,
        ("T11", "2024-03"): 95.5,
        ("T06", "2024-Q1"): True,
        ("T13", "2024-Q1"): "Đã triển khai cấp căn cước cho 98 % người dân.",
        ("T01", "2024-ONCE"): True,
        ("T12", "2024-ONCE"): "Khá",
    }
    await report(
        db,
        campaign,
        "P_KA_LONG",
        march,
        at=local(date(2024, 4, 3)),
        skipped={("I04", "2024-03"): "Chưa có số liệu từ Trung tâm Hành chính công"},
    )
    await report(
        db,
        campaign,
        "P_KA_LONG",
        {("T04", "2024-04"): 100.0, ("T11", "2024-04"): 98.0},
        at=local(date(2024, 4, 12)),
    )
    await document(db, "P_KA_LONG", at=local(date(2024, 3, 28)))
    await initiative(db, "P_KA_LONG", "Số hóa hồ sơ một cửa", at=local(date(2024, 3, 20)))
    await document(db, "TTTTVH", at=local(date(2024, 4, 5)), number="03/KH-TTTT")
