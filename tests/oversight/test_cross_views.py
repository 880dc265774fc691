"""Issue 11, item 8: the same verdict in `/tinhtrang`, `/khenthuong`, the leaders' digest and
the export, on SQLite and on PostgreSQL. Scenarios: a ward with every target met whose launch
document came late (i1 is met; the lateness is shown, not counted); phường Hòa Lạc in
November 2024 (closed on 31/10, merged into phường Trần Phú: not ranked, listed with its end
date and successor, its history shown to Trần Phú's people)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.campaign import Campaign
from core.conversation import Services
from handlers import build_router
from schedules.digests import render_leader_digest
from storage.db import Database
from tests.conftest import make_settings
from tests.harness import Clock
from tests.oversight import seed
from tests.oversight.conftest import account
from tests.oversight.desk import Desk

AFTER_THE_YEAR = date(2025, 1, 20)  # results are final after 15/01/2025
NOVEMBER = date(2024, 11, 20)
ELIGIBLE = re.compile(r"Đủ các tiêu chí bot kiểm tra được: (\d+)/(\d+) đơn vị")


@pytest.fixture
async def db(any_db_url: str) -> AsyncIterator[Database]:
    database = Database(any_db_url)
    try:
        yield database
    finally:
        await database.dispose()


def desk_for(db: Database, url: str, campaign: Campaign, day: date, tmp_path: Path) -> Desk:
    router = build_router()
    services = Services(
        settings=make_settings(url, data_dir=tmp_path / "data"),
        campaign_id=seed.CAMPAIGN_ID,
        clock=Clock(seed.local(day, 9)),
        router=router,
        campaign=campaign,
    )
    return Desk(db, services, router)


async def ka_long_meets_every_target(db: Database, campaign: Campaign) -> None:
    year = {
        ("T00", "2024"): 100.0,
        ("T04", "2024-12"): 100.0,
        ("T09", "2024-12"): True,
        ("T11", "2024-12"): 100.0,
        ("I04", "2024-12"): 100.0,
        ("T06", "2024-Q4"): True,
        ("T01", "2024-ONCE"): True,
        ("T12", "2024-ONCE"): "Khá",
    }
    await seed.report(db, campaign, "P_KA_LONG", year, at=seed.local(date(2025, 1, 10)))
    await seed.document(db, "P_KA_LONG", at=seed.local(date(2024, 4, 5)))  # due 31/03: late
    await seed.initiative(db, "P_KA_LONG", "Số hóa hồ sơ một cửa", at=seed.local(date(2024, 3, 20)))


async def test_a_late_launch_document_with_every_target_met(
    db: Database, any_db_url: str, campaign: Campaign, tmp_path: Path
) -> None:
    await ka_long_meets_every_target(db, campaign)
    desk = desk_for(db, any_db_url, campaign, AFTER_THE_YEAR, tmp_path)
    lan = await account(db, "P_KA_LONG", "focal", 1)
    admin = await account(db, "PNV", "admin", 2)
    leader = await account(db, "VP_HDND_UBND", "leader", 3, name="Huy")

    # i1 and i2 by their short names from the campaign file (issue 13: no codes shown).
    i1 = "Hoàn thành tốt nhiệm vụ cải cách hành chính năm 2024: đạt"
    i2 = "Đạt hoặc vượt các chỉ tiêu thi đua: đạt"
    late = "(ghi nhận việc chậm hạn, không tính vào tiêu chí)"
    status = (await desk.send(lan, "/tinhtrang chitiet")).text
    detail = (await desk.send(admin, "/khenthuong P_KA_LONG", callback=True)).text
    for text in (status, detail):
        assert i1 in text, text
        assert "muộn 5 ngày (hạn 31/03/2024)" in text  # shown, as lateness
        assert i2 in text, text
    assert "đạt 3/3 tiêu chí bot kiểm tra được" in status
    assert late in detail  # the officer is told it does not count
    listing = (await desk.send(leader, "/khenthuong")).text
    found = ELIGIBLE.search(listing)
    assert found is not None
    assert found.groups() == ("1", "47")  # Ka Long; Hòa Lạc, closed, is not counted
    async with db.read() as conn:
        digest = await render_leader_digest(
            conn, campaign=campaign, today=AFTER_THE_YEAR, name="Huy"
        )
    assert "(tập thể): 1/47 (" in digest
    # The export shows the launch document sent on 05/04/2024, as it was (late).
    att = (await desk.send(admin, "/xuat")).last.attachment
    assert att is not None
    rows = list(load_workbook(att.path, read_only=True)["Văn bản"].iter_rows(values_only=True))
    [row] = [r for r in rows if r[0] == "P_KA_LONG"]
    assert any(getattr(c, "date", lambda: None)() == date(2024, 4, 5) for c in row), row


async def test_hoa_lac_in_november(
    db: Database, any_db_url: str, campaign: Campaign, tmp_path: Path
) -> None:
    october = {("T04", "2024-10"): 100.0, ("T11", "2024-10"): 100.0}
    await seed.report(db, campaign, "P_HOA_LAC", october, at=seed.local(date(2024, 10, 30)))
    desk = desk_for(db, any_db_url, campaign, NOVEMBER, tmp_path)
    tran_phu = await account(db, "P_TRAN_PHU", "focal", 1)
    admin = await account(db, "PNV", "admin", 2)
    leader = await account(db, "VP_HDND_UBND", "leader", 3, name="Huy")

    # Trần Phú's people see the history they took over, and may open it.
    status = (await desk.send(tran_phu, "/tinhtrang chitiet")).text
    assert (
        "Kế thừa Phường Hòa Lạc (kết thúc hoạt động từ ngày 01/11/2024): đã báo cáo 2 số liệu "
        "chỉ tiêu (tháng gần nhất: Tháng 10/2024); 0 mô hình, giải pháp, sáng kiến đã đăng ký; "
        "0 văn bản đã nộp. Xem chi tiết: /tinhtrang P_HOA_LAC"
    ) in status
    opened = (await desk.send(tran_phu, "/tinhtrang P_HOA_LAC")).text
    assert "TÌNH HÌNH THỰC HIỆN CỦA PHƯỜNG HÒA LẠC" in opened
    # Not ranked, not proposed: the same in /khenthuong and the digest.
    listing = await desk.send(admin, "/khenthuong")
    assert "/khenthuong P_HOA_LAC" not in [c.value for c in listing.last.choices]
    found = ELIGIBLE.search(listing.text)
    assert found is not None
    assert found.group(2) == "47"
    refused = (await desk.send(admin, "/khenthuong P_HOA_LAC", callback=True)).text
    assert "Phường Hòa Lạc" in refused
    async with db.read() as conn:
        digest = await render_leader_digest(conn, campaign=campaign, today=NOVEMBER, name="Huy")
    assert f"(tập thể): {found.group(1)}/47 (" in digest
    # /tonghop and the export list it with its end and its successor.
    closed = (
        "• Phường Hòa Lạc: kết thúc hoạt động từ ngày 01/11/2024; đơn vị kế thừa: Phường Trần "
        "Phú (chưa được Phòng Nội vụ xác nhận)"
    )
    assert closed in (await desk.send(admin, "/tonghop")).text
    assert closed in (await desk.send(leader, "/tonghop")).text
    att = (await desk.send(admin, "/xuat")).last.attachment
    assert att is not None
    units = list(load_workbook(att.path, read_only=True)["Đơn vị"].iter_rows(values_only=True))
    assert units[0][-2:] == ("Hoạt động đến ngày", "Đơn vị kế thừa")
    [hoa_lac] = [r for r in units if r[0] == "P_HOA_LAC"]
    assert hoa_lac[-2].date() == date(2024, 10, 31)
    assert hoa_lac[-1] == "Phường Trần Phú (chưa được Phòng Nội vụ xác nhận)"
