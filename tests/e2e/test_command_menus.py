"""Each person's Telegram command menu lists the commands of their role.

The running bot is driven over HTTP through the fake Telegram server, which keeps the menus per
scope and language and resolves what a person sees in their chat as Telegram does.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence

import pytest

from bot.app import App
from bot.channels.telegram import TelegramChannel, make_bot
from bot.menus import MAX_ATTEMPTS, ChatMenus, role_menu
from core.messages import Incoming
from storage.models import ChatIdentity, Unit
from storage.queries.people import create_person
from tests.conftest import make_settings
from tests.e2e.messengers import (
    ChatUser,
    Messenger,
    TelegramChatUser,
    TelegramMessenger,
    settle,
    value,
    values,
)
from tests.fakes.telegram_server import ApiCall, FakeTelegramServer
from tests.harness import codes_for, running_bot

WELCOME = "Đăng ký thành công"
CODE = re.compile(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b")
ADMIN_COMMANDS = {
    "tonghop",
    "quahan",
    "dondoc",
    "duyet",
    "xuat",
    "thongbao",
    "moi",
    "khenthuong",
    "tongket",
    "congvan",
}
MENU_METHODS = ("setMyCommands", "deleteMyCommands")

telegram_only = pytest.mark.parametrize("messenger", ["telegram"], indirect=True)


def tg(messenger: Messenger) -> FakeTelegramServer:
    assert isinstance(messenger, TelegramMessenger)
    return messenger.server


def tg_user(messenger: Messenger, n: int, name: str) -> TelegramChatUser:
    user = messenger.user(n, name)
    assert isinstance(user, TelegramChatUser)
    return user


async def register(app: App, user: ChatUser, unit: str = "PNV", role: str = "focal") -> None:
    [code] = await codes_for(app, unit, role=role)
    await user.send_text(f"/start {code}")
    assert WELCOME in await user.expect_message()


def names_for(app: App, role: str) -> list[str]:
    """The commands the router lets `role` use, in menu order."""
    return [name for name, _ in role_menu(app.router, role)]


def own_menu(server: FakeTelegramServer, user: ChatUser) -> list[str] | None:
    """The chat's own menu (None: the chat shows a default one)."""
    found = server.commands.get((f"chat:{user.chat_id}", ""))
    return None if found is None else [str(c["command"]) for c in found]


async def wait_menu(server: FakeTelegramServer, user: ChatUser, names: list[str]) -> None:
    await server.wait_for(lambda: own_menu(server, user) == names)


def menu_calls(server: FakeTelegramServer, user: ChatUser, since: int = 0) -> list[ApiCall]:
    """Menu calls about the user's chat (failed ones included), from call number `since`."""
    return [
        c
        for c in server.calls[since:]
        if c.method in MENU_METHODS and c.chat_id == int(user.chat_id)
    ]


@telegram_only
async def test_an_admins_menu_has_the_admin_commands_a_focal_points_has_none(
    bot: App, messenger: Messenger
) -> None:
    server = tg(messenger)
    lan, hung, mai = (
        tg_user(messenger, n, name) for n, name in ((1, "Lan"), (2, "Hùng"), (3, "Mai"))
    )
    await register(bot, lan, unit="X_HAI_SON")
    await register(bot, hung, unit="X_HAI_SON", role="head")
    await register(bot, mai, role="admin")

    admin = names_for(bot, "admin")
    await wait_menu(server, mai, admin)
    assert set(admin) >= ADMIN_COMMANDS
    assert "baocao" not in admin  # a reporter's command, which the router refuses admins
    assert server.menu_names(int(mai.chat_id)) == admin  # what Mai sees, in Vietnamese
    assert server.menu_names(int(mai.chat_id), "en") == admin
    # The head's request was queued before Mai's, so it is done: his role's own, shorter list.
    assert own_menu(server, hung) == names_for(bot, "head")
    assert "baocao" not in names_for(bot, "head")
    # The focal point sees the default menu, without admin commands; no call was spent on it.
    default = [str(c["command"]) for c in server.commands[("default", "vi")]]
    assert server.menu_names(int(lan.chat_id)) == default == names_for(bot, "focal")
    assert not set(default) & ADMIN_COMMANDS
    assert own_menu(server, lan) is None
    assert menu_calls(server, lan) == []


@telegram_only
async def test_a_menu_call_that_fails_for_a_moment_is_retried(
    bot: App, messenger: Messenger
) -> None:
    server = tg(messenger)
    mai = tg_user(messenger, 4, "Mai")
    server.faults.add(method="setMyCommands", kind="502", times=2, chat_id=int(mai.chat_id))
    await register(bot, mai, role="admin")
    await wait_menu(server, mai, names_for(bot, "admin"))
    assert [c.status for c in menu_calls(server, mai)] == [502, 502, 200]


@telegram_only
async def test_start_from_a_registered_person_repairs_their_menu(
    bot: App, messenger: Messenger
) -> None:
    server = tg(messenger)
    mai, lan = tg_user(messenger, 5, "Mai"), tg_user(messenger, 6, "Lan")
    await register(bot, lan)
    await register(bot, mai, role="admin")
    await wait_menu(server, mai, names_for(bot, "admin"))
    del server.commands[(f"chat:{mai.chat_id}", "")]  # lost, whatever the reason
    await mai.send_text("/start")
    assert "đã đăng ký" in await mai.expect_message()
    await wait_menu(server, mai, names_for(bot, "admin"))
    # A focal point's /start makes sure the chat has no menu of its own (the default shows).
    await lan.send_text("/start")
    await lan.expect_message()
    await server.wait_for(
        lambda: [c.method for c in menu_calls(server, lan)] == ["deleteMyCommands"]
    )
    assert own_menu(server, lan) is None


@telegram_only
async def test_menus_are_repaired_at_start_up_for_active_chats_only(
    messenger: Messenger, sqlite_url: str
) -> None:
    server = tg(messenger)
    binh, cuc, dung = (
        tg_user(messenger, n, name) for n, name in ((11, "Bình"), (12, "Cúc"), (13, "Dũng"))
    )
    settings = messenger.settings_for(sqlite_url)
    async with running_bot(settings) as app:
        admin = names_for(app, "admin")
        await register(app, binh, role="admin")  # first: the start-up pass would reach him first
        await register(app, cuc, role="admin")
        await register(app, dung, unit="X_HAI_SON")
        await wait_menu(server, binh, admin)
        await wait_menu(server, cuc, admin)
        # Bình blocks the bot: the reply to his next message fails, his chat is marked inactive.
        binh.block()
        await binh.send_text("/trogiup")
        await settle(messenger, app)
        inactive = ChatIdentity.external_id == binh.id
        assert await value(app, ChatIdentity, "active", inactive) is False
    # Telegram lost every chat's menu (or the calls never went out before a crash).
    for user in (binh, cuc):
        del server.commands[(f"chat:{user.chat_id}", "")]
    mark = len(server.calls)
    async with running_bot(settings) as app:
        await wait_menu(server, cuc, admin)
        assert set(server.menu_names(int(cuc.chat_id))) >= ADMIN_COMMANDS
    # The pass called for the active admin only: not for the blocked chat (listed before Cúc),
    # nor for the focal point, whose role has the default menu.
    assert menu_calls(server, binh, mark) == []
    assert menu_calls(server, dung, mark) == []
    assert [c.method for c in menu_calls(server, cuc, mark)] == ["setMyCommands"]


async def test_a_telegram_account_linked_to_an_admin_gets_the_admin_menu(
    telegram: Messenger, zalo: Messenger, sqlite_url: str
) -> None:
    server = tg(telegram)
    settings = make_settings(sqlite_url, **telegram.channel_settings(), **zalo.channel_settings())
    async with running_bot(settings) as app:
        on_zalo, on_telegram = zalo.user(21, "Hà"), tg_user(telegram, 22, "Hà")
        await register(app, on_zalo, role="admin")
        await on_zalo.send_text("/lienket")
        found = CODE.search(await on_zalo.expect_message())
        assert found is not None
        await on_telegram.send_text(f"/start {found.group()}")
        assert "Đã liên kết" in await on_telegram.expect_message()
        await wait_menu(server, on_telegram, names_for(app, "admin"))
        # Zalo has no menus; only the Telegram chat was ever called about.
        assert {c.chat_id for c in server.calls if c.method in MENU_METHODS} == {
            None,  # the default menus, at start-up
            int(on_telegram.chat_id),
        }


async def _nothing(updates: Sequence[Incoming]) -> int:
    return 0


async def test_a_menu_that_keeps_failing_is_tried_again_later(
    telegram: Messenger, sqlite_url: str
) -> None:
    server = tg(telegram)
    giang = tg_user(telegram, 41, "Giang")
    app = await App.create(make_settings(sqlite_url))
    channel = TelegramChannel(make_bot(telegram.token, server.base_url), _nothing)
    try:
        [(unit_id,)] = await values(app, Unit, "id", where=[Unit.code == "PNV"])
        async with app.db.transaction() as conn:
            await create_person(
                conn,
                full_name="Giang",
                unit_id=unit_id,
                role="admin",
                channel="telegram",
                external_id=giang.id,
                chat_id=giang.chat_id,
            )
        # Every attempt of the first round fails; the round after a pause succeeds.
        server.faults.add(
            method="setMyCommands", kind="502", times=MAX_ATTEMPTS, chat_id=int(giang.chat_id)
        )
        menus = ChatMenus(
            db=app.db, router=app.router, channel=channel, backoff=0.01, retry_later=0.05
        )
        worker = asyncio.create_task(menus.run())  # its start-up pass finds Giang
        try:
            await wait_menu(server, giang, names_for(app, "admin"))
        finally:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)
        assert [c.status for c in menu_calls(server, giang)] == [502] * MAX_ATTEMPTS + [200]
    finally:
        await channel.close()
        await app.close()
