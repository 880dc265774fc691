"""Planning reminders: which slots a deadline has, who gets them, and how the reminder table
follows the campaign (idempotent, moved deadlines, days off, late registrations)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from core.campaign.schema import Campaign as CampaignDef
from core.campaign.schema import ReminderPolicy
from core.domain.status import asked_period, report_periods
from schedules import calendar_changes as changes
from schedules.calendar import WorkCalendar, zone
from schedules.digests import digest_text
from schedules.jobs import campaign_from_db
from schedules.planner import (
    DIGEST_CODE,
    LEADER_DIGEST_CODE,
    RECIPIENT_ROLES,
    PlanSettings,
    ReminderPlan,
    deadline_slots,
    plan,
    slot_due,
)
from storage.db import Database
from storage.models import (
    ChatIdentity,
    Document,
    Initiative,
    Membership,
    Person,
    Reminder,
    ReportSubmission,
    table,
)
from storage.queries import deadlines as dq
from storage.queries import reminders as rq
from tests.harness import Clock

HCM = zone()
CAMPAIGN_ID = "mongcai-cchc-2024"
_P = table(Person)
_M = table(Membership)
_C = table(ChatIdentity)
_R = table(Reminder)


# -- helpers shared with the delivery and crash tests -------------------------------------------


def local(text: str, hour: int = 8, minute: int = 0) -> datetime:
    """``dd/mm/yyyy`` at hh:mm in Hồ Chí Minh City, as UTC."""
    day = changes.parse_vn_date(text)
    return datetime.combine(day, time(hour, minute), tzinfo=HCM).astimezone(UTC)


def d(text: str) -> date:
    return changes.parse_vn_date(text)


async def campaign_def(db: Database) -> CampaignDef:
    got = await campaign_from_db(db)()
    assert got is not None
    return got


async def unit_id(db: Database, code: str) -> int:
    async with db.read() as conn:
        return (await dq.unit_ids(conn, campaign_id=CAMPAIGN_ID))[code]


async def register(
    db: Database,
    unit_code: str,
    role: str,
    *,
    chat: str | int,
    at: datetime,
    channel: str = "telegram",
    name: str = "",
) -> int:
    """A person with a role in a unit and one chat, registered at `at` (simulated time)."""
    uid = await unit_id(db, unit_code)
    async with db.transaction() as conn:
        pid = (
            await conn.execute(insert(_P).values(full_name=name, created_at=at).returning(_P.c.id))
        ).scalar_one()
        await conn.execute(
            insert(_M).values(person_id=pid, unit_id=uid, role=role, active=True, created_at=at)
        )
        await conn.execute(
            insert(_C).values(
                person_id=pid,
                channel=channel,
                external_id=str(chat),
                chat_id=str(chat),
                display_name=name,
                active=True,
                created_at=at,
                last_seen_at=at,
            )
        )
    return int(pid)


async def add_chat(
    db: Database, person_id: int, *, chat: str | int, channel: str, last_seen: datetime
) -> None:
    """Another messenger account for a person (e.g. linked Zalo)."""
    async with db.transaction() as conn:
        await conn.execute(
            insert(_C).values(
                person_id=person_id,
                channel=channel,
                external_id=str(chat),
                chat_id=str(chat),
                display_name="",
                active=True,
                created_at=last_seen,
                last_seen_at=last_seen,
            )
        )


async def submit_document(
    db: Database, unit_code: str, *, at: datetime, review_status: str = "pending"
) -> None:
    uid = await unit_id(db, unit_code)
    async with db.transaction() as conn:
        await conn.execute(
            insert(table(Document)).values(
                campaign_id=CAMPAIGN_ID,
                unit_id=uid,
                doc_type="LAUNCH_DOC",
                stored_name=f"{unit_code}-{at:%Y%m%d%H%M%S}.pdf",
                submitted_at=at,
                review_status=review_status,
                superseded=False,
                size=0,
            )
        )


async def register_initiative(db: Database, unit_code: str, *, at: datetime) -> None:
    uid = await unit_id(db, unit_code)
    async with db.transaction() as conn:
        await conn.execute(
            insert(table(Initiative)).values(
                campaign_id=CAMPAIGN_ID,
                unit_id=uid,
                title="Số hóa hồ sơ một cửa",
                title_folded="so hoa ho so mot cua",
                area_code="A2",
                created_at=at,
                updated_at=at,
            )
        )


async def submit_report(db: Database, unit_code: str, period: str, *, at: datetime) -> None:
    uid = await unit_id(db, unit_code)
    async with db.transaction() as conn:
        await conn.execute(
            insert(table(ReportSubmission)).values(
                campaign_id=CAMPAIGN_ID, unit_id=uid, period=period, submitted_at=at
            )
        )


async def reminder_rows(db: Database, **where: Any) -> list[dict[str, Any]]:
    q = select(_R).order_by(_R.c.send_at, _R.c.id)
    for k, v in where.items():
        q = q.where(_R.c[k] == v)
    async with db.read() as conn:
        return [dict(r._mapping) for r in await conn.execute(q)]


@pytest.fixture
async def db(sqlite_url: str) -> AsyncIterator[Database]:
    database = Database(sqlite_url)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def any_db(any_db_url: str) -> AsyncIterator[Database]:
    database = Database(any_db_url)
    try:
        yield database
    finally:
        await database.dispose()


# -- pure planning ------------------------------------------------------------------------------

POLICY = ReminderPolicy(before_days=(14, 7, 3, 1, 0), repeat_after_days=3, hour=8, escalate_after=2)


def test_d01_due_on_a_sunday_is_reminded_on_working_days_only() -> None:
    slots = deadline_slots(d("31/03/2024"), POLICY, WorkCalendar(), HCM, max_after_due=10)
    by_name = {s.name: s.day for s in slots}
    assert by_name == {
        "before-14": d("18/03/2024"),  # Sun 17/03 → Mon
        "before-7": d("25/03/2024"),  # Sun 24/03 → Mon
        "before-3": d("28/03/2024"),
        "before-0": d("29/03/2024"),  # Sat 30/03 and Sun 31/03 → Fri 29/03, once
        "after-1": d("03/04/2024"),
        "after-2": d("08/04/2024"),
        "after-3": d("11/04/2024"),
        "after-4": d("16/04/2024"),
        "after-5": d("22/04/2024"),  # Thu 18/04 is Giỗ Tổ
        "after-6": d("25/04/2024"),
        "after-7": d("03/05/2024"),  # 29/04–01/05 off
        "after-8": d("08/05/2024"),
        "after-9": d("13/05/2024"),
        "after-10": d("16/05/2024"),
        "escalate-deputy": d("11/04/2024"),
        "escalate-head": d("16/04/2024"),
    }
    assert all(s.send_at.astimezone(HCM).hour == 8 for s in slots)
    assert slots[0].send_at == datetime(2024, 3, 18, 1, 0, tzinfo=UTC)
    assert {s.key for s in slots} == {f"20240331:{n}" for n in by_name}
    assert all(slot_due(s.key) == d("31/03/2024") for s in slots)


def test_no_reminder_during_tet() -> None:
    cal = WorkCalendar()
    slots = deadline_slots(d("16/02/2024"), POLICY, cal, HCM, max_after_due=3)
    days = [s.day for s in slots]
    assert not [x for x in days if d("08/02/2024") <= x <= d("14/02/2024")]
    assert all(cal.is_working_day(x) for x in days)
    before = {s.name: s.day for s in slots if s.name.startswith("before")}
    # 02/02 (14 days), then 09/02 (7 days) and 13/02 (3 days) fall in Tết and move to Thursday
    # 15/02, which already has the 1-day reminder; the due date itself is Friday 16/02.
    assert before == {
        "before-14": d("02/02/2024"),
        "before-1": d("15/02/2024"),
        "before-0": d("16/02/2024"),
    }


def test_a_before_reminder_moves_back_only_when_moving_forward_would_pass_the_due_date() -> None:
    cal = WorkCalendar()
    # Due Tuesday 30/04/2024 (a holiday); 1 day before = Monday 29/04 (the swapped day off):
    # the next working day, 02/05, is after the due date, so it goes back to Friday 26/04.
    policy = ReminderPolicy(before_days=(1, 3), repeat_after_days=0, escalate_after=0)
    slots = deadline_slots(d("30/04/2024"), policy, cal, HCM)
    # 3 days before is Saturday 27/04: back to Friday 26/04 as well, so one reminder.
    assert [(s.name, s.day) for s in slots] == [("before-1", d("26/04/2024"))]
    # A day off with a working day before the due date moves forward.
    slots = deadline_slots(d("05/04/2024"), ReminderPolicy(before_days=(5,)), cal, HCM)
    assert slots[0].name == "before-5"
    assert slots[0].day == d("01/04/2024")


def test_a_policy_on_calendar_days_without_repeats_has_no_after_or_escalation() -> None:
    policy = ReminderPolicy(before_days=(1,), repeat_after_days=0, hour=14, working_days_only=False)
    slots = deadline_slots(d("31/03/2024"), policy, WorkCalendar(), HCM)
    assert [(s.name, s.day) for s in slots] == [("before-1", d("30/03/2024"))]  # a Saturday
    assert slots[0].send_at == datetime(2024, 3, 30, 7, 0, tzinfo=UTC)
    every_day = ReminderPolicy(
        before_days=(), repeat_after_days=2, working_days_only=False, escalate_after=1
    )
    names = [
        (s.name, s.day)
        for s in deadline_slots(d("31/03/2024"), every_day, WorkCalendar(), HCM, max_after_due=2)
    ]
    assert sorted(names) == [
        ("after-1", d("02/04/2024")),
        ("after-2", d("04/04/2024")),
        ("escalate-deputy", d("04/04/2024")),
        ("escalate-head", d("06/04/2024")),
    ]


@pytest.mark.parametrize(
    ("frequency", "due", "period"),
    [
        ("annual", "31/12/2024", "2024"),
        ("annual", "15/01/2025", "2024"),
        ("quarterly", "31/03/2024", "2024-Q1"),
        ("quarterly", "15/04/2024", "2024-Q1"),
        ("quarterly", "10/01/2024", "2023-Q4"),
        ("monthly", "10/04/2024", "2024-03"),
        ("monthly", "30/04/2024", "2024-04"),
        ("monthly", "05/01/2024", "2023-12"),
        ("semiannual", "15/07/2024", "2024-H1"),
        ("semiannual", "31/12/2024", "2024-H2"),
        ("semiannual", "15/03/2024", "2023-H2"),
        ("once", "31/03/2024", "2024-ONCE"),
    ],
)
def test_the_report_that_fulfils_a_deadline_is_the_latest_period_ended_by_then(
    frequency: str, due: str, period: str
) -> None:
    assert asked_period(frequency, d(due)) == period
    assert period in report_periods(frequency, d(due))


def test_overrides_move_file_deadlines_and_add_new_ones() -> None:
    from core.campaign import bundled_campaign_path, load_campaign

    camp = load_campaign(bundled_campaign_path())
    at = datetime(2024, 3, 20, tzinfo=UTC)
    added_spec = {
        "code": "D04",
        "title": "Báo cáo sơ kết 6 tháng",
        "due": "2024-07-15",
        "applies_to": {"kinds": ["COMMUNE"], "units": []},
        "fulfilled_by": {"report": {"frequency": "semiannual"}},
        "command": "/baocao",
    }
    merged = dq.merge_deadlines(
        camp,
        [
            dq.OverrideRow("D01", d("15/04/2024"), None, at, "admin"),
            dq.OverrideRow("D04", d("15/07/2024"), added_spec, at, "admin"),
            dq.OverrideRow("D09", d("15/07/2024"), None, at, "admin"),  # no definition: ignored
        ],
    )
    by = {e.code: e for e in merged}
    assert list(by) == ["D01", "D02", "D03", "D_HOSO", "D04"]
    assert (by["D01"].due, by["D01"].source, by["D01"].file_due) == (
        d("15/04/2024"),
        "moved",
        d("31/03/2024"),
    )
    assert by["D01"].deadline.command == "/nopvanban"
    assert by["D02"].source == "file"
    assert by["D02"].changed_at is None
    assert by["D04"].source == "added"
    assert by["D04"].policy == camp.reminder_defaults
    assert by["D04"].changed_at == at


# -- the database side --------------------------------------------------------------------------


async def test_planning_is_idempotent_and_looks_a_bounded_way_back(db: Database) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("22/03/2024", 7))
    await register(db, "P_KA_LONG", "focal", chat=1, at=local("01/03/2024", 0))
    first = await plan(db, campaign=camp, clock=clock)
    rows = await reminder_rows(db)
    # Monday 18/03 is more than 3 days back (catch_up): not made up. 25/03 and 28/03 are
    # within the 7-day horizon, 29/03 not yet.
    assert sorted((r["deadline_code"], r["slot"]) for r in rows) == [
        ("D01", "20240331:before-3"),
        ("D01", "20240331:before-7"),
        ("D02", "20240331:before-3"),
        ("D02", "20240331:before-7"),
    ]
    assert first.inserted == 4
    again = await plan(db, campaign=camp, clock=clock)
    assert (again.inserted, again.moved, again.cancelled) == (0, 0, 0)
    assert len(await reminder_rows(db)) == 4
    clock.advance(days=3)  # 25/03 07:00: the horizon now reaches 01/04
    await plan(db, campaign=camp, clock=clock)
    slots = [r["slot"] for r in await reminder_rows(db, deadline_code="D01")]
    assert slots == ["20240331:before-7", "20240331:before-3", "20240331:before-0"]


async def test_who_gets_what(db: Database) -> None:
    camp = await campaign_def(db)
    start = local("01/03/2024", 0)
    focal = await register(db, "P_KA_LONG", "focal", chat=1, at=start)
    deputy = await register(db, "P_KA_LONG", "deputy", chat=2, at=start)
    head = await register(db, "P_KA_LONG", "head", chat=3, at=start)
    stand_in = await register(db, "P_TRA_CO", "deputy", chat=4, at=start)  # no focal point
    hoa_lac = await register(db, "P_HOA_LAC", "focal", chat=5, at=start)
    late_joiner = await register(db, "TTTTVH", "focal", chat=6, at=local("26/03/2024", 10))
    async with db.read() as conn:
        members = await rq.active_members(
            conn, campaign_id=CAMPAIGN_ID, roles=("focal", "deputy", "head", "admin")
        )
        units = await dq.unit_ids(conn, campaign_id=CAMPAIGN_ID)
        deadlines = await dq.effective_deadlines(conn, campaign=camp)
    the_plan = ReminderPlan(camp, deadlines, units, members, WorkCalendar())
    rows = list(the_plan.rows())

    def of(person: int, code: str = "D01") -> list[tuple[str, date]]:
        return [
            (r.slot.split(":")[1], r.send_at.astimezone(HCM).date())
            for r in sorted(rows, key=lambda r: (r.send_at, r.slot))
            if r.person_id == person and r.deadline_code == code
        ]

    assert [s for s, _ in of(focal)][:5] == [
        "before-14",
        "before-7",
        "before-3",
        "before-0",
        "after-1",
    ]
    assert len(of(focal)) == 14
    assert not [s for s, _ in of(focal) if s.startswith("escalate")]
    assert of(deputy) == [("escalate-deputy", d("11/04/2024"))]
    assert of(head) == [("escalate-head", d("16/04/2024"))]
    # A unit without a focal point: its deputy stands in, and is also told at escalation.
    assert len(of(stand_in)) == 15
    # Hòa Lạc closes on 31/10/2024: D01 applies, the year-end report D03 does not.
    assert of(hoa_lac)
    assert not of(hoa_lac, "D03")
    # D03 is the city's own date, after the year ends: Wed 15/01/2025 (issue 11). Its 14-day
    # reminder falls on New Year's Day, so it goes on 02/01; the 3-day one (Sun 12/01) on 13/01.
    assert of(focal, "D03")[:5] == [
        ("before-14", d("02/01/2025")),
        ("before-7", d("08/01/2025")),
        ("before-3", d("13/01/2025")),
        ("before-1", d("14/01/2025")),
        ("before-0", d("15/01/2025")),
    ]
    assert [s for s, _ in of(focal, "D03")][5:] == [f"after-{k}" for k in range(1, 11)]
    # No reminder in the week of Tết 2025 (27–31/01), when no day is worked.
    assert not [x for _, x in of(focal, "D03") if d("27/01/2025") <= x <= d("02/02/2025")]
    # Registered on 26/03 at 10:00: nothing from before that.
    assert of(late_joiner)[0] == ("before-3", d("28/03/2024"))


async def test_a_moved_deadline_cancels_what_was_planned_and_plans_anew(any_db: Database) -> None:
    db = any_db
    camp = await campaign_def(db)
    clock = Clock(local("15/03/2024", 7))
    focal = await register(db, "PTP", "focal", chat=1, at=local("01/03/2024", 0))
    await plan(db, campaign=camp, clock=clock)
    planned = await reminder_rows(db, deadline_code="D01")
    assert [r["slot"] for r in planned] == ["20240331:before-14"]
    moved = await changes.move_deadline(
        db, campaign=camp, code="d01", due_text="15/04/2024", actor="admin", clock=clock
    )
    assert moved.ok, moved.message
    assert "từ 31/03/2024 sang 15/04/2024" in moved.message
    clock.advance(days=10, hours=2)  # 25/03 09:00: the new 14-day reminder is 7 days ahead
    report = await plan(db, campaign=camp, clock=clock)
    assert report.cancelled == 1
    rows = await reminder_rows(db, deadline_code="D01", person_id=focal)
    assert [(r["slot"], r["state"]) for r in rows] == [
        ("20240331:before-14", "cancelled"),
        ("20240415:before-14", "planned"),
    ]
    assert rows[1]["send_at"] == local("01/04/2024")
    unknown = await changes.move_deadline(
        db, campaign=camp, code="D07", due_text="15/04/2024", actor="admin", clock=clock
    )
    assert not unknown.ok
    assert unknown.message.startswith("Không có thời hạn mã D07")
    same = await changes.move_deadline(
        db, campaign=camp, code="D01", due_text="15/04/2024", actor="admin", clock=clock
    )
    assert same.ok
    assert "không có gì thay đổi" in same.message


async def test_a_new_day_off_moves_planned_reminders(db: Database) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("12/03/2024", 7))
    await register(db, "PTP", "focal", chat=1, at=local("01/03/2024", 0))
    await plan(db, campaign=camp, clock=clock)
    [row] = await reminder_rows(db, deadline_code="D01")
    assert row["send_at"] == local("18/03/2024")
    result = await changes.set_day(
        db, day_text="18/03/2024", working=False, note="nghỉ", actor="admin", clock=clock
    )
    assert result.ok
    report = await plan(db, campaign=camp, clock=clock)
    assert report.moved == 2  # D01 and D02
    [row] = await reminder_rows(db, deadline_code="D01")
    assert (row["slot"], row["send_at"]) == ("20240331:before-14", local("19/03/2024"))


async def test_admins_get_a_weekly_digest_within_their_scope(db: Database) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("30/03/2024", 9))
    pnv = await register(db, "PNV", "admin", chat=1, at=local("01/03/2024", 0))
    pvhtt = await register(db, "PVHTT", "admin", chat=2, at=local("01/03/2024", 0))
    await register(db, "PTP", "admin", chat=3, at=local("01/03/2024", 0))  # not a coordinator
    await plan(db, campaign=camp, clock=clock)
    digests = await reminder_rows(db, deadline_code=DIGEST_CODE)
    assert sorted((r["person_id"], r["slot"]) for r in digests) == [
        (pnv, "digest-2024W14"),
        (pvhtt, "digest-2024W14"),
    ]
    assert {r["send_at"] for r in digests} == {local("01/04/2024")}
    text = await digest_text(db, campaign=camp, clock=Clock(local("01/04/2024", 9)))
    assert "TỔNG HỢP ĐƠN VỊ CHƯA HOÀN THÀNH ĐÚNG HẠN (tính đến 01/04/2024)" in text
    assert "Phường Ka Long (quá hạn 1 ngày)" in text
    media = await digest_text(
        db, campaign=camp, clock=Clock(local("01/04/2024", 9)), admin_unit="PVHTT"
    )
    assert "Trung tâm Truyền thông và Văn hóa thành phố" in media
    assert "Phường Ka Long" not in media
    before = await digest_text(db, campaign=camp, clock=Clock(local("29/03/2024", 9)))
    assert "tất cả các đơn vị đã hoàn thành" in before


async def test_leaders_get_the_city_digest_on_the_first_working_day_of_every_week(
    db: Database,
) -> None:
    camp = await campaign_def(db)
    start = local("01/03/2024", 0)
    chair = await register(db, "VP_HDND_UBND", "leader", chat=1, at=start)
    vice = await register(db, "VP_HDND_UBND", "leader", chat=2, at=local("10/04/2024", 9))
    pnv = await register(db, "PNV", "admin", chat=3, at=start)
    focal = await register(db, "P_KA_LONG", "focal", chat=4, at=start)
    async with db.read() as conn:
        members = await rq.active_members(conn, campaign_id=CAMPAIGN_ID, roles=RECIPIENT_ROLES)
        units = await dq.unit_ids(conn, campaign_id=CAMPAIGN_ID)
        deadlines = await dq.effective_deadlines(conn, campaign=camp)
    # Phòng Nội vụ declared Monday 15/04/2024 a day off.
    calendar = WorkCalendar({d("15/04/2024"): False})
    rows = sorted(
        ReminderPlan(camp, deadlines, units, members, calendar).rows(), key=lambda r: r.send_at
    )

    def digests(person: int, code: str = LEADER_DIGEST_CODE) -> list[datetime]:
        return [r.send_at for r in rows if r.person_id == person and r.deadline_code == code]

    moments = [t.astimezone(HCM) for t in digests(chair)]
    assert {(t.hour, t.minute) for t in moments} == {(8, 0)}
    days = [t.date() for t in moments]
    # From the first due date (31/03/2024): the Monday, or the first working day after a
    # holiday Monday (15/04 declared off; 29/04–01/05 the Reunification and Labour days;
    # 02–03/09 National Day).
    assert days[:7] == [
        d(x)
        for x in (
            "01/04/2024",
            "08/04/2024",
            "16/04/2024",
            "22/04/2024",
            "02/05/2024",
            "06/05/2024",
            "13/05/2024",
        )
    ]
    assert d("04/09/2024") in days
    assert not {d("02/09/2024"), d("03/09/2024")} & set(days)
    # One a week until eight weeks after the last due date (the award dossiers, the city's
    # 31/01/2025), none in the week of Tết 2025, when no day is worked.
    assert len({x.isocalendar()[:2] for x in days}) == len(days)
    assert days[-1] == d("24/03/2025")
    assert not [x for x in days if d("27/01/2025") <= x <= d("02/02/2025")]
    assert len(days) == 51
    # The admins' digest has the same slots; the late-registered leader starts the week after.
    assert digests(pnv, DIGEST_CODE) == digests(chair)
    assert digests(vice)[0] == local("16/04/2024")
    assert digests(focal) == []
    vp = units["VP_HDND_UBND"]
    leader_rows = [r for r in rows if r.deadline_code == LEADER_DIGEST_CODE]
    assert {(r.unit_id, r.kind) for r in leader_rows} == {(vp, "digest")}


async def test_the_planner_drops_the_digest_of_a_leader_who_left(any_db: Database) -> None:
    db = any_db  # the role is plain text in both databases: no migration was needed for it
    camp = await campaign_def(db)
    clock = Clock(local("30/03/2024", 9))
    chair = await register(db, "VP_HDND_UBND", "leader", chat=1, at=local("01/03/2024", 0))
    await plan(db, campaign=camp, clock=clock)
    [row] = await reminder_rows(db, deadline_code=LEADER_DIGEST_CODE)
    assert (row["person_id"], row["slot"], row["kind"], row["send_at"], row["state"]) == (
        chair,
        "digest-2024W14",
        "digest",
        local("01/04/2024"),
        "planned",
    )
    assert (await plan(db, campaign=camp, clock=clock)).inserted == 0  # idempotent
    async with db.transaction() as conn:
        await conn.execute(update(_M).where(_M.c.person_id == chair).values(active=False))
    assert (await plan(db, campaign=camp, clock=clock)).cancelled == 1
    async with db.transaction() as conn:
        await conn.execute(update(_M).where(_M.c.person_id == chair).values(active=True))
    assert (await plan(db, campaign=camp, clock=clock)).revived == 1
    [row] = await reminder_rows(db, deadline_code=LEADER_DIGEST_CODE)
    assert row["state"] == "planned"


async def test_an_admin_adds_a_deadline_with_checks(db: Database) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("01/06/2024", 7))

    async def add(**kw: Any) -> changes.AdminResult:
        base: dict[str, Any] = {
            "code": "D04",
            "title": "Báo cáo sơ kết 6 tháng",
            "due_text": "15/07/2024",
            "kinds": ["COMMUNE"],
            "report": "semiannual",
            "command": "/baocao",
        }
        base.update(kw)
        return await changes.add_deadline(db, campaign=camp, actor="admin", clock=clock, **base)

    assert (await add(code="d-4")).message.startswith("Mã thời hạn “D-4” không hợp lệ")
    assert (await add(title="  ")).message.startswith("Vui lòng nhập nội dung")
    assert (await add(due_text="15/07/2027")).message.startswith("Ngày 15/07/2027 nằm ngoài")
    assert (await add(kinds=["XA"])).message.startswith("Không có loại đơn vị: XA")
    assert (await add(kinds=[], units=[])).message.startswith("Vui lòng nêu đơn vị")
    assert (await add(units=["KHONG_CO"])).message.startswith("Không có đơn vị mã: KHONG_CO")
    assert (await add(initiative=True)).message.startswith("Vui lòng chọn đúng một cách")
    assert (await add(report="weekly")).message.startswith("Kỳ báo cáo “weekly”")
    assert (await add(report=None, document="X")).message.startswith("Không có loại văn bản")
    assert (await add(command="baocao")).message.startswith("Lệnh “baocao” không hợp lệ")
    assert (await add(code="D01")).message.startswith("Đã có thời hạn mã D01")
    ok = await add()
    assert ok.ok
    assert "áp dụng cho 17 đơn vị" in ok.message
    assert (await add()).message.startswith("Đã có thời hạn mã D04")
    focal = await register(db, "P_KA_LONG", "focal", chat=1, at=local("01/06/2024", 0))
    clock.now = local("28/06/2024", 7)
    await plan(db, campaign=camp, clock=clock)
    rows = await reminder_rows(db, deadline_code="D04", person_id=focal)
    assert [(r["slot"], r["send_at"]) for r in rows] == [
        ("20240715:before-14", local("01/07/2024"))
    ]
    moved = await changes.move_deadline(
        db, campaign=camp, code="D04", due_text="22/07/2024", actor="admin", clock=clock
    )
    assert moved.ok
    async with db.read() as conn:
        [d04] = [e for e in await dq.effective_deadlines(conn, campaign=camp) if e.code == "D04"]
    assert (d04.source, d04.due, d04.deadline.title) == (
        "added",
        d("22/07/2024"),
        "Báo cáo sơ kết 6 tháng",
    )


def test_plan_settings_bound_the_window() -> None:
    s = PlanSettings()
    assert s.horizon == timedelta(days=7)
    assert s.catch_up == timedelta(days=3)
