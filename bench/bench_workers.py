"""Several workers on one PostgreSQL database: simulated focal points on both messengers.

Run: `.venv/bin/python -m bench.bench_workers [--chats 2000] [--workers 1 2 4] [--runs 1]
[--postgres URL]`

Each chat is a focal point of its own commune (a synthetic campaign with enough communes),
half of them on Telegram and half on Zalo. It registers with `/start CODE` and files January's
report with `/baocao 1/2024`, answering every question, then confirms. Its deliveries are sent
one after another, each once the previous one was stored (as a messenger's webhook sends the
next update after a 200), and a load balancer alternates them between the workers: consecutive
updates of one chat go to different workers. Each worker is a full `App` (its own engine,
pipeline and worker id) in this process, as in `tests/reporting/test_two_workers.py`; up to
`--in-flight` chats send at once.

Printed per run: throughput (updates stored and answered a second, wall time from the first
delivery to the last reply), p50/p99 reply time (from a delivery stored to its reply sent),
misordered (chats whose replies differ from the reference conversation of one chat alone:
answers filed under the wrong questions), duplicated (replies beyond the reference count), lost
(updates never answered or left pending in the inbox), and the process's resident memory
divided by the number of workers. Then a run with two workers where one is killed mid-run: its
tasks cancelled and its engine disposed under it; the load balancer then sends everything to
the survivor, which takes over the dead worker's stored updates (inbox poll) and claimed replies
(outbox sweep, once their lease ran out).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import resource
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from bench.bench_oversight import synthetic_campaign
from bench.bench_report import answer_for
from bench.common import median, percentile
from core.channel import FileUnavailable
from core.messages import FileRef, Incoming, Kind, Reply
from core.settings import Settings

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
NOW = datetime(2024, 3, 20, 3, 0, tzinfo=UTC)  # before the first quarter's deadline
CHANNELS = ("telegram", "zalo")


class RealClock:
    """20/03/2024, moving at the wall clock's pace (leases must run out after a kill)."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    def __call__(self) -> datetime:
        return NOW + timedelta(seconds=time.monotonic() - self.start)


@dataclass
class Sent:
    """What every chat received, with when."""

    replies: dict[tuple[str, str], list[tuple[float, str]]] = field(default_factory=dict)
    waiters: dict[tuple[str, str], asyncio.Event] = field(default_factory=dict)

    def add(self, channel: str, chat_id: str, text: str) -> None:
        key = (channel, chat_id)
        self.replies.setdefault(key, []).append((time.perf_counter(), text))
        ev = self.waiters.get(key)
        if ev is not None:
            ev.set()


class Recorder:
    text_limit = 4096

    def __init__(self, name: str, sent: Sent) -> None:
        self.name = name
        self.sent = sent

    async def send(self, chat_id: str, reply: Reply, *, skip: int = 0) -> None:
        self.sent.add(self.name, chat_id, reply.text)

    async def fetch_file(self, ref: FileRef, *, max_bytes: int) -> bytes:
        raise FileUnavailable

    async def close(self) -> None:
        return None


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_OWN = re.compile(r"Đơn vị thử nghiệm số \d+|Đầu mối \d+|\bU\d{5}\b")


def normalised(texts: list[str], unit_name: str) -> list[str]:
    """A chat's replies without what is its own (its unit's name and code, the person's name)."""
    return [_OWN.sub("…", t.replace(unit_name, "…")) for t in texts]


@dataclass
class Result:
    label: str
    workers: int
    updates: int
    seconds: float
    latencies: list[float]
    misordered: int
    duplicated: int
    lost: int
    rss_per_worker: float

    @property
    def rate(self) -> float:
        return self.updates / self.seconds


async def _make_db(admin_url: str) -> str:
    import psycopg

    name = f"campaignbot_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{admin_url.rsplit('/', 1)[0]}/{name}"


def _drop_db(admin_url: str, url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def one_run(  # noqa: PLR0915 - one scenario, read top to bottom
    admin_url: str,
    campaign_file: Path,
    data_dir: Path,
    *,
    chats: int,
    n_workers: int,
    in_flight: int,
    kill_at: float | None,
    lease: float,
    wait: float,
) -> Result:
    from bot.app import App
    from bot.invitations import issue_codes
    from storage.db import upgrade

    url = await _make_db(admin_url)
    try:
        await asyncio.to_thread(upgrade, url)
        settings = Settings.model_validate(
            {
                "database_url": url,
                "campaign_file": campaign_file,
                "data_dir": data_dir,
                "reminders_enabled": False,
                "redis_url": None,
                "telegram_bot_token": None,
                "zalo_bot_token": None,
                "webhook_base_url": None,
                "webhook_secret": None,
                "inbox_poll_seconds": 0.5,
                "outbox_lease_seconds": lease,
                "log_level": "WARNING",
            }
        )
        clock = RealClock()
        sent = Sent()
        workers: list[App] = []
        for _ in range(n_workers):
            w = await App.create(settings, clock=clock)
            for name in CHANNELS:
                w.add_channel(Recorder(name, sent))
            workers.append(w)
        app = workers[0]
        camp = app.services.campaign
        assert camp is not None
        communes = [u for u in camp.units if u.kind == "COMMUNE" and u.active_to is None]
        if len(communes) < chats + 1:
            raise SystemExit(f"the campaign has {len(communes)} communes for {chats} chats")

        async def code(unit_code: str) -> str:
            codes = await issue_codes(
                app.db,
                campaign_id=app.services.campaign_id,
                unit_code=unit_code,
                role="focal",
                count=1,
                ttl=timedelta(days=30),
                actor="bench",
            )
            assert codes
            return codes[0]

        # The reference: one chat alone, answering each question as it comes.
        ref_unit = communes[-1]
        ref_key = ("telegram", "9999999")
        steps: list[str] = []
        text = f"/start {await code(ref_unit.code)}"
        reference_replies: list[str] = []
        for step_no in range(60):
            steps.append(text)
            before = len(sent.replies.get(ref_key, []))
            await app.pipeline.receive([_incoming(ref_key, step_no, text)])
            await app.pipeline.drain(30)
            got = [t for _, t in sent.replies.get(ref_key, [])[before:]]
            reference_replies.extend(got)
            last = got[-1] if got else ""
            if steps[-1] == "xác nhận":
                break
            text = "/baocao 1/2024" if step_no == 0 else _answer(last)
        else:
            raise SystemExit(
                f"the reference conversation did not end: {steps[-3:]} {reference_replies[-2:]}"
            )
        reference = normalised(reference_replies, ref_unit.name)
        print(
            f"  reference: {len(steps)} updates, {len(reference)} replies; last: {reference[-1]!r}"
        )
        one_reply_each = len(reference) == len(steps)

        people = []
        for i in range(chats):
            unit = communes[i]
            key = (CHANNELS[i % 2], str(100_000 + i))
            script = [f"/start {await code(unit.code)}", *steps[1:]]
            people.append((key, unit.name, script))

        stored_at: dict[tuple[str, str], list[float]] = {}
        alive = list(range(n_workers))
        total = chats * len(steps)
        delivered = 0
        killed = asyncio.Event()
        polls = [asyncio.create_task(w.pipeline.run_poll(asyncio.Event())) for w in workers]
        sweeps_stop = asyncio.Event()

        async def sweeper() -> None:
            while not sweeps_stop.is_set():
                await asyncio.sleep(1.0)
                for i in list(alive):
                    try:
                        await workers[i].pipeline.sweep_outbox()
                    except Exception:  # noqa: S112 - a worker being killed
                        continue

        sweep_task = asyncio.create_task(sweeper())
        sem = asyncio.Semaphore(in_flight)

        async def kill(victim: int) -> None:
            if victim not in alive:
                return
            w = workers[victim]
            alive.remove(victim)
            polls[victim].cancel()
            tasks = list(w.pipeline._active.values())
            if w.pipeline._marker is not None:
                tasks.append(w.pipeline._marker)
            tasks += w.pipeline._keepers
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, polls[victim], return_exceptions=True)
            assert w.db.engine is not None
            await w.db.engine.dispose(close=False)  # its connections dropped, not closed
            killed.set()

        async def person(n: int) -> None:
            nonlocal delivered
            key, _, script = people[n]
            times = stored_at.setdefault(key, [])
            async with sem:
                for step, text in enumerate(script):
                    while True:
                        target = alive[(n + step) % len(alive)]
                        try:
                            await workers[target].pipeline.receive([_incoming(key, step, text)])
                            break
                        except Exception:  # the worker died under this delivery: resend
                            if target in alive:
                                raise
                    times.append(time.perf_counter())
                    delivered += 1
                    if kill_at is not None and not killed.is_set() and delivered >= kill_at * total:
                        await kill(len(workers) - 1)

        rss_before = rss_mb()
        started = time.perf_counter()
        await asyncio.gather(*(person(n) for n in range(chats)))
        # Done when every chat has every distinct reply of the reference and nothing is left in
        # the inbox or the outbox: a total count of replies would be reached early by duplicates
        # while some chat's last reply is still on its way.
        deadline = time.perf_counter() + wait
        while time.perf_counter() < deadline:
            if (
                all(
                    len(set(normalised([t for _, t in sent.replies.get(k, [])], name)))
                    >= len(set(reference))
                    for k, name, _ in people
                )
                and await _pending(app) == 0
                and await _outbox_pending(app) == 0
            ):
                break
            await asyncio.sleep(0.2)
        last_reply = max(
            (t for k, _, _ in people for t, _ in sent.replies.get(k, [])), default=started
        )
        seconds = last_reply - started
        rss_after = rss_mb()
        sweeps_stop.set()
        await asyncio.gather(sweep_task, return_exceptions=True)
        for i in alive:
            polls[i].cancel()
        await asyncio.gather(*polls, return_exceptions=True)

        latencies: list[float] = []
        misordered = duplicated = lost = 0
        for key, unit_name, _ in people:
            replies = sent.replies.get(key, [])
            texts = normalised([t for _, t in replies], unit_name)
            # A copy sent twice (the documented send→commit window) is a duplicate, not a
            # misordering: compare with consecutive repeats removed.
            deduped = [t for i, t in enumerate(texts) if i == 0 or t != texts[i - 1]]
            duplicated += max(0, len(texts) - len(reference))
            if len(deduped) < len(reference):
                lost += len(reference) - len(deduped)
            # Answers filed under the wrong questions change what is replied (another question
            # asked, a value refused): the replies differ from the reference's as a set. A reply
            # resent after a crash may arrive after the next one; that is not a misfiling.
            if set(texts) != set(reference):
                misordered += 1
            if one_reply_each:
                firsts = [
                    replies[i][0] for i in range(len(replies)) if i == 0 or texts[i] != texts[i - 1]
                ]
                latencies.extend(r - s for r, s in zip(firsts, stored_at[key], strict=False))
        lost += await _pending(app)
        print(f"    outbox at the end: {await _outbox_statuses(app)}", flush=True)
        survivors = [w for i, w in enumerate(workers) if i in alive]
        for i, w in enumerate(workers):
            if i not in alive:
                w.pipeline._active.clear()
                await w.db.dispose()
        for w in survivors:
            await w.close()
        label = f"{n_workers} worker{'s' if n_workers > 1 else ''}"
        if kill_at is not None:
            label += f", 1 killed at {kill_at:.0%}"
        del rss_before
        return Result(
            label,
            n_workers,
            total,
            seconds,
            latencies,
            misordered,
            duplicated,
            lost,
            rss_after / n_workers,
        )
    finally:
        _drop_db(admin_url, url)


def _answer(question: str) -> str:
    if "kiểm tra lại báo cáo" in question or "gõ “xác nhận”" in question:
        return "xác nhận"
    if "“Có” hoặc “Không”" in question or "Chỉ tiêu: Có" in question:
        return "có"
    return answer_for(question)


async def _pending(app: object) -> int:
    from sqlalchemy import func, select

    from bot.app import App
    from storage.models import InboxUpdate, table

    assert isinstance(app, App)
    inbox = table(InboxUpdate)
    db = app.db
    async with db.read() as conn:
        return int(
            (
                await conn.execute(
                    select(func.count()).select_from(inbox).where(inbox.c.status != "done")
                )
            ).scalar_one()
        )


async def _outbox_pending(app: object) -> int:
    return (await _outbox_statuses(app)).get("pending", 0)


async def _outbox_statuses(app: object) -> dict[str, int]:
    from sqlalchemy import func, select

    from bot.app import App
    from storage.models import OutboxMessage, table

    assert isinstance(app, App)
    outbox = table(OutboxMessage)
    async with app.db.read() as conn:
        rows = await conn.execute(
            select(outbox.c.status, outbox.c.attempts, func.count()).group_by(
                outbox.c.status, outbox.c.attempts
            )
        )
        out: dict[str, int] = {}
        for status, attempts, n in rows:
            # a reply sent once by the worker that queued it ends with 2 attempts (queued
            # claimed, then marked); more: a sweep claimed it too
            out[status] = out.get(status, 0) + int(n)
            if attempts > 2:
                key = f"{status} with {attempts} attempts"
                out[key] = out.get(key, 0) + int(n)
        return out


def _incoming(key: tuple[str, str], step: int, text: str) -> Incoming:
    channel, chat_id = key
    return Incoming(
        channel=channel,
        update_key=f"{chat_id}:{step}",
        chat_id=chat_id,
        user_id=chat_id,
        kind=Kind.TEXT,
        text=text,
        display_name=f"Đầu mối {chat_id}",
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--chats", type=int, default=2000)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument("--runs", type=int, default=1, help="runs of each set-up (medians printed)")
    p.add_argument("--in-flight", type=int, default=64, help="chats sending at once")
    p.add_argument("--kill-at", type=float, default=0.4, help="share delivered before the kill")
    p.add_argument(
        "--lease", type=float, default=30.0, help="OUTBOX_LEASE_SECONDS (the app's default: 30)"
    )
    p.add_argument("--wait", type=float, default=180.0, help="seconds to wait for the last replies")
    p.add_argument("--no-kill", action="store_true", help="skip the run with a worker killed")
    p.add_argument("--postgres", default=PG_URL, help="an administrator's URL (makes databases)")
    args = p.parse_args()
    gc.freeze()
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp:
        folder = Path(tmp)
        camp = synthetic_campaign(int(args.chats * 2.6) + 40, campaign_id="bench-workers")
        campaign_file = folder / "campaign.yaml"
        campaign_file.write_text(
            yaml.safe_dump(
                camp.model_dump(by_alias=True, mode="json", exclude_none=True), allow_unicode=True
            ),
            encoding="utf-8",
        )
        setups: list[tuple[int, float | None]] = [(n, None) for n in args.workers]
        if not args.no_kill:
            setups.append((2, args.kill_at))
        results: dict[str, list[Result]] = {}
        for n, kill_at in setups:
            for r in range(args.runs):
                res = asyncio.run(
                    one_run(
                        args.postgres,
                        campaign_file,
                        folder / f"data-{n}-{kill_at}-{r}",
                        chats=args.chats,
                        n_workers=n,
                        in_flight=args.in_flight,
                        kill_at=kill_at,
                        lease=args.lease,
                        wait=args.wait,
                    )
                )
                results.setdefault(res.label, []).append(res)
                print(
                    f"  {res.label}: {res.rate:.0f} updates/s, p99 "
                    f"{percentile(res.latencies, 99) * 1000:.0f} ms, misordered {res.misordered}, "
                    f"duplicated {res.duplicated}, lost {res.lost}",
                    flush=True,
                )
    first = next(iter(results.values()))
    base = median([r.rate for r in first])
    print(
        f"\n{args.chats} chats ({args.chats // 2} Telegram, {args.chats - args.chats // 2} Zalo), "
        f"{first[0].updates // args.chats} updates each, PostgreSQL, {args.runs} run(s) each, "
        "medians:\n"
    )
    print(
        "| workers | updates/s | × 1 worker | p50 reply | p99 reply | misordered | duplicated "
        "| lost | RSS per worker |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, rs in results.items():
        rate = median([r.rate for r in rs])
        lat = [x for r in rs for x in r.latencies]
        print(
            f"| {label} | {rate:.0f} | {rate / base:.2f} | {median(lat) * 1000:.0f} ms | "
            f"{percentile(lat, 99) * 1000:.0f} ms | {max(r.misordered for r in rs)} | "
            f"{max(r.duplicated for r in rs)} | {max(r.lost for r in rs)} | "
            f"{median([r.rss_per_worker for r in rs]):.0f} MB |"
        )


if __name__ == "__main__":
    main()
