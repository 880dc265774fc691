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


def test_deadline_add_with_a_command_adds_the_deadline(db: Path) -> None:
    """The subcommand's `--command` no longer overwrites the command's name."""
    result = run(
        [
            "deadline", "add", "D10", "30/06/2024", "--title", "Báo cáo sơ kết",
            "--kinds", "COMMUNE", "--document", "LAUNCH_DOC", "--command", "/nopvanban",
        ],
        db,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Đã thêm thời hạn D10" in result.stdout
    assert "Traceback" not in result.stderr


def test_invite_an_admin_only_for_an_admin_office(db: Path) -> None:
    refused = run(["invite", "P_KA_LONG", "--role", "admin"], db)
    assert refused.returncode == 2
    assert "Không cấp mã quản trị cho Phường Ka Long" in refused.stderr
    assert refused.stdout == ""
    assert run(["invite", "PVHTT", "--role", "admin"], db).returncode == 0


def test_units_into_a_closed_pipe_ends_quietly(db: Path) -> None:
    run(["db", "upgrade"], db)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_TOKEN")}
    env["DATABASE_URL"] = f"sqlite:///{db}"
    # `units | head -1`: the reader closes the pipe after the first line.
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "units"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=db.parent,
    ) as child:
        assert child.stdout is not None
        assert child.stderr is not None
        child.stdout.close()  # the reader has gone before the first line is written
        stderr = child.stderr.read()
        child.wait(timeout=120)
    assert "BrokenPipeError" not in stderr
    assert "Traceback" not in stderr


def test_an_unreachable_api_at_start_up_is_one_line(db: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_TOKEN")}
    env.update(
        DATABASE_URL=f"sqlite:///{db}",
        TELEGRAM_BOT_TOKEN="123:abc",
        TELEGRAM_API_BASE="http://127.0.0.1:9",
        REMINDERS_ENABLED="false",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        env=env,
        cwd=db.parent,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "Không kết nối được máy chủ của Telegram/Zalo" in proc.stderr


def _campaign_variant(tmp_path: Path, old: str, new: str) -> Path:
    text = bundled_campaign_path().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_campaign_check_names_the_line_in_vietnamese(db: Path, tmp_path: Path) -> None:
    text = bundled_campaign_path().read_text(encoding="utf-8")
    line = text.splitlines().index('  short_title: "Thi đua CCHC Móng Cái 2024"') + 1
    path = _campaign_variant(tmp_path, "  short_title: ", "  short_title ")
    result = run(["campaign", "check", str(path)], db)
    assert result.returncode == 1
    assert f"variant.yaml:{line}: lỗi cú pháp YAML" in result.stderr
    assert "không có gì được nạp" not in result.stderr
    for english in ("while scanning", "could not find", "expected"):
        assert english not in result.stderr


def test_campaign_check_refuses_a_percent_over_100_and_a_deadline_outside_the_year(
    db: Path, tmp_path: Path
) -> None:
    path = _campaign_variant(tmp_path, "due: 2024-03-31", "due: 2025-06-30")
    result = run(["campaign", "check", str(path)], db)
    assert result.returncode == 1
    assert "30/06/2025 nằm ngoài khoảng 01/01/2024–02/04/2025" in result.stderr
    path = _campaign_variant(
        tmp_path,
        'unit: "%"\n    target: {op: ">=", value: 100}',
        'unit: "%"\n    target: {op: ">=", value: 150}',
    )
    result = run(["campaign", "check", str(path)], db)
    assert result.returncode == 1
    assert "phải từ 0 đến 100%" in result.stderr


def test_deadline_move_to_a_sunday_and_a_holiday_off_say_so(db: Path) -> None:
    moved = run(["deadline", "move", "D01", "14/04/2024"], db)
    assert moved.returncode == 0, moved.stderr
    assert "Lưu ý: ngày 14/04/2024 là Chủ nhật" in moved.stdout
    holiday = run(["calendar", "off", "02/09/2024"], db)
    assert holiday.returncode == 1
    assert "đã là ngày nghỉ (ngày lễ Quốc khánh)" in holiday.stderr
    assert run(["calendar", "off", "03/05/2024", "--note", "Nghỉ bù"], db).returncode == 0
    listed = run(["calendar", "list"], db)
    assert listed.returncode == 0, listed.stderr
    assert "03/05/2024  ngày nghỉ – Nghỉ bù" in listed.stdout
    assert "02/09/2024  Quốc khánh" in listed.stdout
    assert "02/09/2024  ngày nghỉ" not in listed.stdout


def test_export_into_a_missing_folder_is_refused(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "khong_co" / "tonghop.xlsx"
    result = run(["export", "--out", str(out)], db)
    assert result.returncode == 2
    assert "Không có thư mục" in result.stderr
    assert not out.parent.exists()


def test_demo_on_a_campaign_date_takes_a_typed_file_path(db: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "ke-hoach.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    result = run(
        ["demo", "--unit", "PNV", "--channel", "zalo", "--date", "15/03/2024"],
        db,
        stdin=f"/nopvanban\n1\n{pdf}\n",
    )
    assert result.returncode == 0, result.stderr
    first = next(line for line in result.stdout.splitlines() if line.strip())
    assert "Anh/Chị đang dùng thử với vai trò Đầu mối của Phòng Nội vụ" in first
    assert "Zalo" in first
    assert "15/03/2024" in first
    for internal in ("focal", "telegram", "zalo ", "Bạn "):
        assert internal not in first
    assert "Câu 3/4" in result.stdout  # the file was taken; the next question is asked
    assert "không phải là PDF" not in result.stdout


def test_demo_says_where_the_chart_is_written(db: Path) -> None:
    result = run(
        ["demo", "--unit", "PNV", "--role", "admin", "--date", "15/03/2024"], db, "/tonghop\n"
    )
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if "📎 Tệp đã được lưu tại:" in x)
    assert Path(line.split("lưu tại:", 1)[1].strip()).is_file()


def test_demo_defaults_to_a_day_in_the_campaigns_year() -> None:
    from datetime import date

    from bot.demo import demo_day

    start, end = date(2024, 1, 1), date(2024, 12, 31)
    assert demo_day(start, end, date(2026, 4, 20)) == date(2024, 4, 20)
    assert demo_day(start, end, date(2024, 6, 1)) == date(2024, 6, 1)
    assert demo_day(start, end, date(2025, 2, 28)) == date(2024, 2, 28)
    assert demo_day(date(2024, 3, 1), date(2024, 12, 31), date(2026, 1, 10)) == date(2024, 3, 1)
