"""Backups of the whole database, and restoring one.

PostgreSQL: `pg_dump -Fc` (one consistent snapshot, taken while the bot runs) and
`pg_restore --clean --if-exists --no-owner --single-transaction` (all or nothing). The tools
are given a libpq URL without the password, which goes in `PGPASSWORD` (a command line is
visible to every user of the machine).

SQLite: the `sqlite3` online backup API, which copies a consistent snapshot page by page while
others write (WAL included); a restore copies the backup's pages back the same way. The backup
is written beside its target and renamed into place, so a failed backup leaves no half file.

Every failure an operator can meet is a `BackupError` whose message is Vietnamese and says what
to do; the command line prints it without a traceback.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be done; the message is for the operator."""


@dataclass(frozen=True, slots=True)
class Done:
    path: Path
    size: int
    kind: str  # "sqlite" | "postgresql"


def database_kind(url: str) -> str:
    driver = make_url(url).drivername
    if driver.startswith("sqlite"):
        return "sqlite"
    if driver.startswith("postgres"):
        return "postgresql"
    raise BackupError(f"Không sao lưu được loại cơ sở dữ liệu {driver!r} (chỉ SQLite, PostgreSQL).")


def libpq_url(url: str) -> tuple[str, str | None]:
    """`postgresql+psycopg://u:p@h/db?x=y` as libpq takes it (`postgresql://u@h/db?x=y`), and
    the password apart (None when the URL has none)."""
    u = make_url(url)
    password = u.password if u.password is None else str(u.password)
    # (`URL.set(password=None)` would keep the password: None there means "unchanged".)
    plain = URL.create("postgresql", u.username, None, u.host, u.port, u.database, u.query)
    return plain.render_as_string(hide_password=False), password


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return Path(database)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"Không tìm thấy chương trình {name} của PostgreSQL. Hãy cài gói postgresql-client "
            f"(cùng phiên bản với máy chủ, ví dụ: apt-get install postgresql-client-16) rồi chạy "
            "lại."
        )
    return found


def _run(argv: list[str], password: str | None, what: str) -> None:
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = password
    try:
        # argv: the tool found on PATH and a URL from the configuration, no shell.
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as exc:
        raise BackupError(f"Không chạy được {argv[0]}: {exc.strerror}") from None
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.strip().splitlines() if ln.strip()]
        detail = "\n".join(lines[-5:]) if lines else f"mã lỗi {done.returncode}"
        raise BackupError(f"{what} không thành công:\n{detail}")


def _check_target(out: Path) -> None:
    if not out.parent.is_dir():
        raise BackupError(
            f"Không có thư mục {out.parent}: hãy tạo thư mục trước (mkdir -p {out.parent}) "
            "hoặc chọn thư mục khác."
        )
    if out.is_dir():
        raise BackupError(f"{out} là một thư mục; hãy ghi tên tệp, ví dụ: --out {out}/bot.backup")


def backup(url: str, out: Path) -> Done:
    """Write a consistent copy of the database at `url` to `out` (replaced if it exists)."""
    kind = database_kind(url)
    _check_target(out)
    partial = out.with_name(f".{out.name}.partial")
    try:
        if kind == "sqlite":
            _backup_sqlite(_sqlite_path(url), partial)
        else:
            plain, password = libpq_url(url)
            argv = [_tool("pg_dump"), "--format=custom", "--file", str(partial), "--dbname", plain]
            _run(argv, password, "Sao lưu (pg_dump)")
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return Done(out, out.stat().st_size, kind)


def _backup_sqlite(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(
            f"Chưa có cơ sở dữ liệu {source}: không có gì để sao lưu (kiểm tra DATABASE_URL "
            "hoặc thư mục dữ liệu)."
        )
    target.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(source, timeout=30)
    except sqlite3.Error as exc:
        raise BackupError(f"Không mở được cơ sở dữ liệu {source}: {exc}") from None
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Sao lưu SQLite không thành công: {exc}") from None
    finally:
        src.close()


def file_kind(path: Path) -> str:
    """What a backup file holds, from its first bytes ("sqlite", "postgresql")."""
    if not path.is_file():
        raise BackupError(f"Không có tệp sao lưu {path}.")
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"Không đọc được tệp {path}: {exc.strerror}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise BackupError(
        f"Tệp {path} không phải bản sao lưu của `python -m bot backup` (không phải tệp SQLite "
        "hay tệp pg_dump -Fc)."
    )


def restore(url: str, source: Path) -> Done:
    """Replace the database at `url` by the backup `source` (what `backup` wrote)."""
    kind = database_kind(url)
    found = file_kind(source)
    if found != kind:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(
            f"Tệp {source} là bản sao lưu {names[found]}, còn cơ sở dữ liệu đang cấu hình "
            f"(DATABASE_URL) là {names[kind]}: không khôi phục được sang nhau."
        )
    if kind == "sqlite":
        _restore_sqlite(source, _sqlite_path(url))
    else:
        plain, password = libpq_url(url)
        argv = [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            plain,
            str(source),
        ]
        _run(argv, password, "Khôi phục (pg_restore)")
    return Done(source, source.stat().st_size, kind)


def _restore_sqlite(source: Path, target: Path) -> None:
    if not target.parent.is_dir():
        raise BackupError(f"Không có thư mục {target.parent} của cơ sở dữ liệu.")
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"Không mở được tệp sao lưu {source}: {exc}") from None
    try:
        ok = src.execute("PRAGMA quick_check").fetchone()
        if not ok or ok[0] != "ok":
            raise BackupError(f"Tệp sao lưu {source} bị hỏng ({ok[0] if ok else '?'}).")
        dst = sqlite3.connect(target, timeout=30)
        try:
            # The backup API writes through SQLite's own locking and journal: a reader of the
            # target sees the old database or the new one, never a mixture.
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Khôi phục SQLite không thành công: {exc}") from None
    finally:
        src.close()
