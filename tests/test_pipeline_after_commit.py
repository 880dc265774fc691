"""After-commit hooks: a handler's work outside the database runs once its update is committed,
and never when the update rolls back."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.pipeline import Pipeline
from bot.state import DatabaseStateStore
from core.conversation import Ctx, Router, Services
from core.messages import Incoming, Kind
from storage.db import Database
from storage.models import InboxUpdate, OutboxMessage, table
from tests.conftest import make_settings

_IN = table(InboxUpdate)
_OUT = table(OutboxMessage)


def text(key: str, body: str) -> Incoming:
    return Incoming(
        channel="test",
        update_key=key,
        chat_id=f"chat-{key}",
        user_id="u",
        kind=Kind.TEXT,
        text=body,
    )


async def test_hooks_run_after_the_commit_and_never_after_a_rollback(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    router = Router()
    seen: list[tuple[str, str]] = []

    def hook(ctx: Ctx, label: str) -> None:
        key = ctx.msg.update_key

        async def run() -> None:
            # Another connection sees the update handled: the transaction is committed.
            async with db.read() as conn:
                status = (
                    await conn.execute(select(_IN.c.status).where(_IN.c.update_key == key))
                ).scalar_one()
            seen.append((label, status))

        ctx.after_commit(run)

    @router.command("ok", description="ok", registered_only=False)
    async def ok(ctx: Ctx) -> None:
        hook(ctx, "ok")
        ctx.reply("đã lưu")

    @router.command("fail", description="fail", registered_only=False)
    async def fail(ctx: Ctx) -> None:
        hook(ctx, "fail")
        raise RuntimeError("the handler fails after asking for a hook")

    @router.command("broken", description="broken", registered_only=False)
    async def broken(ctx: Ctx) -> None:
        async def explode() -> None:
            raise RuntimeError("a hook fails")

        ctx.after_commit(explode)
        hook(ctx, "after broken")
        ctx.reply("vẫn được gửi")

    services = Services(
        settings=make_settings(sqlite_url),
        campaign_id="",
        clock=lambda: datetime.now(UTC),
        router=router,
    )
    pipeline = Pipeline(db=db, router=router, services=services, state_store=DatabaseStateStore())
    try:
        await pipeline.receive([text("1", "/ok"), text("2", "/fail"), text("3", "/broken")])
        await pipeline.drain(10)
        assert sorted(seen) == [("after broken", "done"), ("ok", "done")]
        async with db.read() as conn:
            rows = await conn.execute(
                select(_IN.c.update_key, _IN.c.status).order_by(_IN.c.update_key)
            )
            assert [tuple(r) for r in rows] == [("1", "done"), ("2", "failed"), ("3", "done")]
            # A failing hook takes nothing back: the reply stays queued for delivery.
            payloads = [r[0] for r in await conn.execute(select(_OUT.c.payload))]
        assert "vẫn được gửi" in [p["text"] for p in payloads]
    finally:
        await pipeline.close()
        await db.dispose()
