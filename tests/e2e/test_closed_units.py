"""A unit that closed (phường Hòa Lạc, merged into phường Trần Phú on 01/11/2024): its people are
told plainly, on Telegram and on Zalo, that they can no longer send reports of later periods,
initiatives or documents; a month the ward lived through can still be reported (issue 11)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import App
from storage.models import Initiative, ReportSubmission
from tests.e2e.messengers import Messenger, count
from tests.harness import Clock, codes_for

CLOSED = (
    "Phường Hòa Lạc đã kết thúc hoạt động từ ngày 01/11/2024 (sáp nhập vào phường Trần Phú); "
    "Anh/Chị không thể gửi {what} sau ngày này."
)


async def test_people_of_a_closed_ward_are_told_why_they_cannot_send(
    bot: App, messenger: Messenger, clock: Clock
) -> None:
    clock.now = datetime(2024, 10, 20, 2, 0, tzinfo=UTC)  # the ward still exists
    [code] = await codes_for(bot, "P_HOA_LAC")
    hoa = messenger.user(31, "Hoa")
    await hoa.send_text(f"/start {code}")
    assert "Đăng ký thành công" in await hoa.expect_message()

    clock.now = datetime(2024, 11, 12, 2, 0, tzinfo=UTC)  # 12/11/2024: the ward has closed
    await hoa.send_text("/baocao 11/2024")
    msg = await hoa.expect_message()
    assert CLOSED.format(what="báo cáo cho các kỳ") in msg
    assert "phường Trần Phú" in msg

    await hoa.send_text("/sangkien")
    msg = await hoa.expect_message()
    assert CLOSED.format(what="đăng ký mô hình, giải pháp, sáng kiến") in msg

    await hoa.send_text("/nopvanban")
    msg = await hoa.expect_message()
    assert CLOSED.format(what="văn bản") in msg

    # October, a month the ward lived through, is still asked.
    await hoa.send_text("/baocao 10/2024")
    msg = await hoa.expect_message()
    assert "Báo cáo tháng 10/2024 của Phường Hòa Lạc gồm" in msg
    assert await count(bot, ReportSubmission) == 0
    assert await count(bot, Initiative) == 0
