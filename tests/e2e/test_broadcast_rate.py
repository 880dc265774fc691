"""An announcement to many units goes out within Telegram's limits, to every one of them."""

from __future__ import annotations

from storage.queries.people import create_person
from storage.queries.units import list_units
from tests.conftest import make_settings
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import running_bot

TOKEN = "777000:BROADCAST-token-aaaa"


async def test_an_announcement_to_forty_people_keeps_to_thirty_a_second(sqlite_url: str) -> None:
    async with FakeTelegramServer(token=TOKEN) as tg:
        settings = make_settings(
            sqlite_url, telegram_bot_token=TOKEN, telegram_api_base=tg.base_url
        )
        async with running_bot(settings) as app:
            async with app.db.transaction() as conn:
                units = await list_units(conn, campaign_id=app.services.campaign_id)
                pnv = next(u for u in units if u.code == "PNV")
                await create_person(
                    conn,
                    full_name="Quản trị",
                    unit_id=pnv.id,
                    role="admin",
                    channel="telegram",
                    external_id="1",
                    chat_id="1",
                )
                people = [u for u in units if u.code != "PNV"][:40]
                for n, unit in enumerate(people, start=100):
                    await create_person(
                        conn,
                        full_name=f"Đầu mối {n}",
                        unit_id=unit.id,
                        role="focal",
                        channel="telegram",
                        external_id=str(n),
                        chat_id=str(n),
                    )
            admin = tg.user(user_id=1)
            focal = [tg.user(user_id=n) for n in range(100, 100 + len(people))]
            await admin.send_text("/thongbao")
            await admin.expect_message()
            await admin.send_text("1")  # every unit in scope
            await admin.expect_message()
            await admin.send_text("Kính mời các đơn vị dự họp giao ban ngày 20/04/2024.")
            await admin.expect_message(contains="Gửi thông báo")
            await admin.send_text("1")
            await admin.expect_message(contains="Đã gửi thông báo")
            for person in focal:
                got = await person.expect_message(timeout=20)
                assert "họp giao ban" in (got.text or "")
            assert len(focal) == 40
            # (The admin's own chat is left out: the test types faster than a person would.)
            fan_out = [v for v in tg.rate_violations if v.scope == "global" or v.chat_id != 1]
            assert fan_out == []
