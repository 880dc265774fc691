"""The city's leaders (Chủ tịch, Phó Chủ tịch UBND thành phố) through the real router: they read
the whole campaign, are offered nothing that acts, get codes only from Phòng Nội vụ, and their
weekly digest tells the same story as /tonghop and /khenthuong."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.campaign import Campaign
from core.texts import leaders as tl
from schedules.digests import render_leader_digest
from storage.db import Database
from storage.models import InviteCode
from tests.harness import Clock
from tests.oversight import seed
from tests.oversight.conftest import TODAY, account
from tests.oversight.desk import Desk


async def test_a_leader_reads_the_whole_campaign_and_is_offered_nothing_that_acts(
    desk: Desk, db: Database, campaign: Campaign
) -> None:
    await seed.ka_long_story(db, campaign)
    leader = await account(db, "VP_HDND_UBND", "leader", 1, name="Huy")

    overview = await desk.send(leader, "/tonghop")
    assert "Phạm vi: toàn bộ phong trào thi đua (48 đơn vị)" in overview.text
    assert "Báo cáo tháng 3/2024: 0/48 (0%) đơn vị đủ số liệu" in overview.text
    assert overview.last.attachment is not None  # the chart, as for an admin
    # Nothing points a leader to the commands that act.
    assert "Chờ Phòng Nội vụ duyệt:" in overview.text
    assert not {"/duyet", "/dondoc", "/xuat"} & set(overview.text.replace(".", " ").split())
    overdue = await desk.send(leader, "/quahan")
    assert "/dondoc" not in overdue.text
    overdue = await desk.send(leader, "/quahan trang 2")  # paged: 10 units a reply
    assert "• UBND xã, phường (16): Phường Bình Ngọc" in overdue.text
    assert "/dondoc" not in overdue.text
    helped = await desk.send(leader, "/trogiup")
    assert "Huy, Lãnh đạo UBND thành phố (đang dùng" in helped.text

    awards = await desk.send(leader, "/khenthuong")
    assert "phạm vi toàn bộ phong trào thi đua" in awards.text
    assert awards.text.endswith(tl.AWARDS_NOTE)
    assert "/danhgia" not in awards.text
    values = [c.value for c in awards.last.choices]
    assert "/khenthuong P_KA_LONG" not in values  # ranked after units with nothing failed yet
    while "/khenthuong P_KA_LONG" not in values:  # "Xem tiếp" to the page that has Ka Long
        [more] = [c for c in awards.last.choices if c.label.startswith("Xem tiếp")]
        awards = await desk.send(leader, more.value, callback=True)
        assert "/danhgia" not in awards.text
        values += [c.value for c in awards.last.choices]
    assert all(v.startswith("/khenthuong ") for v in values)
    values.insert(0, values.pop(values.index("/khenthuong P_KA_LONG")))
    detail = await desk.send(leader, values[0], callback=True)
    assert "Phường Ka Long: đạt" in detail.text
    assert not [c for c in detail.last.choices if c.value.startswith("/danhgia")]
    # An admin of Phòng Nội vụ, on the same unit, is offered the assessment.
    admin = await account(db, "PNV", "admin", 2)
    admin_detail = await desk.send(admin, values[0], callback=True)
    assert [c for c in admin_detail.last.choices if c.value.startswith("/danhgia")]

    pick = await desk.send(leader, "/tinhtrang")
    assert pick.text == tl.STATUS_PICK_UNIT
    status = await desk.send(leader, "/tinhtrang Phường Trần Phú")
    assert "TÌNH HÌNH THỰC HIỆN CỦA PHƯỜNG TRẦN PHÚ" in status.text


async def test_the_digest_says_what_tonghop_and_khenthuong_say(
    desk: Desk, db: Database, campaign: Campaign
) -> None:
    await seed.ka_long_story(db, campaign)
    leader = await account(db, "VP_HDND_UBND", "leader", 1, name="Huy")
    async with db.read() as conn:
        digest = await render_leader_digest(conn, campaign=campaign, today=TODAY, name="Huy")
    overview = await desk.send(leader, "/tonghop")
    [reports] = [line for line in overview.text.splitlines() if line.startswith("Báo cáo ")]
    assert f"2. {reports}" in digest
    awards = await desk.send(leader, "/khenthuong")
    found = re.search(r"Đủ các tiêu chí bot kiểm tra được: (\d+)/(\d+) đơn vị", awards.text)
    assert found is not None
    eligible, units = found.groups()
    assert f"(tập thể): {eligible}/{units} (" in digest
    # Ka Long sent its launch document on time, the media centre late; Ka Long has the one
    # initiative.
    assert "2/48 (4,2%) đơn vị đã nộp (1 đúng hạn, 1 muộn); 46 đơn vị chưa nộp." in digest
    assert "đã đăng ký: 1, của 1/48 (2,1%) đơn vị; 0 đã có hiệu quả" in digest


async def test_only_phong_noi_vu_issues_leaders_codes_for_a_city_office(
    desk: Desk, db: Database, clock: Clock
) -> None:
    pnv = await account(db, "PNV", "admin", 1)
    typed = await desk.send(pnv, "/moi VP_HDND_UBND lãnh đạo UBND thành phố 2")
    assert "Mã đăng ký lãnh đạo UBND thành phố của Văn phòng HĐND và UBND thành phố" in typed.text
    await desk.send(pnv, "/moi")
    roles = await desk.send(pnv, "Văn phòng HĐND và UBND thành phố")
    assert [c.value for c in roles.last.choices] == ["focal", "deputy", "head", "leader"]
    await desk.send(pnv, "Lãnh đạo UBND thành phố")
    one = await desk.send(pnv, "1")
    assert "Mã đăng ký lãnh đạo UBND thành phố" in one.text
    # Not for a ward: the role reads the whole city.
    ward = await desk.send(pnv, "/moi P_KA_LONG chủ tịch 1")
    assert ward.text.startswith("Không cấp được mã Lãnh đạo UBND thành phố cho Phường Ka Long")
    # Phòng Văn hóa và Thông tin is never offered it, and is refused when it asks.
    pvhtt = await account(db, "PVHTT", "admin", 2)
    await desk.send(pvhtt, "/moi")
    media = await desk.send(pvhtt, "TTTTVH")
    assert "leader" not in [c.value for c in media.last.choices]
    refused = await desk.send(pvhtt, "/moi TTTTVH leader 1")
    assert refused.text.startswith("Không cấp được mã Lãnh đạo UBND thành phố")
    async with db.read() as conn:
        rows = [
            tuple(r)
            for r in await conn.execute(select(InviteCode.role, InviteCode.unit_id))  # type: ignore[call-overload]
        ]
    vp = await seed.unit_id(db, "VP_HDND_UBND")
    assert sorted(rows) == [("leader", vp)] * 3
