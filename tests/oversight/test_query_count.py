"""The oversight commands run a fixed number of statements, not one per unit: the same count
with 5 units as with 50, on SQLite and on PostgreSQL (counted with a SQLAlchemy listener)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bench.bench_oversight import TZ, console, counting, fill, load, register, synthetic_campaign
from core.texts import oversight as tx
from storage.db import Database

COMMANDS = (
    ("admin", "/tonghop 3/2024"),
    ("admin", "/quahan"),
    ("admin", "/dondoc"),
    ("admin", "/khenthuong"),
    ("admin", "/duyet"),
    ("admin", "/xuat"),
    ("focal", "/tinhtrang"),
)


async def statements_per_command(db: Database, n_units: int, tmp: Path) -> dict[str, int]:
    campaign = synthetic_campaign(n_units, campaign_id=f"count-{n_units}")
    await load(db, campaign)
    await fill(db, campaign, months=3)
    await register(db, campaign, "PNV", "admin", f"admin-{n_units}")
    await register(db, campaign, "PVHTT", "focal", f"focal-{n_units}")
    now = datetime(2024, 4, 15, 9, tzinfo=TZ).astimezone(UTC)
    c = console(db, campaign, tmp / str(n_units), now)
    counts = {}
    for who, command in COMMANDS:
        with counting(db) as seen:
            replies = await c.send(f"{who}-{n_units}", command)
        assert replies, command
        assert not replies[0].text.startswith(tx.NO_SCOPE[:30]), command
        counts[command] = len(seen)
    return counts


async def test_statement_count_does_not_grow_with_units(any_db_url: str, tmp_path: Path) -> None:
    db = Database(any_db_url)
    try:
        few = await statements_per_command(db, 5, tmp_path)
        many = await statements_per_command(db, 50, tmp_path)
    finally:
        await db.dispose()
    assert few == many
    # Reading who writes, then the command's own reads: a handful each.
    assert max(few.values()) <= 15, few
