"""The database handle: engines, write transactions, migrations.

SQLite is the embedded default: WAL and `synchronous=NORMAL` make commits cheap, and writes
take the lock up front (`BEGIN IMMEDIATE`) so that two writers wait for each other instead of
failing half-way. Inside one process writers also queue on an asyncio lock, which is cheaper
than SQLite's busy loop. PostgreSQL needs neither.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

log = logging.getLogger(__name__)
T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# PostgreSQL advisory lock keys (64-bit). Start-up (migrations, loading the campaign file) is
# done by one worker at a time; the chat locks (`storage.queries.pipeline`) hash into others.
STARTUP_LOCK_KEY = 0x43_414D_5053_5441_52  # "CAMPSTAR"


async def startup_lock(conn: AsyncConnection) -> None:
    """Hold the start-up lock until `conn`'s transaction ends (PostgreSQL; SQLite's writers
    are serialised already)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy import text

        await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": STARTUP_LOCK_KEY})


def async_url(url: str) -> str:
    """The same database through an asyncio driver."""
    u = make_url(url)
    if u.drivername in ("sqlite", "sqlite+pysqlite"):
        u = u.set(drivername="sqlite+aiosqlite")
    elif u.drivername in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def sync_url(url: str) -> str:
    """The same database through a blocking driver (for Alembic)."""
    u = make_url(url)
    if u.drivername.startswith("sqlite"):
        u = u.set(drivername="sqlite")
    elif u.drivername.startswith("postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def _ensure_sqlite_dir(url: str) -> None:
    u = make_url(url)
    if u.drivername.startswith("sqlite") and u.database and u.database != ":memory:":
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)


class LoopConnection:
    """The `AsyncConnection` calls we use, answered by a blocking SQLite connection.

    SQLite answers from its page cache in microseconds; handing every statement to a thread
    (aiosqlite) and back costs more than the statement (measured: 2,9 ms against 1,2 ms for a
    three-statement transaction). So on SQLite statements run on the event loop's thread. A
    transaction never awaits anything else, so it is atomic with respect to the loop too."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.dialect = conn.dialect

    async def execute(self, statement: Any, parameters: Any = None, **kw: Any) -> Any:
        return self._conn.execute(statement, parameters, **kw)

    async def scalar(self, statement: Any, parameters: Any = None, **kw: Any) -> Any:
        return self._conn.scalar(statement, parameters, **kw)

    async def exec_driver_sql(self, statement: str, parameters: Any = None) -> Any:
        return self._conn.exec_driver_sql(statement, parameters)

    async def run_sync(self, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
        return fn(self._conn, *args, **kw)

    def raw(self) -> sqlite3.Connection:
        """The sqlite3 connection itself, inside this transaction (for the hot path)."""
        dbapi = self._conn.connection.dbapi_connection
        if not isinstance(dbapi, sqlite3.Connection):
            raise TypeError("not a sqlite3 connection")
        return dbapi


def raw_sqlite(conn: AsyncConnection) -> sqlite3.Connection | None:
    """The sqlite3 connection behind `conn` when it is one of ours, else None.

    A statement through SQLAlchemy costs about 38 µs, through sqlite3 about 2 µs (measured):
    the few statements every update runs use it directly on SQLite."""
    loop_conn: Any = conn
    return loop_conn.raw() if isinstance(loop_conn, LoopConnection) else None


def sqlite_time(when: datetime) -> str:
    """A UTC time as the `UTCDateTime` column keeps it on SQLite (naive, microseconds)."""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class Database:
    """The database, and the discipline this project uses to write.

    PostgreSQL: an asyncio engine (psycopg), transactions in parallel. SQLite: a blocking engine
    used from the event loop (see `LoopConnection`), with writers taking the lock up front
    (`BEGIN IMMEDIATE`) and, inside one process, queueing on an asyncio lock first."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        _ensure_sqlite_dir(url)
        self.is_sqlite = make_url(url).drivername.startswith("sqlite")
        self.engine: AsyncEngine | None = None
        self.sync_engine: Engine | None = None
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        self._writer: Connection | None = None
        if self.is_sqlite:
            self.sync_engine = create_engine(
                sync_url(url),
                echo=echo,
                hide_parameters=True,  # a failed write must not log people's data
                connect_args={"timeout": 30, "check_same_thread": False},
            )
            _install_sqlite_pragmas(self.sync_engine)
        else:
            self.engine = create_async_engine(
                async_url(url),
                echo=echo,
                hide_parameters=True,  # a failed write must not log people's data
                pool_size=10,
                max_overflow=10,
                pool_pre_ping=True,
            )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction: committed when the block ends, rolled back on error."""
        if self.engine is not None:
            async with self.engine.begin() as conn:
                yield conn
            return
        if self._write_lock is None or self.sync_engine is None:
            raise RuntimeError("no engine")
        async with self._write_lock:
            writer = self._writer_connection()
            raw = LoopConnection(writer).raw()
            raw.execute("BEGIN IMMEDIATE")
            try:
                yield cast(AsyncConnection, LoopConnection(writer))
            except BaseException:
                self._end(writer, raw, "ROLLBACK")
                raise
            self._end(writer, raw, "COMMIT")

    def _writer_connection(self) -> Connection:
        """The one connection this process writes SQLite through, kept open.

        Checking a connection out of the pool and letting SQLAlchemy begin and commit cost
        about 0,15 ms a transaction, as much as the work of a report step's transaction
        (measured on the report benchmark); the writer is used under the write lock only."""
        if self._writer is None or self._writer.closed or self._writer.invalidated:
            if self.sync_engine is None:
                raise RuntimeError("no engine")
            self._writer = self.sync_engine.connect().execution_options(sqlite_manual=True)
        return self._writer

    def _end(self, writer: Connection, raw: sqlite3.Connection, verb: str) -> None:
        try:
            if raw.in_transaction:
                raw.execute(verb)
            # SQLAlchemy began its own bookkeeping at the first statement through it; the
            # driver has nothing open any more, so this only closes that bookkeeping.
            if writer.in_transaction() and verb == "ROLLBACK":
                writer.rollback()
            elif writer.in_transaction():
                writer.commit()
        except BaseException:
            # A connection in an unknown state is not used again.
            self._writer = None
            writer.invalidate()
            writer.close()
            raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read-only connection (no write lock taken)."""
        if self.engine is not None:
            async with self.engine.connect() as conn:
                yield conn
            return
        if self.sync_engine is None:
            raise RuntimeError("no engine")
        with self.sync_engine.connect() as sync_conn:
            yield cast(AsyncConnection, LoopConnection(sync_conn))

    async def dispose(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self.engine is not None:
            await self.engine.dispose()
        if self.sync_engine is not None:
            self.sync_engine.dispose()


def _install_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves: pysqlite's implicit transactions defer the lock.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("sqlite_manual", False):
            return  # the writer: `Database.transaction` issued BEGIN IMMEDIATE itself
        conn.exec_driver_sql("BEGIN")


def alembic_config(url: str) -> Any:
    """An Alembic configuration for `url`, without an ini file on disk."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", sync_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema to `revision` (blocking; run it before the event loop starts).

    A database already at the head is left as it is without importing Alembic (a restart of
    the bot: Alembic and its templates would take a second and 10 MB for nothing)."""
    _ensure_sqlite_dir(url)
    if revision == "head" and at_head(url):
        return
    from alembic import command

    command.upgrade(alembic_config(url), revision)


_REVISION = re.compile(r"^(down_)?revision(?:\s*:[^=]*)?\s*=\s*(.+?)\s*$", re.MULTILINE)


def head_revisions() -> frozenset[str]:
    """The heads of the migration scripts, read from their `revision` and `down_revision`
    lines (a string, None, or a tuple of strings) without importing Alembic."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for down, value in _REVISION.findall(script.read_text(encoding="utf-8")):
            names = set(re.findall(r"[\"']([^\"']+)[\"']", value))
            (downs if down else revisions).update(names)
    return frozenset(revisions - downs)


def at_head(url: str) -> bool:
    """Whether the database's schema is at the head of the migrations (False when unsure)."""
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            found = {
                str(r[0]) for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")
            }
    except Exception:  # no table yet, no database yet: let Alembic see to it
        return False
    finally:
        engine.dispose()
    heads = head_revisions()
    return bool(heads) and found == heads
