"""`python -m bot person forget ID` (issue 14, personal data): a focal point who has sent a
report, started another, and has a file staged is erased. The report, its values and the audit
trail stay, pointing at "Người dùng đã xóa #ID"; the name, the messenger account, the
conversation, what they typed and the staged file go; their next message is a stranger's. On
SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import cli
from bot.app import App
from core.settings import Settings
from core.texts.common import NOT_UNDERSTOOD_UNREGISTERED
from storage.files import FileStore
from storage.models import (
    AuditLog,
    ChatIdentity,
    ConversationState,
    InboxUpdate,
    IndicatorValue,
    Person,
    ReportSubmission,
    table,
)
from tests.e2e.messengers import Messenger, open_messenger
from tests.harness import Clock, running_bot
from tests.reporting.people import fetch, register
from tests.reporting.test_report import UNIT, fill_month


@pytest.fixture(params=["telegram"])
async def messenger(request: pytest.FixtureRequest) -> AsyncIterator[Messenger]:
    async with open_messenger(request.param) as m:
        yield m


@pytest.fixture
def settings(
    messenger: Messenger, any_db_url: str, tmp_path: Path, campaign_file: Path
) -> Settings:
    return messenger.settings_for(
        any_db_url, data_dir=tmp_path / "data", campaign_file=campaign_file
    )


@pytest.fixture
async def bot(settings: Settings, clock: Clock) -> AsyncIterator[App]:
    async with running_bot(settings, clock=clock) as app:
        yield app


async def test_a_forgotten_focal_point_leaves_the_units_report_and_becomes_a_stranger(
    bot: App, messenger: Messenger, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    lan = await register(bot, messenger, 1, UNIT, name="Nguyễn Thị Lan")
    await fill_month(lan, "1/2024")
    assert "(10 chỉ tiêu)" in await lan.choose(1)  # sent
    await lan.say("/baocao 2/2024")  # a conversation left open
    [(pid, name)] = await fetch(bot, Person, "id", "full_name")
    assert name == "Nguyễn Thị Lan"
    [(ext,)] = await fetch(bot, ChatIdentity, "external_id")
    assert await fetch(bot, ReportSubmission, "id", submitted_by=pid)
    owner = f"{messenger.name}:{ext}"
    files = FileStore(settings.data_dir)
    staged = files.stage(b"%PDF-1.4 a file sent earlier", owner=owner)
    other = files.stage(b"%PDF-1.4 someone else's", owner="telegram:999")

    # Without --yes it asks, and anything but "co" keeps everything.
    args = argparse.Namespace(person_id=pid, yes=False)
    capsys.readouterr()
    import io
    import sys

    old_stdin = sys.stdin
    sys.stdin = io.StringIO("khong\n")
    try:
        assert await _in_thread(cli.person, settings, args) == 1
    finally:
        sys.stdin = old_stdin
    out = capsys.readouterr().out
    assert "Nguyễn Thị Lan" in out
    assert "Đã hủy" in out
    assert await fetch(bot, ChatIdentity, "id")

    args = argparse.Namespace(person_id=pid, yes=True)
    assert await _in_thread(cli.person, settings, args) == 0
    assert f"Người dùng đã xóa #{pid}" in capsys.readouterr().out

    # Gone: the name, the account, the conversation, what was typed, the staged file.
    assert await fetch(bot, Person, "full_name") == [(f"Người dùng đã xóa #{pid}",)]
    assert await fetch(bot, ChatIdentity, "id") == []
    async with bot.db.read() as conn:
        assert (await conn.execute(select(table(ConversationState).c.chat_id))).all() == []
        payloads = [r[0] for r in await conn.execute(select(table(InboxUpdate).c.payload))]
        actors = [r[0] for r in await conn.execute(select(table(AuditLog).c.actor))]
    assert payloads
    assert all(p == {} for p in payloads)
    assert not any(ext in a for a in actors)
    assert f"person:{pid}" in actors
    assert "cli" in actors
    assert not staged.exists()
    assert other.exists()
    other.unlink()

    # Kept: the unit's report and its values, still pointing at the anonymised row.
    periods = await fetch(bot, ReportSubmission, "period", submitted_by=pid)
    assert ("2024-01",) in periods
    assert len(await fetch(bot, IndicatorValue, "id", submitted_by=pid)) >= 9

    # The same chat is now a stranger: an answer to the open question is not taken (the
    # running bot's memory of the conversation is not used).
    assert NOT_UNDERSTOOD_UNREGISTERED in await lan.say("có")
    capsys.readouterr()
    assert await _in_thread(cli.people, settings, argparse.Namespace(unit=UNIT)) == 0
    listing = capsys.readouterr().out
    assert f"Người dùng đã xóa #{pid}" in listing
    assert "không còn tài khoản" in listing
    assert "Nguyễn" not in listing


async def _in_thread(fn: object, settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    assert callable(fn)
    return int(await asyncio.to_thread(fn, settings, args))
