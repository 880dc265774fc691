"""A leader of the city on each messenger, through the running bot: registers with a code, reads
the overview, is refused what acts, and gets the weekly digest on Monday at 08:00, once, also
across a restart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.app import App
from schedules.planner import LEADER_DIGEST_CODE
from storage.models import Reminder
from tests.e2e.messengers import Messenger, values
from tests.e2e.test_command_menus import (
    names_for,
    register,
    telegram_only,
    tg,
    tg_user,
    wait_menu,
)
from tests.harness import Clock, codes_for, running_bot

# Monday 15/04/2024, 07:30 in Móng Cái (the servers' clock is in UTC).
MONDAY_BEFORE_EIGHT = datetime(2024, 4, 15, 0, 30, tzinfo=UTC)
DIGEST_HEAD = "TÌNH HÌNH PHONG TRÀO THI ĐUA TOÀN THÀNH PHỐ"
LEADERS_ROW = Reminder.__table__.c.deadline_code == LEADER_DIGEST_CODE  # type: ignore[attr-defined]


async def recorded(
    app: App,
    wanted: dict[str, str],
    timeout: float = 10.0,  # noqa: ASYNC109
) -> dict[str, str]:
    """Until these of the leader's digest rows (slot → state) are in that state (a row is
    marked sent just after its message goes out); returns every such row."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = dict(await values(app, Reminder, "slot", "state", where=[LEADERS_ROW]))
        if all(found.get(slot) == state for slot, state in wanted.items()):
            return found
        assert asyncio.get_running_loop().time() < deadline, found
        await asyncio.sleep(0.05)


async def test_a_leader_registers_reads_and_gets_the_digest_once_across_a_restart(
    messenger: Messenger, sqlite_url: str
) -> None:
    settings = messenger.settings_for(
        sqlite_url, reminders_enabled=True, reminder_send_seconds=1, reminder_plan_seconds=1
    )
    clock = Clock(MONDAY_BEFORE_EIGHT)
    huy = messenger.user(1, "Huy")
    async with running_bot(settings, clock=clock) as app:
        [code] = await codes_for(app, "VP_HDND_UBND", role="leader")
        await huy.send_text(f"/start {code}")
        welcome = await huy.expect_message()
        assert "Đăng ký thành công. Kính chào Anh/Chị Huy!" in welcome
        assert "vai trò Lãnh đạo UBND thành phố (đăng ký qua Văn phòng HĐND và UBND" in welcome
        assert "vào 08:00 ngày làm việc đầu tiên của mỗi tuần" in welcome
        for command in ("/tonghop", "/quahan", "/khenthuong", "/tinhtrang"):
            assert f"\n{command} – " in welcome
        for command in ("/baocao", "/dondoc", "/duyet", "/thongbao", "/moi", "/xuat", "/danhgia"):
            assert f"\n{command} – " not in welcome
        await huy.send_text("/quahan")
        assert "ĐƠN VỊ QUÁ HẠN" in await huy.expect_message()
        await huy.send_text("/dondoc")
        refused = "Lệnh này không dành cho vai trò Lãnh đạo UBND thành phố."
        await huy.expect_message(contains=refused)  # the long list above may come in parts
        clock.advance(minutes=35)  # 08:05
        digest = await huy.expect_message(timeout=15, contains=DIGEST_HEAD)
        await recorded(app, {"digest-2024W16": "sent"})
    assert digest.startswith("Kính gửi Anh/Chị Huy,")
    assert "Số liệu đến ngày 15/04/2024; 48 đơn vị tham gia." in digest
    assert "0/48 (0%) đơn vị đã nộp (0 đúng hạn, 0 muộn); 48 đơn vị chưa nộp." in digest

    # Restarted, and a week on: the new process plans and sends (next Monday's digest comes);
    # this Monday's, due all along, is not sent again.
    async with running_bot(settings, clock=clock) as app:
        clock.now = datetime(2024, 4, 22, 1, 5, tzinfo=UTC)  # Monday 22/04, 08:05
        await huy.expect_message(timeout=15, contains="Số liệu đến ngày 22/04/2024")
        rows = await recorded(app, {"digest-2024W16": "sent", "digest-2024W17": "sent"})
    assert set(rows) <= {"digest-2024W16", "digest-2024W17", "digest-2024W18"}
    assert [m for m in huy.messages if DIGEST_HEAD in m and "15/04/2024" in m] == [digest]


@telegram_only
async def test_a_leaders_telegram_menu_lists_what_a_leader_may_use(
    bot: App, messenger: Messenger
) -> None:
    server = tg(messenger)
    huy = tg_user(messenger, 2, "Huy")
    await register(bot, huy, unit="VP_HDND_UBND", role="leader")
    leader = names_for(bot, "leader")
    assert leader == [
        "start",
        "lienket",
        "tinhtrang",
        "tonghop",
        "quahan",
        "khenthuong",
        "trogiup",
        "huy",
    ]
    await wait_menu(server, huy, leader)  # a menu of its own: it differs from the default
    assert server.menu_names(int(huy.chat_id)) == leader
