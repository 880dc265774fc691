"""`python -m bot backup --out FILE` and `python -m bot restore FILE [--yes]`, run as an operator
runs them: a unit's report is stored, the database backed up, the backup restored into a fresh
database, and the report read back from there. SQLite always; PostgreSQL when `pg_dump` and the
server are here (CI has both; REQUIRE_SERVICES=1 makes their absence a failure)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.backup import libpq_url
from storage.campaign_sync import ensure_campaign_loaded
from storage.db import Database
from storage.models import ReportSubmission, table
from storage.queries import reports
from storage.queries.units import list_units
from tests.conftest import PG_ADMIN_URL, REQUIRE_SERVICES

NOW = datetime(2024, 3, 20, 3, 0, tzinfo=UTC)
PERIOD = "2024-02"
_S = table(ReportSubmission)


def run_cli(
    args: list[str], url: str, *, stdin: str = "", path: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith("_TOKEN") and k not in ("DATABASE_URL", "REDIS_URL", "CAMPAIGN_FILE")
    }
    env["DATABASE_URL"] = url
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )


async def _unit(db: Database) -> tuple[str, int]:
    cid = await ensure_campaign_loaded(db, None)
    async with db.read() as conn:
        rows = await list_units(conn, campaign_id=cid)
    return cid, next(r.id for r in rows if r.kind == "COMMUNE")


def store_report(url: str, value: int) -> None:
    """A commune's monthly report as /baocao stores it: its values and the submission."""

    async def go() -> None:
        db = Database(url)
        try:
            cid, unit_id = await _unit(db)
            async with db.transaction() as conn:
                await reports.save_values(
                    conn,
                    campaign_id=cid,
                    unit_id=unit_id,
                    person_id=None,
                    values=[reports.NewValue("X_HOSO", PERIOD, value, f"{value} hồ sơ")],
                    now=NOW,
                )
                await reports.mark_submitted(
                    conn,
                    campaign_id=cid,
                    unit_id=unit_id,
                    periods=[PERIOD],
                    person_id=None,
                    now=NOW,
                )
        finally:
            await db.dispose()

    asyncio.run(go())


def read_report(url: str) -> tuple[str | None, int]:
    """The stored value's display and how many submissions the commune has for the period."""

    async def go() -> tuple[str | None, int]:
        db = Database(url)
        try:
            cid, unit_id = await _unit(db)
            async with db.read() as conn:
                values = await reports.values_for(
                    conn, campaign_id=cid, unit_id=unit_id, periods=[PERIOD]
                )
                submitted = (
                    await conn.execute(
                        select(_S.c.id).where(_S.c.unit_id == unit_id, _S.c.period == PERIOD)
                    )
                ).all()
        finally:
            await db.dispose()
        found = values.get(("X_HOSO", PERIOD))
        return (found.display if found else None), len(submitted)

    return asyncio.run(go())


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr, done.stderr


# --- SQLite ---------------------------------------------------------------------------------


def test_sqlite_backup_restored_into_a_fresh_database_has_the_report(
    sqlite_url: str, tmp_path: Path
) -> None:
    store_report(sqlite_url, 41)
    out = tmp_path / "backups" / "bot.backup"
    out.parent.mkdir()
    done = run_cli(["backup", "--out", str(out)], sqlite_url)
    assert done.returncode == 0, done.stderr
    assert "Đã sao lưu cơ sở dữ liệu SQLite" in done.stdout
    assert out.read_bytes().startswith(b"SQLite format 3\x00")
    assert not list(out.parent.glob(".*partial"))

    fresh = tmp_path / "fresh" / "bot.db"
    fresh.parent.mkdir()
    fresh_url = f"sqlite:///{fresh}"
    done = run_cli(["restore", str(out), "--yes"], fresh_url)
    assert done.returncode == 0, done.stderr
    assert "Đã khôi phục cơ sở dữ liệu" in done.stdout
    assert read_report(fresh_url) == ("41 hồ sơ", 1)


def test_sqlite_restore_in_place_brings_back_the_backed_up_values(
    sqlite_url: str, tmp_path: Path
) -> None:
    store_report(sqlite_url, 41)
    out = tmp_path / "bot.backup"
    assert run_cli(["backup", "--out", str(out)], sqlite_url).returncode == 0
    store_report(sqlite_url, 99)  # changed after the backup
    assert read_report(sqlite_url) == ("99 hồ sơ", 1)
    done = run_cli(["restore", str(out), "--yes"], sqlite_url)
    assert done.returncode == 0, done.stderr
    assert read_report(sqlite_url) == ("41 hồ sơ", 1)


def test_restore_asks_first_and_a_no_changes_nothing(sqlite_url: str, tmp_path: Path) -> None:
    store_report(sqlite_url, 41)
    out = tmp_path / "bot.backup"
    assert run_cli(["backup", "--out", str(out)], sqlite_url).returncode == 0
    store_report(sqlite_url, 99)
    done = run_cli(["restore", str(out)], sqlite_url, stdin="khong\n")
    assert done.returncode == 1
    assert "TOÀN BỘ dữ liệu hiện có" in done.stdout
    assert "Đã hủy, cơ sở dữ liệu không thay đổi." in done.stdout
    assert read_report(sqlite_url) == ("99 hồ sơ", 1)
    done = run_cli(["restore", str(out)], sqlite_url, stdin="co\n")
    assert done.returncode == 0, done.stderr
    assert read_report(sqlite_url) == ("41 hồ sơ", 1)


def test_mistakes_are_one_vietnamese_line_not_a_traceback(sqlite_url: str, tmp_path: Path) -> None:
    missing_dir = run_cli(["backup", "--out", str(tmp_path / "nowhere" / "b.backup")], sqlite_url)
    assert missing_dir.returncode == 1
    assert "Không có thư mục" in missing_dir.stderr
    no_traceback(missing_dir)

    missing_file = run_cli(["restore", str(tmp_path / "none.backup"), "--yes"], sqlite_url)
    assert missing_file.returncode == 1
    assert "Không có tệp sao lưu" in missing_file.stderr
    no_traceback(missing_file)

    foreign = tmp_path / "notes.txt"
    foreign.write_text("không phải bản sao lưu", encoding="utf-8")
    not_a_backup = run_cli(["restore", str(foreign), "--yes"], sqlite_url)
    assert not_a_backup.returncode == 1
    assert "không phải bản sao lưu" in not_a_backup.stderr
    no_traceback(not_a_backup)

    no_database = run_cli(
        ["backup", "--out", str(tmp_path / "b.backup")], f"sqlite:///{tmp_path / 'no.db'}"
    )
    assert no_database.returncode == 1
    assert "Chưa có cơ sở dữ liệu" in no_database.stderr
    assert not (tmp_path / "no.db").exists()  # a backup creates nothing
    no_traceback(no_database)

    pg_backup = tmp_path / "pg.backup"
    pg_backup.write_bytes(b"PGDMP\x01\x0e\x00")
    wrong_kind = run_cli(["restore", str(pg_backup), "--yes"], sqlite_url)
    assert wrong_kind.returncode == 1
    assert "bản sao lưu PostgreSQL" in wrong_kind.stderr
    no_traceback(wrong_kind)


def test_without_pg_dump_the_operator_is_told_what_to_install(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    done = run_cli(
        ["backup", "--out", str(tmp_path / "b.backup")],
        "postgresql://nobody@127.0.0.1:1/none",
        path=str(empty),
    )
    assert done.returncode == 1
    assert "Không tìm thấy chương trình pg_dump" in done.stderr
    assert "postgresql-client" in done.stderr
    no_traceback(done)


def test_the_libpq_url_carries_no_driver_and_no_password() -> None:
    url, password = libpq_url("postgresql+psycopg://bot:p%40ss@db.local:5433/bot?sslmode=require")
    assert url == "postgresql://bot@db.local:5433/bot?sslmode=require"
    assert password == "p@ss"
    assert libpq_url("postgresql://postgres@127.0.0.1/test") == (
        "postgresql://postgres@127.0.0.1/test",
        None,
    )


# --- PostgreSQL -----------------------------------------------------------------------------


@pytest.fixture
def pg_tools() -> None:
    """pg_dump and pg_restore are installed (else skipped with the reason)."""
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            msg = f"{tool} is not installed"
            if REQUIRE_SERVICES:
                pytest.fail(msg + "; REQUIRE_SERVICES=1 forbids skipping", pytrace=False)
            pytest.skip(msg)


@pytest.fixture
def fresh_pg_url(pg_tools: None) -> Iterator[str]:
    """An empty PostgreSQL database of its own, dropped afterwards."""
    import psycopg

    admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    name = f"campaignbot_restore_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.postgres
def test_postgres_backup_restored_into_a_fresh_database_has_the_report(
    pg_url: str, fresh_pg_url: str, tmp_path: Path
) -> None:
    store_report(pg_url, 41)
    out = tmp_path / "bot.backup"
    # The URL as an operator writes it for the bot (SQLAlchemy's driver name included).
    done = run_cli(
        ["backup", "--out", str(out)], pg_url.replace("postgresql:", "postgresql+psycopg:")
    )
    assert done.returncode == 0, done.stderr
    assert "PostgreSQL (pg_dump -Fc)" in done.stdout
    assert out.read_bytes().startswith(b"PGDMP")

    done = run_cli(["restore", str(out), "--yes"], fresh_pg_url)
    assert done.returncode == 0, done.stderr
    assert read_report(fresh_pg_url) == ("41 hồ sơ", 1)

    # Restoring again over a database that has data replaces it (--clean), all or nothing.
    store_report(fresh_pg_url, 99)
    done = run_cli(["restore", str(out), "--yes"], fresh_pg_url)
    assert done.returncode == 0, done.stderr
    assert read_report(fresh_pg_url) == ("41 hồ sơ", 1)


@pytest.mark.postgres
def test_postgres_backup_of_an_unreachable_server_says_why(pg_tools: None, tmp_path: Path) -> None:
    out = tmp_path / "bot.backup"
    done = run_cli(["backup", "--out", str(out)], "postgresql://nobody@127.0.0.1:1/none")
    assert done.returncode == 1
    assert "Sao lưu (pg_dump) không thành công" in done.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".*partial"))
    no_traceback(done)
