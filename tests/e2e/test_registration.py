"""Registration and account linking, on Telegram and on Zalo, driven as a person would.

Every story runs on both messengers (the `messenger` fixture) and must leave the same rows.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.app import App
from storage.models import ChatIdentity, InboxUpdate, InviteCode, Membership, Person
from tests.conftest import make_settings
from tests.e2e.messengers import (
    ChatUser,
    Messenger,
    count,
    distinct_count,
    settle,
    value,
    values,
)
from tests.harness import Clock, codes_for, running_bot

WELCOME = "Đăng ký thành công"
CODE = re.compile(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b")
USED = InviteCode.used_at.is_not(None)  # type: ignore[union-attr]


async def identities(app: App) -> list[tuple[str, str, int]]:
    """(channel, external id, person id) of every chat identity."""
    return sorted(await values(app, ChatIdentity, "channel", "external_id", "person_id"))


async def register(app: App, user: ChatUser, unit: str = "PNV", role: str = "focal") -> str:
    [code] = await codes_for(app, unit, role=role)
    await user.send_text(f"/start {code}")
    welcome = await user.expect_message()
    assert WELCOME in welcome
    return welcome


async def test_start_with_code_registers_and_greets_with_unit_name(
    bot: App, messenger: Messenger
) -> None:
    [code] = await codes_for(bot, "PNV", role="admin")
    lan = messenger.user(1, "Lan")
    await lan.send_text(f"/start {code}")
    msg = await lan.expect_message()
    assert WELCOME in msg
    assert "Lan" in msg
    assert "Phòng Nội vụ" in msg
    assert "Cán bộ quản trị phong trào thi đua" in msg
    assert "/trogiup" in msg
    [(channel, external_id, person_id)] = await identities(bot)
    assert (channel, external_id) == (messenger.name, lan.id)
    assert await value(bot, Person, "full_name", Person.id == person_id) == "Lan"
    assert await values(bot, Membership, "person_id", "role") == [(person_id, "admin")]
    assert await values(bot, InviteCode, "used_by_person_id", where=[USED]) == [(person_id,)]


async def test_start_then_code_typed_in_lower_case_with_spaces(
    bot: App, messenger: Messenger
) -> None:
    [code] = await codes_for(bot, "PNV")
    minh = messenger.user(2, "Minh")
    await minh.send_text("/start")
    assert "mã đăng ký" in await minh.expect_message()
    await minh.send_text("  " + code.lower().replace("-", " ") + " ")
    msg = await minh.expect_message()
    assert WELCOME in msg
    assert "Đầu mối" in msg
    assert await count(bot, ChatIdentity, ChatIdentity.external_id == minh.id) == 1


async def test_used_code_is_refused_and_asked_again(bot: App, messenger: Messenger) -> None:
    [code] = await codes_for(bot, "PNV")
    first, second = messenger.user(3), messenger.user(4)
    await first.send_text(f"/start {code}")
    assert WELCOME in await first.expect_message()
    await second.send_text(f"/start {code}")
    msg = await second.expect_message()
    assert "đã được sử dụng" in msg
    assert "nhập mã đăng ký" in msg
    assert [i[1] for i in await identities(bot)] == [first.id]
    assert await count(bot, Person) == 1


async def test_expired_code_is_refused(bot: App, messenger: Messenger) -> None:
    [code] = await codes_for(bot, "PNV", ttl=timedelta(seconds=-1))
    user = messenger.user(5)
    await user.send_text(f"/start {code}")
    assert "hết hạn" in await user.expect_message()
    assert await count(bot, Person) == 0
    assert await count(bot, InviteCode, USED) == 0


async def test_unknown_and_malformed_codes_get_different_answers(
    bot: App, messenger: Messenger
) -> None:
    user = messenger.user(6)
    await user.send_text("/start ABCDE-FGHJK")
    unknown = await user.expect_message()
    assert "không đúng" in unknown
    assert "định dạng" not in unknown
    await user.send_text("xin chào")  # asked for a code: this is a malformed one
    malformed = await user.expect_message()
    assert "định dạng" in malformed
    assert await count(bot, Person) == 0


async def test_registering_twice_keeps_the_first_binding_and_the_code(
    bot: App, messenger: Messenger
) -> None:
    first_code, second_code = await codes_for(bot, "PNV", count=2)
    user = messenger.user(7)
    await user.send_text(f"/start {first_code}")
    assert WELCOME in await user.expect_message()
    await user.send_text(f"/start {second_code}")
    msg = await user.expect_message()
    assert "đã đăng ký" in msg
    assert "chưa được sử dụng" in msg
    await user.send_text("/start")
    assert "không cần đăng ký lại" in await user.expect_message()
    assert await count(bot, Membership) == 1
    assert await count(bot, InviteCode, USED) == 1
    other = messenger.user(8)
    await other.send_text(f"/start {second_code}")
    assert WELCOME in await other.expect_message()
    assert await count(bot, Person) == 2


async def test_sticker_or_photo_instead_of_code(bot: App, messenger: Messenger) -> None:
    user = messenger.user(9)
    await user.send_text("/start")
    await user.expect_message()
    await user.send_sticker()
    msg = await user.expect_message()
    assert "hình ảnh hay nhãn dán" in msg
    await user.send_photo(caption=None)
    msg = await user.expect_message()
    assert "hình ảnh hay nhãn dán" in msg
    assert "nhập mã đăng ký" in msg
    assert await count(bot, Person) == 0


async def test_unregistered_person_sending_a_command(bot: App, messenger: Messenger) -> None:
    bot.pipeline.strangers.window = 0.0  # each answer (the budget: tests/e2e/test_strangers.py)
    user = messenger.user(10)
    await user.send_text("/menu")
    assert "chưa đăng ký" in await user.expect_message()
    await user.send_text("/lienket")
    assert "chưa đăng ký" in await user.expect_message()
    await user.send_text("/trogiup")
    help_ = await user.expect_message()
    assert "chưa đăng ký" in help_
    assert "/start" in help_
    await user.send_sticker()
    assert "chưa đăng ký" in await user.expect_message()
    assert await count(bot, ChatIdentity) == 0
    assert await count(bot, InviteCode) == 0  # no link code was made for a stranger


async def test_help_says_who_the_person_is(bot: App, messenger: Messenger) -> None:
    thu = messenger.user(11, "Thu")
    await register(bot, thu)
    await thu.send_text("/trogiup")
    msg = await thu.expect_message()
    assert "Thu" in msg
    assert "Đầu mối của Phòng Nội vụ" in msg
    assert f"đang dùng {messenger.label}" in msg


async def test_wrong_codes_are_slowed_then_refused(
    bot: App, messenger: Messenger, clock: Clock
) -> None:
    [good] = await codes_for(bot, "PNV")
    user = messenger.user(12)
    for _ in range(2):
        await user.send_text("/start ABCDE-FGHJK")
        assert "không đúng" in await user.expect_message()
    await user.send_text("/start ABCDE-FGHJK")
    assert "đợi 30 giây" in await user.expect_message()
    await user.send_text(f"/start {good}")  # even a good code waits
    assert "đợi" in await user.expect_message()
    for _ in range(3):
        clock.advance(seconds=31)
        await user.send_text("/start ABCDE-FGHJK")
        last = await user.expect_message()
    assert "tạm khóa" in last
    clock.advance(minutes=5)
    await user.send_text(f"/start {good}")
    assert "tạm khóa" in await user.expect_message()
    assert await count(bot, Person) == 0
    clock.advance(minutes=11)
    await user.send_text(f"/start {good}")
    assert WELCOME in await user.expect_message()
    assert await count(bot, Person) == 1


async def test_the_same_update_delivered_twice_is_handled_once(
    bot: App, messenger: Messenger
) -> None:
    [code] = await codes_for(bot, "PNV")
    user = messenger.user(13)
    await user.send_text(f"/start {code}", duplicate=True)  # twice, back to back
    assert WELCOME in await user.expect_message()
    user.redeliver_last()  # and once more, later
    await settle(messenger, bot)
    await user.send_text("/trogiup")
    assert "Đầu mối" in await user.expect_message()  # the reply to /trogiup, not a 2nd welcome
    await settle(messenger, bot)
    assert len(user.messages) == 2
    assert await count(bot, InboxUpdate) == 2
    assert await count(bot, Person) == 1


async def test_two_hundred_people_register_at_the_same_moment(
    bot: App, messenger: Messenger
) -> None:
    codes = await codes_for(bot, "PNV", count=200)
    users = [messenger.user(1000 + i, f"Người {i}") for i in range(200)]
    await asyncio.gather(*(u.send_text(f"/start {c}") for u, c in zip(users, codes, strict=True)))
    replies = await asyncio.gather(*(u.expect_message(timeout=60) for u in users))
    assert all(WELCOME in r for r in replies)
    await settle(messenger, bot)
    assert all(len(u.messages) == 1 for u in users)
    assert await count(bot, Person) == 200
    assert {i[1] for i in await identities(bot)} == {u.id for u in users}
    assert await count(bot, InviteCode, USED) == 200
    assert await distinct_count(bot, InviteCode, "used_by_person_id") == 200


# -- a second messenger account (/lienket) ------------------------------------------------------


@pytest.fixture
async def both_bot(telegram: Messenger, zalo: Messenger, sqlite_url: str) -> AsyncIterator[App]:
    """The bot serving Telegram and Zalo at once."""
    settings = make_settings(sqlite_url, **telegram.channel_settings(), **zalo.channel_settings())
    async with running_bot(settings) as app:
        yield app


async def link_code(user: ChatUser) -> str:
    await user.send_text("/lienket")
    msg = await user.expect_message()
    assert "Mã liên kết" in msg
    found = CODE.search(msg)
    assert found is not None, msg
    return found.group()


@pytest.mark.parametrize("first", ["telegram", "zalo"])
async def test_a_person_links_a_second_messenger(
    both_bot: App, telegram: Messenger, zalo: Messenger, first: str
) -> None:
    one, other = (telegram, zalo) if first == "telegram" else (zalo, telegram)
    on_first, on_second = one.user(21, "Hà"), other.user(22, "Hà (máy 2)")
    await register(both_bot, on_first, unit="X_HAI_SON")
    code = await link_code(on_first)
    await on_second.send_text(f"/start {code}")
    linked = await on_second.expect_message()
    assert f"Đã liên kết tài khoản {other.label}" in linked
    assert "Xã Hải Sơn" in linked
    found = await identities(both_bot)
    person_id = found[0][2]
    assert found == sorted(
        [(one.name, on_first.id, person_id), (other.name, on_second.id, person_id)]
    )
    assert await count(both_bot, Person) == 1
    assert await count(both_bot, Membership) == 1
    for user, messenger in ((on_first, one), (on_second, other)):
        await user.send_text("/trogiup")
        help_ = await user.expect_message()
        assert "Anh/Chị là Hà, Đầu mối của Xã Hải Sơn" in help_
        assert f"đang dùng {messenger.label}" in help_


async def test_a_link_code_cannot_be_used_twice(
    both_bot: App, telegram: Messenger, zalo: Messenger
) -> None:
    owner = telegram.user(31, "Bình")
    await register(both_bot, owner)
    code = await link_code(owner)
    first, second = zalo.user(32), zalo.user(33)
    await first.send_text(f"/start {code}")
    assert "Đã liên kết" in await first.expect_message()
    await second.send_text(f"/start {code}")
    assert "đã được sử dụng" in await second.expect_message()
    again = telegram.user(34)
    await again.send_text(f"/start {code}")
    assert "đã được sử dụng" in await again.expect_message()
    assert sorted(i[1] for i in await identities(both_bot)) == sorted([owner.id, first.id])
    assert await count(both_bot, Person) == 1


async def test_a_registered_zalo_account_cannot_take_a_link_code(
    both_bot: App, telegram: Messenger, zalo: Messenger
) -> None:
    tg_owner, zalo_other = telegram.user(41, "Cúc"), zalo.user(42, "Đào")
    await register(both_bot, tg_owner)
    await register(both_bot, zalo_other, unit="X_HAI_SON")
    code = await link_code(tg_owner)
    await zalo_other.send_text(f"/start {code}")
    refused = await zalo_other.expect_message()
    assert "đã đăng ký" in refused
    assert "chưa được sử dụng" in refused
    people = {i[2] for i in await identities(both_bot)}
    assert len(people) == 2  # still two people, each with one account
    assert await count(both_bot, ChatIdentity) == 2
    # The code is still good for an account that has none.
    fresh = zalo.user(43, "Cúc")
    await fresh.send_text(f"/start {code}")
    assert "Đã liên kết" in await fresh.expect_message()
