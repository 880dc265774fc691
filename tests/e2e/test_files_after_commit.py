"""Files that replies carry (the /tonghop chart, the /xuat workbook) are built after the
update's transaction commits, so other people are not kept waiting on the database while a
file is drawn; and a reply whose file is gone still goes out, with a note."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from core.messages import Attachment, Reply
from core.texts import common as texts
from handlers import admin_overview
from storage.models import OutboxMessage
from storage.queries import pipeline as q
from tests.e2e.messengers import ChatUser, Messenger, values
from tests.harness import codes_for


async def register(app: App, messenger: Messenger, n: int, unit: str, role: str) -> ChatUser:
    [code] = await codes_for(app, unit, role=role)
    user = messenger.user(n, f"Người {n}")
    await user.send_text(f"/start {code}")
    assert "Đăng ký thành công" in await user.expect_message()
    return user


async def test_others_are_answered_while_the_export_is_being_written(
    bot: App, messenger: Messenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await register(bot, messenger, 1, "PNV", "admin")
    focal = await register(bot, messenger, 2, "X_HAI_SON", "focal")
    gate = threading.Event()
    real = admin_overview.write_workbook

    def held_write(data: Any, path: Path) -> Any:
        gate.wait(15)  # the workbook takes "long": until the other person has been answered
        return real(data, path)

    monkeypatch.setattr(admin_overview, "write_workbook", held_write)
    await admin.send_text("/xuat")
    await focal.send_text("/trogiup")  # needs the database's write lock to be handled
    try:
        assert "Các việc Anh/Chị có thể làm" in await focal.expect_message(timeout=5)
    finally:
        gate.set()
    done = await admin.expect_message(timeout=10, contains="Tệp Excel tổng hợp")
    assert texts.ATTACHMENT_GONE not in done


async def test_a_reply_whose_file_is_gone_goes_out_with_a_note(
    bot: App, messenger: Messenger
) -> None:
    admin = await register(bot, messenger, 3, "PNV", "admin")
    gone = bot.settings.data_dir / "exports" / "da-xoa.xlsx"
    reply = Reply("Tệp Excel tổng hợp", attachment=Attachment(str(gone), file_name="x.xlsx"))
    async with bot.db.transaction() as conn:
        out = await q.enqueue_replies(
            conn,
            channel=messenger.name,
            chat_id=admin.chat_id,
            payloads=[reply.to_json()],
            inbox_id=None,
            now=bot.services.clock(),
        )
    await bot.pipeline.deliver(out)
    await asyncio.wait_for(bot.pipeline.drain(), 5)
    got = await admin.expect_message(contains="Tệp Excel tổng hợp")
    assert texts.ATTACHMENT_GONE in got
    assert ("sent",) in await values(bot, OutboxMessage, "status")
