"""Storage on SQLite and on PostgreSQL: migrations, campaign loading, the durable pipeline."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select
from sqlmodel import col

from core.campaign import CampaignFileError, bundled_campaign_path
from storage.campaign_sync import load_campaign_file
from storage.db import Database
from storage.models import AuditLog, Indicator, Unit
from storage.models import table as table_of
from storage.queries import invites
from storage.queries import pipeline as q
from storage.queries.people import create_person, find_identity
from storage.queries.units import get_unit_by_code

CAMPAIGN = "mongcai-cchc-2024"
NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
async def db(any_db_url: str) -> AsyncIterator[Database]:
    database = Database(any_db_url)
    yield database
    await database.dispose()


async def test_migrations_create_every_table(db: Database) -> None:
    async with db.read() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {
        "campaign",
        "unit",
        "indicator",
        "deadline",
        "person",
        "membership",
        "chat_identity",
        "invite_code",
        "invite_throttle",
        "audit_log",
        "inbox",
        "outbox",
        "conversation_state",
        "alembic_version",
    } <= names


async def test_bundled_campaign_is_loaded_with_its_units(db: Database) -> None:
    async with db.read() as conn:
        hoa_lac = (
            await conn.execute(select(col(Unit.active_to)).where(col(Unit.code) == "P_HOA_LAC"))
        ).scalar_one()
        communes = (
            await conn.execute(
                select(func.count()).select_from(Unit).where(Unit.kind == "COMMUNE")  # type: ignore[arg-type]
            )
        ).scalar_one()
    assert hoa_lac is not None
    assert hoa_lac.isoformat() == "2024-10-31"
    assert communes == 17


async def test_changed_campaign_file_updates_and_retires_without_losing_rows(
    db: Database, tmp_path: Path
) -> None:
    text = bundled_campaign_path().read_text(encoding="utf-8")
    async with db.transaction() as conn:
        pnv = await get_unit_by_code(conn, campaign_id=CAMPAIGN, code="PNV")
        assert pnv is not None
        person = await create_person(
            conn,
            full_name="Lan",
            unit_id=pnv.id,
            role="focal",
            channel="telegram",
            external_id="1",
            chat_id="1",
        )
    changed = text.replace('name: "Phòng Nội vụ",', 'name: "Phòng Nội vụ thành phố",', 1)
    assert changed != text
    # Drop the last indicator (M02) from the file: it must be retired, not deleted.
    start = changed.index("  - code: M02")
    end = changed.index("\n\n", start)
    changed = changed[:start] + changed[end:]
    path = tmp_path / "c.yaml"
    path.write_text(changed, encoding="utf-8")
    report = await load_campaign_file(db, path)
    assert report.changed
    assert report.counts["unit"]["updated"] == 1
    assert report.counts["indicator"]["retired"] == 1
    async with db.read() as conn:
        who = await find_identity(conn, channel="telegram", external_id="1")
        m02 = (
            await conn.execute(select(col(Indicator.retired)).where(col(Indicator.code) == "M02"))
        ).scalar_one()
        audits = (await conn.execute(select(func.count()).select_from(AuditLog))).scalar_one()
    assert who is not None
    assert who.person_id == person
    assert who.unit_name == "Phòng Nội vụ thành phố"
    assert m02 is True
    assert audits >= 2
    again = await load_campaign_file(db, path)
    assert not again.changed


async def test_invalid_campaign_file_loads_nothing(db: Database, tmp_path: Path) -> None:
    text = bundled_campaign_path().read_text(encoding="utf-8")
    bad = text.replace('name: "Phòng Nội vụ",', 'name: "Phòng Nội vụ mới",', 1).replace(
        "kind: COMMUNE,", "kind: NO_SUCH_KIND,", 1
    )
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(CampaignFileError) as err:
        await load_campaign_file(db, path)
    assert "NO_SUCH_KIND" in str(err.value) or "kind" in str(err.value)
    async with db.read() as conn:
        unit = await get_unit_by_code(conn, campaign_id=CAMPAIGN, code="PNV")
    assert unit is not None
    assert unit.name == "Phòng Nội vụ"


async def test_inbox_drops_redelivered_updates(db: Database) -> None:
    row = {"channel": "telegram", "update_key": "42", "chat_id": "7", "payload": {"x": 1}}
    async with db.transaction() as conn:
        first = await q.store_updates(conn, rows=[row], now=NOW)
    async with db.transaction() as conn:
        second = await q.store_updates(conn, rows=[row, {**row, "update_key": "43"}], now=NOW)
    assert len(first) == 1
    assert [s.payload for s in second] == [{"x": 1}]
    async with db.transaction() as conn:
        assert await q.claim_update(conn, inbox_id=first[0].id, now=NOW)
        assert not await q.claim_update(conn, inbox_id=first[0].id, now=NOW)
    async with db.read() as conn:
        pending = await q.pending_updates(conn)
    assert [p.id for p in pending] == [second[0].id]


async def test_a_rolled_back_handling_leaves_the_update_pending(db: Database) -> None:
    row = {"channel": "zalo", "update_key": "abc", "chat_id": "e4ea", "payload": {}}
    async with db.transaction() as conn:
        [stored] = await q.store_updates(conn, rows=[row], now=NOW)

    async def handler_that_crashes() -> None:
        async with db.transaction() as conn:
            await q.claim_update(conn, inbox_id=stored.id, now=NOW)
            await q.save_state(conn, channel="zalo", chat_id="e4ea", state="x", data={}, now=NOW)
            raise RuntimeError("crash in the handler")

    with pytest.raises(RuntimeError):
        await handler_that_crashes()
    async with db.read() as conn:
        assert [p.id for p in await q.pending_updates(conn)] == [stored.id]
        assert await q.load_state(conn, channel="zalo", chat_id="e4ea") == ("", {})


async def test_failed_and_cancelled_transactions_leave_the_database_writable(
    db: Database, any_db_url: str
) -> None:
    """A statement that fails, or a task cancelled mid-transaction, rolls everything back;
    the next transaction, ours or another process's, writes at once."""
    import asyncio

    from sqlalchemy.exc import IntegrityError

    from storage.models import ConversationState

    row = {"channel": "zalo", "chat_id": "c1", "state": "s", "data": {}, "updated_at": NOW}
    insert = table_of(ConversationState).insert()

    async def twice() -> None:
        async with db.transaction() as conn:
            await q.save_state(conn, channel="zalo", chat_id="c0", state="a", data={}, now=NOW)
            await conn.execute(insert, [row])
            await conn.execute(insert, [row])

    with pytest.raises(IntegrityError):
        await twice()

    started = asyncio.Event()

    async def cancelled() -> None:
        async with db.transaction() as conn:
            await q.save_state(conn, channel="zalo", chat_id="c2", state="b", data={}, now=NOW)
            started.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(cancelled())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    other = Database(any_db_url)  # another process's handle on the same database
    try:
        async with asyncio.timeout(5), other.transaction() as conn:
            await q.save_state(conn, channel="zalo", chat_id="c3", state="c", data={}, now=NOW)
    finally:
        await other.dispose()
    async with db.transaction() as conn:
        await conn.execute(insert, [row])
    async with db.read() as conn:
        states = [
            await q.load_state(conn, channel="zalo", chat_id=c) for c in ("c0", "c1", "c2", "c3")
        ]
    assert [s for s, _ in states] == ["", "s", "", "c"]


async def test_conversation_state_round_trips_unicode(db: Database) -> None:
    data = {"answers": {"T04": 95.5}, "note": "Đã hoàn thành 19/20 thủ tục"}
    async with db.transaction() as conn:
        await q.save_state(
            conn, channel="telegram", chat_id="9", state="report.ask", data=data, now=NOW
        )
        await q.save_state(
            conn, channel="telegram", chat_id="9", state="report.ask2", data=data, now=NOW
        )
    async with db.read() as conn:
        assert await q.load_state(conn, channel="telegram", chat_id="9") == ("report.ask2", data)


async def test_invite_code_is_consumed_once_and_expires(db: Database) -> None:
    async with db.transaction() as conn:
        unit = await get_unit_by_code(conn, campaign_id=CAMPAIGN, code="X_HAI_SON")
        assert unit is not None
        [code] = await invites.create_codes(
            conn,
            unit_id=unit.id,
            role="focal",
            count=1,
            now=NOW,
            ttl=timedelta(days=1),
            created_by="t",
        )
    async with db.transaction() as conn:
        status, info = await invites.check_code(conn, code=code.lower(), now=NOW)
        assert status is invites.Redeem.OK
        assert info is not None
        assert info.unit_name == "Xã Hải Sơn"
        assert await invites.consume(conn, invite_id=info.invite_id, now=NOW)
        assert not await invites.consume(conn, invite_id=info.invite_id, now=NOW)
    async with db.read() as conn:
        assert (await invites.check_code(conn, code=code, now=NOW))[0] is invites.Redeem.USED
    async with db.transaction() as conn:
        [late] = await invites.create_codes(
            conn,
            unit_id=unit.id,
            role="focal",
            count=1,
            now=NOW,
            ttl=timedelta(days=1),
            created_by="t",
        )
        later = NOW + timedelta(days=2)
        assert (await invites.check_code(conn, code=late, now=later))[0] is invites.Redeem.EXPIRED


async def test_codes_for_a_closed_unit_are_refused(db: Database) -> None:
    async with db.transaction() as conn:
        unit = await get_unit_by_code(conn, campaign_id=CAMPAIGN, code="P_HOA_LAC")
        assert unit is not None
        [code] = await invites.create_codes(
            conn,
            unit_id=unit.id,
            role="focal",
            count=1,
            now=NOW,
            ttl=timedelta(days=400),
            created_by="t",
        )
        after_merger = datetime(2024, 11, 2, tzinfo=UTC)
        assert (await invites.check_code(conn, code=code, now=after_merger))[0] is (
            invites.Redeem.UNIT_CLOSED
        )
        assert (await invites.check_code(conn, code=code, now=NOW))[0] is invites.Redeem.OK


async def test_outbox_rows_are_marked_sent(db: Database) -> None:
    async with db.transaction() as conn:
        rows = await q.enqueue_replies(
            conn,
            channel="telegram",
            chat_id="1",
            payloads=[{"text": "a", "choices": []}, {"text": "b", "choices": []}],
            inbox_id=None,
            now=NOW,
        )
    async with db.transaction() as conn:
        await q.mark_outbox(conn, ids=[rows[0].id], status="sent", now=NOW)
    async with db.read() as conn:
        assert [r.payload["text"] for r in await q.pending_outbox(conn)] == ["b"]


# -- award assessments (migration 0003) ----------------------------------------------------------


async def test_assessments_migration_goes_down_and_up_again(db: Database, any_db_url: str) -> None:
    import asyncio

    from alembic import command
    from sqlalchemy import create_engine

    from storage.db import alembic_config, sync_url, upgrade

    def tables() -> set[str]:
        engine = create_engine(sync_url(any_db_url))
        try:
            with engine.connect() as conn:
                return set(inspect(conn).get_table_names())
        finally:
            engine.dispose()

    def down_and_up() -> tuple[set[str], set[str]]:
        command.downgrade(alembic_config(any_db_url), "0002")
        try:
            down = tables()
        finally:
            upgrade(any_db_url)
        return down, tables()

    await db.dispose()  # no pooled connection may hold the tables while they are dropped
    down, up = await asyncio.to_thread(down_and_up)
    ours = {"award_assessment", "award_assessment_history"}
    assert not ours & down
    assert "indicator_value" in down  # 0002's tables stay
    assert ours <= up


async def test_an_assessment_change_keeps_the_previous_verdict(db: Database) -> None:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from storage.queries import assessments

    async with db.transaction() as conn:
        ka = await get_unit_by_code(conn, campaign_id=CAMPAIGN, code="P_KA_LONG")
        pnv = await get_unit_by_code(conn, campaign_id=CAMPAIGN, code="PNV")
        assert ka is not None
        assert pnv is not None
        ha = await create_person(
            conn,
            full_name="Nguyễn Thu Hà",
            unit_id=pnv.id,
            role="admin",
            channel="telegram",
            external_id="1",
            chat_id="1",
        )

        async def give(
            conn: AsyncConnection, met: bool, comment: str | None, now: datetime
        ) -> assessments.Recorded:
            assert ka is not None
            assert pnv is not None
            return await assessments.record(
                conn,
                campaign_id=CAMPAIGN,
                unit_id=ka.id,
                award_code="BK_CT_TINH",
                criterion_id="g0",
                met=met,
                comment=comment,
                person_id=ha,
                office_unit_id=pnv.id,
                now=now,
            )

        first = await give(conn, False, "  Có công chức bị kỷ luật  ", NOW)
    async with db.transaction() as conn:
        later = NOW + timedelta(days=3)
        second = await give(conn, True, None, later)
        same = await give(conn, True, "", later)
    assert first.previous is None
    assert first.changed
    assert second.changed
    assert second.assessment_id == first.assessment_id
    assert second.previous is not None
    assert (second.previous.met, second.previous.comment) == (False, "Có công chức bị kỷ luật")
    assert not same.changed
    async with db.read() as conn:
        [current] = await assessments.for_unit(conn, campaign_id=CAMPAIGN, unit_id=ka.id)
        past = await assessments.history(
            conn, campaign_id=CAMPAIGN, unit_id=ka.id, award_code="BK_CT_TINH", criterion_id="g0"
        )
        everywhere = await assessments.for_units(conn, campaign_id=CAMPAIGN, kinds=None)
        media_only = await assessments.for_units(conn, campaign_id=CAMPAIGN, kinds={"MEDIA"})
        other_award = await assessments.for_units(
            conn, campaign_id=CAMPAIGN, kinds={"COMMUNE"}, award_code="GK_CT_TP"
        )
    assert (current.met, current.comment, current.assessed_at) == (True, None, later)
    assert (current.assessor_name, current.office_name) == ("Nguyễn Thu Hà", "Phòng Nội vụ")
    assert [(p.met, p.comment, p.assessed_at) for p in past] == [
        (False, "Có công chức bị kỷ luật", NOW),
        (True, None, later),
    ]
    assert list(everywhere) == [ka.id]
    assert media_only == {}
    assert other_award == {}
    assert assessments.as_facts([current])[("BK_CT_TINH", "g0")].met is True


async def test_not_met_without_a_reason_is_refused_by_the_code_and_the_database(
    db: Database,
) -> None:
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from storage.models import AwardAssessment
    from storage.queries import assessments

    async with db.read() as conn:
        ka = await get_unit_by_code(conn, campaign_id=CAMPAIGN, code="P_KA_LONG")
    assert ka is not None
    with pytest.raises(assessments.MissingReason):
        async with db.transaction() as conn:
            await assessments.record(
                conn,
                campaign_id=CAMPAIGN,
                unit_id=ka.id,
                award_code="BK_CT_TINH",
                criterion_id="g0",
                met=False,
                comment="   ",
                person_id=None,
                office_unit_id=None,
                now=NOW,
            )
    table = table_of(AwardAssessment)
    row = {
        "campaign_id": CAMPAIGN,
        "unit_id": ka.id,
        "award_code": "BK_CT_TINH",
        "criterion_id": "g0",
        "met": False,
        "assessed_at": NOW,
    }
    for comment in (None, ""):
        with pytest.raises(IntegrityError):
            async with db.transaction() as conn:
                await conn.execute(insert(table).values(**row, comment=comment))
    async with db.read() as conn:
        assert await assessments.for_unit(conn, campaign_id=CAMPAIGN, unit_id=ka.id) == []


# -- the head's sign-off (migration 0004) --------------------------------------------------------


async def test_sign_off_migration_keeps_earlier_rows_counting_and_goes_down_and_up(
    db: Database, any_db_url: str
) -> None:
    import asyncio

    from alembic import command
    from sqlalchemy import create_engine, text

    from storage.db import alembic_config, sync_url, upgrade

    async with db.read() as conn:
        ka = await get_unit_by_code(conn, campaign_id=CAMPAIGN, code="P_KA_LONG")
    assert ka is not None

    def columns(table: str) -> set[str]:
        engine = create_engine(sync_url(any_db_url))
        try:
            with engine.connect() as conn:
                return {c["name"] for c in inspect(conn).get_columns(table)}
        finally:
            engine.dispose()

    def down_insert_up() -> tuple[set[str], set[str]]:
        command.downgrade(alembic_config(any_db_url), "0003")
        try:
            down = columns("report_submission")
            engine = create_engine(sync_url(any_db_url))
            try:
                with engine.begin() as conn:  # a report sent before sign-off existed
                    sqlite = conn.dialect.name == "sqlite"  # it keeps naive UTC
                    conn.execute(
                        text(
                            "INSERT INTO report_submission (campaign_id, unit_id, period, "
                            "submitted_at, review_status) VALUES (:c, :u, '2024', :at, 'pending')"
                        ),
                        {
                            "c": CAMPAIGN,
                            "u": ka.id,
                            "at": NOW.replace(tzinfo=None) if sqlite else NOW,
                        },
                    )
            finally:
                engine.dispose()
        finally:
            upgrade(any_db_url)
        return down, columns("document")

    await db.dispose()  # no pooled connection may hold the tables while they change
    down, up = await asyncio.to_thread(down_insert_up)
    ours = {"sign_off_status", "sign_off_comment", "signed_off_at", "signed_off_by"}
    assert not ours & down
    assert ours <= up

    from core.campaign import load_campaign
    from storage.queries import deadlines as dq

    campaign = load_campaign(bundled_campaign_path())
    d03 = campaign.deadline("D03")  # the annual report, 2024
    assert d03 is not None
    from storage.queries import oversight

    async with db.read() as conn:
        done = await dq.fulfilled_unit_ids(conn, campaign_id=CAMPAIGN, deadline=d03)
        state = await dq.fulfilment(conn, campaign_id=CAMPAIGN, unit_id=ka.id, deadline=d03)
        facts = await oversight.unit_facts(conn, campaign_id=CAMPAIGN, unit_id=ka.id)
        items, _total = await oversight.pending_reviews(
            conn, campaign_id=CAMPAIGN, kinds=None, limit=10
        )
    # Sent before sign-off existed: confirmed, counted when it was sent, listed for review.
    assert done == {ka.id}
    assert (state.done, state.awaiting_head) == (True, False)
    assert facts.submissions == {"2024": NOW}
    assert [(i.kind, i.what) for i in items] == [("report", "2024")]


async def test_sign_off_queries_count_only_what_the_head_confirmed(db: Database) -> None:
    from core.campaign import load_campaign
    from storage.models import Membership
    from storage.queries import deadlines as dq
    from storage.queries import documents, oversight, reports, signoff

    campaign = load_campaign(bundled_campaign_path())
    d03, d01 = campaign.deadline("D03"), campaign.deadline("D01")
    assert d03 is not None
    assert d01 is not None
    later = NOW + timedelta(days=2)
    async with db.transaction() as conn:
        ka = await get_unit_by_code(conn, campaign_id=CAMPAIGN, code="P_KA_LONG")
        assert ka is not None
        assert not await signoff.has_head(conn, unit_id=ka.id)
        hung = await create_person(
            conn,
            full_name="Hùng",
            unit_id=ka.id,
            role="head",
            channel="telegram",
            external_id="h1",
            chat_id="h1",
        )
        assert await signoff.has_head(conn, unit_id=ka.id)
        await reports.mark_submitted(
            conn, campaign_id=CAMPAIGN, unit_id=ka.id, periods=["2024"], person_id=None, now=NOW
        )
        await signoff.set_reports_state(
            conn, campaign_id=CAMPAIGN, unit_id=ka.id, periods=["2024"], state=signoff.PENDING
        )
        state = await dq.fulfilment(conn, campaign_id=CAMPAIGN, unit_id=ka.id, deadline=d03)
        assert (state.done, state.awaiting_head, state.counts) == (True, True, False)
        assert await dq.fulfilled_unit_ids(conn, campaign_id=CAMPAIGN, deadline=d03) == set()
        items, _total = await oversight.pending_reviews(
            conn, campaign_id=CAMPAIGN, kinds=None, limit=10
        )
        assert items == []
        [waiting] = await signoff.unit_items(conn, campaign_id=CAMPAIGN, unit_id=ka.id)
        assert (waiting.kind, waiting.what, waiting.state) == ("report", "2024", "pending")

        row = await signoff.get_report(conn, campaign_id=CAMPAIGN, submission_id=waiting.id)
        assert row is not None
        assert await signoff.confirm_report(conn, report=row, person_id=hung, now=later)
        assert not await signoff.confirm_report(conn, report=row, person_id=hung, now=later)
        assert await dq.fulfilled_unit_ids(conn, campaign_id=CAMPAIGN, deadline=d03) == {ka.id}
        facts = await oversight.unit_facts(conn, campaign_id=CAMPAIGN, unit_id=ka.id)
        assert facts.submissions == {"2024": later}  # counted when the head confirmed
        items, _total = await oversight.pending_reviews(
            conn, campaign_id=CAMPAIGN, kinds=None, limit=10
        )
        assert [(i.kind, i.what) for i in items] == [("report", "2024")]

        # A correction waits for the head again, but the deadline stays met from then.
        await signoff.set_reports_state(
            conn, campaign_id=CAMPAIGN, unit_id=ka.id, periods=["2024"], state=signoff.PENDING
        )
        assert await dq.fulfilled_unit_ids(conn, campaign_id=CAMPAIGN, deadline=d03) == {ka.id}
        facts = await oversight.unit_facts(conn, campaign_id=CAMPAIGN, unit_id=ka.id)
        assert facts.submissions == {"2024": later}
        assert (await oversight.pending_count(conn, campaign_id=CAMPAIGN, kinds=None)) == 0

        # Documents: a confirmed one stays in force while its replacement waits.
        def doc(number: str) -> documents.NewDocument:
            return documents.NewDocument(
                doc_type="LAUNCH_DOC",
                number=number,
                doc_date=NOW.date(),
                stored_name=f"{number.replace('/', '-')}.pdf",
                original_name="kh.pdf",
                mime_type="application/pdf",
                size=1,
                sha256="",
                deadline_code="D01",
                on_time=True,
            )

        first, _ = await documents.submit(
            conn, campaign_id=CAMPAIGN, unit_id=ka.id, person_id=None, doc=doc("1/KH"), now=NOW
        )
        second, replaced = await documents.submit(
            conn,
            campaign_id=CAMPAIGN,
            unit_id=ka.id,
            person_id=None,
            doc=doc("2/KH"),
            now=later,
            sign_off=signoff.PENDING,
        )
        assert replaced == []
        state = await dq.fulfilment(conn, campaign_id=CAMPAIGN, unit_id=ka.id, deadline=d01)
        assert (state.done, state.awaiting_head) == (True, False)
        pending = await signoff.get_document(conn, campaign_id=CAMPAIGN, document_id=second)
        assert pending is not None
        assert pending.sign_off_status == signoff.PENDING
        older = await signoff.confirm_document(
            conn,
            campaign_id=CAMPAIGN,
            document=pending,
            person_id=hung,
            on_time=False,
            now=later,
        )
        assert older == [first]
        with pytest.raises(LookupError):
            await signoff.confirm_document(
                conn,
                campaign_id=CAMPAIGN,
                document=pending,
                person_id=hung,
                on_time=False,
                now=later,
            )
        current = await documents.current(
            conn, campaign_id=CAMPAIGN, unit_id=ka.id, doc_type="LAUNCH_DOC"
        )
        assert current is not None
        assert (current.id, current.on_time) == (second, False)
        # No head any more: nothing blocks (the unit's next submission counts at once).
        m = table_of(Membership)
        await conn.execute(m.update().where(m.c.person_id == hung).values(active=False))
        assert not await signoff.has_head(conn, unit_id=ka.id)
