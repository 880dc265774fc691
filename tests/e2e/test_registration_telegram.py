"""Registration on Telegram, driven through the fake Bot API server as a person would."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.app import App
from storage.models import ChatIdentity, InboxUpdate, InviteCode, Membership, Person
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import Clock, codes_for


async def count(app: App, model: type, *where: object) -> int:
    table = model.__table__  # type: ignore[attr-defined]
    async with app.db.read() as conn:
        q = select(func.count()).select_from(table)
        for w in where:
            q = q.where(w)  # type: ignore[arg-type]
        return int((await conn.execute(q)).scalar_one())


async def test_start_with_code_registers_and_greets_with_unit_name(
    bot: App, tg: FakeTelegramServer
) -> None:
    [code] = await codes_for(bot, "PNV", role="admin")
    lan = tg.user(user_id=1001, first_name="Lan")
    await lan.send_text(f"/start {code}")
    msg = await lan.expect_message()
    assert "Đăng ký thành công" in msg.text
    assert "Lan" in msg.text
    assert "Phòng Nội vụ" in msg.text
    assert "Cán bộ quản trị chiến dịch" in msg.text
    assert "/trogiup" in msg.text
    assert await count(bot, ChatIdentity) == 1
    assert await count(bot, InviteCode, InviteCode.used_at.is_not(None)) == 1  # type: ignore[union-attr]


async def test_start_then_code_typed_in_lower_case_with_spaces(bot: App, tg: FakeTelegramServer) -> None:
    [code] = await codes_for(bot, "PNV")
    user = tg.user(user_id=1002, first_name="Minh")
    await user.send_text("/start")
    ask = await user.expect_message()
    assert "mã đăng ký" in ask.text
    typed = "  " + code.lower().replace("-", " ") + " "
    await user.send_text(typed)
    msg = await user.expect_message()
    assert "Đăng ký thành công" in msg.text
    assert "Đầu mối" in msg.text


async def test_deep_link_payload_registers(bot: App, tg: FakeTelegramServer) -> None:
    [code] = await codes_for(bot, "PNV", role="head")
    user = tg.user(user_id=1003, first_name="Hùng")
    await user.send_text(f"/start {code}")  # what Telegram sends for t.me/<bot>?start=<code>
    assert "Thủ trưởng đơn vị" in (await user.expect_message()).text


async def test_used_code_is_refused_and_asked_again(bot: App, tg: FakeTelegramServer) -> None:
    [code] = await codes_for(bot, "PNV")
    first, second = tg.user(user_id=1004), tg.user(user_id=1005)
    await first.send_text(f"/start {code}")
    assert "Đăng ký thành công" in (await first.expect_message()).text
    await second.send_text(f"/start {code}")
    msg = await second.expect_message()
    assert "đã được sử dụng" in msg.text
    assert "nhập mã đăng ký" in msg.text
    assert await count(bot, Person) == 1


async def test_expired_code_is_refused(bot: App, tg: FakeTelegramServer) -> None:
    [code] = await codes_for(bot, "PNV", ttl=timedelta(seconds=-1))
    user = tg.user(user_id=1006)
    await user.send_text(f"/start {code}")
    assert "hết hạn" in (await user.expect_message()).text
    assert await count(bot, Person) == 0


async def test_unknown_and_malformed_codes_get_different_answers(
    bot: App, tg: FakeTelegramServer
) -> None:
    user = tg.user(user_id=1007)
    await user.send_text("/start ABCDE-FGHJK")
    assert "không đúng" in (await user.expect_message()).text
    await user.send_text("xin chào")
    assert "định dạng" in (await user.expect_message()).text
    assert await count(bot, Person) == 0


async def test_registering_twice_keeps_the_first_binding_and_the_code(
    bot: App, tg: FakeTelegramServer
) -> None:
    first_code, second_code = await codes_for(bot, "PNV", count=2)
    user = tg.user(user_id=1008)
    await user.send_text(f"/start {first_code}")
    await user.expect_message()
    await user.send_text(f"/start {second_code}")
    msg = await user.expect_message()
    assert "đã đăng ký" in msg.text
    assert "chưa được sử dụng" in msg.text
    await user.send_text("/start")
    assert "không cần đăng ký lại" in (await user.expect_message()).text
    assert await count(bot, Membership) == 1
    other = tg.user(user_id=1009)
    await other.send_text(f"/start {second_code}")
    assert "Đăng ký thành công" in (await other.expect_message()).text


async def test_sticker_or_photo_instead_of_code(bot: App, tg: FakeTelegramServer) -> None:
    user = tg.user(user_id=1010)
    await user.send_text("/start")
    await user.expect_message()
    await user.send_sticker()
    msg = await user.expect_message()
    assert "hình ảnh hay nhãn dán" in msg.text
    await user.send_photo(b"\x89PNG fake", caption=None)
    assert "nhập mã đăng ký" in (await user.expect_message()).text


async def test_unregistered_person_sending_a_command(bot: App, tg: FakeTelegramServer) -> None:
    user = tg.user(user_id=1011)
    await user.send_text("/menu")
    assert "chưa đăng ký" in (await user.expect_message()).text
    await user.send_text("/trogiup")
    assert "/start" in (await user.expect_message()).text
    await user.send_sticker()
    assert "chưa đăng ký" in (await user.expect_message()).text


async def test_help_says_who_the_person_is(bot: App, tg: FakeTelegramServer) -> None:
    [code] = await codes_for(bot, "PNV")
    user = tg.user(user_id=1012, first_name="Thu")
    await user.send_text(f"/start {code}")
    await user.expect_message()
    await user.send_text("/trogiup")
    msg = await user.expect_message()
    assert "Thu" in msg.text
    assert "Đầu mối của Phòng Nội vụ" in msg.text
    assert "Telegram" in msg.text


async def test_wrong_codes_are_slowed_then_refused(
    bot: App, tg: FakeTelegramServer, clock: Clock
) -> None:
    [good] = await codes_for(bot, "PNV")
    user = tg.user(user_id=1013)
    for _ in range(2):
        await user.send_text("/start ABCDE-FGHJK")
        assert "không đúng" in (await user.expect_message()).text
    await user.send_text("/start ABCDE-FGHJK")
    assert "đợi 30 giây" in (await user.expect_message()).text
    await user.send_text(f"/start {good}")  # even a good code waits
    assert "đợi" in (await user.expect_message()).text
    for _ in range(3):
        clock.advance(seconds=31)
        await user.send_text("/start ABCDE-FGHJK")
        last = await user.expect_message()
    assert "tạm khóa" in last.text
    clock.advance(minutes=5)
    await user.send_text(f"/start {good}")
    assert "tạm khóa" in (await user.expect_message()).text
    clock.advance(minutes=11)
    await user.send_text(f"/start {good}")
    assert "Đăng ký thành công" in (await user.expect_message()).text


async def test_the_same_update_delivered_twice_is_handled_once(
    bot: App, tg: FakeTelegramServer
) -> None:
    [code] = await codes_for(bot, "PNV")
    user = tg.user(user_id=1014)
    await user.send_text(f"/start {code}", duplicate=True)
    await user.expect_message()
    await user.send_text("/trogiup")
    msg = await user.expect_message()
    assert "Đầu mối" in msg.text  # the reply to /trogiup, not a second welcome
    assert len(user.messages) == 2
    assert await count(bot, InboxUpdate) == 2


async def test_command_menu_is_set_in_vietnamese(bot: App, tg: FakeTelegramServer) -> None:
    for lang in ("", "vi"):
        descriptions = {c["command"]: c["description"] for c in tg.commands[("default", lang)]}
        assert {"start", "trogiup", "huy", "lienket"} <= set(descriptions)
        assert descriptions["trogiup"] == "Hướng dẫn và vai trò của tôi"


async def test_two_hundred_people_register_at_the_same_moment(
    bot: App, tg: FakeTelegramServer
) -> None:
    codes = await codes_for(bot, "PNV", count=200)
    users = [tg.user(user_id=5000 + i, first_name=f"Người {i}") for i in range(200)]
    await asyncio.gather(*(u.send_text(f"/start {c}") for u, c in zip(users, codes, strict=True)))
    replies = await asyncio.gather(*(u.expect_message(timeout=60) for u in users))
    assert all("Đăng ký thành công" in r.text for r in replies)
    assert await count(bot, Person) == 200
    assert await count(bot, ChatIdentity) == 200
    assert await count(bot, InviteCode, InviteCode.used_at.is_not(None)) == 200  # type: ignore[union-attr]
    async with bot.db.read() as conn:
        people = (await conn.execute(
            select(func.count(func.distinct(InviteCode.used_by_person_id)))  # type: ignore[arg-type]
        )).scalar_one()
    assert people == 200
