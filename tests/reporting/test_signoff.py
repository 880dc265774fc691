"""The head's sign-off (campaign file `sign_off: {reports: true, documents: true}`), end to end
on Telegram and on Zalo: a focal point's report waits for the head, who is told at once and
confirms it; only then does it reach Phòng Nội vụ's /duyet and fulfil the deadline, at the
moment of the confirmation. A return with a comment reaches the focal point and the correction
goes back to the head; a unit with no head is not held up; nobody else can confirm, whatever
the callback data says; documents follow the same road; without the option nothing changes."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.app import App
from core.domain.status import DeadlineState, deadline_line
from storage.models import (
    AuditLog,
    Document,
    IndicatorValue,
    Membership,
    Person,
    ReportSubmission,
    Unit,
    table,
)
from storage.queries import deadlines as dq
from storage.queries import oversight
from tests.e2e.messengers import Messenger, TelegramChatUser
from tests.harness import Clock
from tests.reporting.conftest import NOW
from tests.reporting.people import PDF, FileServer, fetch, register
from tests.reporting.people import Person as Chat
from tests.reporting.test_report import fill_month

UNIT = "X_HAI_SON"
CAMPAIGN = "mongcai-cchc-2024"
COMMENT = "Tỷ lệ văn bản điện tử chưa khớp sổ theo dõi, đề nghị kiểm tra lại."


async def unit_id(app: App, code: str = UNIT) -> int:
    [(uid,)] = await fetch(app, Unit, "id", code=code)
    return int(uid)


async def person_id(app: App, name: str) -> int:
    [(pid,)] = await fetch(app, Person, "id", full_name=name)
    return int(pid)


async def february(app: App, code: str = UNIT) -> tuple[dq.Fulfilment, bool, datetime | None]:
    """For the February report deadline (D_T02, due 20/03/2024): what the reminder sender sees,
    whether the unit is listed late on 21/03/2024, and when the deadline counts as fulfilled."""
    uid = await unit_id(app, code)
    campaign = app.services.definition()
    async with app.db.read() as conn:
        [eff] = [
            e for e in await dq.effective_deadlines(conn, campaign=campaign) if e.code == "D_T02"
        ]
        state = await dq.fulfilment(conn, campaign_id=CAMPAIGN, unit_id=uid, deadline=eff.deadline)
        late = await dq.late_units(
            conn,
            campaign_id=CAMPAIGN,
            deadlines=[eff],
            units_in_scope={"D_T02": [uid]},
            today=date(2024, 3, 21),
        )
        facts = await oversight.unit_facts(conn, campaign_id=CAMPAIGN, unit_id=uid)
    return state, uid in late.get("D_T02", []), facts.submissions.get("2024-02")


async def sign_off_states(app: App) -> dict[str, str]:
    rows = await fetch(app, ReportSubmission, "period", "sign_off_status")
    return {str(p): str(s) for p, s in rows}


async def people(app: App, messenger: Messenger) -> tuple[Chat, Chat, Chat]:
    lan = await register(app, messenger, 1, UNIT, name="Lan")
    hung = await register(app, messenger, 2, UNIT, name="Hùng", role="head")
    ha = await register(app, messenger, 3, "PNV", name="Hà", role="admin")
    return lan, hung, ha


async def test_a_report_waits_for_the_head_and_counts_when_confirmed(
    signoff_bot: App, messenger: Messenger, clock: Clock
) -> None:
    bot = signoff_bot
    lan, hung, ha = await people(bot, messenger)
    await fill_month(lan, "2/2024")
    msg = await lan.choose(1)
    assert "Đã gửi báo cáo tháng 2/2024 của Xã Hải Sơn (10 chỉ tiêu)" in msg
    assert "Báo cáo đang chờ thủ trưởng đơn vị xác nhận" in msg
    assert "Đã báo cho 1 thủ trưởng." in msg
    notice = await hung.next()
    assert "Lan vừa gửi báo cáo tháng 2/2024, một lần trong năm 2024 của Xã Hải Sơn" in notice
    assert "(10 chỉ tiêu, 1 mục bỏ qua)" in notice
    assert "/xacnhan" in notice

    # Stored, but it does not count yet: not for review, not for the deadline; and the focal
    # point is not reminded of what they sent.
    assert await sign_off_states(bot) == {"2024-02": "pending", "2024-ONCE": "pending"}
    assert "Không có báo cáo, văn bản nào chờ duyệt" in await ha.say("/duyet")
    [(sid,)] = await fetch(bot, ReportSubmission, "id", period="2024-02")
    typed = await ha.say(f"/duyet b {sid}")  # the office cannot reach it by its id either
    assert "Không tìm thấy mục này" in typed
    assert "Tiếp nhận" not in typed
    state, late, counted = await february(bot)
    assert (state.done, state.awaiting_head, state.counts) == (True, True, False)
    assert late
    assert counted is None
    await lan.say("/tinhtrang")
    status = await lan.next(contains="Chờ thủ trưởng xác nhận")
    assert "Chờ thủ trưởng xác nhận:\n• Báo cáo tháng 2/2024 (gửi 20/03/2024)" in status

    clock.advance(days=1)  # the head confirms the next day, after the due date
    await hung.say("/tinhtrang")
    status = await hung.next(contains="Đang chờ")
    assert "Đang chờ Anh/Chị xác nhận (2) – gõ /xacnhan để xem:" in status
    listing = await hung.say("/xacnhan")
    assert "CHỜ THỦ TRƯỞNG XÁC NHẬN (2) – Xã Hải Sơn" in listing
    assert "1. Báo cáo tháng 2/2024 (gửi 20/03/2024)" in listing
    assert "2. Báo cáo một lần trong năm 2024 (gửi 20/03/2024)" in listing
    shown = await hung.choose(1)
    assert "BÁO CÁO THÁNG 2/2024 CỦA XÃ HẢI SƠN" in shown
    assert "Trạng thái: chờ thủ trưởng xác nhận." in shown
    assert "Dịch vụ công trực tuyến toàn trình: 100%" in shown
    assert "1. Xác nhận\n2. Đề nghị sửa\n3. Quay lại danh sách" in shown
    done = await hung.choose(1)
    assert "Đã xác nhận báo cáo tháng 2/2024. Từ 21/03/2024 10:00" in done
    assert "Đã báo cho 1 đầu mối." in done
    told = await lan.next()
    assert "Thủ trưởng Hùng đã xác nhận báo cáo tháng 2/2024 của Xã Hải Sơn" in told

    # Now it counts: Phòng Nội vụ sees it, the deadline is met when the head confirmed (late).
    assert "Xã Hải Sơn – báo cáo tháng 2/2024 (20/03/2024)" in await ha.say("/duyet")
    state, late, counted = await february(bot)
    assert (state.done, state.counts) == (True, True)
    assert not late
    assert counted == clock()
    campaign = bot.services.definition()
    deadline = campaign.deadline("D_T02")
    assert deadline is not None
    async with bot.db.read() as conn:
        facts = await oversight.unit_facts(conn, campaign_id=CAMPAIGN, unit_id=await unit_id(bot))
    line = deadline_line(deadline, facts, date(2024, 3, 21), campaign_tz(bot))
    assert (line.state, line.days) == (DeadlineState.LATE, 1)
    assert await sign_off_states(bot) == {"2024-02": "confirmed", "2024-ONCE": "pending"}
    [(by, at)] = await fetch(
        bot, ReportSubmission, "signed_off_by", "signed_off_at", period="2024-02"
    )
    assert (by, at) == (await person_id(bot, "Hùng"), clock())
    # Who and when (the log's own time: the wall clock, not the test's).
    [(actor, action, at)] = await fetch(
        bot, AuditLog, "actor", "action", "at", entity="report_submission"
    )
    assert (actor, action) == (f"person:{await person_id(bot, 'Hùng')}", "sign_off_confirm")
    assert isinstance(at, datetime)
    # Confirmed once: pressing again changes nothing.
    again = await hung.say("/xacnhan")
    assert "CHỜ THỦ TRƯỞNG XÁC NHẬN (1)" in again


def campaign_tz(app: App) -> ZoneInfo:
    return ZoneInfo(app.services.definition().campaign.timezone)


async def test_a_return_reaches_the_focal_point_and_the_correction_goes_back_to_the_head(
    signoff_bot: App, messenger: Messenger
) -> None:
    bot = signoff_bot
    lan, hung, ha = await people(bot, messenger)
    await fill_month(lan, "2/2024")
    await lan.choose(1)
    await hung.next()
    await hung.say("/xacnhan")
    await hung.choose(1)
    ask = await hung.choose(2)
    assert "Vui lòng nhập nội dung đề nghị đầu mối sửa báo cáo tháng 2/2024" in ask
    assert "ít nhất 5 ký tự" in await hung.say("sai")
    done = await hung.say(COMMENT)
    assert "Đã đề nghị đầu mối sửa báo cáo tháng 2/2024. Đã báo cho 1 đầu mối." in done
    told = await lan.next()
    assert "Thủ trưởng Hùng đề nghị sửa báo cáo tháng 2/2024 của Xã Hải Sơn" in told
    assert f"“{COMMENT}”" in told
    assert "Vui lòng gõ /baocao 2/2024 để sửa và gửi lại" in told
    await lan.say("/tinhtrang")
    status = await lan.next(contains="Thủ trưởng đề nghị sửa")
    assert f"Thủ trưởng đề nghị sửa:\n• Báo cáo tháng 2/2024: “{COMMENT}”" in status
    assert (await sign_off_states(bot))["2024-02"] == "returned"
    state, _late, _counted = await february(bot)
    assert (state.done, state.counts) == (False, False)  # the focal point has to act again

    # The correction goes back to the head, who is told again and confirms it.
    msg = await lan.say("/baocao 2/2024")
    assert "đã được gửi" in msg
    await lan.choose(2)
    await lan.say("1")
    await lan.say("98,5 %")
    msg = await lan.choose(1)
    assert "(7 chỉ tiêu, 1 mục thay đổi)" in msg
    assert "Báo cáo đang chờ thủ trưởng đơn vị xác nhận" in msg
    assert "Lan vừa gửi báo cáo tháng 2/2024 của Xã Hải Sơn" in await hung.next()
    assert (await sign_off_states(bot))["2024-02"] == "pending"
    assert "Không có báo cáo, văn bản nào chờ duyệt" in await ha.say("/duyet")
    await hung.say("/xacnhan")
    shown = await hung.choose(1)
    assert "Dịch vụ công trực tuyến toàn trình: 98,5%" in shown
    assert "Đã xác nhận báo cáo tháng 2/2024" in await hung.choose(1)
    assert "báo cáo tháng 2/2024" in await ha.say("/duyet")
    actions = [a for (a,) in await fetch(bot, AuditLog, "action", entity="report_submission")]
    assert actions == ["sign_off_return", "sign_off_confirm"]
    [(new,)] = await fetch(bot, AuditLog, "new", action="sign_off_return")
    assert new["comment"] == COMMENT


async def test_a_unit_without_a_head_is_not_held_up(signoff_bot: App, messenger: Messenger) -> None:
    bot = signoff_bot
    hoa = await register(bot, messenger, 4, "P_TRA_CO", name="Hoa")
    ha = await register(bot, messenger, 3, "PNV", name="Hà", role="admin")
    await fill_month(hoa, "2/2024")
    msg = await hoa.choose(1)
    assert (
        "Đơn vị chưa có thủ trưởng đăng ký trên hệ thống nên báo cáo được tính là đã nộp ngay"
        in msg
    )
    assert set((await sign_off_states(bot)).values()) == {"confirmed"}
    assert "Phường Trà Cổ – báo cáo tháng 2/2024" in await ha.say("/duyet")
    state, late, counted = await february(bot, "P_TRA_CO")
    assert state.counts
    assert not late
    assert counted == NOW


async def test_a_head_who_left_does_not_hold_up_what_waited_for_them(
    signoff_bot: App, messenger: Messenger
) -> None:
    bot = signoff_bot
    lan, hung, ha = await people(bot, messenger)
    await fill_month(lan, "2/2024")
    await lan.choose(1)
    await hung.next()
    # The head's membership ends (done by Phòng Nội vụ outside the bot).
    m = table(Membership)
    async with bot.db.transaction() as conn:
        hung_id = await person_id(bot, "Hùng")
        await conn.execute(m.update().where(m.c.person_id == hung_id).values(active=False))
    # Sent again unchanged, the report counts at once.
    await lan.say("/baocao 2/2024")
    msg = await lan.say("gửi")  # "Xác nhận gửi" on the summary of what was sent
    assert "Đơn vị chưa có thủ trưởng đăng ký" in msg
    assert (await sign_off_states(bot))["2024-02"] == "confirmed"
    assert "Xã Hải Sơn – báo cáo tháng 2/2024" in await ha.say("/duyet")


async def test_nobody_but_the_units_own_head_can_confirm_whatever_the_callback_says(
    signoff_bot: App, messenger: Messenger
) -> None:
    bot = signoff_bot
    lan, hung, _ha = await people(bot, messenger)
    other_head = await register(bot, messenger, 5, "P_TRA_CO", name="Tâm", role="head")
    await fill_month(lan, "2/2024")
    await lan.choose(1)
    await hung.next()
    [(sub_id,)] = await fetch(bot, ReportSubmission, "id", period="2024-02")

    # The focal point: the command is not for their role, typed or as forged callback data.
    assert "Lệnh này không dành cho vai trò Đầu mối" in await lan.say(f"/xacnhan xb {sub_id}")
    assert "Lệnh này không dành cho vai trò Đầu mối" in await forged(lan, f"/xacnhan xb {sub_id}")
    # Another unit's head: the row is not theirs.
    msg = await forged(other_head, f"/xacnhan xb {sub_id}")
    assert "Không tìm thấy mục này trong các báo cáo, văn bản của Phường Trà Cổ" in msg
    msg = await other_head.say(f"/xacnhan sb {sub_id}")
    assert "Không tìm thấy mục này" in msg
    assert "không có báo cáo, văn bản nào của Phường Trà Cổ chờ" in await other_head.say("/xacnhan")
    assert (await sign_off_states(bot))["2024-02"] == "pending"
    assert await fetch(bot, AuditLog, "id", entity="report_submission") == []
    # The unit's own head can; a second press finds it done.
    assert "Đã xác nhận" in await forged(hung, f"/xacnhan xb {sub_id}")
    await lan.next()
    assert "đã được xử lý trước đó" in await hung.say(f"/xacnhan xb {sub_id}")
    assert len(await fetch(bot, AuditLog, "id", entity="report_submission")) == 1


async def forged(person: Chat, data: str) -> str:
    """On Telegram a button press carrying `data` (no such button was offered); on Zalo, where
    there are no buttons, the same text typed."""
    if isinstance(person.user, TelegramChatUser):
        raw = person.user.raw
        await raw.press_button(raw.messages[-1], data, force=True)
        return await person.next()
    return await person.say(data)


async def test_a_document_waits_for_the_head_and_replaces_the_old_one_when_confirmed(
    signoff_bot: App, messenger: Messenger, files: FileServer, clock: Clock
) -> None:
    bot = signoff_bot
    lan, hung, ha = await people(bot, messenger)
    await lan.say("/nopvanban")
    await lan.choose(1)
    await lan.read(await lan.send_document(PDF, "ke-hoach.pdf", "application/pdf", files))
    await lan.say("12/KH-UBND")
    await lan.say("05/03/2024")
    msg = await lan.choose(1)
    assert "Đã nhận văn bản phát động phong trào thi đua số 12/KH-UBND" in msg
    assert (
        "Hạn nộp: 31/03/2024; đúng hạn hay sau hạn được tính theo ngày thủ trưởng xác nhận" in msg
    )
    assert "Văn bản đang chờ thủ trưởng đơn vị xác nhận" in msg
    notice = await hung.next()
    assert "Lan vừa nộp văn bản phát động phong trào thi đua số 12/KH-UBND" in notice
    assert "Không có báo cáo, văn bản nào chờ duyệt" in await ha.say("/duyet")
    assert await launch_doc_counts(bot) is False

    clock.advance(days=2)
    await hung.say("/xacnhan")
    shown = await hung.choose(1)
    assert "Số, ký hiệu: 12/KH-UBND" in shown
    assert "Đã xác nhận văn bản “Văn bản phát động phong trào thi đua” số 12/KH-UBND" in (
        await hung.choose(1)
    )
    assert "Thủ trưởng Hùng đã xác nhận" in await lan.next()
    assert await launch_doc_counts(bot) is True
    assert "Xã Hải Sơn – Văn bản phát động phong trào thi đua" in await ha.say("/duyet")
    [(on_time, at, status)] = await fetch(
        bot, Document, "on_time", "signed_off_at", "sign_off_status"
    )
    assert (on_time, at, status) == (True, clock(), "confirmed")

    # A replacement waits too; the confirmed one stays in force until the head confirms it,
    # and here the head asks for a correction instead.
    await lan.say("/nopvanban")
    await lan.choose(1)
    await lan.choose(1)  # yes, a replacement
    await lan.read(await lan.send_document(PDF, "ke-hoach-2.pdf", "application/pdf", files))
    await lan.say("15/KH-UBND")
    await lan.say("21/03/2024")
    msg = await lan.choose(1)
    assert "sẽ thay thế văn bản số 12/KH-UBND" in msg
    await hung.next()
    await hung.say("/xacnhan")
    await hung.choose(1)
    await hung.choose(2)
    await hung.say("Thiếu chữ ký, đề nghị bổ sung bản có chữ ký.")
    told = await lan.next()
    assert "đề nghị sửa văn bản “Văn bản phát động phong trào thi đua” số 15/KH-UBND" in told
    assert "Vui lòng gõ /nopvanban để gửi lại văn bản đã sửa" in told
    assert await launch_doc_counts(bot) is True
    rows = await fetch(bot, Document, "number", "superseded", "sign_off_status")
    assert rows == [("12/KH-UBND", False, "confirmed"), ("15/KH-UBND", False, "returned")]


async def launch_doc_counts(app: App) -> bool:
    uid = await unit_id(app)
    deadline = app.services.definition().deadline("D01")
    assert deadline is not None
    async with app.db.read() as conn:
        return await dq.is_fulfilled(conn, campaign_id=CAMPAIGN, unit_id=uid, deadline=deadline)


async def test_without_the_option_a_report_counts_at_once_and_the_head_is_not_asked(
    bot: App, messenger: Messenger
) -> None:
    lan, hung, ha = await people(bot, messenger)
    await fill_month(lan, "2/2024")
    msg = await lan.choose(1)
    assert "Phòng Nội vụ sẽ xem xét" in msg
    assert "thủ trưởng" not in msg
    assert "Xã Hải Sơn – báo cáo tháng 2/2024" in await ha.say("/duyet")
    assert "không yêu cầu thủ trưởng xác nhận" in await hung.say("/xacnhan")
    assert set((await sign_off_states(bot)).values()) == {"confirmed"}
    assert await fetch(bot, ReportSubmission, "signed_off_at") == [(None,), (None,)]
    assert not any("vừa gửi báo cáo" in m for m in hung.user.messages)


async def test_one_off_items_the_head_returns_are_asked_again(
    signoff_bot: App, messenger: Messenger
) -> None:
    bot = signoff_bot
    lan, hung, _ha = await people(bot, messenger)
    await fill_month(lan, "2/2024")
    await lan.choose(1)
    await hung.next()
    assert "2. Báo cáo một lần trong năm 2024" in await hung.say("/xacnhan")
    await hung.choose(2)
    await hung.choose(2)
    await hung.say("Chưa gửi văn bản phát động, đề nghị kiểm tra lại.")
    assert "Vui lòng gõ /baocao" in await lan.next()

    # The one-off items come back into the report, with their answers, to be corrected.
    msg = await lan.say("/baocao 2/2024")
    assert "1. Phát động phong trào thi đua: Có" in msg
    await lan.choose(2)
    await lan.say("1")
    assert "1. Phát động phong trào thi đua: Không" in await lan.say("không")
    assert "Báo cáo đang chờ thủ trưởng đơn vị xác nhận" in await lan.choose(1)
    assert (await sign_off_states(bot))["2024-ONCE"] == "pending"
    [(value,)] = await fetch(bot, IndicatorValue, "value", indicator_code="T01")
    assert value is False
