"""The command menus come from the router: each role's lists what the router lets it use."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.menus import MAX_COMMANDS, MAX_DESCRIPTION, default_menu, known_roles, role_menu
from core.conversation import Router
from core.identity import Identity
from handlers import build_router
from storage.models import Role

ROUTER = build_router()
TELEGRAM_COMMAND = re.compile(r"[a-z0-9_]{1,32}")  # Telegram's rule for command names
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


_NOW = datetime(2024, 3, 1, tzinfo=UTC)


def person(role: str, kind: str = "OFFICE") -> Identity:
    return Identity(1, "Lan", 1, "PNV", "Phòng Nội vụ", kind, role, "telegram", "1", _NOW)


@pytest.mark.parametrize("role", [*known_roles(ROUTER), "not-a-role"])
def test_a_roles_menu_is_exactly_what_the_router_lets_it_use(role: str) -> None:
    menu = role_menu(ROUTER, role)
    # Telegram's command menu is set per role, not per unit kind: it is the menu of the role in
    # the unit kind that sees the most (a media unit also sees /baiviet).
    who = person(role, kind="MEDIA")
    # Over every command: listed if and only if it is a menu command the router allows.
    for cmd in ROUTER.commands.values():
        listed = (cmd.name, cmd.description) in menu
        assert listed == (cmd.in_menu and Router.allowed(cmd, who)), cmd.name
        # and the name typed from the menu reaches that command
        parsed = ROUTER.parse_command(f"/{cmd.name}", idle=True)
        assert parsed is not None
        assert parsed[0] is cmd
    assert [name for name, _ in menu] == [c.name for c in ROUTER.menu(who)]  # same order
    assert len(menu) <= MAX_COMMANDS
    for name, description in menu:
        assert TELEGRAM_COMMAND.fullmatch(name), name
        assert 1 <= len(description) <= MAX_DESCRIPTION, name


def test_admins_menu_has_the_admin_commands_and_units_people_see_the_default() -> None:
    default = default_menu(ROUTER)
    names = {name for name, _ in default}
    assert not names & ADMIN_COMMANDS
    admin = {name for name, _ in role_menu(ROUTER, Role.ADMIN)}
    assert admin >= ADMIN_COMMANDS
    assert "baocao" not in admin  # a unit's reporter's command: refused to admins
    # Focal points and deputies (most people) see the default menu: no call per chat for them.
    for role in (Role.FOCAL, Role.DEPUTY):
        assert role_menu(ROUTER, role) == default
    head = {name for name, _ in role_menu(ROUTER, Role.HEAD)}
    assert "tinhtrang" in head
    assert not head & (ADMIN_COMMANDS | {"baocao"})
    # Whoever is not registered sees the default menu too: it lists everything they may use.
    assert {c.name for c in ROUTER.menu(None)} <= names


def test_a_leaders_menu_reads_the_campaign_and_is_a_menu_of_its_own() -> None:
    leader = [name for name, _ in role_menu(ROUTER, Role.LEADER)]
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
    # Not the default menu, so each leader's chat gets its own (see `ChatMenus.by_role`); and
    # the default menu does not pick up the commands admins share with leaders.
    assert Role.LEADER in known_roles(ROUTER)
    assert role_menu(ROUTER, Role.LEADER) != default_menu(ROUTER)
    assert not {name for name, _ in default_menu(ROUTER)} & {"tonghop", "quahan", "khenthuong"}


def test_every_role_a_command_names_is_known() -> None:
    named = {r for c in ROUTER.commands.values() for r in (c.roles or ())}
    assert named <= set(known_roles(ROUTER))
    assert {r.value for r in Role} <= set(known_roles(ROUTER))


def test_the_heads_confirmation_is_offered_only_where_the_campaign_asks_for_it() -> None:
    from core.campaign import bundled_campaign_path, load_campaign
    from core.campaign.schema import SignOff

    off = load_campaign(bundled_campaign_path())  # Móng Cái 2024: no sign-off
    on = off.model_copy(update={"sign_off": SignOff(reports=True)})
    without, with_ = build_router(off), build_router(on)
    assert "xacnhan" not in {name for name, _ in role_menu(without, Role.HEAD)}
    assert "xacnhan" in {name for name, _ in role_menu(with_, Role.HEAD)}
    assert without.by_alias["xacnhan"].handler is with_.by_alias["xacnhan"].handler  # answers
