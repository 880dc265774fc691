"""Two workers on one PostgreSQL database, a load balancer alternating the webhook deliveries
between them: every chat's conversation goes as if one worker had it.

Each worker is a full `App` (its own engine, pipeline and worker id) in this process; a
delivery is handed to a worker's `receive` (what its webhook does before answering 200), the
next one only after that returned. Each chat's consecutive updates go to different workers.
34 chats (the 17 communes' focal point and deputy, each filling a month) run `/baocao` at once.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App
from core.channel import FileUnavailable
from core.messages import FileRef, Incoming, Kind, Reply
from core.settings import Settings
from storage.models import InboxUpdate, OutboxMessage, Unit
from storage.queries import pipeline as q
from tests.conftest import make_settings
from tests.harness import Clock, codes_for
from tests.reporting.conftest import NOW
from tests.reporting.test_report import MONTH_ANSWERS

pytestmark = pytest.mark.postgres

_IN = InboxUpdate.__table__  # type: ignore[attr-defined]
_OUT = OutboxMessage.__table__  # type: ignore[attr-defined]
_UNIT = Unit.__table__  # type: ignore[attr-defined]


class Recorder:
    """A messenger that records what each chat was sent."""

    name = "telegram"
    text_limit = 4096

    def __init__(self, sent: dict[str, list[str]]) -> None:
        self.sent = sent

    async def send(self, chat_id: str, reply: Reply, *, skip: int = 0) -> None:
        self.sent.setdefault(chat_id, []).append(reply.text)

    async def fetch_file(self, ref: FileRef, *, max_bytes: int) -> bytes:
        raise FileUnavailable

    async def close(self) -> None:
        return None


async def settle(workers: list[App]) -> None:
    """Until no worker has anything to do and no update is pending."""
    for _ in range(200):
        for w in workers:
            await w.pipeline.drain(30)
        async with workers[0].db.read() as conn:
            left = (
                await conn.execute(
                    select(func.count()).select_from(_IN).where(_IN.c.status == "pending")
                )
            ).scalar_one()
        if not left:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("updates left pending")


async def test_two_workers_alternating_deliveries_keep_every_conversation_in_order(
    pg_url: str, campaign_file: Path, tmp_path: Path
) -> None:
    settings: Settings = make_settings(
        pg_url, campaign_file=campaign_file, data_dir=tmp_path / "data", reminders_enabled=False
    )
    sent: dict[str, list[str]] = {}
    workers = [await App.create(settings, clock=Clock(NOW)) for _ in range(2)]
    try:
        for w in workers:
            w.add_channel(Recorder(sent))
        app = workers[0]
        async with app.db.read() as conn:
            communes = [
                r[0]
                for r in await conn.execute(
                    select(_UNIT.c.code).where(_UNIT.c.kind == "COMMUNE").order_by(_UNIT.c.code)
                )
            ]
        chats: list[tuple[str, list[str]]] = []
        for n, unit in enumerate(communes):
            for role, month in (("focal", "1/2024"), ("deputy", "2/2024")):
                [code] = await codes_for(app, unit, role=role)
                steps = [f"/start {code}", f"/baocao {month}", *MONTH_ANSWERS, "bỏ qua"]
                chats.append((f"{1000 + 2 * n + (role == 'deputy')}", steps))
        assert len(chats) >= 34
        for step in range(len(chats[0][1])):
            for i, (chat_id, steps) in enumerate(chats):
                incoming = Incoming(
                    channel="telegram",
                    update_key=f"{chat_id}:{step}",
                    chat_id=chat_id,
                    user_id=chat_id,
                    kind=Kind.TEXT,
                    text=steps[step],
                    display_name=f"Người {chat_id}",
                )
                # The load balancer: consecutive updates of a chat go to different workers.
                assert await workers[(i + step) % 2].pipeline.receive([incoming]) == 1
        await settle(workers)

        def normalised(chat_id: str) -> list[str]:
            texts = sent.get(chat_id, [])[1:]  # after the welcome (which names the role)
            return [re.sub(r"(Phường|Xã) [^\n.:,]+|Tháng \d/2024|\d/2024", "…", t) for t in texts]

        reference = normalised(chats[0][0])
        summary = "Dịch vụ công trực tuyến toàn trình: 100%"
        misfiled = [c for c, _ in chats if normalised(c) != reference or summary not in sent[c][-1]]
        print(f"\n[two workers] chats={len(chats)} misfiled={len(misfiled)}")
        assert misfiled == []
        async with app.db.read() as conn:
            statuses: dict[str, int] = {
                r[0]: r[1]
                for r in await conn.execute(
                    select(_IN.c.status, func.count()).group_by(_IN.c.status)
                )
            }
            unsent = (
                await conn.execute(
                    select(func.count()).select_from(_OUT).where(_OUT.c.status != "sent")
                )
            ).scalar_one()
        assert statuses == {"done": len(chats) * len(chats[0][1])}
        assert unsent == 0
    finally:
        for w in workers:
            await w.close()


async def test_a_reply_whose_lease_ran_out_before_its_send_is_sent_by_one_worker_only(
    pg_url: str, campaign_file: Path, tmp_path: Path
) -> None:
    """The lease of a reply queued already claimed counts from the start of its handling; a
    slow handler or after-commit hook, or a loaded machine, can use it up before the worker
    sends. Another worker's sweep then takes the reply over and sends it: the first worker
    must not send it as well (it did: two copies with no crash, the benchmark's duplicates).
    A lease run out that nobody took over is renewed and the reply sent, once."""
    clock = Clock(NOW)
    settings: Settings = make_settings(
        pg_url, campaign_file=campaign_file, data_dir=tmp_path / "data", reminders_enabled=False
    )
    sent: dict[str, list[str]] = {}
    a, b = [await App.create(settings, clock=clock) for _ in range(2)]
    try:
        for w in (a, b):
            w.add_channel(Recorder(sent))
        lease = a.pipeline.outbox_lease

        async def queued_by_a(text: str) -> list[q.OutboxRow]:
            async with a.db.transaction() as conn:
                return await q.enqueue_replies(
                    conn,
                    channel="telegram",
                    chat_id="777",
                    payloads=[Reply(text).to_json()],
                    inbox_id=None,
                    now=clock(),
                    claimed_by=a.pipeline.worker_id,
                    lease=lease,
                )

        rows = await queued_by_a("một")
        clock.advance(seconds=lease.total_seconds() + 1)  # A is slow to get to the send
        assert await b.pipeline.sweep_outbox() == 1  # B takes it over and sends it
        await a.pipeline.deliver(rows)
        for w in (a, b):
            await w.pipeline.drain(10)
        assert sent == {"777": ["một"]}

        rows = await queued_by_a("hai")
        clock.advance(seconds=lease.total_seconds() + 1)  # run out, but nobody took it
        await a.pipeline.deliver(rows)
        assert await b.pipeline.sweep_outbox() == 0
        for w in (a, b):
            await w.pipeline.drain(10)
        assert sent == {"777": ["một", "hai"]}
        async with a.db.read() as conn:
            statuses = sorted(r[0] for r in await conn.execute(select(_OUT.c.status)))
        assert statuses == ["sent", "sent"]
    finally:
        for w in (a, b):
            await w.close()


async def test_a_sent_reply_stays_claimed_until_it_is_marked_sent(
    pg_url: str, campaign_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deliveries are marked sent in batches, after the send; the claim must be renewed until
    that write is done. It was not (renewal stopped with the send): a mark waiting on a loaded
    database past the lease let another worker's sweep send the reply a second time."""
    clock = Clock(NOW)
    settings: Settings = make_settings(
        pg_url,
        campaign_file=campaign_file,
        data_dir=tmp_path / "data",
        reminders_enabled=False,
        outbox_lease_seconds=0.3,  # renewed every 0.1 s of real time
    )
    sent: dict[str, list[str]] = {}
    a, b = [await App.create(settings, clock=clock) for _ in range(2)]
    marks_may_go = asyncio.Event()
    real_mark = q.mark_outbox

    async def slow_mark(conn: object, **kw: object) -> None:
        await marks_may_go.wait()  # the database is slow to take the write
        await real_mark(conn, **kw)  # type: ignore[arg-type]

    try:
        for w in (a, b):
            w.add_channel(Recorder(sent))
        async with a.db.transaction() as conn:
            rows = await q.enqueue_replies(
                conn,
                channel="telegram",
                chat_id="778",
                payloads=[Reply("ba").to_json()],
                inbox_id=None,
                now=clock(),
                claimed_by=a.pipeline.worker_id,
                lease=a.pipeline.outbox_lease,
            )
        monkeypatch.setattr(q, "mark_outbox", slow_mark)
        await a.pipeline.deliver(rows)
        assert sent == {"778": ["ba"]}
        clock.advance(seconds=5)  # far past the lease of the send
        await asyncio.sleep(0.5)  # A's renewals (every 0.1 s) go on while the mark waits
        assert await b.pipeline.sweep_outbox() == 0
        marks_may_go.set()
        for w in (a, b):
            await w.pipeline.drain(10)
        assert sent == {"778": ["ba"]}
        async with a.db.read() as conn:
            assert [r[0] for r in await conn.execute(select(_OUT.c.status))] == ["sent"]
    finally:
        marks_may_go.set()
        for w in (a, b):
            await w.close()
