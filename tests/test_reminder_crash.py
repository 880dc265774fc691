"""The reminder sender killed with SIGKILL in the middle of a fan-out, and two senders at once,
as separate processes against the fake Telegram Bot API server.

Every reminder must arrive; a reminder may arrive twice only if it was in flight (claimed by the
killed process, sent, not yet committed) when the process died.

Importing aiogram costs seconds of CPU, and a crash test restarts the sender many times. So a
fork server ("zygote": this module run as ``python -m tests.test_reminder_crash zygote``)
imports everything once and forks a fresh sender process on demand; the test kills that
process by its pid with SIGKILL, exactly as an out-of-memory killer or a power cut would.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

import pytest

from storage.models import table as table_of

pytestmark = pytest.mark.crash

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:TEST-token-abcdef"
LEASE_SECONDS = 1.5
CONCURRENCY = 4


# -- the sender process ------------------------------------------------------------------------


async def _sender(cfg: dict[str, object]) -> None:
    """Send until nothing is left to send (rows of a dead process: once their lease expired)."""
    from bot.channels.telegram import TelegramChannel, make_bot
    from core.messages import Incoming
    from core.ratelimit import Limits
    from schedules.jobs import campaign_from_db
    from schedules.sender import ReminderSender, SendSettings
    from storage.db import Database
    from storage.queries import reminders as rq

    t0 = datetime.fromisoformat(str(cfg["t0"]))
    wall0 = float(str(cfg["wall0"]))

    def clock() -> datetime:  # the simulated timeline every sender process shares
        return t0 + timedelta(seconds=time.time() - wall0)

    async def receive(_updates: Sequence[Incoming]) -> int:
        return 0

    db = Database(str(cfg["db"]))
    camp = await campaign_from_db(db)()
    assert camp is not None
    channel = TelegramChannel(make_bot(TOKEN, str(cfg["api"])), receive)
    settings = SendSettings(
        lease=timedelta(seconds=LEASE_SECONDS),
        batch_size=10,
        concurrency=CONCURRENCY,
        limits={"telegram": Limits(float(str(cfg["rate"])), 1.0)},
    )
    sender = ReminderSender(
        db, {"telegram": channel}, clock=clock, settings=settings, worker_id=str(cfg["worker"])
    )
    try:
        while True:
            report = await sender.run_once(camp)
            if report.claimed:
                continue
            async with db.read() as conn:
                counts = await rq.state_counts(conn, campaign_id=camp.campaign.id)
            if not [c for c in counts if c.state in ("planned", "sending")]:
                break
            await asyncio.sleep(0.1)
    finally:
        await channel.close()
        await db.dispose()


def zygote_main() -> None:
    """Import once, then serve FORK/POLL/QUIT commands on stdin (one line each)."""
    import aiogram.client.session.aiohttp
    import aiogram.client.telegram
    import aiogram.exceptions
    import aiogram.methods
    import aiosqlite
    import psycopg

    import schedules.jobs
    import schedules.sender
    import storage.db

    _ = (aiogram, aiosqlite, psycopg, schedules, storage)
    children: dict[int, int | None] = {}  # pid → exit code once reaped

    def reply(text: str) -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    reply("READY")
    for line in sys.stdin:
        cmd, _, arg = line.strip().partition(" ")
        if cmd == "FORK":
            pid = os.fork()
            if pid == 0:  # the sender process
                code = 0
                try:
                    sys.stdin.close()
                    asyncio.run(_sender(json.loads(arg)))
                except BaseException:
                    traceback.print_exc()
                    code = 1
                finally:
                    os._exit(code)
            children[pid] = None
            reply(f"PID {pid}")
        elif cmd == "POLL":
            child = int(arg)
            if children.get(child) is None:
                done, status = os.waitpid(child, os.WNOHANG)
                if done:
                    children[child] = os.waitstatus_to_exitcode(status)
            result = children.get(child)
            reply("RUNNING" if result is None else f"EXIT {result}")
        elif cmd == "QUIT":
            for child, exit_code in children.items():
                if exit_code is None:
                    os.kill(child, signal.SIGKILL)
                    os.waitpid(child, 0)
            reply("BYE")
            return


class Zygote:
    """The fork server, seen from the test."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.test_reminder_crash", "zygote"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._lock = threading.Lock()
        assert self._read() == "READY"

    def _read(self) -> str:
        out: IO[str] | None = self.proc.stdout
        assert out is not None
        return out.readline().strip()

    def ask(self, command: str) -> str:
        stdin = self.proc.stdin
        assert stdin is not None
        with self._lock:
            stdin.write(command + "\n")
            stdin.flush()
            return self._read()

    async def fork(self, cfg: dict[str, object], worker: str) -> Sender:
        answer = await asyncio.to_thread(self.ask, "FORK " + json.dumps({**cfg, "worker": worker}))
        assert answer.startswith("PID "), answer
        return Sender(self, worker, int(answer.split()[1]))

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.ask("QUIT")
                self.proc.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


@dataclass
class Sender:
    zygote: Zygote
    worker: str
    pid: int
    killed: bool = False
    exit_code: int | None = None
    in_flight: set[tuple[str, int]] = field(default_factory=set)

    async def running(self) -> bool:
        if self.exit_code is not None:
            return False
        answer = await asyncio.to_thread(self.zygote.ask, f"POLL {self.pid}")
        if answer.startswith("EXIT"):
            self.exit_code = int(answer.split()[1])
            return False
        return True

    async def wait(self, within: float = 60) -> int:
        limit = time.monotonic() + within
        while await self.running():
            if time.monotonic() > limit:
                raise TimeoutError(f"sender {self.worker} still running after {within}s")
            await asyncio.sleep(0.05)
        assert self.exit_code is not None
        return self.exit_code

    async def kill(self) -> None:
        """SIGKILL: no cleanup, no commit."""
        if await self.running():
            os.kill(self.pid, signal.SIGKILL)
            self.killed = True
        await self.wait()


@pytest.fixture(scope="module")
def zygote() -> Iterator[Zygote]:
    z = Zygote()
    try:
        yield z
    finally:
        z.close()


# -- the test side ------------------------------------------------------------------------------


async def in_flight_of(db_url: str, worker: str) -> set[tuple[str, int]]:
    """Rows a (dead) sender had claimed and not recorded: the only ones that may go twice."""
    from sqlalchemy import select

    from storage.db import Database
    from storage.models import Reminder

    table = table_of(Reminder)
    db = Database(db_url)
    try:
        async with db.read() as conn:
            rows = await conn.execute(
                select(table.c.deadline_code, table.c.person_id).where(
                    table.c.state == "sending", table.c.claimed_by == worker
                )
            )
            return {(r[0], int(r[1])) for r in rows}
    finally:
        await db.dispose()


@dataclass
class Setup:
    chats: dict[int, int]  # person id → chat id
    cfg: dict[str, object]

    @property
    def wanted(self) -> set[tuple[str, int]]:
        return {(code, pid) for pid in self.chats for code in ("D01", "D02")}


async def prepare(db_url: str, base_url: str, rate: float) -> Setup:
    """Two focal points in each of the 48 units: 192 reminders due on 18/03/2024 at 08:00."""
    from schedules.planner import plan
    from storage.db import Database
    from storage.queries.deadlines import unit_ids
    from tests.harness import Clock
    from tests.test_planner import campaign_def, local, register

    db = Database(db_url)
    try:
        camp = await campaign_def(db)
        async with db.read() as conn:
            codes = sorted(await unit_ids(conn, campaign_id=camp.campaign.id))
        chats: dict[int, int] = {}
        for i, code in enumerate(codes):
            for k in range(2):
                chat = 40_000 + 10 * i + k
                pid = await register(db, code, "focal", chat=chat, at=local("01/03/2024", 0))
                chats[pid] = chat
        await plan(db, campaign=camp, clock=Clock(local("18/03/2024", 7)))
    finally:
        await db.dispose()
    cfg: dict[str, object] = {
        "db": db_url,
        "api": base_url,
        "t0": local("18/03/2024", 8).isoformat(),
        "wall0": time.time(),
        "rate": rate,
    }
    return Setup(chats, cfg)


def tally(server: object, setup: Setup) -> Counter[tuple[str, int]]:
    """Copies received of each reminder, by (deadline, person)."""
    from tests.fakes.telegram_server import FakeTelegramServer
    from tests.test_reminder_delivery import deadline_of

    assert isinstance(server, FakeTelegramServer)
    got: Counter[tuple[str, int]] = Counter()
    for pid, chat in setup.chats.items():
        for text in server.texts_to(chat):
            got[(deadline_of(text), pid)] += 1
    return got


def summary(title: str, setup: Setup, got: Counter[tuple[str, int]], runs: int, kills: int) -> str:
    wanted = setup.wanted
    lost = len([k for k in wanted if got[k] == 0])
    duplicated = len([k for k in wanted if got[k] > 1])
    line = (
        f"{title}: runs={runs} kills={kills} reminders={len(wanted)} "
        f"delivered={sum(1 for k in wanted if got[k])} lost={lost} duplicated={duplicated}"
    )
    sys.stdout.write("\n" + line + "\n")
    return line


@pytest.fixture
async def tg() -> AsyncIterator[object]:
    from tests.fakes.telegram_server import FakeTelegramServer

    async with FakeTelegramServer(token=TOKEN) as server:
        yield server


async def wait_for_sends(server: object, count: int, sender: Sender, within: float) -> None:
    """Until the server has seen `count` messages in all, or the sender has exited."""
    from tests.fakes.telegram_server import FakeTelegramServer

    assert isinstance(server, FakeTelegramServer)
    limit = time.monotonic() + within
    polled = 0.0
    while time.monotonic() < limit and len(server.sent) < count:
        if time.monotonic() - polled > 0.1:
            polled = time.monotonic()
            if not await sender.running():
                return
        await asyncio.sleep(0.002)


async def test_a_sender_killed_at_random_moments_delivers_every_reminder(
    tg: object, sqlite_url: str, zygote: Zygote
) -> None:
    from tests.fakes.telegram_server import FakeTelegramServer

    assert isinstance(tg, FakeTelegramServer)
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    setup = await prepare(sqlite_url, tg.base_url, rate=25)
    for chat in setup.chats.values():
        tg.user(user_id=chat)
    max_kills = 8
    senders: list[Sender] = []
    started = time.monotonic()
    while True:
        current = await zygote.fork(setup.cfg, f"w{len(senders)}")
        senders.append(current)
        if len([s for s in senders if s.killed]) >= max_kills:
            break
        await wait_for_sends(tg, len(tg.sent) + rng.randint(3, 30), current, within=30)
        await asyncio.sleep(rng.uniform(0, 0.02))  # sometimes mid-send, sometimes mid-commit
        await current.kill()
        if not current.killed:  # it had finished everything first
            break
        current.in_flight = await in_flight_of(sqlite_url, current.worker)
    exit_code = await senders[-1].wait()
    elapsed = time.monotonic() - started
    got = tally(tg, setup)
    kills = len([s for s in senders if s.killed])
    summary(f"crash test (seed {seed}, {elapsed:.1f}s)", setup, got, len(senders), kills)
    wanted = setup.wanted
    assert all(got[k] >= 1 for k in wanted), "a reminder was lost"
    assert all(got[k] <= 2 for k in wanted), "a reminder went out more than twice"
    duplicated = {k for k in wanted if got[k] == 2}
    in_flight = set().union(*(s.in_flight for s in senders))
    assert duplicated <= in_flight, "a duplicate outside the send→commit window"
    assert len(duplicated) <= kills * CONCURRENCY
    assert exit_code == 0
    assert kills >= 3


async def test_two_sender_processes_at_once_send_each_reminder_once(
    tg: object, any_db_url: str, zygote: Zygote
) -> None:
    from tests.fakes.telegram_server import FakeTelegramServer

    assert isinstance(tg, FakeTelegramServer)
    backend = "postgres" if any_db_url.startswith("postgres") else "sqlite"
    setup = await prepare(any_db_url, tg.base_url, rate=40)
    for chat in setup.chats.values():
        tg.user(user_id=chat)
    a = await zygote.fork(setup.cfg, "a")
    b = await zygote.fork(setup.cfg, "b")
    # Both run side by side; halfway through, one of them dies and the other finishes,
    # taking its claims over once their lease has expired.
    await wait_for_sends(tg, len(setup.wanted) // 2, a, within=30)
    await a.kill()
    a.in_flight = await in_flight_of(any_db_url, "a")
    assert await b.wait() == 0
    got = tally(tg, setup)
    summary(f"two processes ({backend})", setup, got, 2, int(a.killed))
    wanted = setup.wanted
    assert all(got[k] >= 1 for k in wanted)
    assert all(got[k] <= 2 for k in wanted)
    assert {k for k in wanted if got[k] > 1} <= a.in_flight


async def test_two_sender_processes_without_a_crash_send_each_reminder_exactly_once(
    tg: object, any_db_url: str, zygote: Zygote
) -> None:
    from tests.fakes.telegram_server import FakeTelegramServer

    assert isinstance(tg, FakeTelegramServer)
    backend = "postgres" if any_db_url.startswith("postgres") else "sqlite"
    setup = await prepare(any_db_url, tg.base_url, rate=60)
    for chat in setup.chats.values():
        tg.user(user_id=chat)
    a = await zygote.fork(setup.cfg, "a")
    b = await zygote.fork(setup.cfg, "b")
    assert (await a.wait(), await b.wait()) == (0, 0)
    got = tally(tg, setup)
    summary(f"two processes, no crash ({backend})", setup, got, 2, 0)
    assert all(got[k] == 1 for k in setup.wanted)


async def test_a_reminder_sent_again_after_its_sender_died_mid_send_says_it_may_be_a_repeat(
    tg: object, sqlite_url: str, zygote: Zygote
) -> None:
    """The messenger holds one reminder's send; the sender is killed while it waits; the send
    then arrives (the person has it). The sender started next takes the row over once the lease
    has run out and sends it again, marked "(Nhắc lại) "; no reminder sent once is marked."""
    from core.texts.reminders import REPEAT_MARK
    from tests.fakes.telegram_server import FakeTelegramServer

    assert isinstance(tg, FakeTelegramServer)
    setup = await prepare(sqlite_url, tg.base_url, rate=40)
    for chat in setup.chats.values():
        tg.user(user_id=chat)
    held_chat = next(iter(setup.chats.values()))
    held = tg.faults.add("sendMessage", "slow", chat_id=held_chat, delay=4.0)
    a = await zygote.fork(setup.cfg, "a")
    # The request is at the server (checked again at every other call, and there are many).
    await tg.wait_for(lambda: held.remaining == 0, timeout=30)
    await asyncio.sleep(0.3)
    await a.kill()
    assert a.killed
    a.in_flight = await in_flight_of(sqlite_url, "a")
    await tg.wait_for(lambda: bool(tg.texts_to(held_chat)), timeout=10)  # the held send lands
    [first] = tg.texts_to(held_chat)
    assert not first.startswith(REPEAT_MARK)
    b = await zygote.fork(setup.cfg, "b")
    assert await b.wait() == 0
    got = tally(tg, setup)
    summary("a send held at a crash", setup, got, 2, 1)
    assert all(1 <= got[k] <= 2 for k in setup.wanted)
    texts = tg.texts_to(held_chat)
    held_code = deadline_of_text(first)
    copies = [x for x in texts if deadline_of_text(x) == held_code]
    assert len(copies) == 2
    assert copies[0] == first
    assert copies[1] == REPEAT_MARK + first
    for chat in setup.chats.values():
        by_code: dict[str, list[str]] = {}
        for text in tg.texts_to(chat):
            by_code.setdefault(deadline_of_text(text), []).append(text)
        for sent in by_code.values():
            assert not sent[0].startswith(REPEAT_MARK)  # a first copy is never marked
            assert all(x.startswith(REPEAT_MARK) for x in sent[1:])  # a second always is


def deadline_of_text(text: str) -> str:
    from tests.test_reminder_delivery import deadline_of

    return deadline_of(text)


if __name__ == "__main__":
    if sys.argv[1:] == ["zygote"]:
        zygote_main()
    else:
        sys.exit(f"usage: python -m tests.test_reminder_crash zygote (got {sys.argv[1:]})")
