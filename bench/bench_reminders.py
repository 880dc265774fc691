"""Reminders at scale: planning for 10,000 units × 10 deadlines, and a fan-out of 5,000
reminders through the fake Telegram Bot API server at a configured rate limit.

    .venv/bin/python -m bench.bench_reminders [--units 10000] [--deadlines 10]
        [--fanout 5000] [--limit 200] [--database-url URL]

Prints, without judging (machines differ):

- pure planning (every slot of the year for every unit and recipient), median of 3;
- the database plan at one moment (rows inserted within the 7-day horizon), then the same plan
  again (idempotent: nothing to insert), on SQLite by default;
- the fan-out: reminders sent, seconds, achieved rate as a share of the configured limit, and
  how many times the fake server saw the limit exceeded (globally or per chat) — which should
  be 0. The limit is configurable (200/s by default rather than Telegram's 30/s, to keep the
  run short); the sender aims at 90 % of it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from bot.channels.telegram import TelegramChannel, make_bot
from core.campaign.schema import Campaign
from core.messages import Incoming
from core.ratelimit import Limits
from schedules.calendar import WorkCalendar
from schedules.planner import PlanSettings, ReminderPlan, plan
from schedules.sender import ReminderSender, SendSettings
from storage.campaign_sync import sync_campaign
from storage.db import Database, upgrade
from storage.models import ChatIdentity, Membership, Person
from storage.models import table as table_of
from storage.queries import deadlines as dq
from storage.queries.reminders import MemberRow

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-token"  # noqa: S105 - the fake server's fake token
KINDS = ("OFFICE", "PSU", "COMMUNE", "PARTY", "MASS")
_P = table_of(Person)
_M = table_of(Membership)
_C = table_of(ChatIdentity)


def synthetic_campaign(
    units: int, deadlines: int, *, before_days: Sequence[int] | None = None
) -> Campaign:
    """A campaign with `units` units of five kinds and `deadlines` deadlines, one a month."""
    ddl = []
    for i in range(deadlines):
        due = date(2024, 3 + i % 10, 15)
        fulfilled: dict[str, Any] = (
            {"document": "DOC"}
            if i % 3 == 0
            else {"report": {"frequency": "monthly"}}
            if i % 3 == 1
            else {"initiative": "registered"}
        )
        d: dict[str, Any] = {
            "code": f"D{i + 1:02d}",
            "title": f"Nội dung số {i + 1}",
            "due": due.isoformat(),
            "applies_to": {"kinds": list(KINDS)},
            "fulfilled_by": fulfilled,
            "command": "/baocao",
        }
        if before_days is not None:
            d["reminders"] = {"before_days": list(before_days), "repeat_after_days": 0}
        ddl.append(d)
    data = {
        "schema_version": 1,
        "campaign": {
            "id": f"bench-{units}-{deadlines}",
            "title": "Thi đua thử nghiệm",
            "short_title": "Thử nghiệm",
            "year": 2024,
            "period": {"start": "2024-01-01", "end": "2024-12-31"},
            "coordinator_unit": "U00000",
        },
        "unit_kinds": [{"code": k, "label": f"Loại {k}"} for k in KINDS],
        "units": [
            {"code": f"U{i:05d}", "name": f"Đơn vị số {i}", "kind": KINDS[i % len(KINDS)]}
            for i in range(units)
        ],
        "rating_scale": ["Yếu", "Khá"],
        "indicators": [
            {
                "code": "T01",
                "label": "Chỉ tiêu",
                "type": "yes_no",
                "applies_to": list(KINDS),
                "frequency": "monthly",
            }
        ],
        "document_types": [{"code": "DOC", "label": "Văn bản"}],
        "deadlines": ddl,
    }
    return Campaign.model_validate(data)


def members_for(unit_ids: dict[str, int], since: datetime) -> list[MemberRow]:
    """A focal point in every unit; a deputy and a head in every tenth."""
    out: list[MemberRow] = []
    pid = 0
    for n, uid in enumerate(unit_ids.values()):
        roles = ("focal", "deputy", "head") if n % 10 == 0 else ("focal",)
        for role in roles:
            pid += 1
            out.append(MemberRow(pid, uid, role, since, ""))
    return out


def bench_pure(camp: Campaign, repeat: int) -> tuple[float, int]:
    unit_ids = {u.code: i + 1 for i, u in enumerate(camp.units)}
    members = members_for(unit_ids, datetime(2024, 1, 1, tzinfo=UTC))
    deadlines = dq.merge_deadlines(camp, [])
    times, count = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        the_plan = ReminderPlan(camp, deadlines, unit_ids, members, WorkCalendar(), PlanSettings())
        count = sum(1 for _ in the_plan.rows())
        times.append(time.perf_counter() - started)
    return statistics.median(times), count


async def load_people(
    db: Database, camp: Campaign, *, chats: bool, every_tenth_extra: bool = True
) -> dict[int, int]:
    """Persons with memberships (and Telegram chats) in bulk; returns person id → chat id."""
    from sqlalchemy import select

    since = datetime(2024, 1, 1, tzinfo=UTC)
    async with db.read() as conn:
        ids = await dq.unit_ids(conn, campaign_id=camp.campaign.id)
    persons: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    identities: list[dict[str, Any]] = []
    async with db.transaction() as conn:
        first = int(
            (await conn.execute(select(_P.c.id).order_by(_P.c.id.desc()).limit(1))).scalar() or 0
        )
        pid = first
        for n, (_code, uid) in enumerate(sorted(ids.items())):
            roles = ("focal", "deputy", "head") if every_tenth_extra and n % 10 == 0 else ("focal",)
            for role in roles:
                pid += 1
                persons.append({"id": pid, "full_name": f"Cán bộ {pid}", "created_at": since})
                memberships.append(
                    {
                        "person_id": pid,
                        "unit_id": uid,
                        "role": role,
                        "active": True,
                        "created_at": since,
                    }
                )
                if chats:
                    identities.append(
                        {
                            "person_id": pid,
                            "channel": "telegram",
                            "external_id": str(pid),
                            "chat_id": str(pid),
                            "display_name": "",
                            "active": True,
                            "created_at": since,
                            "last_seen_at": since,
                        }
                    )
        for table, rows in ((_P, persons), (_M, memberships), (_C, identities)):
            for i in range(0, len(rows), 2000):
                if rows[i : i + 2000]:
                    await conn.execute(insert(table), rows[i : i + 2000])
    return {int(p["id"]): int(p["id"]) for p in persons}


async def fresh_db(url: str | None, camp: Campaign) -> Database:
    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-reminders-')) / 'bot.db'}"
    upgrade(url)
    db = Database(url)
    async with db.transaction() as conn:
        await sync_campaign(conn, camp, sha256=camp.campaign.id)
    return db


async def bench_db_plan(camp: Campaign, url: str | None) -> tuple[float, int, float]:
    db = await fresh_db(url, camp)
    try:
        await load_people(db, camp, chats=False)
        now = datetime.combine(date(2024, 5, 13), dtime(7), tzinfo=TZ).astimezone(UTC)

        def clock() -> datetime:
            return now

        started = time.perf_counter()
        first = await plan(db, campaign=camp, clock=clock)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        again = await plan(db, campaign=camp, clock=clock)
        again_s = time.perf_counter() - started
        assert again.inserted == 0
        return first_s, first.inserted, again_s
    finally:
        await db.dispose()


async def _receive(_updates: Sequence[Incoming]) -> int:
    return 0


_SERVER = """
import asyncio, json, sys
from tests.fakes.telegram_server import FakeTelegramServer, RateLimits

async def main() -> None:
    limit, first, last = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    limits = RateLimits(global_limit=int(limit), global_window=1.0, chat_limit=1)
    async with FakeTelegramServer(token=sys.argv[4], rate_limits=limits) as server:
        for chat in range(first, last + 1):
            server.user(user_id=chat)
        print(server.base_url, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        found = list(server.rate_violations)
        print(json.dumps({
            "sent": len(server.sent),
            "global": sum(1 for v in found if v.scope == "global"),
            "chat": sum(1 for v in found if v.scope != "global"),
        }), flush=True)

asyncio.run(main())
"""


async def bench_fanout(count: int, limit: float, url: str | None) -> dict[str, float]:
    """`count` reminders due at once, through the fake Telegram server (in its own process,
    so that the sender has a core of its own, as it would against the real Bot API)."""
    camp = synthetic_campaign(count, 1, before_days=(0,))
    db = await fresh_db(url, camp)
    server = None
    try:
        people = await load_people(db, camp, chats=True, every_tenth_extra=False)
        due = camp.deadlines[0].due
        now = datetime.combine(due, dtime(7), tzinfo=TZ).astimezone(UTC)

        def clock() -> datetime:
            return now

        await plan(db, campaign=camp, clock=clock)
        now = datetime.combine(due, dtime(8), tzinfo=TZ).astimezone(UTC)
        server = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _SERVER,
            str(limit),
            str(min(people.values())),
            str(max(people.values())),
            TOKEN,
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert server.stdout is not None
        assert server.stdin is not None
        base_url = (await asyncio.wait_for(server.stdout.readline(), 120)).decode().strip()
        if not base_url.startswith("http"):
            raise RuntimeError("the fake Telegram server did not start")
        channel = TelegramChannel(make_bot(TOKEN, base_url), _receive)
        settings = SendSettings(
            limits={"telegram": Limits(limit, 1.0)}, concurrency=16, batch_size=200
        )
        sender = ReminderSender(db, {"telegram": channel}, clock=clock, settings=settings)
        try:
            started = time.perf_counter()
            report = await sender.run_once(camp)
            elapsed = time.perf_counter() - started
        finally:
            await channel.close()
        server.stdin.write(b"report\n")
        await server.stdin.drain()
        seen = json.loads(await asyncio.wait_for(server.stdout.readline(), 60))
        await asyncio.wait_for(server.wait(), 30)
        return {
            "sent": report.sent,
            "received": seen["sent"],
            "seconds": elapsed,
            "rate": report.sent / elapsed if elapsed else 0.0,
            "global_violations": seen["global"],
            "chat_violations": seen["chat"],
        }
    finally:
        if server is not None and server.returncode is None:
            server.kill()
            await server.wait()
        await db.dispose()


async def main(args: argparse.Namespace) -> None:
    print(f"Synthetic campaign: {args.units:,} units × {args.deadlines} deadlines")
    camp = synthetic_campaign(args.units, args.deadlines)
    pure_s, rows = bench_pure(camp, args.repeat)
    print(
        f"  pure planning, whole year: {rows:,} reminders (focal points, deputies, heads) "
        f"in {pure_s:.2f}s, median of {args.repeat} ({rows / pure_s:,.0f} rows/s)"
    )
    first_s, inserted, again_s = await bench_db_plan(camp, args.database_url)
    where = "PostgreSQL" if args.database_url and "postgres" in args.database_url else "SQLite"
    print(
        f"  database plan on {where} at 13/05/2024 07:00 (7-day horizon): {inserted:,} rows "
        f"inserted in {first_s:.2f}s; the same plan again (idempotent) in {again_s:.2f}s"
    )
    print(f"Fan-out: {args.fanout:,} reminders, configured limit {args.limit:.0f}/s, 1/s per chat")
    out = await bench_fanout(args.fanout, args.limit, args.database_url)
    print(
        f"  sent {out['sent']:,.0f} (the server received {out['received']:,.0f}) in "
        f"{out['seconds']:.1f}s: {out['rate']:.0f}/s = "
        f"{out['rate'] / args.limit:.2f} of the limit (the sender aims at 0.90)"
    )
    print(
        f"  limit violations seen by the fake server: {out['global_violations']:.0f} global, "
        f"{out['chat_violations']:.0f} per chat"
    )


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--units", type=int, default=10_000)
    p.add_argument("--deadlines", type=int, default=10)
    p.add_argument("--fanout", type=int, default=5_000)
    p.add_argument("--limit", type=float, default=200.0)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
