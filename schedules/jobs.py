"""What APScheduler runs. It only wakes the planner and the sender: the `reminder` table says
what is due, so a missed or doubled tick, a restart or a second process changes nothing.

    from schedules import jobs
    jobs.install(scheduler, db=db, channels=app.channels,
                 campaign_loader=jobs.campaign_from_db(db), clock=utcnow, settings=settings)

The jobs have fixed ids and are added with ``replace_existing=True``, ``coalesce=True`` and
``max_instances=1``; a late tick still runs (``misfire_grace_time`` = its interval).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from core.campaign.schema import SKIP_REFERENCE_CHECKS
from core.campaign.schema import Campaign as CampaignDef
from core.channel import Channel
from core.ratelimit import DEFAULT_LIMITS, Limits, RateLimiters
from schedules.planner import PlanReport, PlanSettings, plan
from schedules.sender import ReminderSender, SendReport, SendSettings
from storage.db import Database
from storage.models import Campaign as CampaignRow
from storage.models import table as table_of
from storage.types import utcnow

log = logging.getLogger(__name__)

PLAN_JOB_ID = "reminders-plan"
SEND_JOB_ID = "reminders-send"

CampaignLoader = Callable[[], "Awaitable[CampaignDef | None] | CampaignDef | None"]


@dataclass(frozen=True, slots=True)
class ReminderConfig:
    """Planner and sender settings, and how often each wakes up."""

    plan: PlanSettings = field(default_factory=PlanSettings)
    send: SendSettings = field(default_factory=SendSettings)
    plan_every: timedelta = timedelta(minutes=5)
    send_every: timedelta = timedelta(seconds=30)

    @classmethod
    def from_settings(cls, settings: object) -> ReminderConfig:
        """Read optional ``reminder_*`` and ``<channel>_rate_*`` attributes of the app settings
        (any missing one takes its default), e.g. ``REMINDER_SEND_UNTIL_HOUR=17`` or
        ``TELEGRAM_RATE_PER_SECOND=30``."""
        if isinstance(settings, ReminderConfig):
            return settings

        def get(name: str, default: Any) -> Any:
            value = getattr(settings, name, None)
            return default if value is None else value

        limits: dict[str, Limits] = {}
        for name, base in DEFAULT_LIMITS.items():
            limits[name] = Limits(
                float(get(f"{name}_rate_per_second", base.per_second)),
                float(get(f"{name}_rate_per_chat", base.per_chat_per_second)),
                float(get("reminder_rate_safety", base.safety)),
            )
        p, s = PlanSettings(), SendSettings()
        until = getattr(settings, "reminder_send_until_hour", s.send_until_hour)
        return cls(
            plan=PlanSettings(
                horizon=timedelta(days=float(get("reminder_horizon_days", p.horizon.days))),
                catch_up=timedelta(days=float(get("reminder_catch_up_days", p.catch_up.days))),
                max_after_due=int(get("reminder_max_after_due", p.max_after_due)),
                weekly_digest=bool(get("reminder_weekly_digest", p.weekly_digest)),
            ),
            send=SendSettings(
                lease=timedelta(seconds=float(get("reminder_lease_seconds", s.lease.seconds))),
                batch_size=int(get("reminder_batch_size", s.batch_size)),
                concurrency=int(get("reminder_concurrency", s.concurrency)),
                late_grace=timedelta(
                    minutes=float(get("reminder_late_grace_minutes", s.late_grace.seconds / 60))
                ),
                send_until_hour=None if until is None else int(until),
                limits=limits,
            ),
            plan_every=timedelta(seconds=float(get("reminder_plan_seconds", 300))),
            send_every=timedelta(seconds=float(get("reminder_send_seconds", 30))),
        )


def campaign_from_db(db: Database) -> Callable[[], Awaitable[CampaignDef | None]]:
    """A loader of the most recently loaded campaign, validated once per file version."""
    table = table_of(CampaignRow)
    cache: dict[str, CampaignDef] = {}

    async def load() -> CampaignDef | None:
        async with db.read() as conn:
            row = (
                await conn.execute(
                    select(table.c.source_sha256, table.c.definition)
                    .order_by(table.c.loaded_at.desc())
                    .limit(1)
                )
            ).first()
        if row is None:
            return None
        sha, definition = row[0], row[1]
        if sha not in cache:
            cache.clear()
            cache[sha] = CampaignDef.model_validate(
                definition, context={SKIP_REFERENCE_CHECKS: True}
            )
        return cache[sha]

    return load


async def _campaign(loader: CampaignLoader) -> CampaignDef | None:
    got = loader()
    if inspect.isawaitable(got):
        got = await got
    return got


async def plan_job(
    *,
    db: Database,
    campaign_loader: CampaignLoader,
    clock: Callable[[], datetime] = utcnow,
    settings: PlanSettings | None = None,
) -> PlanReport | None:
    """Plan reminders for the current campaign (idempotent)."""
    campaign = await _campaign(campaign_loader)
    if campaign is None:
        return None
    try:
        return await plan(db, campaign=campaign, clock=clock, settings=settings)
    except Exception:
        log.exception("planning reminders failed; the next run tries again")
        return None


async def send_job(*, sender: ReminderSender, campaign_loader: CampaignLoader) -> SendReport | None:
    """Send what is due (rows of other processes are left alone, dead ones' taken over)."""
    campaign = await _campaign(campaign_loader)
    if campaign is None:
        return None
    try:
        return await sender.run_once(campaign)
    except Exception:
        log.exception("sending reminders failed; the next run tries again")
        return None


def install(
    scheduler: Any,
    *,
    db: Database,
    channels: Mapping[str, Channel],
    campaign_loader: CampaignLoader | None = None,
    clock: Callable[[], datetime] = utcnow,
    settings: object = None,
    limiters: RateLimiters | None = None,
    on_sent: Callable[[str], None] | None = None,
) -> ReminderSender | None:
    """Add the planner and sender jobs to an APScheduler 3 scheduler; returns the sender.

    `channels` is read at every run, so pass the app's live dict. With a ``reminders_enabled``
    setting that is False, nothing is added (None is returned)."""
    if getattr(settings, "reminders_enabled", True) is False:
        log.info("reminders are switched off (REMINDERS_ENABLED=false)")
        return None
    config = ReminderConfig.from_settings(settings)
    loader = campaign_loader or campaign_from_db(db)
    sender = ReminderSender(
        db, channels, clock=clock, settings=config.send, limiters=limiters, on_sent=on_sent
    )
    common: dict[str, Any] = {
        "replace_existing": True,
        "coalesce": True,
        "max_instances": 1,
    }
    plan_seconds = config.plan_every.total_seconds()
    send_seconds = config.send_every.total_seconds()
    scheduler.add_job(
        plan_job,
        "interval",
        seconds=plan_seconds,
        id=PLAN_JOB_ID,
        kwargs={"db": db, "campaign_loader": loader, "clock": clock, "settings": config.plan},
        misfire_grace_time=max(1, int(plan_seconds)),
        next_run_time=datetime.now().astimezone(),  # plan at start-up, then every interval
        **common,
    )
    scheduler.add_job(
        send_job,
        "interval",
        seconds=send_seconds,
        id=SEND_JOB_ID,
        kwargs={"sender": sender, "campaign_loader": loader},
        misfire_grace_time=max(1, int(send_seconds)),
        **common,
    )
    return sender
