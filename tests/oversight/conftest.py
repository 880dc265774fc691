"""Fixtures for the oversight tests: the bundled campaign on a fresh database, people in it,
and a settable clock set in mid-April 2024 (Vietnam time)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from core.campaign import Campaign, bundled_campaign_path, load_campaign
from core.conversation import Services
from handlers import build_router
from storage.db import Database
from tests.conftest import make_settings
from tests.harness import Clock
from tests.oversight import seed
from tests.oversight.desk import Account, Desk

TODAY = date(2024, 4, 15)


@pytest.fixture(scope="session")
def campaign() -> Campaign:
    return load_campaign(bundled_campaign_path())


@pytest.fixture
def clock() -> Clock:
    return Clock(seed.local(TODAY, 9))


@pytest.fixture
async def db(sqlite_url: str) -> AsyncIterator[Database]:
    database = Database(sqlite_url)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def desk(
    db: Database, sqlite_url: str, campaign: Campaign, clock: Clock, tmp_path: Path
) -> Desk:
    router = build_router()
    services = Services(
        settings=make_settings(sqlite_url, data_dir=tmp_path / "data"),
        campaign_id=seed.CAMPAIGN_ID,
        clock=clock,
        router=router,
        campaign=campaign,
    )
    return Desk(db, services, router)


async def account(
    db: Database, unit: str, role: str, n: int, *, channel: str = "telegram", name: str = "Lan"
) -> Account:
    external = f"{channel}-{n}"
    await seed.person(db, unit, role, channel=channel, external_id=external, name=name)
    return Account(channel, external)
