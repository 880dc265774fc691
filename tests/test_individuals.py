"""Individuals a unit proposes (seed II.1.2): the storage table on SQLite and PostgreSQL, with
its audit trail, and the award evaluation for a person, apart from the unit's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.campaign import Campaign, bundled_campaign_path, load_campaign
from core.domain.awards import (
    AssessmentFact,
    Candidate,
    Outcome,
    evaluate_individual,
    individual_awards,
)
from core.domain.status import IndicatorState, UnitFacts, ValueFact
from storage.db import Database
from storage.models import AuditLog
from storage.queries import individuals
from storage.queries.people import create_person
from storage.queries.units import get_unit_by_code

CAMPAIGN = "mongcai-cchc-2024"


@pytest.fixture
async def db(any_db_url: str) -> AsyncIterator[Database]:
    database = Database(any_db_url)
    yield database
    await database.dispose()


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign(bundled_campaign_path())


async def test_add_list_update_remove_with_audit(db: Database) -> None:
    async with db.transaction() as conn:
        unit = await get_unit_by_code(conn, campaign_id=CAMPAIGN, code="P_KA_LONG")
        other = await get_unit_by_code(conn, campaign_id=CAMPAIGN, code="X_HAI_SON")
        assert unit is not None
        assert other is not None
        lan = await create_person(
            conn,
            full_name="Nguyễn Thị Lan",
            unit_id=unit.id,
            role="focal",
            channel="telegram",
            external_id="1",
            chat_id="1",
        )
        a = await individuals.add(
            conn,
            campaign_id=CAMPAIGN,
            unit_id=unit.id,
            full_name="  Trần   Văn Hùng ",
            position="Công chức Văn phòng - Thống kê",
            person_id=lan,
            actor="telegram:1",
        )
        b = await individuals.add(
            conn,
            campaign_id=CAMPAIGN,
            unit_id=unit.id,
            full_name="Lê Thị Mai",
            position="Phó Chủ tịch UBND phường",
            person_id=lan,
            actor="telegram:1",
        )
        await individuals.add(
            conn,
            campaign_id=CAMPAIGN,
            unit_id=other.id,
            full_name="Phạm Văn An",
            position="Công chức Tư pháp - Hộ tịch",
            person_id=None,
            actor="cli",
        )
        with pytest.raises(individuals.IndividualError):
            await individuals.add(
                conn,
                campaign_id=CAMPAIGN,
                unit_id=unit.id,
                full_name="   ",
                position="x",
                person_id=lan,
                actor="telegram:1",
            )
    assert a.full_name == "Trần Văn Hùng"  # spaces tidied
    assert a.created_by == lan
    assert a.updated_by == lan
    assert not a.removed

    async with db.transaction() as conn:
        listed = await individuals.list_for_unit(conn, campaign_id=CAMPAIGN, unit_id=unit.id)
        assert [r.full_name for r in listed] == ["Trần Văn Hùng", "Lê Thị Mai"]
        changed = await individuals.update(
            conn,
            campaign_id=CAMPAIGN,
            individual_id=b.id,
            person_id=lan,
            actor="telegram:1",
            position="Chủ tịch UBND phường",
        )
        assert changed is not None
        assert changed.position == "Chủ tịch UBND phường"
        assert changed.full_name == "Lê Thị Mai"
        assert await individuals.remove(
            conn, campaign_id=CAMPAIGN, individual_id=a.id, person_id=lan, actor="telegram:1"
        )
        # A removed person is neither removed again nor changed.
        assert not await individuals.remove(
            conn, campaign_id=CAMPAIGN, individual_id=a.id, person_id=lan, actor="telegram:1"
        )
        assert (
            await individuals.update(
                conn,
                campaign_id=CAMPAIGN,
                individual_id=a.id,
                person_id=lan,
                actor="telegram:1",
                full_name="X",
            )
            is None
        )

    async with db.read() as conn:
        listed = await individuals.list_for_unit(conn, campaign_id=CAMPAIGN, unit_id=unit.id)
        everyone = await individuals.list_for_unit(
            conn, campaign_id=CAMPAIGN, unit_id=unit.id, include_removed=True
        )
        trail = (
            await conn.execute(
                select(AuditLog.action, AuditLog.entity_id, AuditLog.old, AuditLog.new)  # type: ignore[call-overload]
                .where(AuditLog.entity == "individual")
                .order_by(AuditLog.id)
            )
        ).all()
    assert [r.full_name for r in listed] == ["Lê Thị Mai"]
    assert [(r.full_name, r.removed) for r in everyone] == [
        ("Trần Văn Hùng", True),
        ("Lê Thị Mai", False),
    ]
    assert [(t[0], t[1]) for t in trail] == [
        ("add", str(a.id)),
        ("add", str(b.id)),
        ("add", str(b.id + 1)),
        ("update", str(b.id)),
        ("remove", str(a.id)),
    ]
    assert trail[3][2]["position"] == "Phó Chủ tịch UBND phường"
    assert trail[3][3]["position"] == "Chủ tịch UBND phường"
    assert trail[4][3]["removed"] is True


def test_an_individual_is_judged_by_officers_with_the_units_evidence(campaign: Campaign) -> None:
    unit = campaign.unit("P_KA_LONG")
    assert unit is not None
    [award] = [a for a in individual_awards(campaign, unit) if a.code == "BK_CT_TINH_CN"]
    person = Candidate("Trần Văn Hùng", "Công chức Văn phòng - Thống kê", unit)
    facts = UnitFacts(values={("I04", "2024-12"): ValueFact(100.0, "100 %")})

    waiting = evaluate_individual(award, campaign, person, facts)
    assert [c.outcome for c in waiting.criteria] == [Outcome.ASSESSMENT, Outcome.ASSESSMENT]
    assert not waiting.qualified
    # Evidence: the ward's digitisation (I04); the media items do not apply to a ward.
    assert [(e.indicator.code, e.state) for e in waiting.evidence] == [("I04", IndicatorState.MET)]

    when = datetime(2025, 1, 20, tzinfo=UTC)
    yes = AssessmentFact(True, None, when)
    done = evaluate_individual(
        award,
        campaign,
        person,
        facts,
        assessments={("BK_CT_TINH_CN", "g0"): yes, ("BK_CT_TINH_CN", "c1"): yes},
    )
    assert done.qualified
    no = AssessmentFact(False, "Chưa có sáng kiến được công nhận", when)
    refused = evaluate_individual(
        award,
        campaign,
        person,
        facts,
        assessments={("BK_CT_TINH_CN", "g0"): yes, ("BK_CT_TINH_CN", "c1"): no},
    )
    assert not refused.qualified
    assert [c.criterion.id for c in refused.refused] == ["c1"]


def test_media_evidence_and_closed_units(campaign: Campaign) -> None:
    media = campaign.unit("TTTTVH")
    hoa_lac = campaign.unit("P_HOA_LAC")
    assert media is not None
    assert hoa_lac is not None
    [award] = [a for a in individual_awards(campaign, media) if a.code == "BK_CT_TINH_CN"]
    result = evaluate_individual(
        award, campaign, Candidate("Vũ Minh", "Phóng viên", media), UnitFacts()
    )
    assert [e.indicator.code for e in result.evidence] == ["M01", "M02"]
    # Hòa Lạc closed on 31/10/2024: its people are proposed by its successor, not by it.
    assert individual_awards(campaign, hoa_lac) == ()
