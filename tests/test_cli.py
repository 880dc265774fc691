"""The command line, run as an operator runs it: `python -m bot …` in a fresh process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.campaign import bundled_campaign_path
from storage.db import Database
from storage.queries.invites import InviteInfo, Redeem, check_code, looks_like_code
from storage.types import utcnow


def run(args: list[str], db: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith("_TOKEN") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env["DATABASE_URL"] = f"sqlite:///{db}"
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=db.parent,
        timeout=120,
        check=False,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "bot.db"


def test_help_lists_the_operators_commands(db: Path) -> None:
    out = run(["--help"], db).stdout
    for command in (
        "run",
        "demo",
        "db",
        "campaign",
        "units",
        "invite",
        "export",
        "deadline",
        "calendar",
    ):
        assert f"    {command} " in out


def test_units_then_invite_codes_one_a_line(db: Path) -> None:
    units = run(["units"], db)
    assert units.returncode == 0
    assert "P_HOA_LAC" in units.stdout
    assert "Phường Hòa Lạc" in units.stdout
    invite = run(["invite", "PNV", "--role", "admin", "--count", "3"], db)
    assert invite.returncode == 0
    codes = invite.stdout.split()
    assert len(codes) == 3
    assert all(looks_like_code(c) for c in codes)
    assert len(set(codes)) == 3


def test_invite_codes_for_a_leader_of_the_city(db: Path) -> None:
    assert "leader" in run(["invite", "--help"], db).stdout
    invite = run(["invite", "VP_HDND_UBND", "--role", "leader"], db)
    assert invite.returncode == 0, invite.stderr
    [code] = invite.stdout.split()
    assert looks_like_code(code)

    async def redeemable() -> tuple[Redeem, InviteInfo | None]:
        database = Database(f"sqlite:///{db}")
        try:
            async with database.read() as conn:
                return await check_code(conn, code=code, now=utcnow())
        finally:
            await database.dispose()

    outcome, info = asyncio.run(redeemable())
    assert outcome is Redeem.OK
    assert info is not None
    assert (info.role, info.unit_name) == ("leader", "Văn phòng HĐND và UBND thành phố")
    # Not for a commune: a leader's code reads the whole campaign.
    refused = run(["invite", "P_KA_LONG", "--role", "leader"], db)
    assert refused.returncode == 2
    assert "Không cấp mã Lãnh đạo UBND thành phố cho Phường Ka Long" in refused.stderr
    assert refused.stdout == ""
    # The terminal demo greets a leader with what a leader does.
    demo = run(["demo", "--unit", "VP_HDND_UBND", "--role", "leader"], db, stdin="/quahan\n")
    assert demo.returncode == 0, demo.stderr
    assert "vai trò Lãnh đạo UBND thành phố" in demo.stdout
    assert "ĐƠN VỊ QUÁ HẠN" in demo.stdout


def test_invite_for_an_unknown_unit_or_a_bad_count_says_why(db: Path) -> None:
    unknown = run(["invite", "KHONG_CO"], db)
    assert unknown.returncode == 1
    assert "Không có đơn vị" in unknown.stderr
    too_many = run(["invite", "PNV", "--count", "5000"], db)
    assert too_many.returncode == 2
    assert "từ 1 đến 1000" in too_many.stderr


def test_a_broken_campaign_file_is_refused_with_field_and_line(db: Path, tmp_path: Path) -> None:
    text = bundled_campaign_path().read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("kind: COMMUNE,", "kind: KHONG_CO,", 1), encoding="utf-8")
    result = run(["campaign", "load", str(broken)], db)
    assert result.returncode == 1
    assert "không có gì được nạp" in result.stderr
    assert "broken.yaml:" in result.stderr
    assert "units[" in result.stderr


def test_export_writes_a_workbook(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "tonghop.xlsx"
    result = run(["export", "--out", str(out)], db)
    assert result.returncode == 0, result.stderr
    assert load_workbook(out).sheetnames[0] == "Đơn vị"
    assert run(["export", "--out", str(tmp_path / "x.csv")], db).returncode == 2


def test_demo_chats_as_a_units_focal_point(db: Path) -> None:
    result = run(
        ["demo", "--unit", "PNV", "--channel", "zalo"], db, stdin="/trogiup\nxin chào\n1\n"
    )
    assert result.returncode == 0, result.stderr
    assert "Đăng ký thành công" in result.stdout
    assert "Đầu mối của Phòng Nội vụ" in result.stdout
    assert "bot chưa hiểu yêu cầu" in result.stdout
