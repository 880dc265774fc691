"""One oversight command on a kept database, for profiling and for peak memory.

    .venv/bin/python -m bench.bench_command --units 20000 "/xuat" [--runs 1] [--db FILE]
    /usr/bin/time -v .venv/bin/python -m bench.bench_command --units 20000 "/xuat"

The first use of a `--db` file (default: `bench-<units>.sqlite` in the temp folder) builds it
as `bench.bench_oversight` does (same campaign, same year of history; a minute at 20,000
units); later runs reuse it, so that the process's peak memory is the command's own (the
filling's is not in it). Sends the command once to warm up, then `--runs` times, printing each
run's wall and CPU time; `/usr/bin/time -v` around it gives the peak ("Maximum resident set
size").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.bench_oversight import TODAY, TZ, console, fill, load, register, synthetic_campaign
from core.runtime import tune_gc
from storage.db import Database, upgrade


async def _run(db_file: Path, fresh: bool, units: int, command: str, runs: int) -> None:
    url = f"sqlite:///{db_file}"
    db = Database(url)
    try:
        campaign = synthetic_campaign(units)
        if fresh:
            await load(db, campaign)
            await fill(db, campaign)
            await register(db, campaign, "PNV", "admin", "admin-1")
            await register(db, campaign, "P_KA_LONG", "focal", "focal-1")
        now = datetime(TODAY.year, TODAY.month, TODAY.day, 9, tzinfo=TZ).astimezone(UTC)
        with tempfile.TemporaryDirectory() as tmp:
            c = console(db, campaign, Path(tmp), now)
            who = "focal-1" if command.startswith("/tinhtrang") else "admin-1"
            await c.send(who, command)
            tune_gc()
            for _ in range(runs):
                started, cpu = time.perf_counter(), time.process_time()
                await c.send(who, command)
                print(
                    f"{command}: {(time.perf_counter() - started) * 1000:.0f} ms wall, "
                    f"{(time.process_time() - cpu) * 1000:.0f} ms CPU"
                )
    finally:
        await db.dispose()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("command")
    p.add_argument("--units", type=int, default=2000)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--db", type=Path, default=None)
    args = p.parse_args(argv)
    db_file = args.db or Path(tempfile.gettempdir()) / f"bench-{args.units}.sqlite"
    os.makedirs(db_file.parent, exist_ok=True)
    fresh = not db_file.exists()
    upgrade(f"sqlite:///{db_file}")
    asyncio.run(_run(db_file, fresh, args.units, args.command, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
