"""`/healthz`, `/readyz` and `/metrics` on the webhook server.

`/healthz` says the process answers. `/readyz` says it can do its work: the database answers
and, with `REDIS_URL`, Redis does too (the shared sending budget); 503 with the reasons
otherwise. A dependency that goes away or comes back is said in the log once, when it
changes, not at every check. Without Redis a worker keeps handling updates with in-process
limits and uses Redis again as soon as it answers (`bot.shared_rate`).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from bot.metrics import Metrics
from storage.db import Database
from storage.queries import pipeline as q

if TYPE_CHECKING:
    from aiohttp import web

    from bot.shared_rate import RedisLink

log = logging.getLogger(__name__)

CHECK_TIMEOUT = 3.0


class Readiness:
    def __init__(self, db: Database, redis: RedisLink | None = None) -> None:
        self.db = db
        self.redis = redis
        self.db_up = True

    async def _database(self) -> str | None:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT), self.db.read() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            reason = f"{type(exc).__name__}"
            if self.db_up:
                self.db_up = False
                log.warning("database unreachable (%s): not ready", reason)
            return "database: " + reason
        if not self.db_up:
            self.db_up = True
            log.warning("database reachable again")
        return None

    async def problems(self) -> list[str]:
        """What keeps this worker from being ready (empty: ready)."""
        found: list[str] = []
        db = await self._database()
        if db:
            found.append(db)
        if self.redis is not None and not await self.redis.ping():
            found.append("redis: " + self.redis.reason)
        return found


def install(
    app: web.Application, *, readiness: Readiness, metrics: Metrics, db: Database
) -> None:
    from aiohttp import web

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(request: web.Request) -> web.Response:
        found = await readiness.problems()
        if found:
            return web.Response(status=503, text="not ready\n" + "\n".join(found) + "\n")
        return web.Response(text="ready\n")

    async def metrics_page(request: web.Request) -> web.Response:
        depth: int | None = None
        try:
            async with asyncio.timeout(CHECK_TIMEOUT), db.read() as conn:
                depth = await q.outbox_depth(conn)
        except Exception as exc:
            metrics.note_failure("outbox depth", exc)
        body: Any = metrics.render(outbox_depth=depth)
        return web.Response(text=body, content_type="text/plain", charset="utf-8")

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_page)
