"""Shared fixtures: databases (SQLite always; PostgreSQL and Redis when running), the bot.

On a machine without PostgreSQL or Redis their tests are skipped with the reason; CI sets
REQUIRE_SERVICES=1, which turns such a skip into a failure.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.settings import Settings
from storage.db import Database, upgrade

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

TEMP_PREFIX = f"campaignbot-test-{os.getpid()}-"
"""Names of what this test session makes in the temporary folder itself start with this; the
process id tells them from those of test runs going on at the same time on the machine."""
_data_root: Path | None = None


@pytest.fixture(scope="session", autouse=True)
def _nothing_left_in_tmp() -> Iterator[None]:
    """Fails the run when it leaves entries of its own in the temporary folder.

    Only names this session can have made are looked at -- ``TEMP_PREFIX``, which is also the
    default prefix of ``tempfile`` names made in this process during the run instead of
    ``tmp`` -- so other programs and test runs using the folder at the same time are never
    blamed. pytest's own ``tmp_path`` folders (``pytest-of-<user>``) are pytest's to keep.
    """
    folder = Path(tempfile.gettempdir())
    before = {p.name for p in folder.iterdir()}
    template = tempfile.template
    tempfile.template = TEMP_PREFIX + "tmp"
    try:
        yield
    finally:
        tempfile.template = template
    left = sorted(
        p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX) and p.name not in before
    )
    if left:
        pytest.fail(f"the tests left {len(left)} entries in {folder}: {', '.join(left[:20])}")


@pytest.fixture(scope="session", autouse=True)
def _settings_data_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Where `make_settings` makes each bot's data folder: under pytest's own temporary folder."""
    global _data_root  # noqa: PLW0603 - make_settings is a plain function, called from anywhere
    _data_root = tmp_path_factory.mktemp("settings-data")
    try:
        yield
    finally:
        _data_root = None


def _fresh_data_dir() -> Path:
    if _data_root is None:  # outside a test session (nothing removes it then)
        return Path(tempfile.mkdtemp(prefix=TEMP_PREFIX + "data-"))
    return Path(tempfile.mkdtemp(prefix="data-", dir=_data_root))


def _unavailable(what: str, why: str) -> None:
    msg = f"{what} is not reachable ({why})"
    if REQUIRE_SERVICES:
        pytest.fail(msg + "; REQUIRE_SERVICES=1 forbids skipping", pytrace=False)
    pytest.skip(msg)


def _load_bundled_campaign(url: str) -> None:
    from storage.campaign_sync import ensure_campaign_loaded

    async def go() -> None:
        db = Database(url)
        try:
            await ensure_campaign_loaded(db, None)
        finally:
            await db.dispose()

    asyncio.run(go())


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the bundled campaign loaded, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "bot.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    _load_bundled_campaign(url)
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    target = tmp_path / "bot.db"
    shutil.copy(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, migrated, dropped at the end."""
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as exc:
        _unavailable("PostgreSQL at " + PG_ADMIN_URL, type(exc).__name__)
        raise
    name = f"campaignbot_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _reset_postgres(url: str) -> None:
    import psycopg
    from sqlmodel import SQLModel

    import storage.models  # noqa: F401

    tables = ", ".join(f'"{t}"' for t in SQLModel.metadata.tables)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture
def pg_url(pg_database: str) -> str:
    _reset_postgres(pg_database)
    _load_bundled_campaign(pg_database)
    return pg_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db_url(request: pytest.FixtureRequest) -> str:
    """Each storage test runs on SQLite and on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis database emptied before and after the test."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except Exception as exc:
        client.close()
        _unavailable("Redis at " + REDIS_URL, type(exc).__name__)
    client.flushdb()
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()


def make_settings(db_url: str, **overrides: object) -> Settings:
    """Settings for a test: nothing from the developer's environment or `.env` leaks in."""
    base: dict[str, Any] = {
        # Conversation tests must not be interrupted by reminders; their own tests enable them.
        "reminders_enabled": False,
        "database_url": db_url,
        "redis_url": None,
        "telegram_bot_token": None,
        "zalo_bot_token": None,
        "webhook_base_url": None,
        "webhook_secret": None,
    }
    base.update(overrides)
    if "data_dir" not in base:
        # Uploads go to a fresh folder under this session's pytest temporary folder (not ./data
        # of whoever runs the tests, nor a folder of its own in /tmp that nothing removes).
        base["data_dir"] = _fresh_data_dir()
    return Settings.model_validate(base)
