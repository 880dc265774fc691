"""The running bot plans and sends reminders on its own, on the channel the person uses."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.e2e.messengers import Messenger
from tests.harness import Clock, codes_for, running_bot

# Monday 25/03/2024, 07:30 in Móng Cái; the D01 launch document is due on Sunday 31/03, and the
# seven-day reminder goes at 08:00 (the server's clock is in UTC).
MONDAY_BEFORE_EIGHT = datetime(2024, 3, 25, 0, 30, tzinfo=UTC)


async def test_a_focal_point_gets_the_launch_document_reminder_from_the_running_bot(
    messenger: Messenger, sqlite_url: str
) -> None:
    settings = messenger.settings_for(
        sqlite_url, reminders_enabled=True, reminder_send_seconds=1, reminder_plan_seconds=1
    )
    clock = Clock(MONDAY_BEFORE_EIGHT)
    async with running_bot(settings, clock=clock) as app:
        [code] = await codes_for(app, "X_HAI_SON")
        lan = messenger.user(1, "Lan")
        await lan.send_text(f"/start {code}")
        assert "Đăng ký thành công" in await lan.expect_message()
        clock.advance(minutes=35)  # 08:05 in Móng Cái
        reminder = await lan.expect_message(timeout=15, contains="31/03/2024")
    assert "/nopvanban" in reminder
    assert "Xã Hải Sơn" in reminder
