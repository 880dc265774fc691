"""The main oversight stories end to end: the real bot, polling a fake Telegram or Zalo Bot API
server over HTTP, people registering with invite codes and typing as they would.

Every story runs on both messengers (numbered options typed as numbers work on both); the
chart photo and pressing a button are Telegram's own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from core.campaign import Campaign
from core.texts import common as texts
from handlers.common import MAX_REPLY_CHARS
from storage.models import IndicatorValue, ReportSubmission, table
from tests.conftest import make_settings
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.zalo_server import FakeZaloServer
from tests.harness import Clock, codes_for, running_bot
from tests.oversight import seed

TELEGRAM_TOKEN = "123456:TEST-token-abcdef"
ZALO_TOKEN = "98765:TEST-zalo-token"


@dataclass
class Person:
    """Someone writing to the bot on one messenger."""

    channel: str
    raw: Any

    async def say(self, text: str) -> None:
        await self.raw.send_text(text)

    async def expect(self, contains: str, timeout: float = 8.0) -> str:  # noqa: ASYNC109
        msg = await self.raw.expect_message(timeout, contains)
        return str(msg.text if self.channel == "telegram" else msg.content)

    async def pick(self, message: str, label_part: str) -> None:
        """Type the number of the option whose label holds `label_part`."""
        for line in message.splitlines():
            m = re.match(r"^(\d+)\. (.*)$", line)
            if m and label_part in m.group(2):
                await self.say(m.group(1))
                return
        raise AssertionError(f"no option {label_part!r} in {message!r}")


@dataclass
class Messenger:
    name: str
    server: Any

    def settings(self, db_url: str, data_dir: Path) -> Any:
        token = TELEGRAM_TOKEN if self.name == "telegram" else ZALO_TOKEN
        return make_settings(
            db_url,
            data_dir=data_dir,
            **{f"{self.name}_bot_token": token, f"{self.name}_api_base": self.server.base_url},
        )

    def person(self, n: int, name: str) -> Person:
        if self.name == "telegram":
            return Person("telegram", self.server.user(user_id=20_000 + n, first_name=name))
        zid = hashlib.sha256(f"oversight-{n}".encode()).hexdigest()[:20]
        return Person("zalo", self.server.user(zid, display_name=name))


@pytest.fixture(params=["telegram", "zalo"])
async def messenger(request: pytest.FixtureRequest) -> AsyncIterator[Messenger]:
    if request.param == "telegram":
        async with FakeTelegramServer(token=TELEGRAM_TOKEN) as tg:
            yield Messenger("telegram", tg)
    else:
        async with FakeZaloServer(token=ZALO_TOKEN) as zalo:
            yield Messenger("zalo", zalo)


@pytest.fixture
async def bot(
    messenger: Messenger,
    sqlite_url: str,
    tmp_path: Path,
    campaign: Campaign,
) -> AsyncIterator[App]:
    """The bot mid-April 2024, Phường Ka Long's history loaded."""
    clock = Clock(seed.local(seed.date(2024, 4, 15), 9))
    async with running_bot(messenger.settings(sqlite_url, tmp_path / "data"), clock=clock) as app:
        await seed.ka_long_story(app.db, campaign)
        yield app


async def registered(app: App, messenger: Messenger, n: int, unit: str, role: str) -> Person:
    [code] = await codes_for(app, unit, role=role)
    person = messenger.person(n, f"Người {n}")
    await person.say(f"/start {code}")
    await person.expect("Đăng ký thành công")
    return person


async def test_focal_point_sees_the_units_status(bot: App, messenger: Messenger) -> None:
    lan = await registered(bot, messenger, 1, "P_KA_LONG", "focal")
    await lan.say("/tinhtrang")
    brief = await lan.expect("TÌNH HÌNH THỰC HIỆN CỦA PHƯỜNG KA LONG")
    assert "Còn 2 việc cần làm:\n• Báo cáo 2 chỉ tiêu kỳ tháng 4/2024 → /baocao" in brief
    assert "Chỉ tiêu chưa đạt: Văn bản điện tử." in brief
    await lan.pick(brief, "Xem chi tiết")  # the whole status on request
    status = await lan.expect("1. Chỉ tiêu kỳ hiện tại")
    assert "Văn bản điện tử (Tháng 4/2024): 98%, chỉ tiêu ≥ 100%" in status
    assert "Văn bản phát động phong trào thi đua: đã nộp ngày 28/03/2024, đúng hạn" in status
    # The award's criteria come as a message of their own (each within MAX_REPLY_CHARS).
    await lan.expect("5. Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (tập thể): đạt 1/3")
    # An admin's command is refused by role.
    await lan.say("/tonghop")
    await lan.expect("Lệnh này không dành cho vai trò Đầu mối")


async def test_overview_comes_with_a_chart_where_the_messenger_can_show_it(
    bot: App, messenger: Messenger
) -> None:
    ha = await registered(bot, messenger, 2, "PNV", "admin")
    await ha.say("/tonghop")
    text = await ha.expect("TỔNG HỢP PHONG TRÀO THI ĐUA – Tháng 3/2024")
    assert "• UBND xã, phường: 0/17 · 5,1% · 2/34 (5,9%)" in text
    if messenger.name == "telegram":
        photos = [m for m in ha.raw.messages if m.kind == "photo"]
        assert len(photos) == 1
        assert photos[0].file is not None
        assert photos[0].file.data[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert texts.ATTACHMENT_NOT_ON_CHANNEL in text


async def test_admin_returns_one_item_and_the_focal_point_is_told(
    bot: App, messenger: Messenger
) -> None:
    lan = await registered(bot, messenger, 1, "P_KA_LONG", "focal")
    ha = await registered(bot, messenger, 2, "PNV", "admin")
    await ha.say("/duyet")
    listing = await ha.expect("CHỜ DUYỆT")
    await ha.pick(listing, "báo cáo tháng 3/2024")
    report = await ha.expect("BÁO CÁO THÁNG 3/2024 CỦA PHƯỜNG KA LONG")
    assert "Văn bản điện tử: 95,5% – chưa đạt (chỉ tiêu ≥ 100%)" in report
    await ha.pick(report, "Trả lại một mục")
    items = await ha.expect("chọn mục cần trả lại")
    await ha.pick(items, "Văn bản điện tử")
    await ha.expect("Vui lòng nhập nội dung đề nghị")
    await ha.say("Tỷ lệ chưa khớp với số liệu trên hệ thống, đề nghị kiểm tra lại.")
    await ha.expect("Đã trả lại mục “Văn bản điện tử” của Phường Ka Long")
    notice = await lan.expect("đề nghị Phường Ka Long sửa mục “Văn bản điện tử”")
    assert "Tỷ lệ chưa khớp" in notice
    assert "/baocao 3/2024" in notice
    v = table(IndicatorValue)
    async with bot.db.read() as conn:
        returned = (
            await conn.execute(select(v.c.indicator_code).where(v.c.review_status == "returned"))
        ).all()
    assert [r[0] for r in returned] == ["T11"]


async def test_urging_after_preview_reaches_the_late_units_focal_point(
    bot: App, messenger: Messenger
) -> None:
    tran_phu = await registered(bot, messenger, 3, "P_TRAN_PHU", "focal")
    ha = await registered(bot, messenger, 2, "PNV", "admin")
    await ha.say("/dondoc")
    groups = await ha.expect("muốn đôn đốc việc gì")
    assert not re.search(r"\b[A-Z]\d{2}[A-Z]?\b", groups)  # names, not D01 or T04
    await ha.pick(groups, "Văn bản, việc có thời hạn")
    menu = await ha.expect("chưa thực hiện việc nào")
    await ha.pick(menu, "Gửi văn bản phát động")
    preview = await ha.expect("XEM TRƯỚC ĐÔN ĐỐC")
    assert "Sẽ gửi đến 1 đầu mối đã đăng ký" in preview
    await tran_phu.raw.expect_no_message(0.3)  # nothing before the confirmation
    await ha.pick(preview, "Gửi đôn đốc")
    await ha.expect("Đã gửi đôn đốc đến 1 đầu mối của 1 đơn vị.")
    urge = await tran_phu.expect("Kính gửi đầu mối Phường Trần Phú")
    assert "đã quá hạn 15 ngày" in urge


async def test_a_forged_button_naming_a_unit_out_of_reach_is_refused(
    bot: App, messenger: Messenger
) -> None:
    """Telegram: a button pressed with crafted data; Zalo (no buttons): the same data typed."""
    pvhtt = await registered(bot, messenger, 4, "PVHTT", "admin")
    await pvhtt.say("/duyet")
    listing = await pvhtt.expect("CHỜ DUYỆT")
    assert "Phường Ka Long" not in listing  # only the media centre's document
    s = table(ReportSubmission)
    async with bot.db.read() as conn:
        ka_long_report = (await conn.execute(select(s.c.id).order_by(s.c.id).limit(1))).scalar_one()
    forged = f"/duyet nb {ka_long_report}"
    if messenger.name == "telegram":
        message = pvhtt.raw.messages[-1]
        await pvhtt.raw.press_button(message, forged, force=True)
    else:
        await pvhtt.say(forged)
    await pvhtt.expect("Không tìm thấy mục này trong phạm vi Anh/Chị quản lý")
    async with bot.db.read() as conn:
        status = (
            await conn.execute(select(s.c.review_status).where(s.c.id == ka_long_report))
        ).scalar_one()
    assert status == "pending"


async def test_admin_assesses_g0_and_the_award_view_counts_it(
    bot: App, messenger: Messenger
) -> None:
    ha = await registered(bot, messenger, 2, "PNV", "admin")
    await ha.say("/danhgia")
    await ha.expect("đánh giá tiêu chí khen thưởng cho đơn vị nào")
    await ha.say("Phường Ka Long")
    awards = await ha.expect("hình thức khen thưởng cần đánh giá cho Phường Ka Long")
    await ha.pick(awards, "Bằng khen")
    question = await ha.expect("Tiêu chí: “Gương mẫu")
    assert "Hiện chưa có đánh giá." in question
    if messenger.name == "telegram":
        await ha.raw.press_button(ha.raw.messages[-1], "not_met")  # the button itself
    else:
        await ha.pick(question, "Không đạt")
    await ha.expect("Nhận xét, lý do đánh giá tiêu chí “gương mẫu chấp hành chủ trương, pháp luật”")
    await ha.say("sai")
    await ha.expect("ít nhất 5 ký tự")
    await ha.say("Đơn vị có cán bộ bị xử lý kỷ luật trong năm.")
    # Left to the unit's own report (issue 11).
    await ha.expect("Tiêu chí: “Hoàn thành tốt các nhiệm vụ")
    await ha.say("bỏ qua")
    await ha.expect("Nhận xét, lý do đánh giá tiêu chí “hoàn thành tốt nhiệm vụ cải cách")
    await ha.say("bỏ qua")
    summary = await ha.expect("Vui lòng kiểm tra lại đánh giá của Phòng Nội vụ")
    assert "Tiêu chí “gương mẫu chấp hành chủ trương, pháp luật” – kết quả: Không đạt" in summary
    await ha.say("gửi")  # a summary's actions are typed words on both messengers
    await ha.expect("Đã lưu đánh giá của Phòng Nội vụ cho Phường Ka Long")
    await ha.say("/khenthuong P_KA_LONG")
    detail = await ha.expect("Chưa đủ điều kiện đề nghị: tiêu chí “gương mẫu chấp hành")
    assert (
        "không đạt – Phòng Nội vụ đánh giá ngày 15/04/2024 (Người 2): “Đơn vị có cán bộ" in detail
    )


def _texts(person: Person) -> list[str]:
    if person.channel == "telegram":
        return [m.text or getattr(m, "caption", None) or "" for m in person.raw.messages]
    return [m.content for m in person.raw.messages]


async def test_every_reply_of_the_main_flows_fits_one_message(
    bot: App, messenger: Messenger
) -> None:
    """Issue 13: each reply of an admin's morning and of a unit's main commands stays within
    MAX_REPLY_CHARS (one Zalo message, with room to spare); long lists page."""
    ha = await registered(bot, messenger, 2, "PNV", "admin")
    await ha.say("/tonghop")
    await ha.expect("TỔNG HỢP PHONG TRÀO THI ĐUA – Tháng 3/2024")
    await ha.say("/quahan")
    overdue = await ha.expect("ĐƠN VỊ QUÁ HẠN")
    assert "Trang 1/" in overdue
    await ha.pick(overdue, "Xem tiếp")
    await ha.expect("Trang 2/")
    await ha.say("/dondoc")
    groups = await ha.expect("đôn đốc việc gì")
    await ha.pick(groups, "Báo cáo chỉ tiêu")
    await ha.expect("Xem tiếp")
    await ha.say("/duyet")
    await ha.expect("CHỜ DUYỆT")
    await ha.say("/khenthuong")
    await ha.expect("BẰNG KHEN")
    lan = await registered(bot, messenger, 1, "P_KA_LONG", "focal")
    await lan.say("/tinhtrang")
    brief = await lan.expect("TÌNH HÌNH THỰC HIỆN CỦA PHƯỜNG KA LONG")
    assert len(brief.splitlines()) <= 10  # the verdict and what to do next, a few lines
    await lan.pick(brief, "Xem chi tiết")
    await lan.expect("1. Chỉ tiêu kỳ hiện tại")
    await lan.say("/trogiup")
    await lan.expect("/tinhtrang")
    for person in (ha, lan):
        for text in _texts(person):
            print(f"--- [{messenger.name}, {len(text)} ký tự]\n{text}")
            assert len(text) <= MAX_REPLY_CHARS, text
