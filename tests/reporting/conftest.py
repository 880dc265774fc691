"""Fixtures for the reporting conversations, driven end to end on Telegram and on Zalo.

The bot runs on SQLite with a settable clock (20/03/2024, 10:00 in Móng Cái), its uploads in
the test's own directory, and the bundled campaign plus four indicators that give /baocao a
question of every value type (money, date, count, optional text). Files people send on Zalo
are photo URLs: a small HTTP server on 127.0.0.1 serves them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web

from bot.app import App
from core.campaign import bundled_campaign_path
from core.settings import Settings
from tests.e2e.messengers import CHANNELS, Messenger, open_messenger
from tests.harness import Clock, running_bot
from tests.reporting.people import FileServer

# 20/03/2024 10:00 in Asia/Ho_Chi_Minh: before the Quarter I deadline (31/03/2024).
NOW = datetime(2024, 3, 20, 3, 0, tzinfo=UTC)

EXTRA_INDICATORS: list[dict[str, Any]] = [
    {
        "code": "X_CHI",
        "label": "Kinh phí chi cho công tác cải cách hành chính trong tháng",
        "short_label": "Kinh phí CCHC",
        "type": "money",
        "applies_to": ["COMMUNE"],
        "frequency": "monthly",
    },
    {
        "code": "X_NGAY",
        "label": "Ngày ban hành Kế hoạch cải cách hành chính năm 2024 của đơn vị",
        "short_label": "Ngày ban hành Kế hoạch CCHC",
        "type": "date",
        "applies_to": ["COMMUNE"],
        "frequency": "once",
    },
    {
        "code": "X_HOSO",
        "label": "Số hồ sơ thủ tục hành chính tiếp nhận trong tháng",
        "short_label": "Hồ sơ TTHC tiếp nhận",
        "type": "count",
        "unit": "hồ sơ",
        "applies_to": ["COMMUNE"],
        "frequency": "monthly",
    },
    {
        "code": "X_GHICHU",
        "label": "Ghi chú, kiến nghị (nếu có)",
        "short_label": "Ghi chú",
        "type": "text",
        "applies_to": ["COMMUNE"],
        "frequency": "monthly",
        "required": False,
    },
]


@pytest.fixture(scope="session")
def campaign_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled campaign with the extra indicators above."""
    data = yaml.safe_load(bundled_campaign_path().read_text(encoding="utf-8"))
    data["indicators"] = [*data["indicators"], *EXTRA_INDICATORS]
    path = tmp_path_factory.mktemp("campaign") / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(params=CHANNELS)
async def messenger(request: pytest.FixtureRequest) -> AsyncIterator[Messenger]:
    async with open_messenger(request.param) as m:
        yield m


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def settings(
    messenger: Messenger, sqlite_url: str, tmp_path: Path, campaign_file: Path
) -> Settings:
    return messenger.settings_for(
        sqlite_url, data_dir=tmp_path / "data", campaign_file=campaign_file
    )


@pytest.fixture
async def bot(settings: Settings, clock: Clock) -> AsyncIterator[App]:
    async with running_bot(settings, clock=clock) as app:
        yield app


@pytest.fixture
async def files() -> AsyncIterator[FileServer]:
    server = FileServer()
    app = web.Application()
    app.router.add_get("/{name}", server.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield server
    finally:
        await runner.cleanup()


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    """Where kept files land: <data>/uploads/<campaign>/<unit>/."""
    return tmp_path / "data" / "uploads"


# -- a campaign that asks for the head's sign-off ---------------------------------------------

#: A deadline for February's report, due on 20/03/2024 (today, in these tests): a report
#: counted today is on time, one the head confirms tomorrow is late.
FEBRUARY_DEADLINE: dict[str, Any] = {
    "code": "D_T02",
    "title": "Báo cáo kết quả thực hiện tháng 02/2024",
    "due": "2024-03-20",
    "applies_to": {"kinds": ["COMMUNE"]},
    "fulfilled_by": {"report": {"frequency": "monthly"}},
    "command": "/baocao",
}


@pytest.fixture(scope="session")
def signoff_campaign_file(campaign_file: Path) -> Path:
    """The campaign above, asking for the head's sign-off on reports and documents, with a
    deadline for February's report."""
    data = yaml.safe_load(campaign_file.read_text(encoding="utf-8"))
    data["sign_off"] = {"reports": True, "documents": True}
    data["deadlines"] = [*data["deadlines"], FEBRUARY_DEADLINE]
    path = campaign_file.parent / "campaign-sign-off.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
async def signoff_bot(
    messenger: Messenger, sqlite_url: str, tmp_path: Path, signoff_campaign_file: Path, clock: Clock
) -> AsyncIterator[App]:
    """The bot running the sign-off campaign."""
    settings = messenger.settings_for(
        sqlite_url, data_dir=tmp_path / "data", campaign_file=signoff_campaign_file
    )
    async with running_bot(settings, clock=clock) as app:
        yield app
