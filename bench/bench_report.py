"""A report step through the whole stack, against a bare aiogram echo bot on the same server.

Run: `.venv/bin/python -m bench.bench_report [--users 200] [--steps 24] [--rate 100] [--runs 3]`

Many focal points, spread over the communes, go through `/baocao` at once against the fake
Telegram server (the fake Zalo server with `--channel zalo`). Each step is one answer: the
update is stored, the state read and written, the value recorded, the reply sent; each round
ends with the summary confirmed, so values are saved, and the next round reports the next
month. The same number of messages is then sent to a bare aiogram echo bot on the same fake
server. Each side runs in a fresh interpreter, so that neither inherits the other's warmed
caches or garbage-collector state. Printed: throughput and CPU a step of each (medians of the
runs) and their ratio, what the bot stored, then the reply-time percentiles at a steady rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import echo_bot, median, percentile

# The communes open all year: the focal points are spread over them, each asked the same
# commune indicators (Hòa Lạc closes on 31/10 and would refuse the last months).
UNITS = [
    *("P_KA_LONG", "P_TRAN_PHU", "P_NINH_DUONG", "P_TRA_CO", "X_HAI_SON", "X_BAC_SON"),
    *("X_HAI_DONG", "X_HAI_TIEN", "P_HAI_YEN", "X_QUANG_NGHIA", "P_HAI_HOA", "X_HAI_XUAN"),
    *("X_VAN_NINH", "P_BINH_NGOC", "X_VINH_TRUNG", "X_VINH_THUC"),
]


def answer_for(text: str, round_no: int = 0) -> str:
    """A valid answer to the question in `text` (the benchmark answers like a person).

    Each round is a whole report, confirmed, so that values are stored; the next round
    reports the next month."""
    if "1. Có" in text:
        return "có"
    if "1. Xuất sắc" in text:
        return "Khá"
    if "để xác nhận gửi" in text:
        return "gửi"
    if "Đã gửi báo cáo" in text:
        return "/baocao"
    if "Anh/Chị báo cáo cho tháng nào" in text:
        return f"{3 + round_no % 10}/2024"
    if "đang làm dở" in text:
        return "2"
    return "95,5"


async def _prepare_db(url: str, channel: str, ids: list[str]) -> None:
    """Register the focal points directly in the database (registration is not measured)."""
    from storage.campaign_sync import ensure_campaign_loaded
    from storage.db import Database, upgrade

    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    cid = await ensure_campaign_loaded(db, None)
    await _register(db, cid, channel, ids)
    await db.dispose()


async def _register(db: Any, campaign_id: str, channel: str, ids: list[str]) -> None:
    from storage.queries.people import create_person
    from storage.queries.units import get_unit_by_code

    async with db.transaction() as conn:
        units = [await get_unit_by_code(conn, campaign_id=campaign_id, code=c) for c in UNITS]
        for i, ext in enumerate(ids):
            unit = units[i % len(units)]
            assert unit is not None
            await create_person(
                conn,
                full_name=f"Đầu mối {ext}",
                unit_id=unit.id,
                role="focal",
                channel=channel,
                external_id=ext,
                chat_id=ext,
            )


async def _stored(app: Any) -> dict[str, int]:
    """What the steps left in the database: proof that the work measured was really done."""
    from sqlalchemy import text

    async with app.db.read() as conn:
        return {
            name: int(await conn.scalar(text(sql)))
            for name, sql in (
                ("values_stored", "SELECT count(*) FROM indicator_value"),
                ("changes_kept", "SELECT count(*) FROM indicator_value_history"),
                ("reports_stored", "SELECT count(*) FROM report_submission"),
                ("sent", "SELECT count(*) FROM outbox WHERE status = 'sent'"),
            )
        }


def _external_id(channel: str, n: int) -> str:
    from tests.e2e.messengers import telegram_id, zalo_id

    return str(telegram_id(n)) if channel == "telegram" else zalo_id(n)


async def _drive(
    messenger: Any, users: list[int], steps: int, script: bool
) -> tuple[float, list[float]]:
    """Every user does `steps` steps as fast as the bot answers; returns (seconds, latencies)."""
    latencies: list[float] = []

    async def one(n: int) -> None:
        user = messenger.user(n, f"Người {n}")
        text, rounds = "/baocao", 0
        for _ in range(steps):
            t0 = time.perf_counter()
            await user.send_text(text)
            reply = await user.expect_message(timeout=60)
            latencies.append(time.perf_counter() - t0)
            rounds += "Đã gửi báo cáo" in reply
            text = answer_for(reply, rounds) if script else f"tin {n}"

    t0 = time.perf_counter()
    await asyncio.gather(*(one(u) for u in users))
    return time.perf_counter() - t0, latencies


async def _steady(
    messenger: Any, users: list[int], rate: float, seconds: float, script: bool
) -> list[float]:
    """Messages arrive at `rate` per second in all (each user waits for its reply)."""
    latencies: list[float] = []
    per_user_interval = len(users) / rate
    t_begin = time.perf_counter()

    async def one(i: int, n: int) -> None:
        user = messenger.user(n, f"Người {n}")
        text, rounds = "/baocao", 0
        k = 0
        while True:
            at = t_begin + i / rate + k * per_user_interval
            if at - t_begin > seconds:
                return
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            t0 = time.perf_counter()
            await user.send_text(text)
            reply = await user.expect_message(timeout=60)
            latencies.append(time.perf_counter() - t0)
            rounds += "Đã gửi báo cáo" in reply
            text = answer_for(reply, rounds) if script else f"tin {n}"
            k += 1

    await asyncio.gather(*(one(i, u) for i, u in enumerate(users)))
    return latencies


async def _measure(
    messenger: Any, *, users: int, steps: int, rate: float, seconds: float, script: bool
) -> dict[str, Any]:
    burst = list(range(1, users + 1))
    steady = list(range(100_001, 100_001 + min(users, 100)))
    # Warm-up: the first messages pay for lazily built types and caches, on both sides.
    await _drive(messenger, [9_999], 3, script)
    cpu0 = time.process_time()
    elapsed, lat = await _drive(messenger, burst, steps, script)
    cpu = time.process_time() - cpu0
    out: dict[str, Any] = {
        "throughput": users * steps / elapsed,
        "cpu_ms_per_step": cpu / (users * steps) * 1000,
        "burst_p50_ms": percentile(lat, 50) * 1000,
    }
    lat = await _steady(messenger, steady, rate, seconds, script)
    out.update(
        steady_p50_ms=percentile(lat, 50) * 1000,
        steady_p99_ms=percentile(lat, 99) * 1000,
        steady_n=len(lat),
    )
    return out


async def run_bot(
    *, channel: str, users: int, steps: int, rate: float, seconds: float, db_url: str | None
) -> dict[str, Any]:
    from bot.app import App
    from tests.e2e.messengers import open_messenger

    tmp = Path(tempfile.mkdtemp(prefix="bench-report-"))
    url = db_url or f"sqlite:///{tmp / 'bot.db'}"
    ids = [
        _external_id(channel, n)
        for n in [9_999, *range(1, users + 1), *range(100_001, 100_001 + min(users, 100))]
    ]
    await _prepare_db(url, channel, ids)
    async with open_messenger(channel) as messenger:
        # Raw capacity is measured: lift the messengers' send limits (30/s in service), which
        # the echo bot does not keep either.
        settings = messenger.settings_for(
            url, telegram_rate_per_second=1e6, zalo_rate_per_second=1e6
        )
        app = await App.create(settings)
        stop = asyncio.Event()
        task = asyncio.create_task(app.run(stop))
        await app.ready.wait()
        try:
            result = await _measure(
                messenger, users=users, steps=steps, rate=rate, seconds=seconds, script=True
            )
            result.update(await _stored(app))
            return result
        finally:
            stop.set()
            await task
            await app.close()
            shutil.rmtree(tmp, ignore_errors=True)


async def run_echo(
    *, channel: str, users: int, steps: int, rate: float, seconds: float
) -> dict[str, Any]:
    from bench.common import zalo_echo_bot
    from tests.e2e.messengers import TELEGRAM_TOKEN, ZALO_TOKEN, open_messenger

    async with open_messenger(channel) as messenger:
        echo = (
            echo_bot(TELEGRAM_TOKEN, messenger.base_url)
            if channel == "telegram"
            else zalo_echo_bot(ZALO_TOKEN, messenger.base_url)
        )
        async with echo:
            return await _measure(
                messenger, users=users, steps=steps, rate=rate, seconds=seconds, script=False
            )


def _one(side: str, args: argparse.Namespace) -> dict[str, Any]:
    """One measurement of one side, in this process."""
    common = {
        "channel": args.channel,
        "users": args.users,
        "steps": args.steps,
        "rate": args.rate,
        "seconds": args.seconds,
    }
    if side == "bot":
        return asyncio.run(run_bot(**common, db_url=args.database_url))
    return asyncio.run(run_echo(**common))


def _in_fresh_process(side: str, argv: list[str]) -> dict[str, Any]:
    """One measurement in a new interpreter: process-wide state (pydantic's caches, the
    garbage collector's frozen objects, warmed imports) must not pass from one side to the
    other, as it did when both ran in one process."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_report", *argv, "--side", side],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--channel", choices=("telegram", "zalo"), default="telegram")
    p.add_argument("--users", type=int, default=200)
    p.add_argument("--steps", type=int, default=24)
    p.add_argument("--rate", type=float, default=100.0)
    p.add_argument("--seconds", type=float, default=8.0)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    p.add_argument("--side", choices=("bot", "echo"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    import logging

    logging.basicConfig(level=logging.ERROR)
    if args.side:
        print(json.dumps(_one(args.side, args)))
        return 0
    passed = list(sys.argv[1:] if argv is None else argv)
    bots: list[dict[str, Any]] = []
    echoes: list[dict[str, Any]] = []
    for run in range(args.runs):
        # Alternate the order so that neither side always runs on a warmer machine.
        order = ["echo", "bot"] if run % 2 else ["bot", "echo"]
        for name in order:
            result = _in_fresh_process(name, passed)
            (bots if name == "bot" else echoes).append(result)
            print(
                f"{args.channel} run {run + 1} {name:>4}: {result['throughput']:.0f} steps/s "
                f"({result['cpu_ms_per_step']:.2f} ms CPU a step), steady p50 "
                f"{result['steady_p50_ms']:.1f} ms p99 {result['steady_p99_ms']:.1f} ms "
                f"({result['steady_n']} replies)",
                flush=True,
            )
    last = bots[-1]
    print(
        f"{args.channel}: the bot's last run stored {last['values_stored']} indicator values "
        f"({last['changes_kept']} changes in their history) in {last['reports_stored']} "
        f"reports, and sent {last['sent']} replies"
    )
    bot_tp = median([r["throughput"] for r in bots])
    echo_tp = median([r["throughput"] for r in echoes])
    ratios = [b["throughput"] / e["throughput"] for b, e in zip(bots, echoes, strict=True)]
    bot_cpu = median([r["cpu_ms_per_step"] for r in bots])
    echo_cpu = median([r["cpu_ms_per_step"] for r in echoes])
    print()
    print(
        f"{args.channel}: report step throughput: bot {bot_tp:.0f}/s, echo {echo_tp:.0f}/s, "
        f"ratio of medians {bot_tp / echo_tp:.2f}, median of per-run ratios {median(ratios):.2f}"
    )
    print(
        f"{args.channel}: CPU a step (bot, fake server and driver in one process): "
        f"bot {bot_cpu:.2f} ms, echo {echo_cpu:.2f} ms, ratio {echo_cpu / bot_cpu:.2f}"
    )
    print(
        f"{args.channel}: steady {args.rate:.0f}/s: bot p50 "
        f"{median([r['steady_p50_ms'] for r in bots]):.1f} ms, "
        f"p99 {median([r['steady_p99_ms'] for r in bots]):.1f} ms; echo p99 "
        f"{median([r['steady_p99_ms'] for r in echoes]):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
