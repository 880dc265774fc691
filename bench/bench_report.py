"""A report step through the whole stack, against a bare aiogram echo bot on the same server.

Run: `.venv/bin/python -m bench.bench_report [--users 200] [--steps 20] [--rate 100] [--runs 3]`

Many focal points go through `/baocao` at once against the fake Telegram server (and the fake
Zalo server with `--channel zalo`). Each step is one answer: the update is stored, the state
read and written, the value recorded, the reply sent. The same workload of messages is then
sent to a bare aiogram echo bot on the same fake server, in the same run. Printed: throughput
of each (median of the runs) and their ratio, then the reply-time percentiles at a steady rate.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import echo_bot, median, percentile

UNIT = "X_HAI_SON"


def answer_for(text: str) -> str:
    """A valid answer to the question in `text` (the benchmark answers like a person)."""
    if "1. Có" in text:
        return "có"
    if "1. Xuất sắc" in text:
        return "Khá"
    if "Xác nhận gửi" in text:
        return "1"
    if "Anh/Chị báo cáo cho tháng nào" in text:
        return "3/2024"
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
        unit = await get_unit_by_code(conn, campaign_id=campaign_id, code=UNIT)
        assert unit is not None
        for ext in ids:
            await create_person(
                conn,
                full_name=f"Đầu mối {ext}",
                unit_id=unit.id,
                role="focal",
                channel=channel,
                external_id=ext,
                chat_id=ext,
            )


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
        text = "/baocao"
        for _ in range(steps):
            t0 = time.perf_counter()
            await user.send_text(text)
            reply = await user.expect_message(timeout=60)
            latencies.append(time.perf_counter() - t0)
            text = answer_for(reply) if script else f"tin {n}"

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
        text = "/baocao"
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
            text = answer_for(reply) if script else f"tin {n}"
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
    elapsed, lat = await _drive(messenger, burst, steps, script)
    out: dict[str, Any] = {
        "throughput": users * steps / elapsed,
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
            return await _measure(
                messenger, users=users, steps=steps, rate=rate, seconds=seconds, script=True
            )
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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--channel", choices=("telegram", "zalo"), default="telegram")
    p.add_argument("--users", type=int, default=200)
    p.add_argument("--steps", type=int, default=15)
    p.add_argument("--rate", type=float, default=100.0)
    p.add_argument("--seconds", type=float, default=8.0)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = p.parse_args(argv)
    import logging

    logging.basicConfig(level=logging.ERROR)
    bots, echoes = [], []
    for run in range(args.runs):
        # Alternate the order so that neither side always runs on a warmer machine.
        order = ["echo", "bot"] if run % 2 else ["bot", "echo"]
        for name in order:
            common = {
                "channel": args.channel,
                "users": args.users,
                "steps": args.steps,
                "rate": args.rate,
                "seconds": args.seconds,
            }
            if name == "bot":
                result = asyncio.run(run_bot(**common, db_url=args.database_url))
                bots.append(result)
            else:
                result = asyncio.run(run_echo(**common))
                echoes.append(result)
            print(
                f"{args.channel} run {run + 1} {name:>4}: {result['throughput']:.0f} steps/s, "
                f"steady p50 {result['steady_p50_ms']:.1f} ms p99 {result['steady_p99_ms']:.1f} ms "
                f"({result['steady_n']} replies)",
                flush=True,
            )
    bot_tp = median([r["throughput"] for r in bots])
    echo_tp = median([r["throughput"] for r in echoes])
    ratios = [b["throughput"] / e["throughput"] for b, e in zip(bots, echoes, strict=True)]
    print()
    print(
        f"{args.channel}: report step throughput: bot {bot_tp:.0f}/s, echo {echo_tp:.0f}/s, "
        f"ratio of medians {bot_tp / echo_tp:.2f}, median of per-run ratios {median(ratios):.2f}"
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
