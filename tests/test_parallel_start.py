"""Two workers started together on a fresh PostgreSQL database (issue 14): both migrate and
load the campaign file at once; neither may die (`UniqueViolation … campaign_pkey`,
`alembic_version` created twice), and the campaign is there once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from tests.conftest import PG_ADMIN_URL

pytestmark = pytest.mark.postgres

# What `python -m bot run` does before serving: migrations, then the campaign file.
STARTUP = """
import asyncio, sys, time
from storage.db import Database, upgrade
from storage.campaign_sync import ensure_campaign_loaded
url, at = sys.argv[1], float(sys.argv[2])
time.sleep(max(0.0, at - time.time()))
upgrade(url)
async def main():
    db = Database(url)
    try:
        print(await ensure_campaign_loaded(db, None))
    finally:
        await db.dispose()
asyncio.run(main())
"""


@pytest.fixture
def fresh_pg() -> Iterator[str]:
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as exc:
        pytest.skip(f"PostgreSQL not reachable ({type(exc).__name__})")
    name = f"campaignbot_fresh_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_two_workers_start_together_on_a_fresh_database(fresh_pg: str) -> None:
    at = time.time() + 4.0  # both are imported by then, and start within milliseconds
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", STARTUP, fresh_pg, str(at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=180) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err.decode()[-2000:]
    with psycopg.connect(fresh_pg) as conn:
        campaigns = conn.execute("SELECT count(*) FROM campaign").fetchone()
        loads = conn.execute(
            "SELECT count(*) FROM audit_log WHERE entity = 'campaign' AND action = 'load'"
        ).fetchone()
    assert campaigns == (1,)
    assert loads == (1,)
