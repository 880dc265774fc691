"""Reminders delivered through the fake Telegram and Zalo Bot API servers: the Móng Cái 2024
schedule on a simulated year, fulfilment checked at the moment of sending, moved deadlines and
days off, 429 storms and 5xx stretches, blocked chats, downtime, rate limits, two senders."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.channels.telegram import TelegramChannel, make_bot
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import ZaloBotAPI
from core.channel import Channel, DeliveryError
from core.domain.values import format_percent
from core.messages import Incoming, Reply
from core.ratelimit import Limits
from core.vntext import fold
from schedules import calendar_changes as changes
from schedules.calendar import WorkCalendar
from schedules.planner import LEADER_DIGEST_CODE, plan
from schedules.sender import ReminderSender, SendReport, SendSettings
from storage.db import Database
from storage.models import ChatIdentity, Membership
from storage.models import table as table_of
from tests.fakes.telegram_server import FakeTelegramServer, RateLimits
from tests.fakes.zalo_server import FakeZaloServer, new_zalo_id
from tests.harness import Clock
from tests.oversight import seed
from tests.test_planner import (
    HCM,
    add_chat,
    campaign_def,
    d,
    local,
    register,
    register_initiative,
    reminder_rows,
    submit_document,
    submit_report,
)

TOKEN = "123456:TEST-token-abcdef"
ZALO_TOKEN = "1234:zalo-secret"

D01 = "Gửi văn bản phát động phong trào thi đua"
D02 = "Đăng ký mô hình, giải pháp, sáng kiến"
D03 = "Báo cáo kết quả thực hiện các nội dung, chỉ tiêu thi đua năm 2024"


async def _noop_receive(updates: Sequence[Incoming]) -> int:
    return 0


class VirtualTime:
    """Seconds that pass only when someone sleeps: the rate limiter and backoff run on it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


@dataclass(frozen=True)
class Sent:
    at: datetime  # simulated time
    started: float  # virtual monotonic time when the request went out
    ended: float  # … and when its answer came back
    channel: str
    chat_id: str
    text: str
    error: str | None = None


class Recording:
    """A channel that records every attempt (simulated and virtual time) and passes it on."""

    def __init__(self, inner: Channel, clock: Clock, vt: VirtualTime | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.text_limit = inner.text_limit
        self.clock = clock
        self.vt = vt
        self.log: list[Sent] = []

    def _vt(self) -> float:
        return self.vt.now if self.vt else 0.0

    async def send(self, chat_id: str, reply: Reply, *, skip: int = 0) -> None:
        started = self._vt()
        try:
            await self.inner.send(chat_id, reply, skip=skip)
        except DeliveryError as exc:
            self.log.append(
                Sent(self.clock(), started, self._vt(), self.name, chat_id, reply.text, repr(exc))
            )
            raise
        self.log.append(Sent(self.clock(), started, self._vt(), self.name, chat_id, reply.text))

    @property
    def delivered(self) -> list[Sent]:
        return [s for s in self.log if s.error is None]


@asynccontextmanager
async def telegram(tg: FakeTelegramServer) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(make_bot(TOKEN, tg.base_url), _noop_receive)
    try:
        yield channel
    finally:
        await channel.close()


@asynccontextmanager
async def zalo(server: FakeZaloServer) -> AsyncIterator[ZaloChannel]:
    channel = ZaloChannel(ZaloBotAPI(ZALO_TOKEN, base_url=server.base_url), _noop_receive)
    try:
        yield channel
    finally:
        await channel.close()


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer(token=TOKEN) as server:
        yield server


@pytest.fixture
async def zs() -> AsyncIterator[FakeZaloServer]:
    async with FakeZaloServer(token=ZALO_TOKEN) as server:
        yield server


@pytest.fixture
async def db(sqlite_url: str) -> AsyncIterator[Database]:
    database = Database(sqlite_url)
    try:
        yield database
    finally:
        await database.dispose()


def sender_for(
    db: Database,
    channels: dict[str, Any],
    clock: Clock,
    vt: VirtualTime,
    **settings: Any,
) -> ReminderSender:
    return ReminderSender(
        db,
        channels,
        clock=clock,
        settings=SendSettings(**settings),
        sleep=vt.sleep,
        monotonic=vt.monotonic,
    )


def deadline_of(text: str) -> str:
    if "TỔNG HỢP" in text:
        return "digest"
    if "Bot không gửi được" in text:
        return "notice"
    for code, title in (("D01", D01), ("D02", D02), ("D03", D03)):
        if title in text:
            return code
    return "?"


def local_day(moment: datetime) -> date:
    return moment.astimezone(HCM).date()


def days_of(log: Sequence[Sent], chat: int | str, code: str) -> list[date]:
    return [local_day(s.at) for s in log if s.chat_id == str(chat) and deadline_of(s.text) == code]


# -- a whole year ---------------------------------------------------------------------------------


async def test_the_mong_cai_2024_schedule_on_a_simulated_year(
    tg: FakeTelegramServer, db: Database
) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("01/03/2024", 0))
    start = clock()
    ptp = 1001
    ka_long, ka_long_deputy, ka_long_head = 1002, 1003, 1004
    ttyt, media, hoa_lac, pnv_admin, pvhtt_admin = 1005, 1006, 1007, 1008, 1009
    for chat in range(1001, 1010):
        tg.user(user_id=chat)
    await register(db, "PTP", "focal", chat=ptp, at=start, name="Lê Thu Hà")
    await register(db, "P_KA_LONG", "focal", chat=ka_long, at=start, name="Nguyễn Văn An")
    await register(db, "P_KA_LONG", "deputy", chat=ka_long_deputy, at=start, name="Trần Bình")
    await register(db, "P_KA_LONG", "head", chat=ka_long_head, at=start, name="Phạm Cường")
    await register(db, "TTYT", "focal", chat=ttyt, at=start, name="Đỗ Dung")
    await register(db, "P_HOA_LAC", "focal", chat=hoa_lac, at=start, name="Vũ Giang")
    await register(db, "PNV", "admin", chat=pnv_admin, at=start, name="Hoàng Hải")
    await register(db, "PVHTT", "admin", chat=pvhtt_admin, at=start, name="Mai Hương")

    async def events(day: date) -> None:
        clock.now = local(day.strftime("%d/%m/%Y"), 12)
        if day == d("20/03/2024"):
            await submit_document(db, "PTP", at=clock())
        if day == d("26/03/2024"):
            clock.now = local("26/03/2024", 10)
            await register(db, "TTTTVH", "focal", chat=media, at=clock(), name="Lý Khánh")
        if day == d("05/04/2024"):
            await register_initiative(db, "PTP", at=clock())
        if day == d("09/01/2025"):
            await submit_report(db, "TTYT", "2024", at=clock())

    down = (d("05/04/2024") + timedelta(days=1), d("09/04/2024"))  # Sat 06/04 – Tue 09/04
    vt = VirtualTime()
    reports: list[SendReport] = []
    async with telegram(tg) as channel:
        rec = Recording(channel, clock, vt)
        sender = sender_for(db, {"telegram": rec}, clock, vt)
        day = d("01/03/2024")
        while day <= d("15/01/2025"):  # D03, the year's report, is due 15/01/2025
            if not down[0] <= day <= down[1]:
                clock.now = local(day.strftime("%d/%m/%Y"), 7)
                await plan(db, campaign=camp, clock=clock)
                clock.now = local(day.strftime("%d/%m/%Y"), 8)
                reports.append(await sender.run_once(camp))
            await events(day)
            day += timedelta(days=1)
    log = rec.delivered
    assert len(log) == len(rec.log)  # nothing failed

    d01 = ["18/03", "25/03", "28/03", "29/03", "03/04", "10/04", "11/04", "16/04", "22/04"]
    d01 += ["25/04", "03/05", "08/05", "13/05", "16/05"]
    full = [d(f"{x}/2024") for x in d01]
    # Ka Long never submits: the whole schedule, on working days only; 08/04 (after-2) fell in
    # the downtime and went on 10/04, marked late.
    assert days_of(log, ka_long, "D01") == full
    assert days_of(log, ka_long, "D02") == full
    # D03 is the city's own date, after the year ends (issue 11): 15/01/2025. The 14-day
    # reminder falls on New Year's Day and goes on 02/01.
    assert days_of(log, ka_long, "D03") == [
        d("02/01/2025"),
        d("08/01/2025"),
        d("13/01/2025"),
        d("14/01/2025"),
        d("15/01/2025"),
    ]
    # Escalation: the deputy after two reminders past due went unanswered, then the head.
    assert days_of(log, ka_long_deputy, "D01") == [d("11/04/2024")]
    assert days_of(log, ka_long_deputy, "D02") == [d("11/04/2024")]
    assert days_of(log, ka_long_head, "D01") == [d("16/04/2024")]
    assert days_of(log, ka_long_head, "D03") == []  # the escalation comes after 15/01/2025
    # Phòng Tư pháp sent its launch document on 20/03 and registered an initiative on 05/04.
    assert days_of(log, ptp, "D01") == [d("18/03/2024")]
    assert days_of(log, ptp, "D02") == full[:5]
    # The media centre's focal point registered on 26/03 at 10:00: nothing from before.
    assert days_of(log, media, "D01") == full[2:]
    # Trung tâm Y tế reported for 2024 on 09/01/2025: the reminders of D03 stop there.
    assert days_of(log, ttyt, "D03") == [d("02/01/2025"), d("08/01/2025")]
    assert days_of(log, ttyt, "D01") == full
    # Hòa Lạc closes on 31/10/2024: reminded for the Quarter I deadlines, not the year-end one.
    assert days_of(log, hoa_lac, "D01") == full
    assert days_of(log, hoa_lac, "D03") == []

    cal = WorkCalendar()
    every_day = {local_day(s.at) for s in log}
    assert all(cal.is_working_day(x) for x in every_day)
    assert not every_day & {
        d("29/04/2024"),
        d("30/04/2024"),
        d("01/05/2024"),
        d("18/04/2024"),
        d("02/09/2024"),
        d("03/09/2024"),
    }
    assert {s.at.astimezone(HCM).strftime("%H:%M") for s in log} == {"08:00"}

    # Weekly digests: PNV follows every unit, PVHTT the media units.
    pnv_days = days_of(log, pnv_admin, "digest")
    assert pnv_days[:6] == [
        d(x)
        for x in (
            "01/04/2024",
            "10/04/2024",
            "15/04/2024",
            "22/04/2024",
            "02/05/2024",
            "06/05/2024",
        )
    ]
    assert d("03/09/2024") not in pnv_days
    assert d("04/09/2024") in pnv_days  # Monday 02/09 and Tuesday 03/09 are off
    assert len(days_of(log, pvhtt_admin, "digest")) == len(pnv_days)
    pvhtt_text = next(s.text for s in log if s.chat_id == str(pvhtt_admin))
    assert "Trung tâm Truyền thông và Văn hóa thành phố" in pvhtt_text
    assert "Phạm vi: Trung tâm Truyền thông và Văn hóa thành phố; cơ quan báo, đài" in pvhtt_text
    assert "Phường Ka Long" not in pvhtt_text

    # Texts.
    by_day = {(local_day(s.at), s.chat_id, deadline_of(s.text)): s.text for s in log}
    first = by_day[(d("18/03/2024"), str(ka_long), "D01")]
    assert first.startswith("Kính gửi Anh/Chị Nguyễn Văn An,\nĐầu mối của Phường Ka Long.")
    assert "Hạn hoàn thành: 31/03/2024 (Chủ nhật) – còn 13 ngày." in first
    assert "Đơn vị còn thiếu: Văn bản phát động phong trào thi đua (chưa nộp)." in first
    assert "vui lòng gửi lệnh /nopvanban" in first
    friday = by_day[(d("29/03/2024"), str(ka_long), "D01")]
    assert "còn 2 ngày" in friday
    assert "hôm nay là ngày làm việc cuối cùng trước hạn" in friday
    assert "đã quá hạn 3 ngày" in by_day[(d("03/04/2024"), str(ka_long), "D01")]
    assert "/sangkien" in by_day[(d("18/03/2024"), str(ka_long), "D02")]
    assert "Báo cáo kết quả năm 2024" in by_day[(d("02/01/2025"), str(ka_long), "D03")]
    late = by_day[(d("10/04/2024"), str(ka_long), "D01")]
    assert "gửi muộn" in late
    assert "lẽ ra được gửi lúc 08:00 ngày 08/04/2024" in late
    deputy = by_day[(d("11/04/2024"), str(ka_long_deputy), "D01")]
    assert deputy.startswith("Kính gửi Anh/Chị Trần Bình,\nĐầu mối dự phòng của Phường Ka Long.")
    assert "đã quá hạn 11 ngày; đầu mối của đơn vị đã được nhắc 2 lần sau hạn" in deputy
    head = by_day[(d("16/04/2024"), str(ka_long_head), "D01")]
    assert "Thủ trưởng của Phường Ka Long" in head
    assert "được nhắc 3 lần" in head

    # The database agrees: every row sent once, late ones marked, none left behind.
    rows = await reminder_rows(db)
    sent = [r for r in rows if r["state"] == "sent"]
    assert len(sent) == len(log)
    assert len({(r["deadline_code"], r["person_id"], r["slot"]) for r in sent}) == len(sent)
    late_rows = [r for r in sent if r["late"]]
    assert {local_day(r["sent_at"]) for r in late_rows} == {d("10/04/2024")}
    assert {r["slot"].split(":")[-1] for r in late_rows} == {"after-2", "digest-2024W15"}
    assert all("gửi muộn" in s.text for s in log if local_day(s.at) == d("10/04/2024"))
    skipped = {(r["deadline_code"], r["slot"]) for r in rows if r["state"] == "skipped"}
    assert ("D01", "20240331:before-7") in skipped  # PTP's, after its document came in
    assert not [
        r
        for r in rows
        if r["state"] in ("planned", "sending") and r["send_at"] < local("31/12/2024", 9)
    ]
    assert sum(r.sent for r in reports) == len(log)


async def test_no_reminder_goes_out_during_tet(tg: FakeTelegramServer, db: Database) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("20/01/2024", 9))
    added = await changes.add_deadline(
        db,
        campaign=camp,
        code="D04",
        title="Báo cáo công tác cải cách hành chính tháng 01/2024",
        due_text="19/02/2024",
        kinds=["COMMUNE"],
        report="once",
        command="/baocao",
        actor="pnv",
        clock=clock,
    )
    assert added.ok, added.message
    tg.user(user_id=1101)
    await register(db, "P_KA_LONG", "focal", chat=1101, at=clock())
    vt = VirtualTime()
    async with telegram(tg) as channel:
        rec = Recording(channel, clock, vt)
        sender = sender_for(db, {"telegram": rec}, clock, vt)
        day = d("21/01/2024")
        while day <= d("29/02/2024"):
            clock.now = local(day.strftime("%d/%m/%Y"), 7)
            await plan(db, campaign=camp, clock=clock)
            clock.now = local(day.strftime("%d/%m/%Y"), 8)
            await sender.run_once(camp)
            day += timedelta(days=1)
    # Due Monday 19/02/2024, right after Tết (08–14/02): the 7-day reminder (12/02) waits for
    # Thursday 15/02, and nothing at all goes out during the break.
    assert [local_day(s.at) for s in rec.delivered] == [
        d(x)
        for x in (
            "05/02/2024",
            "15/02/2024",
            "16/02/2024",
            "19/02/2024",
            "22/02/2024",
            "27/02/2024",
        )
    ]
    assert "Hạn hoàn thành: 19/02/2024 (Thứ Hai) – còn 4 ngày." in rec.delivered[1].text


# -- fulfilment, deadlines and days off ---------------------------------------------------------


async def test_reminders_reach_telegram_and_zalo_at_8_local_on_a_utc_clock(
    tg: FakeTelegramServer, zs: FakeZaloServer, db: Database
) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("15/03/2024", 7))
    z_user = zs.user(new_zalo_id(), display_name="Ngô Lan")
    linked = zs.user(new_zalo_id(), display_name="Đinh Minh")
    tg.user(user_id=2001)
    tg.user(user_id=2002)
    early = local("01/03/2024", 0)
    await register(db, "PTP", "focal", chat=2001, at=early, name="Lê Thu Hà")
    await register(db, "X_HAI_SON", "focal", chat=z_user.id, channel="zalo", at=early)
    both = await register(db, "PQLDT", "focal", chat=2002, at=early, name="Đinh Minh")
    # The same person also uses Zalo, more recently: reminders follow them there.
    await add_chat(db, both, chat=linked.id, channel="zalo", last_seen=local("10/03/2024", 9))
    await plan(db, campaign=camp, clock=clock)
    vt = VirtualTime()
    async with telegram(tg) as t_channel, zalo(zs) as z_channel:
        sender = sender_for(db, {"telegram": t_channel, "zalo": z_channel}, clock, vt)
        clock.now = datetime(2024, 3, 18, 0, 59, 59, tzinfo=UTC)  # 07:59:59 in Hà Nội
        assert (await sender.run_once(camp)).sent == 0
        clock.now = datetime(2024, 3, 18, 1, 0, tzinfo=UTC)  # 08:00
        report = await sender.run_once(camp)
        assert report.sent == 6
        assert (await sender.run_once(camp)).claimed == 0
    assert len(tg.texts_to(2001)) == 2
    assert tg.texts_to(2002) == []
    assert len(z_user.messages) == 2
    assert len(linked.messages) == 2
    zalo_text = z_user.messages[0].content
    assert zalo_text.startswith("Kính gửi Anh/Chị,\nĐầu mối của Xã Hải Sơn.")
    assert "31/03/2024 (Chủ nhật) – còn 13 ngày" in zalo_text
    assert any("/sangkien" in m.content for m in linked.messages)
    rows = await reminder_rows(db, state="sent")
    assert sorted({r["channel"] for r in rows}) == ["telegram", "zalo"]
    assert {r["sent_at"] for r in rows} == {datetime(2024, 3, 18, 1, 0, tzinfo=UTC)}
    assert not any(r["late"] for r in rows)


async def test_a_unit_that_submits_between_planning_and_sending_is_not_reminded(
    tg: FakeTelegramServer, db: Database
) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("15/03/2024", 7))
    for chat in (2101, 2102):
        tg.user(user_id=chat)
    await register(db, "PTP", "focal", chat=2101, at=local("01/03/2024", 0))
    await register(db, "PTCKH", "focal", chat=2102, at=local("01/03/2024", 0))
    await plan(db, campaign=camp, clock=clock)
    # After planning: PTP sends its document; PTCKH's document is returned for correction.
    await submit_document(db, "PTP", at=local("17/03/2024", 15))
    await submit_document(db, "PTCKH", at=local("16/03/2024", 9), review_status="returned")
    clock.now = local("18/03/2024", 8)
    vt = VirtualTime()
    async with telegram(tg) as channel:
        report = await sender_for(db, {"telegram": channel}, clock, vt).run_once(camp)
    assert (report.sent, report.skipped) == (3, 1)
    assert [deadline_of(x) for x in tg.texts_to(2101)] == ["D02"]
    returned = [x for x in tg.texts_to(2102) if deadline_of(x) == "D01"]
    assert len(returned) == 1
    assert "(văn bản đã nộp bị trả lại, cần nộp lại)" in returned[0]
    [skipped] = await reminder_rows(db, state="skipped")
    assert (skipped["deadline_code"], skipped["error"]) == ("D01", "fulfilled")


async def test_a_moved_deadline_sends_only_the_new_reminders(
    tg: FakeTelegramServer, db: Database
) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("15/03/2024", 7))
    tg.user(user_id=2201)
    await register(db, "PTP", "focal", chat=2201, at=local("01/03/2024", 0))
    await plan(db, campaign=camp, clock=clock)
    result = await changes.move_deadline(
        db, campaign=camp, code="D01", due_text="15/04/2024", actor="pnv", clock=clock
    )
    assert result.ok
    vt = VirtualTime()
    async with telegram(tg) as channel:
        sender = sender_for(db, {"telegram": channel}, clock, vt)
        clock.now = local("18/03/2024", 8)  # the old 14-day reminder is due: not re-planned yet
        report = await sender.run_once(camp)
        assert (report.sent, report.cancelled) == (1, 1)  # D02 goes; the old D01 does not
        for day in ("25/03/2024", "28/03/2024", "29/03/2024", "01/04/2024"):
            clock.now = local(day, 7)
            await plan(db, campaign=camp, clock=clock)
            clock.now = local(day, 8)
            await sender.run_once(camp)
    d01 = [x for x in tg.texts_to(2201) if deadline_of(x) == "D01"]
    assert len(d01) == 1
    assert "Hạn hoàn thành: 15/04/2024 (Thứ Hai) – còn 14 ngày." in d01[0]
    # The file's note advises sending before Fri 29/03/2024 (31/03 is a Sunday): a date no
    # longer in force, so it is not shown (issue 11).
    assert "29/03/2024" not in d01[0]
    assert "Ghi chú" not in d01[0]
    assert [deadline_of(x) for x in tg.texts_to(2201)].count("D02") == 4
    old = await reminder_rows(db, deadline_code="D01")
    assert {r["slot"]: (r["state"], r["error"]) for r in old} == {
        "20240331:before-14": ("cancelled", "deadline moved"),
        "20240415:before-14": ("sent", None),
    }


async def test_a_day_off_declared_after_planning_moves_the_reminder(
    tg: FakeTelegramServer, db: Database
) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("14/03/2024", 7))
    tg.user(user_id=2301)
    await register(db, "PTP", "focal", chat=2301, at=local("01/03/2024", 0))
    await plan(db, campaign=camp, clock=clock)
    await changes.set_day(
        db, day_text="18/03/2024", working=False, note="Nghỉ bù", actor="pnv", clock=clock
    )
    vt = VirtualTime()
    async with telegram(tg) as channel:
        sender = sender_for(db, {"telegram": channel}, clock, vt)
        clock.now = local("18/03/2024", 8)  # not re-planned yet: the sender sees the day off
        assert (await sender.run_once(camp)).claimed == 0
        clock.now = local("18/03/2024", 7)
        await plan(db, campaign=camp, clock=clock)
        clock.now = local("19/03/2024", 8)
        report = await sender.run_once(camp)
    assert (report.sent, report.late) == (2, 0)
    rows = await reminder_rows(db, state="sent")
    assert {r["send_at"] for r in rows} == {local("19/03/2024")}


async def test_missed_reminders_after_downtime_go_once_marked_late(
    tg: FakeTelegramServer, db: Database
) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("15/03/2024", 7))
    tg.user(user_id=2401)
    await register(db, "PTP", "focal", chat=2401, at=local("01/03/2024", 0))
    await plan(db, campaign=camp, clock=clock)
    vt = VirtualTime()
    async with telegram(tg) as channel:
        sender = sender_for(db, {"telegram": channel}, clock, vt)
        clock.now = local("16/03/2024", 9)  # Saturday: the window is closed anyway
        assert (await sender.run_once(camp)).claimed == 0
        clock.now = local("20/03/2024", 9, 30)  # back up after Monday's and Tuesday's
        first = await sender.run_once(camp)
        again = await sender.run_once(camp)
    assert (first.sent, first.late, again.claimed) == (2, 2, 0)
    texts = tg.texts_to(2401)
    assert len(texts) == 2
    for text in texts:
        assert text.startswith("Kính gửi Anh/Chị,\nĐầu mối của Phòng Tư pháp.\n\n(Tin nhắc")
        assert (
            "gửi muộn do hệ thống tạm gián đoạn; lẽ ra được gửi lúc 08:00 ngày 18/03/2024" in text
        )
        assert "còn 11 ngày" in text
    assert all(r["late"] for r in await reminder_rows(db, state="sent"))


# -- messenger faults -----------------------------------------------------------------------------


async def test_a_429_storm_is_waited_out_and_each_reminder_goes_once(
    tg: FakeTelegramServer, db: Database
) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("18/03/2024", 7))
    chats = list(range(2501, 2511))
    units = ["PNV", "PTP", "PTCKH", "TTR", "PTNMT", "PLDTBXH", "PGDDT", "PYT", "PKT", "PQLDT"]
    for chat, unit in zip(chats, units, strict=True):
        tg.user(user_id=chat)
        await register(db, unit, "focal", chat=chat, at=local("01/03/2024", 0))
    await plan(db, campaign=camp, clock=clock)
    tg.faults.add("sendMessage", "429", times=6, retry_after=3)
    vt = VirtualTime()
    clock.now = local("18/03/2024", 8)
    async with telegram(tg) as inner:
        rec = Recording(inner, clock, vt)
        report = await sender_for(db, {"telegram": rec}, clock, vt).run_once(camp)
    assert report.sent == 20
    assert report.released == 0
    for chat in chats:
        assert sorted(deadline_of(x) for x in tg.texts_to(chat)) == ["D01", "D02"]
    refused = [s for s in rec.log if s.error and "RetryAfter" in s.error]
    assert len(refused) == 6
    # After each 429 came back, nothing went out before retry_after had passed.
    for r in refused:
        after = [s.started for s in rec.log if s.started > r.ended]
        assert all(x >= r.ended + 3 for x in after), (r, after[:3])
    assert vt.now >= 3


async def test_5xx_for_a_long_stretch_delays_but_loses_nothing(
    tg: FakeTelegramServer, db: Database
) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("18/03/2024", 7))
    chats = [2601, 2602, 2603, 2604]
    for chat, unit in zip(chats, ["PNV", "PTP", "PTCKH", "TTR"], strict=True):
        tg.user(user_id=chat)
        await register(db, unit, "focal", chat=chat, at=local("01/03/2024", 0))
    await plan(db, campaign=camp, clock=clock)
    tg.faults.add("sendMessage", "502", times=40)
    vt = VirtualTime()
    clock.now = local("18/03/2024", 8)
    runs: list[SendReport] = []
    async with telegram(tg) as channel:
        sender = sender_for(db, {"telegram": channel}, clock, vt)
        while sum(r.sent for r in runs) < 8 and len(runs) < 30:
            runs.append(await sender.run_once(camp))
            clock.advance(minutes=1)
    assert sum(r.sent for r in runs) == 8
    assert len(runs) > 3  # it took several runs …
    assert runs[0].released > 0  # … rows went back to "planned" in between
    for chat in chats:
        assert sorted(deadline_of(x) for x in tg.texts_to(chat)) == ["D01", "D02"]
    rows = await reminder_rows(db)
    assert {r["state"] for r in rows} == {"sent"}
    assert max(r["attempts"] for r in rows) > 1
    # The breaker kept each run from hammering a failing server.
    assert all(r.claimed <= 8 for r in runs)


async def test_a_blocked_chat_is_marked_the_admins_told_and_the_other_chat_used(
    tg: FakeTelegramServer, zs: FakeZaloServer, db: Database
) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("15/03/2024", 7))
    for chat in (2701, 2702, 2703):
        tg.user(user_id=chat)
    other = zs.user(new_zalo_id(), display_name="Quang")
    blocked = await register(
        db, "PTP", "focal", chat=2701, at=local("01/03/2024", 0), name="Lê Thu Hà"
    )
    linked = await register(
        db, "PTCKH", "focal", chat=2702, at=local("01/03/2024", 0), name="Quang"
    )
    await add_chat(db, linked, chat=other.id, channel="zalo", last_seen=local("29/02/2024", 9))
    await register(db, "PNV", "admin", chat=2703, at=local("01/03/2024", 0), name="Hoàng Hải")
    tg.block(2701)
    tg.block(2702)
    await plan(db, campaign=camp, clock=clock)
    clock.now = local("18/03/2024", 8)
    vt = VirtualTime()
    async with telegram(tg) as t_channel, zalo(zs) as z_channel:
        sender = sender_for(db, {"telegram": t_channel, "zalo": z_channel}, clock, vt)
        report = await sender.run_once(camp)
        again = await sender.run_once(camp)
    assert report.blocked >= 2  # two reminders racing to one blocked chat may both see the 403
    assert again.claimed == 0
    assert len(other.messages) == 2  # PTCKH's focal point got both reminders on Zalo
    assert tg.texts_to(2701) == []
    notices = tg.texts_to(2703)
    assert len(notices) == 2  # one per blocked account, not per reminder
    assert any("Anh/Chị Lê Thu Hà (đầu mối của Phòng Tư pháp) qua Telegram" in x for x in notices)
    assert all(x.startswith("Kính gửi Anh/Chị Hoàng Hải,") for x in notices)
    async with db.read() as conn:
        table = table_of(ChatIdentity)
        found = await conn.execute(select(table.c.chat_id, table.c.active))
        active: dict[str, bool] = {r[0]: bool(r[1]) for r in found}
    assert (active["2701"], active["2702"], active[other.id]) == (False, False, True)
    failed = await reminder_rows(db, state="failed", person_id=blocked)
    assert len(failed) == 2


# -- the leaders' weekly digest -------------------------------------------------------------------


async def seed_city(db: Database) -> None:
    """By mid-April 2024: three launch documents (one late), initiatives from two units (one
    effective; a third unit's was withdrawn), nothing else."""
    await seed.document(db, "PTP", at=local("20/03/2024", 9))
    await seed.document(db, "P_KA_LONG", at=local("28/03/2024", 9))
    await seed.document(db, "TTTTVH", at=local("05/04/2024", 9), number="03/KH-TTTT")
    await seed.initiative(db, "PTP", "Một cửa điện tử liên thông", at=local("20/03/2024", 10))
    await seed.initiative(
        db, "P_KA_LONG", "Số hóa hồ sơ một cửa", at=local("21/03/2024", 10), status="effective"
    )
    await seed.initiative(db, "P_KA_LONG", "Tổ công nghệ số", at=local("22/03/2024", 10))
    await seed.initiative(db, "X_HAI_SON", "Đã rút", at=local("22/03/2024", 10), status="withdrawn")


async def set_membership(db: Database, person_id: int, **values: Any) -> None:
    table = table_of(Membership)
    async with db.transaction() as conn:
        await conn.execute(update(table).where(table.c.person_id == person_id).values(**values))


async def test_leaders_get_the_city_digest_on_monday_at_8_on_telegram_and_zalo(
    tg: FakeTelegramServer, zs: FakeZaloServer, db: Database
) -> None:
    camp = await campaign_def(db)
    await seed_city(db)
    added = await changes.add_deadline(
        db,
        campaign=camp,
        code="D04",
        title="Báo cáo chuyên đề của Hội Cựu chiến binh",
        due_text="15/03/2024",
        units=["HCCB"],
        report="once",
        actor="pnv",
        clock=Clock(local("01/03/2024", 9)),
    )
    assert added.ok, added.message
    early = local("01/03/2024", 0)
    tg.user(user_id=2401)
    vice = zs.user(new_zalo_id(), display_name="Trần Văn Bình")
    await register(db, "VP_HDND_UBND", "leader", chat=2401, at=early, name="Hồ Quang Huy")
    await register(
        db, "VP_HDND_UBND", "leader", chat=vice.id, channel="zalo", at=early, name="Trần Văn Bình"
    )
    clock = Clock(local("12/04/2024", 7))  # Friday: the Monday digest is within the horizon
    await plan(db, campaign=camp, clock=clock)
    vt = VirtualTime()
    async with telegram(tg) as t_channel, zalo(zs) as z_channel:
        sender = sender_for(db, {"telegram": t_channel, "zalo": z_channel}, clock, vt)
        clock.now = datetime(2024, 4, 15, 0, 59, 59, tzinfo=UTC)  # Monday 07:59:59 in Móng Cái
        assert (await sender.run_once(camp)).claimed == 0
        clock.now = datetime(2024, 4, 15, 1, 0, tzinfo=UTC)  # 08:00
        report = await sender.run_once(camp)
        assert (report.sent, report.late) == (2, 0)
        assert (await sender.run_once(camp)).claimed == 0
    [chair_text] = tg.texts_to(2401)
    vice_text = "\n".join(m.content for m in vice.messages)
    assert chair_text.startswith("Kính gửi Anh/Chị Hồ Quang Huy,\n")
    assert vice_text.startswith("Kính gửi Anh/Chị Trần Văn Bình,\n")
    # The same figures on both messengers, after the greeting.
    assert chair_text.partition("\n")[2] == vice_text.partition("\n")[2]

    # The figures, worked out here from the seed and the campaign file.
    due = d("31/03/2024")
    units = [u for u in camp.units if u.is_active_on(due)]  # D01 and D02 concern every kind
    n = len(units)
    assert n == 48

    def share(part: int) -> str:
        return f"{part}/{n} ({format_percent(100 * part / n, 1)})"

    assert "Số liệu đến ngày 15/04/2024; 48 đơn vị tham gia." in chair_text
    assert (
        f"1. Văn bản phát động phong trào thi đua (hạn 31/03/2024): {share(3)} đơn vị đã nộp "
        f"(2 đúng hạn, 1 muộn); {n - 3} đơn vị chưa nộp."
    ) in chair_text
    assert "2. Báo cáo tháng 3/2024: 0/" in chair_text  # nobody reported for March
    # Everyone but Phòng Tư pháp and Ka Long owes D01 or D02, 15 days past due (the media
    # centre only D02); the longest overdue, then those owing most, by name, are listed.
    assert f"3. Đơn vị đang quá hạn ít nhất một nội dung: {share(n - 2)}." in chair_text
    # Hội Cựu chiến binh also owes the report added for it, due 15/03: it comes first.
    owing = sorted(
        (u for u in units if u.code not in ("PTP", "P_KA_LONG", "TTTTVH", "HCCB")),
        key=lambda u: fold(u.name),
    )
    listed = [line.strip() for line in chair_text.splitlines() if line.startswith("   – ")]
    assert listed == [
        "– Hội Cựu chiến binh thành phố: quá hạn 31 ngày; 3 nội dung chưa thực hiện",
        *(f"– {u.name}: quá hạn 15 ngày; 2 nội dung chưa thực hiện" for u in owing[:4]),
    ]
    assert (
        f"4. Mô hình, giải pháp, sáng kiến đã đăng ký: 3, của {share(2)} đơn vị; 1 đã có hiệu "
        "quả hoặc được công nhận."
    ) in chair_text
    assert "5. Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (tập thể): " in chair_text
    assert "(kể cả tiêu chí do Phòng Nội vụ đánh giá)." in chair_text
    assert chair_text.endswith("/khenthuong (khen thưởng). Trân trọng.")
    rows = await reminder_rows(db, deadline_code=LEADER_DIGEST_CODE, state="sent")
    assert sorted(r["channel"] for r in rows) == ["telegram", "zalo"]
    assert {(r["slot"], r["sent_at"]) for r in rows} == {
        ("digest-2024W16", datetime(2024, 4, 15, 1, 0, tzinfo=UTC))
    }


async def test_the_leaders_digest_goes_every_week_even_when_nobody_is_late(
    tg: FakeTelegramServer, db: Database
) -> None:
    """Unlike the admins' digest, which says nothing when no unit is late."""
    camp = await campaign_def(db)
    clock = Clock(local("29/03/2024", 7))
    tg.user(user_id=2501)
    tg.user(user_id=2502)
    await register(db, "VP_HDND_UBND", "leader", chat=2501, at=local("01/03/2024", 0))
    await register(db, "PNV", "admin", chat=2502, at=local("01/03/2024", 0))
    await plan(db, campaign=camp, clock=clock)
    # Every unit sends its launch document and registers an initiative before the due date.
    for unit in camp.units:
        await seed.document(db, unit.code, at=local("28/03/2024", 9))
        await seed.initiative(db, unit.code, "Sáng kiến", at=local("28/03/2024", 10))
    vt = VirtualTime()
    async with telegram(tg) as channel:
        clock.now = local("01/04/2024", 8)
        report = await sender_for(db, {"telegram": channel}, clock, vt).run_once(camp)
    assert (report.sent, report.skipped) == (1, 1)
    assert tg.texts_to(2502) == []  # the admin's digest: nobody is late
    [text] = tg.texts_to(2501)
    assert "3. Không có đơn vị nào quá hạn." in text
    assert "48/48 (100%) đơn vị đã nộp (48 đúng hạn, 0 muộn); 0 đơn vị chưa nộp." in text


async def test_a_leader_who_left_or_changed_role_gets_no_digest_and_a_restart_sends_none_twice(
    tg: FakeTelegramServer, db: Database
) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("12/04/2024", 7))
    for chat in (2601, 2602, 2603):
        tg.user(user_id=chat)
    early = local("01/03/2024", 0)
    staying = await register(db, "VP_HDND_UBND", "leader", chat=2601, at=early, name="An")
    left = await register(db, "VP_HDND_UBND", "leader", chat=2602, at=early, name="Bình")
    moved = await register(db, "VP_HDND_UBND", "leader", chat=2603, at=early, name="Cường")
    await plan(db, campaign=camp, clock=clock)
    assert len(await reminder_rows(db, deadline_code=LEADER_DIGEST_CODE)) == 3
    # After planning, before sending: one leader leaves, another now works as a focal point.
    await set_membership(db, left, active=False)
    await set_membership(db, moved, role="focal")
    clock.now = local("15/04/2024", 8)
    vt = VirtualTime()
    async with telegram(tg) as channel:
        report = await sender_for(db, {"telegram": channel}, clock, vt).run_once(camp)
    assert (report.sent, report.cancelled) == (1, 2)
    assert len(tg.texts_to(2601)) == 1
    assert tg.texts_to(2602) == tg.texts_to(2603) == []
    rows = {r["person_id"]: r for r in await reminder_rows(db, deadline_code=LEADER_DIGEST_CODE)}
    assert (rows[left]["state"], rows[left]["error"]) == ("cancelled", "recipient left the unit")
    assert rows[moved]["error"] == "recipient is no longer a leader"
    # A restart: a new sender process, the planner run again, the same morning.
    clock.now = local("15/04/2024", 8, 5)
    await plan(db, campaign=camp, clock=clock)
    async with telegram(tg) as channel:
        again = await sender_for(db, {"telegram": channel}, clock, VirtualTime()).run_once(camp)
    assert again.claimed == 0
    assert len(tg.texts_to(2601)) == 1
    rows_after = await reminder_rows(db, deadline_code=LEADER_DIGEST_CODE)
    assert sorted((r["person_id"], r["slot"], r["state"]) for r in rows_after) == [
        (staying, "digest-2024W16", "sent"),
        (staying, "digest-2024W17", "planned"),  # next Monday's, for the one still a leader
        (left, "digest-2024W16", "cancelled"),
        (moved, "digest-2024W16", "cancelled"),
    ]


# -- limits and concurrency ------------------------------------------------------------------------


async def test_sending_respects_the_configured_limits_globally_and_per_chat(
    db: Database,
) -> None:
    camp = await campaign_def(db)
    clock = Clock(local("15/03/2024", 7))
    units = ["PNV", "PTP", "PTCKH", "TTR", "PTNMT", "PLDTBXH", "PGDDT", "PYT", "PKT", "PQLDT"]
    limits = RateLimits(global_limit=10, global_window=1.0, chat_limit=1, chat_window=1.0)
    async with (
        FakeTelegramServer(token=TOKEN, rate_limits=limits) as server,
        FakeZaloServer(token=ZALO_TOKEN, global_rate_limit=10, chat_burst=1) as zserver,
    ):
        zalo_users = []
        for i, unit in enumerate(units):
            if i % 2:
                server.user(user_id=2800 + i)
                await register(db, unit, "focal", chat=2800 + i, at=local("01/03/2024", 0))
            else:
                u = zserver.user(new_zalo_id())
                zalo_users.append(u)
                await register(
                    db, unit, "focal", chat=u.id, channel="zalo", at=local("01/03/2024", 0)
                )
        await plan(db, campaign=camp, clock=clock)
        clock.now = local("18/03/2024", 8)
        per_channel = {"telegram": Limits(10, 1), "zalo": Limits(10, 1)}
        async with telegram(server) as t_channel, zalo(zserver) as z_channel:
            sender = ReminderSender(
                db,
                {"telegram": t_channel, "zalo": z_channel},
                clock=clock,
                settings=SendSettings(limits=per_channel, concurrency=8),
            )
            started = time.monotonic()
            report = await sender.run_once(camp)
            elapsed = time.monotonic() - started
        assert report.sent == 20
        assert server.rate_violations == []
        assert zserver.rate_violations.total == 0
        # Two messages per chat at 0.9/s: at least ~1.1 s apart.
        assert elapsed >= 1.0
        for u in zalo_users:
            assert len(u.messages) == 2


@pytest.mark.parametrize("instances", [2])
async def test_two_senders_at_once_send_each_reminder_once(
    tg: FakeTelegramServer, any_db_url: str, instances: int
) -> None:
    dbs = [Database(any_db_url) for _ in range(instances)]
    try:
        db = dbs[0]
        camp = await campaign_def(db)
        clock = Clock(local("15/03/2024", 7))
        async with db.read() as conn:
            from storage.queries.deadlines import unit_ids

            codes = sorted(await unit_ids(conn, campaign_id=camp.campaign.id))
        chats = []
        for i, code in enumerate(codes):
            chat = 3000 + i
            tg.user(user_id=chat)
            chats.append(chat)
            await register(db, code, "focal", chat=chat, at=local("01/03/2024", 0))
        await plan(db, campaign=camp, clock=clock)
        clock.now = local("18/03/2024", 8)
        vt = VirtualTime()
        async with telegram(tg) as channel:
            senders = [
                sender_for(x, {"telegram": channel}, clock, vt, batch_size=5, concurrency=2)
                for x in dbs
            ]
            reports = await asyncio.gather(*(s.run_once(camp) for s in senders))
        total = len(chats) * 2
        assert sum(r.sent for r in reports) == total
        assert sum(r.lost for r in reports) == 0
        for chat in chats:
            assert sorted(deadline_of(x) for x in tg.texts_to(chat)) == ["D01", "D02"]
        rows = await reminder_rows(db, state="sent")
        assert len(rows) == total
    finally:
        for x in dbs:
            await x.dispose()


async def test_a_claim_left_by_a_dead_process_is_taken_over_after_the_lease(
    tg: FakeTelegramServer, db: Database
) -> None:
    from storage.queries import reminders as rq

    camp = await campaign_def(db)
    clock = Clock(local("18/03/2024", 7))
    tg.user(user_id=3101)
    await register(db, "PTP", "focal", chat=3101, at=local("01/03/2024", 0))
    await plan(db, campaign=camp, clock=clock)
    clock.now = local("18/03/2024", 8)
    async with db.transaction() as conn:  # a process claims both rows and dies
        claimed = await rq.claim_due(
            conn,
            campaign_id=camp.campaign.id,
            codes=["D01", "D02"],
            now=clock(),
            worker="dead",
            lease=timedelta(minutes=5),
            limit=10,
        )
    assert len(claimed) == 2
    vt = VirtualTime()
    async with telegram(tg) as channel:
        sender = sender_for(db, {"telegram": channel}, clock, vt)
        assert (await sender.run_once(camp)).claimed == 0  # the lease still holds
        clock.advance(minutes=5, seconds=1)
        report = await sender.run_once(camp)
    assert report.sent == 2
    assert len(tg.texts_to(3101)) == 2
    assert {r["attempts"] for r in await reminder_rows(db)} == {2}


async def test_install_adds_two_ticking_jobs_that_plan_and_send(
    tg: FakeTelegramServer, db: Database
) -> None:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from schedules import jobs
    from tests.conftest import make_settings

    clock = Clock(local("18/03/2024", 7, 30))
    tg.user(user_id=3201)
    await register(db, "PTP", "focal", chat=3201, at=local("01/03/2024", 0))
    scheduler = AsyncIOScheduler(timezone="UTC")
    async with telegram(tg) as channel:
        channels: dict[str, Any] = {}
        sender = jobs.install(
            scheduler,
            db=db,
            channels=channels,
            clock=clock,
            settings=make_settings("sqlite://", reminders_enabled=True),
        )
        assert sender is not None
        channels["telegram"] = channel  # a channel started after install is used
        by_id = {j.id: j for j in scheduler.get_jobs()}
        assert set(by_id) == {jobs.PLAN_JOB_ID, jobs.SEND_JOB_ID}
        for job in by_id.values():
            assert (job.coalesce, job.max_instances) == (True, 1)
        assert by_id[jobs.SEND_JOB_ID].trigger.interval == timedelta(seconds=30)
        # Installing again (a restart of the app) replaces the jobs instead of adding more.
        jobs.install(scheduler, db=db, channels=channels, clock=clock, settings=None)
        scheduler.start(paused=True)
        try:
            by_id = {j.id: j for j in scheduler.get_jobs()}
            assert len(by_id) == len(scheduler.get_jobs()) == 2
        finally:
            scheduler.shutdown(wait=False)
        plan_job, send_job = by_id[jobs.PLAN_JOB_ID], by_id[jobs.SEND_JOB_ID]
        planned = await plan_job.func(**plan_job.kwargs)
        assert planned is not None
        assert planned.inserted == 2
        clock.now = local("18/03/2024", 8)
        sent = await send_job.func(**send_job.kwargs)
        assert sent is not None
        assert sent.sent == 2
    assert len(tg.texts_to(3201)) == 2
    off = jobs.install(
        AsyncIOScheduler(timezone="UTC"),
        db=db,
        channels={},
        settings=type("S", (), {"reminders_enabled": False})(),
    )
    assert off is None
    config = jobs.ReminderConfig.from_settings(
        type("S", (), {"telegram_rate_per_second": 20, "reminder_send_until_hour": None})()
    )
    assert config.send.limits["telegram"] == Limits(20.0, 1.0, 0.9)
    assert config.send.send_until_hour is None


class SimTime:
    """A clock for many concurrent sleepers: time jumps to the earliest wake-up once every
    task is waiting (unlike VirtualTime, where each sleep adds up)."""

    def __init__(self) -> None:
        self.now = 0.0
        self._heap: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._heap, (self.now + max(0.0, seconds), next(self._seq), fut))
        await fut

    async def run(self, aw: Awaitable[Any]) -> Any:
        task = asyncio.ensure_future(aw)
        while not task.done():
            for _ in range(20):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if self._heap and not task.done():
                when, _, fut = heapq.heappop(self._heap)
                self.now = max(self.now, when)
                fut.set_result(None)
        return await task


async def test_token_buckets_pace_sends_globally_and_per_chat() -> None:
    from core.ratelimit import ChannelLimiter, TokenBucket

    sim = SimTime()
    bucket = TokenBucket(10.0, clock=sim.monotonic, sleep=sim.sleep)
    stamps: list[float] = []

    async def five() -> None:
        for _ in range(5):
            await bucket.acquire()
            stamps.append(round(sim.now, 3))
        bucket.pause(2.0)
        assert not bucket.try_acquire()
        await bucket.acquire()
        stamps.append(round(sim.now, 3))

    await sim.run(five())
    assert stamps == [0.0, 0.1, 0.2, 0.3, 0.4, 2.4]
    # 30/s in all and 1/s per chat, aimed at 90 %: no second holds more than 28 messages
    # (a burst of 1.5 plus 27/s), and one chat's messages are at least 1/0.9 s apart.
    sim = SimTime()
    limiter = ChannelLimiter(Limits(30, 1), clock=sim.monotonic, sleep=sim.sleep)
    sends: list[tuple[float, str]] = []

    async def send(chat: str) -> None:
        await limiter.acquire(chat)
        sends.append((sim.now, chat))

    await sim.run(asyncio.gather(*(send(f"c{i % 40}") for i in range(120))))
    times = sorted(t for t, _ in sends)
    assert max(sum(1 for x in times if t0 <= x < t0 + 1.0) for t0 in times) <= 28
    for chat in {c for _, c in sends}:
        mine = sorted(t for t, c in sends if c == chat)
        assert all(b - a >= 1 / 0.9 - 1e-6 for a, b in itertools.pairwise(mine))
    assert 120 / 27 - 0.5 <= times[-1] <= 120 / 27 + 2.5  # near the global rate
