"""Start-up time and idle memory of `python -m bot run`, against a bare aiogram echo bot.

Run: `.venv/bin/python -m bench.bench_startup [--runs 3]`

Each run starts the process against the fake Telegram server and measures the time until its
first `getUpdates` call (it is then serving), and its resident memory once idle. The echo bot
(aiogram's own polling, no database) is the baseline, measured in the same run.
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

from bench.common import median

TOKEN = "555000:BENCH-startup-aaaaaa"  # noqa: S105 (a fake server's token)
ECHO = """
import asyncio, sys
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
async def main():
    bot = Bot(sys.argv[1], session=AiohttpSession(api=TelegramAPIServer.from_base(sys.argv[2])))
    dp = Dispatcher()
    @dp.message()
    async def echo(m):
        await m.answer(m.text or "?")
    await dp.start_polling(bot, handle_signals=False)
asyncio.run(main())
"""


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far: on a shared machine the wall
    time to serving follows the load, this much less."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def one(kind: str, idle_seconds: float) -> tuple[float, float, float]:
    from tests.fakes.telegram_server import FakeTelegramServer

    tmp = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    async with FakeTelegramServer(token=TOKEN, long_poll_cap=2) as server:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.endswith("_TOKEN") and k not in ("DATABASE_URL", "REDIS_URL")
        }
        env.update(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE=server.base_url,
            DATABASE_URL=f"sqlite:///{tmp / 'bot.db'}",
            LOG_LEVEL="WARNING",
        )
        if kind == "bot":
            # The first start creates and fills the database; measure a restart, as in service.
            first = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "db",
                "upgrade",
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
            )
            await first.wait()
            args = [sys.executable, "-m", "bot", "run"]
        else:
            args = [sys.executable, "-c", ECHO, TOKEN, server.base_url]
        t0 = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            *args,
            env=env,
            cwd=tmp,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await server.wait_for(
            lambda: any(c.method == "getUpdates" for c in server.calls) or server.long_polling,
            timeout=120,
        )
        started = time.perf_counter() - t0
        cpu = cpu_seconds(proc.pid)
        await asyncio.sleep(idle_seconds)
        memory = rss_mb(proc.pid)
        proc.terminate()
        await proc.wait()
    shutil.rmtree(tmp, ignore_errors=True)
    return started, cpu, memory


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--idle", type=float, default=3.0)
    args = p.parse_args(argv)
    results: dict[str, list[tuple[float, float, float]]] = {"bot": [], "echo": []}
    for run in range(args.runs):
        for kind in ("echo", "bot") if run % 2 else ("bot", "echo"):
            started, cpu, memory = asyncio.run(one(kind, args.idle))
            results[kind].append((started, cpu, memory))
            print(
                f"run {run + 1} {kind:>4}: serving after {started:.2f} s ({cpu:.2f} s CPU), "
                f"idle RSS {memory:.0f} MB",
                flush=True,
            )
    b_t = median([r[0] for r in results["bot"]])
    e_t = median([r[0] for r in results["echo"]])
    b_c = median([r[1] for r in results["bot"]])
    e_c = median([r[1] for r in results["echo"]])
    b_m = median([r[2] for r in results["bot"]])
    e_m = median([r[2] for r in results["echo"]])
    print()
    print(f"start-up (median): bot {b_t:.2f} s, echo {e_t:.2f} s, ratio {b_t / e_t:.2f}")
    print(f"start-up CPU (median): bot {b_c:.2f} s, echo {e_c:.2f} s, ratio {b_c / e_c:.2f}")
    print(f"idle memory (median): bot {b_m:.0f} MB, echo {e_m:.0f} MB, ratio {b_m / e_m:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
