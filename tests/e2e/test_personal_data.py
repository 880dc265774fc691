"""Personal data (issue 14): control characters never reach the database, registration says
what is kept, and log lines mask phone numbers and name fields."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.logs import MaskPersonalData
from storage.models import ChatIdentity, InboxUpdate, Person
from tests.e2e.messengers import Messenger, values
from tests.harness import Clock, codes_for, running_bot

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg_bot(messenger: Messenger, pg_url: str, clock: Clock) -> AsyncIterator[App]:
    async with running_bot(messenger.settings_for(pg_url), clock=clock) as app:
        yield app


async def test_a_nul_in_the_display_name_does_not_stop_registration_on_postgres(
    pg_bot: App, messenger: Messenger
) -> None:
    [code] = await codes_for(pg_bot, "PNV", role="focal")
    lan = messenger.user(1, "La\x00n\x07 \x1b[31mThị")
    await lan.send_text(f"/start {code}\x00")
    welcome = await lan.expect_message()
    assert "Đăng ký thành công" in welcome
    assert "dữ liệu cá nhân" in welcome  # what is kept, and why
    names = [n for (n,) in await values(pg_bot, ChatIdentity, "display_name")]
    assert names == ["Lan [31mThị"]
    people = [n for (n,) in await values(pg_bot, Person, "full_name")]
    assert all("\x00" not in n and "\x1b" not in n for n in people)
    payloads = [p for (p,) in await values(pg_bot, InboxUpdate, "payload")]
    assert all("\x00" not in str(p) for p in payloads)
    await lan.send_text("/trogiup\x00")
    assert "Lan" in await lan.expect_message()


def test_log_lines_mask_phone_numbers_and_name_fields() -> None:
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "saving %s failed: full_name=%r phone=%s", None, None
    )
    record.args = ("person 12", "Nguyễn Văn A", "0912 345 678")
    try:
        raise ValueError("display_name='Lê Thị B' file_name='Báo cáo.docx' +84912345678")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert MaskPersonalData().filter(record)
    line = logging.Formatter().format(record)
    for secret in ("Nguyễn", "0912", "Lê Thị", "Báo cáo", "912345678"):
        assert secret not in line
    assert "person 12" in line
