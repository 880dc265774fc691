"""The durable update pipeline: store, then acknowledge; handle once, in order per chat.

1. A channel hands over updates with `receive`; they are committed to the inbox (a redelivered
   update is recognised by its key and dropped) before the channel acknowledges them to the
   messenger. A crash after that point loses nothing: `start` picks up what is pending.
2. Each chat has at most one worker, so a chat's updates are handled one at a time, in the
   order received; different chats run in parallel.
3. Handling an update is one transaction: mark it handled, run the conversation, save state,
   queue the replies in the outbox. Either all of it happens or none of it does. What must
   not happen inside it (a messenger call) the handler leaves to an after-commit hook.
4. Replies are delivered after the commit and marked sent. A crash between delivering and
   marking is the one window in which a reply can be sent twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

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
from core.messages import Incoming, Reply
from core.ratelimit import RateLimiters
from core.texts import common as texts
from handlers.conversation import AfterCommit, Ctx, Router, Services
from storage.db import Database
from storage.files import MAX_UPLOAD_BYTES, FileStore
from storage.queries import pipeline as q
from storage.queries.people import find_identity, set_identity_active, touch_identity

log = logging.getLogger(__name__)

MAX_SEND_ATTEMPTS = 5
# How fresh "last seen" must be; coarse, so that most updates write nothing extra.
SEEN_RESOLUTION = timedelta(hours=1)


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
    ) -> None:
        self.db = db
        self.router = router
        self.services = services
        self.states = state_store
        self.channels: dict[str, Channel] = dict(channels or {})
        self.clock = clock or services.clock
        self.files = files
        self.limiters = limiters
        self._queues: dict[ChatKey, asyncio.Queue[tuple[int, Incoming]]] = {}
        self._workers: dict[ChatKey, asyncio.Task[None]] = {}
        self._idle = asyncio.Event()
        self._idle.set()
        self._in_flight_outbox: set[int] = set()
        self._to_mark: list[int] = []
        self._marker: asyncio.Task[None] | None = None

    def add_channel(self, channel: Channel) -> None:
        self.channels[channel.name] = channel

    # -- receiving -------------------------------------------------------------------------

    async def receive(self, updates: Sequence[Incoming]) -> int:
        """Commit updates to the inbox and schedule the new ones; returns how many were new."""
        if not updates:
            return 0
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
            self._schedule(s.id, given[(s.channel, s.payload["update_key"])])
        return len(stored)

    def _schedule(self, inbox_id: int, incoming: Incoming) -> None:
        key = incoming.chat_key
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = asyncio.Queue()
        queue.put_nowait((inbox_id, incoming))
        if key not in self._workers:
            self._idle.clear()
            self._workers[key] = asyncio.create_task(self._chat_worker(key), name=f"chat:{key}")

    async def _chat_worker(self, key: ChatKey) -> None:
        queue = self._queues[key]
        try:
            while not queue.empty():
                inbox_id, incoming = queue.get_nowait()
                try:
                    incoming = await self._stage_file(incoming)
                    async with self.states.chat_lock(key):
                        await self._handle(inbox_id, incoming)
                except Exception:  # a worker must survive anything one update does
                    log.exception("update %s of chat %s/%s not handled", inbox_id, *key)
        finally:
            del self._workers[key]
            if queue.empty():
                self._queues.pop(key, None)
            else:  # an update arrived while we were finishing
                self._workers[key] = asyncio.create_task(self._chat_worker(key))
            if not self._workers:
                self._idle.set()

    # -- handling ---------------------------------------------------------------------------

    async def _stage_file(self, incoming: Incoming) -> Incoming:
        """Download a sent file before the handling transaction opens (no lock held meanwhile);
        a file that cannot be had is marked, and the conversation explains it."""
        ref = incoming.file
        if ref is None or ref.local_path or ref.error or self.files is None:
            return incoming
        channel = self.channels.get(incoming.channel)
        if channel is None or not hasattr(channel, "fetch_file"):
            return incoming
        try:
            content = await channel.fetch_file(ref, max_bytes=MAX_UPLOAD_BYTES)
        except FileTooBig:
            ref = replace(ref, error="too_big")
        except FileUnavailable:
            ref = replace(ref, error="unavailable")
        else:
            path = await asyncio.to_thread(self.files.stage, content)
            ref = replace(ref, local_path=str(path), size=len(content))
        return replace(incoming, file=ref)

    async def _handle(self, inbox_id: int, incoming: Incoming) -> None:
        key = incoming.chat_key
        now = self.clock()
        notices: list[q.OutboxRow] = []
        hooks: list[AfterCommit] = []
        try:
            async with self.db.transaction() as conn:
                if not await q.claim_update(conn, inbox_id=inbox_id, now=now):
                    return  # handled already (by another worker, or before a restart)
                state, data = await self.states.load(conn, key)
                who = await find_identity(
                    conn, channel=incoming.channel, external_id=incoming.user_id
                )
                if who is not None and now - who.last_seen_at > SEEN_RESOLUTION:
                    await touch_identity(
                        conn, channel=incoming.channel, external_id=incoming.user_id, now=now
                    )
                ctx = Ctx(
                    msg=incoming, conn=conn, services=self.services, who=who, state=state, data=data
                )
                await self.router.dispatch(ctx)
                await self.states.save_in_transaction(conn, key, ctx.state, ctx.data, now)
                out = await q.enqueue_replies(
                    conn,
                    channel=incoming.channel,
                    chat_id=incoming.chat_id,
                    payloads=[r.to_json() for r in ctx.replies],
                    inbox_id=inbox_id,
                    now=now,
                )
                for channel, chat_id, reply in ctx.notices:
                    notices += await q.enqueue_replies(
                        conn,
                        channel=channel,
                        chat_id=chat_id,
                        payloads=[reply.to_json()],
                        inbox_id=inbox_id,
                        now=now,
                    )
        except Exception as exc:
            log.exception("handler failed for update %s", inbox_id)
            async with self.db.transaction() as conn:
                await q.fail_update(conn, inbox_id=inbox_id, now=self.clock(), error=repr(exc))
                out = await q.enqueue_replies(
                    conn,
                    channel=incoming.channel,
                    chat_id=incoming.chat_id,
                    payloads=[Reply(texts.INTERNAL_ERROR).to_json()],
                    inbox_id=inbox_id,
                    now=self.clock(),
                )
        else:
            await self.states.save_after_commit(key, ctx.state, ctx.data)
            hooks = ctx.committed
        for hook in hooks:
            try:
                await hook()
            except Exception:  # the update is committed: a hook failing changes nothing of it
                log.exception("after-commit hook of update %s failed", inbox_id)
        await self.deliver(out)
        if notices:
            await self.deliver_fanout(notices)

    # -- delivering -------------------------------------------------------------------------

    async def deliver(self, rows: Sequence[q.OutboxRow], *, per_chat: bool = False) -> None:
        """Send replies in order; record which were sent, and which cannot be.

        Every message counts against its messenger's global rate. A reply answers a message
        the person just sent, so it skips the per-chat pause; messages the person did not ask
        for (`per_chat`: notices, announcements) keep to it too."""
        sent: list[int] = []
        for row in rows:
            if row.id in self._in_flight_outbox:
                continue
            self._in_flight_outbox.add(row.id)
            try:
                if self.limiters is not None:
                    limiter = self.limiters(row.channel)
                    if per_chat:
                        await limiter.acquire(row.chat_id)
                    else:
                        await limiter.global_bucket.acquire()
                outcome = await self._send_one(row)
            finally:
                self._in_flight_outbox.discard(row.id)
            if outcome == "sent":
                sent.append(row.id)
            elif outcome is not None:
                async with self.db.transaction() as conn:
                    await q.mark_outbox(conn, ids=[row.id], status=outcome, now=self.clock())
                    if outcome == "unreachable":
                        await set_identity_active(
                            conn, channel=row.channel, chat_id=row.chat_id, active=False
                        )
        if sent:
            self._mark_sent_soon(sent)

    def _mark_sent_soon(self, ids: list[int]) -> None:
        """Record deliveries in batches: one write for many replies instead of one each.
        The ids stay "in flight" until written, so the outbox sweep never resends them."""
        self._in_flight_outbox.update(ids)
        self._to_mark.extend(ids)
        if self._marker is None or self._marker.done():
            self._marker = asyncio.create_task(self._flush_marks())

    async def _flush_marks(self) -> None:
        while self._to_mark:
            await asyncio.sleep(0)  # let the replies of this tick join the batch
            ids, self._to_mark = self._to_mark, []
            try:
                async with self.db.transaction() as conn:
                    await q.mark_outbox(conn, ids=ids, status="sent", now=self.clock())
            except Exception:  # they stay pending; the sweep would resend: log loudly
                log.exception("could not mark %d replies as sent", len(ids))
            finally:
                self._in_flight_outbox.difference_update(ids)

    async def deliver_fanout(self, rows: Sequence[q.OutboxRow]) -> None:
        """Messages to many chats (notices, announcements, urging): each chat in order, chats
        in parallel, within each messenger's global and per-chat rate."""
        by_chat: dict[tuple[str, str], list[q.OutboxRow]] = {}
        for r in rows:
            by_chat.setdefault((r.channel, r.chat_id), []).append(r)

        await asyncio.gather(*(self.deliver(rs, per_chat=True) for rs in by_chat.values()))

    async def _send_one(self, row: q.OutboxRow) -> str | None:
        """`sent`, `unreachable`, `rejected`, or None to leave it pending for a later sweep."""
        channel = self.channels.get(row.channel)
        if channel is None:
            log.warning("no channel %s for outbox %s", row.channel, row.id)
            return None
        reply = _with_existing_file(Reply.from_json(row.payload))
        delay = 0.5
        skip = 0  # pieces of a long reply already delivered
        for attempt in range(1, MAX_SEND_ATTEMPTS + 1):
            try:
                await channel.send(row.chat_id, reply, skip=skip)
            except RetryAfter as exc:
                skip = exc.pieces_sent
                await asyncio.sleep(min(exc.retry_after, 60))
            except Transient as exc:
                skip = exc.pieces_sent
                log.warning("outbox %s attempt %s: %s", row.id, attempt, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
            except Unreachable:
                log.info("chat %s/%s is unreachable; marking it inactive", row.channel, row.chat_id)
                return "unreachable"
            except Rejected:
                log.exception("outbox %s rejected by %s", row.id, row.channel)
                return "rejected"
            except DeliveryError:
                log.exception("outbox %s failed", row.id)
                return None
            else:
                return "sent"
        return None

    # -- lifecycle --------------------------------------------------------------------------

    async def recover(self) -> None:
        """After a start or a crash: deliver what was queued, then handle what was stored."""
        await self.sweep_outbox()
        async with self.db.read() as conn:
            pending = await q.pending_updates(conn)
        for p in pending:
            self._schedule(p.id, Incoming.from_json(p.payload))
        if pending:
            log.info("resuming %d stored updates", len(pending))

    async def sweep_outbox(self) -> int:
        """Deliver replies left pending (after a crash, or when the messenger was down)."""
        async with self.db.read() as conn:
            rows = [r for r in await q.pending_outbox(conn) if r.id not in self._in_flight_outbox]
        await self.deliver_fanout(rows)
        return len(rows)

    async def drain(self, wait_at_most: float | None = None) -> None:
        """Wait until every scheduled update has been handled."""
        await asyncio.wait_for(self._idle.wait(), wait_at_most)
        if self._marker is not None:
            await asyncio.wait_for(asyncio.shield(self._marker), wait_at_most)

    async def close(self) -> None:
        for task in list(self._workers.values()):
            task.cancel()
        await asyncio.gather(*self._workers.values(), return_exceptions=True)
        if self._marker is not None:  # record what was delivered before we go
            await asyncio.gather(self._marker, return_exceptions=True)


def _with_existing_file(reply: Reply) -> Reply:
    """The reply, with a note in place of an attachment whose file is gone: one built after
    the commit by a process that died before building it, or swept after a long outage."""
    att = reply.attachment
    if att is None or Path(att.path).is_file():
        return reply
    from core.texts import common as texts

    log.warning("attachment %s is gone; sending the text with a note", Path(att.path).name)
    return Reply(reply.text.rstrip() + "\n\n" + texts.ATTACHMENT_GONE, reply.choices)
