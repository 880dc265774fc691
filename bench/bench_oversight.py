"""Oversight at scale: 2,000 (or 20,000) units, every indicator, twelve monthly reports.

    .venv/bin/python -m bench.bench_oversight [--units 2000] [--db sqlite|postgres|both]
                                              [--runs 3] [--postgres URL]

Builds a campaign like the bundled one with that many units, fills a fresh database (SQLite,
PostgreSQL, or both) with a year of reports, documents and initiatives, and times the real
commands through the router as an admin and a focal point would send them: `/tonghop` (the
overview), `/tinhtrang` (one unit's status), `/xuat` (the Excel export) and `/khenthuong`.

Each figure is what a person waits for: from the command to its last reply with the chart or
file ready, i.e. the transaction *and* the work it queued with `ctx.after_commit` (drawing the
chart, writing the workbook), as the pipeline runs them before delivering the replies. Each is
the median of `--runs`, printed with its ratio to a baseline measured in the same run on the
same database, `/start` of a registered person (one round trip through the router and one
transaction, nothing drawn or written), and with the CPU time this process spent meanwhile
(all threads; not the PostgreSQL server's): on a shared machine the wall time follows the
load, the CPU time much less. It prints the statements each ran: their count does not
grow with the number of units.

`synthetic_campaign`, `load` and `fill` are also used by the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, insert, select

from core.campaign import Campaign, bundled_campaign_path, load_campaign
from core.conversation import Ctx, Router, Services
from core.domain.periods import Month, period_for
from core.domain.values import format_value, to_json
from core.messages import Incoming, Kind, Reply
from core.runtime import tune_gc
from core.settings import Settings
from storage.db import Database, upgrade
from storage.models import (
    Document,
    IndicatorValue,
    Initiative,
    ReportSubmission,
    Unit,
)
from storage.models import table as table_of
from storage.queries import people
from storage.queries.people import find_identity

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2025, 1, 6)  # the year's reports are all in
KINDS_MIX = (
    ("COMMUNE", 40),
    ("CITY_OFFICE", 15),
    ("CITY_PSU", 10),
    ("EDU_HEALTH_PSU", 15),
    ("PROV_AGENCY", 5),
    ("PARTY_BODY", 5),
    ("MASS_ORG", 7),
    ("MEDIA", 3),
)
FLAGGED = frozenset({"COMMUNE", "CITY_OFFICE"})
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


# -- the campaign ---------------------------------------------------------------------------


def synthetic_campaign(n_units: int, *, campaign_id: str | None = None) -> Campaign:
    """The bundled campaign with `n_units` units: the bundled ones (when there is room for
    them) and generated ones of every kind; indicators for named units keep only those kept."""
    base = load_campaign(bundled_campaign_path()).model_dump(
        by_alias=True, mode="json", exclude_none=True
    )
    bundled = base["units"]
    if n_units >= len(bundled):
        units = list(bundled)
    else:
        units = [u for u in bundled if u["code"] in ("PNV", "PVHTT")]
    kinds = [k for k, weight in KINDS_MIX for _ in range(weight)]
    i = 0
    while len(units) < n_units:
        i += 1
        kind = kinds[i % len(kinds)]
        units.append(
            {
                "code": f"U{i:05d}",
                "name": f"Đơn vị thử nghiệm số {i}",
                "kind": kind,
                "has_annual_par_index": kind in FLAGGED,
            }
        )
    kept = {u["code"] for u in units}
    indicators = []
    for spec in base["indicators"]:
        ind = dict(spec)
        ind["applies_to_units"] = [c for c in ind.get("applies_to_units", []) if c in kept]
        if ind.get("applies_to") or ind["applies_to_units"]:
            indicators.append(ind)
    base["units"] = units
    base["indicators"] = indicators
    base["campaign"] = {**base["campaign"], "id": campaign_id or f"bench-{n_units}-units"}
    return Campaign.model_validate(base)


async def load(db: Database, campaign: Campaign) -> None:
    """Put the campaign's definition, units, indicators and deadlines in the database."""
    from storage.campaign_sync import sync_campaign

    sha = hashlib.sha256(campaign.model_dump_json().encode()).hexdigest()
    async with db.transaction() as conn:
        await sync_campaign(conn, campaign, sha)


def _at(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randint(7, 17), tzinfo=TZ).astimezone(UTC)


def _value(ind: Any, rng: random.Random, scale: tuple[str, ...]) -> Any:
    target = ind.target.value if ind.target is not None else None
    if ind.type == "percent":
        high = float(target) if isinstance(target, int | float) else 100.0
        return round(rng.uniform(high * 0.9, high * 1.05 if high < 100 else 100.0), 2)
    if ind.type == "count":
        high = int(target) if isinstance(target, int | float) else 10
        return rng.randint(0, high * 2)
    if ind.type == "yes_no":
        return rng.random() < 0.9
    if ind.type == "rating":
        return rng.choice(scale[1:])
    return "Đã triển khai theo kế hoạch."


@dataclass
class Filled:
    values: int = 0
    submissions: int = 0
    documents: int = 0
    initiatives: int = 0


async def fill(db: Database, campaign: Campaign, *, months: int = 12, seed: int = 7) -> Filled:
    """A year of history: each unit's monthly reports (a few values missing or skipped, some
    sent late), its launch document (most on time), one or two initiatives."""
    rng = random.Random(seed)
    cid = campaign.campaign.id
    u = table_of(Unit)
    async with db.read() as conn:
        found = await conn.execute(select(u.c.code, u.c.id).where(u.c.campaign_id == cid))
        ids = {str(r[0]): int(r[1]) for r in found}
    values: list[dict[str, Any]] = []
    subs: list[dict[str, Any]] = []
    docs: list[dict[str, Any]] = []
    inits: list[dict[str, Any]] = []
    year = campaign.campaign.year
    for unit in campaign.units:
        uid = ids[unit.code]
        asked = campaign.indicators_for(unit)
        once_done = False
        for m in range(1, months + 1):
            month = Month(year, m)
            periods: set[str] = set()
            sent = _at(date(year, m, 28) + timedelta(days=rng.randint(0, 12)), rng)
            for ind in asked:
                period = period_for(ind.frequency, month)
                if period is None or (ind.frequency == "once" and once_done):
                    continue
                roll = rng.random()
                if roll < 0.04:
                    continue
                row: dict[str, Any] = {
                    "campaign_id": cid,
                    "unit_id": uid,
                    "indicator_code": ind.code,
                    "period": period,
                    "submitted_at": sent,
                }
                if roll < 0.06:
                    row.update(value=None, display="", skipped_reason="Chưa có số liệu")
                else:
                    v = _value(ind, rng, campaign.rating_scale)
                    row.update(
                        value=to_json(v, ind.type),
                        display=format_value(ind.type, v),
                        skipped_reason=None,
                    )
                values.append(row)
                periods.add(period)
            once_done = True
            subs += [
                {"campaign_id": cid, "unit_id": uid, "period": p, "submitted_at": sent}
                for p in sorted(periods)
            ]
        if rng.random() < 0.9:
            day = date(year, 3, 1) + timedelta(days=rng.randint(0, 40))
            docs.append(
                {
                    "campaign_id": cid,
                    "unit_id": uid,
                    "doc_type": "LAUNCH_DOC",
                    "number": f"{rng.randint(1, 99)}/KH-{unit.code[:6]}",
                    "doc_date": day - timedelta(days=2),
                    "stored_name": f"{uuid.uuid4().hex}.pdf",
                    "original_name": "ke-hoach-phat-dong.pdf",
                    "submitted_at": _at(day, rng),
                    "deadline_code": "D01",
                }
            )
        for n in range(rng.choice((0, 1, 1, 2))):
            title = f"Sáng kiến số {n + 1} của {unit.name}"
            inits.append(
                {
                    "campaign_id": cid,
                    "unit_id": uid,
                    "kind": "sang_kien",
                    "title": title,
                    "title_folded": title.lower(),
                    "area_code": "A2",
                    "status": rng.choice(("registered", "applying", "effective")),
                    "created_at": _at(date(year, 3, 1) + timedelta(days=rng.randint(0, 60)), rng),
                    "updated_at": _at(date(year, 5, 1), rng),
                }
            )
    async with db.transaction() as conn:
        for table, rows in (
            (table_of(IndicatorValue), values),
            (table_of(ReportSubmission), subs),
            (table_of(Document), docs),
            (table_of(Initiative), inits),
        ):
            for start in range(0, len(rows), 5000):
                await conn.execute(insert(table), rows[start : start + 5000])
    return Filled(len(values), len(subs), len(docs), len(inits))


# -- talking to the router ------------------------------------------------------------------


def oversight_router() -> Router:
    from handlers import admin, build_router, status

    root = build_router()
    root.include(status.router)
    root.include(admin.router)
    return root


@dataclass
class Console:
    """Sends commands to the real router as a registered person, as the pipeline would."""

    db: Database
    services: Services
    router: Router
    keys: Iterator[int] = field(default_factory=lambda: iter(range(1, 10**9)))

    async def send(self, external_id: str, text: str) -> list[Reply]:
        """Handle `text` in one transaction, then run the work it queued for after the commit
        (the chart, the workbook), as the pipeline does before it delivers the replies."""
        msg = Incoming("telegram", f"b{next(self.keys)}", external_id, external_id, Kind.TEXT, text)
        async with self.db.transaction() as conn:
            who = await find_identity(conn, channel="telegram", external_id=external_id)
            ctx = Ctx(msg=msg, conn=conn, services=self.services, who=who)
            await self.router.dispatch(ctx)
        for hook in ctx.committed:
            await hook()
        return ctx.replies


def _settings(url: str, data_dir: Path) -> Settings:
    """Settings for the benchmark only: nothing from the environment or `.env`."""
    return Settings.model_validate(
        {
            "database_url": url,
            "data_dir": data_dir,
            "redis_url": None,
            "telegram_bot_token": None,
            "zalo_bot_token": None,
            "webhook_base_url": None,
            "webhook_secret": None,
        }
    )


def console(db: Database, campaign: Campaign, data_dir: Path, now: datetime) -> Console:
    """A console on the real router (with the oversight commands) at the moment `now`."""
    router = oversight_router()
    services = Services(
        settings=_settings(db.url, data_dir),
        campaign_id=campaign.campaign.id,
        clock=lambda: now,
        router=router,
        campaign=campaign,
    )
    return Console(db, services, router)


async def register(db: Database, campaign: Campaign, unit_code: str, role: str, ext: str) -> None:
    u = table_of(Unit)
    async with db.transaction() as conn:
        uid = (
            await conn.execute(
                select(u.c.id).where(u.c.campaign_id == campaign.campaign.id, u.c.code == unit_code)
            )
        ).scalar_one()
        await people.create_person(
            conn,
            full_name="Bench",
            unit_id=uid,
            role=role,
            channel="telegram",
            external_id=ext,
            chat_id=ext,
        )


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    """Every SQL statement run on `db` while the block runs."""
    seen: list[str] = []

    def on(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            seen.append(statement)

    engine = db.sync_engine if db.sync_engine is not None else db.engine.sync_engine  # type: ignore[union-attr]
    event.listen(engine, "before_cursor_execute", on)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on)


# -- the benchmark --------------------------------------------------------------------------


async def _median(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    """The median wall time and the median CPU time of this process (all its threads: the
    workbook and the chart are written in threads) over `runs` calls of `fn`."""
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        await fn()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


COMMANDS = (
    ("/tonghop 12/2024 until its chart is drawn", "admin-1", "/tonghop 12/2024"),
    ("/tinhtrang (one unit's status) until its reply", "focal-1", "/tinhtrang"),
    ("/xuat (whole campaign) until the file is written", "admin-1", "/xuat"),
    ("/khenthuong (awards ranking) until its reply", "admin-1", "/khenthuong"),
)


async def bench(url: str, n_units: int, label: str, runs: int = 3) -> None:
    db = Database(url)
    try:
        campaign = synthetic_campaign(n_units)
        started = time.perf_counter()
        await load(db, campaign)
        filled = await fill(db, campaign)
        setup = time.perf_counter() - started
        await register(db, campaign, "PNV", "admin", "admin-1")
        await register(db, campaign, "P_KA_LONG", "focal", "focal-1")
        now = datetime(TODAY.year, TODAY.month, TODAY.day, 9, tzinfo=TZ).astimezone(UTC)
        with tempfile.TemporaryDirectory() as tmp:
            c = console(db, campaign, Path(tmp), now)
            tune_gc()  # as `python -m bot run` does once started
            print(
                f"\n{label}: {len(campaign.units)} units, {filled.values} values, "
                f"{filled.submissions} submissions, {filled.documents} documents, "
                f"{filled.initiatives} initiatives (filled in {setup:.1f} s)"
            )
            baseline, base_cpu = await _median(lambda: c.send("admin-1", "/start"), runs)
            print(
                f"  {'what a person waits for (median of ' + str(runs) + ')':<52}"
                "     wall   ×baseline   CPU of this process"
            )
            print(
                f"  {'baseline: /start, one round trip':<52} {baseline * 1000:8.1f} ms"
                f"{'':12}{base_cpu * 1000:8.1f} ms"
            )
            for name, who, command in COMMANDS:
                with counting(db) as statements:
                    replies = await c.send(who, command)
                assert replies, command
                for reply in replies:  # the chart or the file is there when the reply goes
                    if (a := reply.attachment) is not None:
                        assert await asyncio.to_thread(os.path.getsize, a.path), command

                async def run(who: str = who, command: str = command) -> None:
                    await c.send(who, command)

                seconds, cpu = await _median(run, runs)
                print(
                    f"  {name:<52} {seconds * 1000:8.0f} ms  ×{seconds / baseline:8.0f}"
                    f"  {cpu * 1000:8.0f} ms  {len(statements):3d} statements"
                )
    finally:
        await db.dispose()


def _fresh_postgres(admin_url: str) -> tuple[str, Callable[[], None]] | None:
    try:
        import psycopg

        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except Exception as exc:  # any failure means: no PostgreSQL here
        print(f"\nPostgreSQL at {admin_url} is not reachable ({type(exc).__name__}): skipped")
        return None
    name = f"bench_oversight_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{admin_url.rsplit('/', 1)[0]}/{name}"

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return url, drop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3, help="the median of this many runs")
    parser.add_argument("--postgres", default=PG_URL, help="an admin URL to create a database")
    parser.add_argument("--no-postgres", action="store_true", help="the same as --db sqlite")
    args = parser.parse_args(argv)
    if args.no_postgres:
        args.db = "sqlite"
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            upgrade(url)
            asyncio.run(bench(url, args.units, "SQLite", args.runs))
    if args.db in ("postgres", "both"):
        fresh = _fresh_postgres(args.postgres)
        if fresh is not None:
            url, drop = fresh
            try:
                upgrade(url)
                asyncio.run(bench(url, args.units, "PostgreSQL", args.runs))
            finally:
                drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
