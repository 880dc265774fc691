"""The composition root: settings → database → campaign → pipeline → channels → scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot import health
from bot.health import Readiness
from bot.metrics import Metrics
from bot.pipeline import Pipeline
from bot.shared_rate import RedisLink, SharedRateLimiters, namespace_for
from bot.state import DatabaseStateStore, StateStore
from core.channel import Channel
from core.conversation import Router, Services
from core.ratelimit import Limits, RateLimiters
from core.settings import Settings
from handlers import build_router
from storage.campaign_sync import active_campaign_id, ensure_campaign_loaded
from storage.db import Database
from storage.files import FileStore
from storage.types import utcnow

log = logging.getLogger(__name__)

OUTBOX_SWEEP_SECONDS = 30


@dataclass
class App:
    """Everything one bot process holds; built by `create`, released by `close`."""

    settings: Settings
    db: Database
    router: Router
    services: Services
    pipeline: Pipeline
    state_store: StateStore
    metrics: Metrics = field(default_factory=Metrics)
    redis: RedisLink | None = None
    channels: dict[str, Any] = field(default_factory=dict)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    async def create(
        cls,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utcnow,
        load_campaign: bool = True,
    ) -> App:
        db = Database(settings.resolved_database_url())
        if load_campaign:
            campaign_id: str | None = await ensure_campaign_loaded(db, settings.campaign_file)
        else:
            async with db.read() as conn:
                campaign_id = await active_campaign_id(conn)
        campaign = None
        if campaign_id:
            from core.campaign import Campaign as CampaignDef
            from storage.campaign_sync import load_definition

            async with db.read() as conn:
                definition = await load_definition(conn, campaign_id=campaign_id)
            campaign = CampaignDef.model_validate(definition) if definition else None
        router = build_router(campaign)
        services = Services(
            settings=settings,
            campaign_id=campaign_id or "",
            clock=clock,
            router=router,
            campaign=campaign,
        )
        store: StateStore = DatabaseStateStore(cache=db.is_sqlite)
        metrics = Metrics()
        limits = {
            "telegram": Limits(settings.telegram_rate_per_second, settings.telegram_rate_per_chat),
            "zalo": Limits(settings.zalo_rate_per_second, settings.zalo_rate_per_chat),
        }
        redis: RedisLink | None = None
        limiters: RateLimiters
        if settings.redis_url:
            # One sending budget per bot, whatever the number of workers (bot.shared_rate).
            redis = RedisLink(settings.redis_url)
            limiters = SharedRateLimiters(
                redis,
                limits,
                namespaces={
                    name: namespace_for(settings.secret(f"{name}_bot_token") or name)
                    for name in limits
                },
            )
        else:
            limiters = RateLimiters(limits)
        pipeline = Pipeline(
            db=db,
            router=router,
            services=services,
            state_store=store,
            files=FileStore(settings.data_dir),
            limiters=limiters,
            outbox_lease=timedelta(seconds=settings.outbox_lease_seconds),
            poll_seconds=settings.inbox_poll_seconds,
            metrics=metrics,
        )
        services.feed = pipeline.receive  # follow-ups after a commit (a document read)
        return cls(
            settings=settings,
            db=db,
            router=router,
            services=services,
            pipeline=pipeline,
            state_store=store,
            metrics=metrics,
            redis=redis,
        )

    def add_channel(self, channel: Channel) -> None:
        self.channels[channel.name] = channel
        self.pipeline.add_channel(channel)

    def menu_commands(self) -> list[tuple[str, str]]:
        """The messenger's default command menu: what units' people use. Roles with other
        commands (admins) get a menu of their own in their chats (`bot.menus`)."""
        from bot.menus import default_menu

        return default_menu(self.router)

    async def start_telegram(self) -> None:
        from bot.channels.telegram import TelegramChannel, make_bot
        from bot.menus import ChatMenus

        s = self.settings
        bot = make_bot(s.secret("telegram_bot_token"), s.telegram_api_base)
        channel = TelegramChannel(bot, self.pipeline.receive)
        self.add_channel(channel)
        await channel.prepare()
        self.services.bot_username = channel.username
        await channel.set_commands(self.menu_commands())
        limiters = self.pipeline.limiters
        menus = ChatMenus(
            db=self.db,
            router=self.router,
            channel=channel,
            limiter=limiters(channel.name) if limiters is not None else None,
        )
        self.services.menus[channel.name] = menus
        # In the background: per-chat menus must not hold up serving people.
        self._tasks.append(asyncio.create_task(menus.run(), name="menus:telegram"))

    async def start_zalo(self) -> None:
        from bot.channels.published import FileLinks
        from bot.channels.zalo import ZaloChannel
        from bot.channels.zalo_api import ZaloBotAPI

        s = self.settings
        api = ZaloBotAPI(s.secret("zalo_bot_token"), base_url=s.zalo_api_base)
        # Zalo takes files only as links: with a public address, attachments are published.
        links = FileLinks.from_settings(s, clock=self.services.clock)
        channel = ZaloChannel(api, self.pipeline.receive, links=links)
        self.add_channel(channel)
        await channel.prepare()

    async def _register_webhooks(self) -> None:
        base = (self.settings.webhook_base_url or "").rstrip("/")
        for ch in self.channels.values():
            if hasattr(ch, "set_webhook"):
                await ch.set_webhook(base + ch.webhook_path, self.settings.secret("webhook_secret"))

    async def run(self, stop: asyncio.Event) -> None:
        """Serve every configured channel until `stop` is set."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        if self.settings.telegram_bot_token:
            await self.start_telegram()
        if self.settings.zalo_bot_token:
            await self.start_zalo()
        # The HTTP server comes up first: a reply recovered below may carry a published file,
        # which the messenger fetches from it. Webhook updates wait until recovery is done, so
        # that a chat's stored updates are handled before its new ones.
        recovered = asyncio.Event()
        webhook_runner = None
        if self.settings.webhook_base_url:
            webhook_runner = await self._start_webhook_server(recovered)
        # Only now can queued replies go out: recovering needs the channels in place.
        await self.pipeline.recover()
        recovered.set()
        self._tasks.append(asyncio.create_task(self.pipeline.run_poll(stop), name="inbox-poll"))
        if webhook_runner is not None:
            await self._register_webhooks()
        else:
            for ch in self.channels.values():
                if hasattr(ch, "poll"):
                    self._tasks.append(asyncio.create_task(ch.poll(stop), name=f"poll:{ch.name}"))
        scheduler = AsyncIOScheduler(timezone="UTC")
        # The scheduler only ticks; what to send is in the outbox table.
        scheduler.add_job(
            self.pipeline.sweep_outbox,
            "interval",
            seconds=OUTBOX_SWEEP_SECONDS,
            id="outbox-sweep",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=OUTBOX_SWEEP_SECONDS,
        )
        if self.pipeline.files is not None:
            scheduler.add_job(
                self.pipeline.files.sweep_staging,
                "interval",
                hours=6,
                id="staging-sweep",
                replace_existing=True,
                coalesce=True,
                max_instances=1,
            )
        if self.settings.reminders_enabled:
            from schedules import jobs as reminder_jobs

            reminder_jobs.install(
                scheduler,
                db=self.db,
                channels=self.channels,  # the live dict: channels started later are seen too
                campaign_loader=reminder_jobs.campaign_from_db(self.db),
                clock=self.services.clock,
                settings=self.settings,
                limiters=self.pipeline.limiters,
                on_sent=self.metrics.reminder_sent,
            )
        scheduler.start()
        # Everything built so far (aiogram's types, the campaign) lives as long as the process:
        # keep it out of the collector's way, or every full collection walks it (long pauses).
        gc.freeze()
        self.ready.set()
        log.info("bot running: channels=%s", ",".join(self.channels) or "none")
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            for t in self._tasks:
                t.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            if webhook_runner is not None:
                await webhook_runner.cleanup()

    async def _start_webhook_server(self, recovered: asyncio.Event) -> Any:
        """One HTTP server for every channel's webhook (each checks the secret itself), and for
        the published files' links (each checks its signature)."""
        from aiohttp import web

        from bot.channels.published import FileLinks

        s = self.settings
        app = web.Application(client_max_size=1 << 20)
        for ch in self.channels.values():
            if hasattr(ch, "webhook_handler"):
                handler = ch.webhook_handler(s.secret("webhook_secret"))
                app.router.add_post(ch.webhook_path, _after(recovered, handler))
        links = FileLinks.from_settings(s, clock=self.services.clock)
        if links is not None:
            links.install(app)
        health.install(
            app, readiness=Readiness(self.db, self.redis), metrics=self.metrics, db=self.db
        )
        host, _, port = s.webhook_listen.rpartition(":")
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host or "0.0.0.0", int(port)).start()  # noqa: S104
        log.info("webhook listening on %s", s.webhook_listen)
        return runner

    async def close(self) -> None:
        await self.pipeline.close()
        for ch in self.channels.values():
            with contextlib.suppress(Exception):
                await ch.close()
        await self.state_store.close()
        if self.redis is not None:
            await self.redis.close()
        await self.db.dispose()


def _after(ready: asyncio.Event, handler: Any) -> Any:
    """`handler`, answering only once `ready` is set (the messenger retries if we are slow)."""

    async def gated(request: Any) -> Any:
        await ready.wait()
        return await handler(request)

    return gated


def install_stop_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
