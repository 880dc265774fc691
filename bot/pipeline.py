"""The durable update pipeline: store, then acknowledge; handle once, in order per chat.

1. A channel hands over updates with `receive`; they are committed to the inbox (a redelivered
   update is recognised by its key and dropped) before the channel acknowledges them to the
   messenger. A crash after that point loses nothing.
2. The inbox is the queue, shared by every worker on the database. A worker takes a chat for
   one transaction (a PostgreSQL advisory lock; on SQLite, one process, a task per chat), and
   handles the chat's *oldest* pending update in it, whichever worker received that update.
   So a chat's updates are handled one at a time, in arrival order, once; chats run in
   parallel, on any worker. A worker killed mid-update holds nothing: its transaction is
   rolled back and its lock released when its connection drops. Workers also look for chats
   with pending updates every `INBOX_POLL_SECONDS`.
3. Handling an update is one transaction: mark it handled, run the conversation, save state,
   queue the replies in the outbox. Either all of it happens or none of it does. What must
   not happen inside it (a messenger call) the handler leaves to an after-commit hook.
4. Replies are queued already claimed by this worker for a lease (renewed while sending and
   until the send is recorded), then delivered and marked sent. Another worker sends a reply
   only after its lease ran out; a worker whose lease ran out before its send renews it first,
   on the condition that no other worker took the reply over meanwhile.
   Each claim counts a possible copy; a send that may have reached the messenger (a timeout
   after the request left) is not retried at once but backed off, and no reply is ever sent
   more than `MAX_COPIES` (two) times: a crash between delivering and marking, or a timeout,
   can cost one duplicate, never more.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from bot.metrics import Metrics
from bot.state import ChatKey, StateStore
from core.channel import (
    Channel,
    DeliveryError,
    FileTooBig,
    FileUnavailable,
    Rejected,
    RetryAfter,
    Transient,
    Unreachable,
)
from core.conversation import AfterCommit, Ctx, Router, Services
from core.messages import Incoming, Reply
from core.ratelimit import RateLimiters
from core.texts import common as texts
from storage.db import Database
from storage.files import MAX_UPLOAD_BYTES, FileStore
from storage.queries import pipeline as q
from storage.queries.people import find_identity, set_identity_active, touch_identity

log = logging.getLogger(__name__)

MAX_SEND_ATTEMPTS = 5
# After a send that may have arrived, the one further try waits this long.
AMBIGUOUS_BACKOFF = timedelta(seconds=60)
# A worker waiting for a chat another worker holds gives up after this long (the poll retries).
BUSY_PATIENCE_SECONDS = 120.0
# Staged downloads (files people sent, waiting for their update): at most this many bytes.
MAX_STAGED_BYTES = 512 * 1024 * 1024
# ... and of one sender: three of the largest files a messenger lets a bot download.
MAX_STAGED_BYTES_PER_PERSON = 3 * MAX_UPLOAD_BYTES
# Unregistered chats: at most one answer a window per chat, and this many for all of them.
STRANGER_WINDOW_SECONDS = 60.0
STRANGER_ANSWERS = 30
# How fresh "last seen" must be; coarse, so that most updates write nothing extra.
SEEN_RESOLUTION = timedelta(hours=1)


def default_worker_id() -> str:
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


HANDLED, EMPTY, BUSY = "handled", "empty", "busy"


class _Download(Exception):
    """The update to handle carries a file not yet downloaded: fetch it outside the lock."""

    def __init__(self, inbox_id: int, incoming: Incoming) -> None:
        super().__init__(inbox_id)
        self.inbox_id = inbox_id
        self.incoming = incoming


class Pipeline:
    def __init__(
        self,
        *,
        db: Database,
        router: Router,
        services: Services,
        state_store: StateStore,
        channels: dict[str, Channel] | None = None,
        clock: Callable[[], datetime] | None = None,
        files: FileStore | None = None,
        limiters: RateLimiters | None = None,
        worker_id: str | None = None,
        outbox_lease: timedelta = timedelta(seconds=30),
        poll_seconds: float = 2.0,
        metrics: Metrics | None = None,
    ) -> None:
        self.db = db
        self.router = router
        self.services = services
        self.states = state_store
        self.channels: dict[str, Channel] = dict(channels or {})
        self.clock = clock or services.clock
        self.files = files
        self.limiters = limiters
        self.worker_id = worker_id or default_worker_id()
        self.outbox_lease = outbox_lease
        self.poll_seconds = poll_seconds
        self.metrics = metrics or Metrics()
        self._given: dict[int, Incoming] = {}  # updates this worker received, not yet handled
        self._staged: dict[ChatKey, tuple[int, Incoming]] = {}  # downloaded, waiting for its turn
        self._active: dict[ChatKey, asyncio.Task[None]] = {}
        self._again: set[ChatKey] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._to_mark: list[int] = []
        self._keepers: list[asyncio.Task[None]] = []  # renewing claims of replies to mark
        self._marker: asyncio.Task[None] | None = None
        self.strangers = StrangerBudget()

    def add_channel(self, channel: Channel) -> None:
        self.channels[channel.name] = channel

    # -- receiving -------------------------------------------------------------------------

    async def receive(self, updates: Sequence[Incoming]) -> int:
        """Commit updates to the inbox and start on their chats; returns how many were new."""
        if not updates:
            return 0
        updates = [u.cleaned() for u in updates]  # nothing stored keeps control characters
        rows = [
            {
                "channel": u.channel,
                "update_key": u.update_key,
                "chat_id": u.chat_id,
                "payload": u.to_json(),
            }
            for u in updates
        ]
        async with self.db.transaction() as conn:
            stored = await q.store_updates(conn, rows=rows, now=self.clock())
        given = {(u.channel, u.update_key): u for u in updates}  # no need to decode them again
        for s in stored:
            incoming = given[(s.channel, s.payload["update_key"])]
            self._given[s.id] = incoming
            self._kick(incoming.chat_key)
        return len(stored)

    def _kick(self, key: ChatKey) -> None:
        """Look at a chat's pending updates (again, once the current pass ends)."""
        if key in self._active:
            self._again.add(key)
            return
        self._idle.clear()
        self._active[key] = asyncio.create_task(self._serve_chat(key), name=f"chat:{key}")

    async def _serve_chat(self, key: ChatKey) -> None:
        busy_wait = 0.02
        busy_since: float | None = None
        try:
            while True:
                self._again.discard(key)
                try:
                    outcome = await self._handle_next(key)
                except Exception:  # the database is unreachable, say: the poll comes back
                    log.exception("chat %s/%s: could not take its next update", *key)
                    return
                if outcome == HANDLED:
                    busy_wait, busy_since = 0.02, None
                    continue
                if outcome == BUSY:  # another worker is handling this chat's previous update
                    now = time.monotonic()
                    busy_since = busy_since or now
                    if now - busy_since > BUSY_PATIENCE_SECONDS:
                        return
                    await asyncio.sleep(busy_wait)
                    busy_wait = min(busy_wait * 2, 1.0)
                    continue
                if key not in self._again:
                    self._staged.pop(key, None)
                    return
        finally:
            del self._active[key]
            if key in self._again:  # kicked while finishing
                self._again.discard(key)
                self._kick(key)
            if not self._active:
                self._idle.set()

    async def poll_inbox(self) -> int:
        """Start on every chat with pending updates (stored by a worker that died, or handled
        by none yet); how many chats that was."""
        async with self.db.read() as conn:
            chats = await q.chats_with_pending(conn)
        for key in chats:
            if key not in self._active:
                self._kick(key)
        return len(chats)

    async def run_poll(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), self.poll_seconds)
            except TimeoutError:
                pass
            else:
                return
            try:
                await self.poll_inbox()
            except Exception as exc:  # the database is down: said once a minute at most
                self.metrics.note_failure("inbox poll", exc)

    # -- handling ---------------------------------------------------------------------------

    def _needs_download(self, incoming: Incoming) -> bool:
        ref = incoming.file
        if ref is None or ref.local_path or ref.error or self.files is None:
            return False
        channel = self.channels.get(incoming.channel)
        return channel is not None and hasattr(channel, "fetch_file")

    async def _stage_file(self, incoming: Incoming) -> Incoming:
        """Download a sent file outside any transaction and chat lock; a file that cannot be
        had is marked, and the conversation explains it."""
        ref = incoming.file
        channel = self.channels.get(incoming.channel)
        if ref is None or channel is None or self.files is None:
            return incoming
        owner = staging_owner(incoming)
        if await asyncio.to_thread(self.files.staged_bytes) > MAX_STAGED_BYTES:
            log.warning("staging is full; a file is refused for now")
            return replace(incoming, file=replace(ref, error="unavailable"))
        mine = await asyncio.to_thread(self.files.staged_bytes, owner)
        if mine + (ref.size or 0) > MAX_STAGED_BYTES_PER_PERSON:
            log.warning("chat %s has too many staged files; a file is refused", incoming.chat_id)
            return replace(incoming, file=replace(ref, error="unavailable"))
        try:
            content = await channel.fetch_file(ref, max_bytes=MAX_UPLOAD_BYTES)
        except FileTooBig:
            ref = replace(ref, error="too_big")
        except FileUnavailable:
            ref = replace(ref, error="unavailable")
        else:
            path = await asyncio.to_thread(self.files.stage, content, owner=owner)
            ref = replace(ref, local_path=str(path), size=len(content))
        return replace(incoming, file=ref)

    async def _handle_next(self, key: ChatKey) -> str:
        """Handle the chat's oldest pending update, if the chat is free: HANDLED, EMPTY, BUSY."""
        channel_name, chat_id = key
        inbox_id: int | None = None
        now = self.clock()
        notices: list[q.OutboxRow] = []
        hooks: list[AfterCommit] = []
        started = time.monotonic()
        try:
            async with self.db.transaction() as conn:
                if not await q.try_lock_chat(conn, channel=channel_name, chat_id=chat_id):
                    return BUSY
                row = await q.oldest_pending(conn, channel=channel_name, chat_id=chat_id)
                if row is None:
                    return EMPTY
                inbox_id = row.id
                staged = self._staged.get(key)
                if staged is not None and staged[0] == row.id:
                    incoming = staged[1]
                else:
                    incoming = self._given.get(row.id) or Incoming.from_json(row.payload)
                who = await find_identity(
                    conn, channel=incoming.channel, external_id=incoming.user_id
                )
                if self._needs_download(incoming):
                    if who is not None:
                        raise _Download(row.id, incoming)
                    incoming = _without_download(incoming)  # nothing fetched for strangers
                if not await q.claim_update(conn, inbox_id=row.id, now=now):
                    return HANDLED  # cannot happen under the chat lock; harmless if it did
                self._given.pop(row.id, None)
                self._staged.pop(key, None)
                state, data = await self.states.load(conn, key, fresh=who is None)
                if who is not None and now - who.last_seen_at > SEEN_RESOLUTION:
                    await touch_identity(
                        conn, channel=incoming.channel, external_id=incoming.user_id, now=now
                    )
                ctx = Ctx(
                    msg=incoming, conn=conn, services=self.services, who=who, state=state, data=data
                )
                # A stranger outside registration is answered at most once a window per chat,
                # and strangers together a bounded number of times; the rest is only recorded.
                if (
                    who is not None
                    or state
                    or _registering(incoming)
                    or self.strangers.allow(key, time.monotonic())
                ):
                    await self.router.dispatch(ctx)
                if who is not None or state or ctx.state:  # no state row for a passing stranger
                    await self.states.save_in_transaction(conn, key, ctx.state, ctx.data, now)
                out = await q.enqueue_replies(
                    conn,
                    channel=incoming.channel,
                    chat_id=incoming.chat_id,
                    payloads=[r.to_json() for r in ctx.replies],
                    inbox_id=row.id,
                    now=now,
                    claimed_by=self.worker_id,
                    lease=self.outbox_lease,
                )
                for channel, cid, reply in ctx.notices:
                    notices += await q.enqueue_replies(
                        conn,
                        channel=channel,
                        chat_id=cid,
                        payloads=[reply.to_json()],
                        inbox_id=row.id,
                        now=now,
                        claimed_by=self.worker_id,
                        lease=self.outbox_lease,
                    )
        except _Download as d:
            self._staged[key] = (d.inbox_id, await self._stage_file(d.incoming))
            return HANDLED
        except Exception as exc:
            if inbox_id is None:
                raise
            out = await self._fail(key, inbox_id, exc)
            self.metrics.update_handled(channel_name, "failed")
        else:
            await self.states.save_after_commit(key, ctx.state, ctx.data)
            hooks = ctx.committed
            self.metrics.update_handled(channel_name, "done")
        await self._after_commit(inbox_id, hooks, out, notices)
        self.metrics.reply_latency(channel_name, time.monotonic() - started)
        return HANDLED

    async def _after_commit(
        self,
        inbox_id: int,
        hooks: list[AfterCommit],
        out: list[q.OutboxRow],
        notices: list[q.OutboxRow],
    ) -> None:
        for hook in hooks:
            try:
                await hook()
            except Exception:  # the update is committed: a hook failing changes nothing of it
                log.exception("after-commit hook of update %s failed", inbox_id)
        await self.deliver(out)
        if notices:
            await self.deliver_fanout(notices)

    async def _fail(self, key: ChatKey, inbox_id: int, exc: Exception) -> list[q.OutboxRow]:
        """Set an update aside after its handler failed, and tell the person."""
        log.exception("handler failed for update %s", inbox_id)
        self._given.pop(inbox_id, None)
        self._staged.pop(key, None)
        async with self.db.transaction() as conn:
            await q.lock_chat(conn, channel=key[0], chat_id=key[1])
            if not await q.fail_update(conn, inbox_id=inbox_id, now=self.clock(), error=repr(exc)):
                return []
            return await q.enqueue_replies(
                conn,
                channel=key[0],
                chat_id=key[1],
                payloads=[Reply(texts.INTERNAL_ERROR).to_json()],
                inbox_id=inbox_id,
                now=self.clock(),
                claimed_by=self.worker_id,
                lease=self.outbox_lease,
            )

    # -- delivering -------------------------------------------------------------------------

    async def deliver(self, rows: Sequence[q.OutboxRow], *, per_chat: bool = False) -> None:
        """Send replies claimed by this worker, in order; record which were sent, and which
        cannot be.

        Every message counts against its messenger's global rate. A reply answers a message
        the person just sent, so it skips the per-chat pause; messages the person did not ask
        for (`per_chat`: notices, announcements) keep to it too."""
        sent: list[int] = []
        # Our lease on each row, as last written; a row missing is no longer ours.
        held: dict[int, datetime | None] = {r.id: r.claimed_until for r in rows}
        keeper = asyncio.create_task(self._keep_claims(held))
        try:
            for row in rows:
                if self.limiters is not None:
                    limiter = self.limiters(row.channel)
                    if per_chat:
                        await limiter.acquire(row.chat_id)
                    else:
                        await limiter.acquire_global()
                # Checked last before the send (the rate limiter's wait can be long too).
                if not await self._still_ours(row.id, held):
                    continue  # our lease ran out and another worker's sweep took it over
                outcome = await self._send_one(row)
                if outcome == "sent":
                    sent.append(row.id)
                elif outcome is not None:
                    async with self.db.transaction() as conn:
                        await q.mark_outbox(conn, ids=[row.id], status=outcome, now=self.clock())
                        if outcome == "unreachable":
                            await set_identity_active(
                                conn, channel=row.channel, chat_id=row.chat_id, active=False
                            )
        finally:
            if sent:  # even when a later row failed: those went out
                self._mark_sent_soon(sent, keeper)
            else:
                keeper.cancel()

    async def _keep_claims(self, held: dict[int, datetime | None]) -> None:
        """Renew this worker's claim on replies while it is still sending them (slow
        messengers, 429 pauses), so that no other worker takes them over."""
        period = max(self.outbox_lease.total_seconds() / 3, 0.05)
        while True:
            await asyncio.sleep(period)
            try:
                await self._renew(held)
            except Exception as exc:
                self.metrics.note_failure("outbox lease renewal", exc)

    async def _renew(self, held: dict[int, datetime | None]) -> None:
        ids = list(held)
        until = self.clock() + self.outbox_lease
        async with self.db.transaction() as conn:
            ours = await q.renew_outbox(conn, ids=ids, worker=self.worker_id, until=until)
        for i in ids:
            if i in ours:
                held[i] = until
            else:
                held.pop(i, None)

    async def _still_ours(self, outbox_id: int, held: dict[int, datetime | None]) -> bool:
        """Whether this worker may send the reply now. The lease was counted from when the
        reply was queued (before the handler ran, the commit and the after-commit hooks) and
        is renewed in the background; when less than a third of it is left (a slow hook, a
        loaded database, a renewal late), it is renewed here first, on the condition that the
        row is still ours: if another worker's sweep took it over, that worker sends it."""
        if outbox_id not in held:
            return False
        until = held[outbox_id]
        if until is None or self.clock() < until - self.outbox_lease / 3:
            return True
        try:
            await self._renew(held)
        except Exception as exc:  # not sent now: once the lease ran out, any worker's sweep
            self.metrics.note_failure("outbox lease renewal", exc)
            return False
        return outbox_id in held

    def _mark_sent_soon(self, ids: list[int], keeper: asyncio.Task[None]) -> None:
        """Record deliveries in batches: one write for many replies instead of one each.
        Until written they stay claimed by this worker, so no sweep resends them: `keeper`
        goes on renewing the claims until the batch is written (a write waiting on a loaded
        database could otherwise outlast the lease)."""
        self._to_mark.extend(ids)
        self._keepers.append(keeper)
        self.metrics.replies_sent(len(ids))
        if self._marker is None or self._marker.done():
            self._marker = asyncio.create_task(self._flush_marks())

    async def _flush_marks(self) -> None:
        while self._to_mark:
            await asyncio.sleep(0)  # let the replies of this tick join the batch
            ids, self._to_mark = self._to_mark, []
            keepers, self._keepers = self._keepers, []
            try:
                async with self.db.transaction() as conn:
                    await q.mark_outbox(conn, ids=ids, status="sent", now=self.clock())
            except Exception:  # they stay pending: one copy more when their lease runs out
                log.exception("could not mark %d replies as sent", len(ids))
            finally:
                for k in keepers:
                    k.cancel()

    async def deliver_fanout(self, rows: Sequence[q.OutboxRow]) -> None:
        """Messages to many chats (notices, announcements, urging): each chat in order, chats
        in parallel, within each messenger's global and per-chat rate."""
        by_chat: dict[tuple[str, str], list[q.OutboxRow]] = {}
        for r in rows:
            by_chat.setdefault((r.channel, r.chat_id), []).append(r)

        await asyncio.gather(*(self.deliver(rs, per_chat=True) for rs in by_chat.values()))

    async def _release(
        self, row: q.OutboxRow, *, after: timedelta, delivered: bool, skip: int, error: str
    ) -> None:
        async with self.db.transaction() as conn:
            await q.release_outbox(
                conn,
                outbox_id=row.id,
                worker=self.worker_id,
                retry_at=self.clock() + after,
                delivered=delivered,
                pieces_sent=skip,
                error=error,
            )

    async def _send_one(self, row: q.OutboxRow) -> str | None:
        """`sent`, `unreachable`, `rejected`, `unknown` (may have arrived twice already: not
        sent again), or None: given back, to be tried again later by any worker."""
        channel = self.channels.get(row.channel)
        if channel is None:
            log.warning("no channel %s for outbox %s", row.channel, row.id)
            await self._release(
                row,
                after=timedelta(0),
                delivered=False,
                skip=row.pieces_sent,
                error=f"no channel {row.channel}",
            )
            return None
        reply = _with_existing_file(Reply.from_json(row.payload))
        delay = 0.5
        skip = row.pieces_sent  # pieces of a long reply already delivered
        for attempt in range(1, MAX_SEND_ATTEMPTS + 1):
            try:
                await channel.send(row.chat_id, reply, skip=skip)
            except RetryAfter as exc:  # surely not delivered: wait as asked, then again
                skip = exc.pieces_sent
                self.metrics.rate_limited(row.channel)
                if attempt == MAX_SEND_ATTEMPTS:
                    await self._release(
                        row,
                        after=timedelta(seconds=exc.retry_after),
                        delivered=False,
                        skip=skip,
                        error=str(exc),
                    )
                    return None
                await asyncio.sleep(min(exc.retry_after, 60))
            except Transient as exc:
                skip = exc.pieces_sent
                log.warning("outbox %s attempt %s: %s", row.id, attempt, exc)
                if exc.maybe_delivered:
                    # It may have arrived: never at once again; once more later, at most.
                    if row.attempts >= q.MAX_COPIES:
                        return "unknown"
                    await self._release(
                        row, after=AMBIGUOUS_BACKOFF, delivered=True, skip=skip, error=str(exc)
                    )
                    return None
                if attempt == MAX_SEND_ATTEMPTS:
                    await self._release(
                        row, after=timedelta(seconds=30), delivered=False, skip=skip, error=str(exc)
                    )
                    return None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
            except Unreachable:
                log.info("chat %s/%s is unreachable; marking it inactive", row.channel, row.chat_id)
                return "unreachable"
            except Rejected:
                log.exception("outbox %s rejected by %s", row.id, row.channel)
                return "rejected"
            except DeliveryError as exc:
                log.exception("outbox %s failed", row.id)
                await self._release(
                    row,
                    after=AMBIGUOUS_BACKOFF,
                    delivered=True,
                    skip=exc.pieces_sent,
                    error=str(exc),
                )
                return None
            else:
                return "sent"
        return None

    # -- lifecycle --------------------------------------------------------------------------

    async def recover(self) -> None:
        """After a start or a crash: deliver what was queued, then handle what was stored.

        On SQLite this is the only process: claims left on the outbox are a previous run's,
        taken over at once. On PostgreSQL another worker may be alive: its claims are left to
        run out (`OUTBOX_LEASE_SECONDS`; a live worker renews them)."""
        if self.db.is_sqlite:
            async with self.db.transaction() as conn:
                await q.release_all_claims(conn)
        await self.sweep_outbox()
        chats = await self.poll_inbox()
        if chats:
            log.info("resuming the stored updates of %d chats", chats)

    async def sweep_outbox(self) -> int:
        """Deliver replies left pending (after a crash, after a failed send, or when the
        messenger was down) that no live worker is sending."""
        now = self.clock()
        async with self.db.transaction() as conn:
            gone = await q.give_up_outbox(conn, now=now)
            rows = await q.claim_outbox(
                conn, worker=self.worker_id, now=now, lease=self.outbox_lease, limit=500
            )
        if gone:
            log.warning("%d replies may have arrived twice already; not sent again", gone)
        await self.deliver_fanout(rows)
        return len(rows)

    async def drain(self, wait_at_most: float | None = None) -> None:
        """Wait until every scheduled update has been handled."""
        await asyncio.wait_for(self._idle.wait(), wait_at_most)
        if self._marker is not None:
            await asyncio.wait_for(asyncio.shield(self._marker), wait_at_most)

    async def close(self) -> None:
        for task in list(self._active.values()):
            task.cancel()
        await asyncio.gather(*self._active.values(), return_exceptions=True)
        if self._marker is not None:  # record what was delivered before we go
            await asyncio.gather(self._marker, return_exceptions=True)
        for k in self._keepers:
            k.cancel()


class StrangerBudget:
    """How often unregistered chats are answered (outside registration), per worker: once a
    `window` per chat, and `total` answers a window for all strangers together."""

    def __init__(self, *, window: float = STRANGER_WINDOW_SECONDS, total: int = STRANGER_ANSWERS):
        self.window = window
        self.total = total
        self._last: dict[ChatKey, float] = {}
        self._recent: list[float] = []

    def allow(self, key: ChatKey, now: float) -> bool:
        cutoff = now - self.window
        self._recent = [t for t in self._recent if t > cutoff]
        last = self._last.get(key)
        if (last is not None and last > cutoff) or len(self._recent) >= self.total:
            return False
        if len(self._last) > 10_000:  # forget the chats whose window has passed
            self._last = {k: t for k, t in self._last.items() if t > cutoff}
        self._last[key] = now
        self._recent.append(now)
        return True


def _registering(incoming: Incoming) -> bool:
    """`/start`, `/start CODE` (or `/batdau`): registration is never refused by the budget (wrong
    codes have a throttle of their own)."""
    word = (incoming.text or "").strip().split(" ", 1)[0].lower()
    return word.split("@", 1)[0] in ("/start", "/batdau", "start", "batdau")


def staging_owner(incoming: Incoming) -> str:
    """Whose staged files a download counts against (and is erased with)."""
    return f"{incoming.channel}:{incoming.user_id}"


def _without_download(incoming: Incoming) -> Incoming:
    ref = incoming.file
    return incoming if ref is None else replace(incoming, file=replace(ref, error="unavailable"))


def _with_existing_file(reply: Reply) -> Reply:
    """The reply, with a note in place of an attachment whose file is gone: one built after
    the commit by a process that died before building it, or swept after a long outage."""
    att = reply.attachment
    if att is None or Path(att.path).is_file():
        return reply
    from core.texts import common as texts

    log.warning("an attachment (%s) is gone; sending the text, and a note", Path(att.path).suffix)
    return Reply(reply.text.rstrip() + "\n\n" + texts.ATTACHMENT_GONE, reply.choices)
