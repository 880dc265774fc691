"""`/baiviet` on Telegram and on Zalo: only media units report articles; every field refused
once; the link may be skipped for print and radio only; a restart in the middle."""

from __future__ import annotations

from datetime import date

from bot.app import App
from core.settings import Settings
from storage.models import AuditLog, MediaArticle
from tests.e2e.messengers import Messenger, settle
from tests.harness import Clock, running_bot
from tests.reporting.people import fetch, register

MEDIA = "TTTTVH"
CENTRE = "Trung tâm Truyền thông và Văn hóa thành phố"


async def articles(app: App) -> list[tuple[object, ...]]:
    return await fetch(app, MediaArticle, "title", "outlet", "kind", "published_on", "link")


async def test_a_unit_that_is_not_a_media_unit_is_politely_refused(
    bot: App, messenger: Messenger
) -> None:
    lan = await register(bot, messenger, 1, "PNV")
    msg = await lan.say("/baiviet")
    assert "dành cho các đơn vị báo chí, truyền thông" in msg
    assert "Phòng Nội vụ không thuộc nhóm này" in msg
    assert "Xin cảm ơn Anh/Chị" in msg
    msg = await lan.say("tiêu đề bài")  # no conversation was opened
    assert "chưa hiểu" in msg
    assert await articles(bot) == []


async def test_an_online_article_with_every_kind_of_bad_answer(
    bot: App, messenger: Messenger
) -> None:
    mai = await register(bot, messenger, 2, MEDIA, name="Mai")
    msg = await mai.say("/baiviet")
    assert "Bot sẽ hỏi 5 câu." in msg
    assert "Câu 1/5. Tên (tiêu đề) bài viết là gì?" in msg
    assert "không thể bỏ qua" in await mai.say("bỏ qua")
    msg = await mai.say("CC")
    assert "ít nhất 3 ký tự" in msg
    assert "Câu 1/5" in msg
    title = "Móng Cái đẩy mạnh cải cách hành chính"
    msg = await mai.say(title)
    assert "Câu 2/5. Bài đăng, phát trên báo, đài nào?" in msg
    msg = await mai.say("B")
    assert "ít nhất 2 ký tự" in msg
    assert "Câu 2/5" in msg
    msg = await mai.say("Báo Quảng Ninh")
    assert "Câu 3/5. Loại hình báo chí?" in msg
    assert "1. Báo in\n2. Báo điện tử\n3. Phát thanh\n4. Truyền hình" in msg
    msg = await mai.say("báo giấy")
    assert "từ 1 đến 4" in msg
    assert "Câu 3/5" in msg
    msg = await mai.choose(2)
    assert "Đã ghi nhận: Báo điện tử." in msg
    assert "Câu 4/5" in msg
    msg = await mai.say("21/03/2024")
    assert "Ngày không được sau hôm nay (20/03/2024)." in msg
    assert "Câu 4/5" in msg
    msg = await mai.say("28/12/2023")
    assert "Ngày không được trước ngày 01/01/2024." in msg
    assert "Câu 4/5" in msg
    msg = await mai.say("15/3/2024")
    assert "Câu 5/5. Đường dẫn (link) đến bài viết?" in msg
    msg = await mai.say("bỏ qua")  # an online article has a link
    assert "không thể bỏ qua" in msg
    assert "Câu 5/5" in msg
    for bad in ("javascript:alert(1)", "baoquangninh", "ftp://baoquangninh.vn/a", "http://a b.vn"):
        msg = await mai.say(bad)
        assert "Đường dẫn chưa đúng" in msg, bad
        assert "Câu 5/5" in msg, bad
    msg = await mai.say("baoquangninh.vn/mong-cai-cchc")
    assert "Đã ghi nhận: https://baoquangninh.vn/mong-cai-cchc." in msg
    assert f"1. Tên bài: {title}" in msg
    assert "2. Báo, đài: Báo Quảng Ninh" in msg
    assert "3. Loại hình: Báo điện tử" in msg
    assert "4. Ngày đăng, phát: 15/03/2024" in msg
    msg = await mai.choose(1)
    assert f"Đã ghi nhận bài “{title}” (báo điện tử, Báo Quảng Ninh, ngày 15/03/2024)" in msg
    assert f"Từ đầu năm {CENTRE} đã báo cáo 1 bài." in msg
    assert await articles(bot) == [
        (
            title,
            "Báo Quảng Ninh",
            "bao_dien_tu",
            date(2024, 3, 15),
            "https://baoquangninh.vn/mong-cai-cchc",
        )
    ]
    [(action, new)] = await fetch(bot, AuditLog, "action", "new", entity="media_article")
    assert action == "article.report"
    assert new["kind"] == "bao_dien_tu"


async def test_a_print_article_needs_no_link_until_it_becomes_online_and_survives_a_restart(
    messenger: Messenger, settings: Settings, clock: Clock
) -> None:
    async with running_bot(settings, clock=clock) as app:
        mai = await register(app, messenger, 3, MEDIA, name="Mai")
        await mai.say("/baiviet")
        await mai.say("Một cửa thân thiện ở phường Ka Long")
        msg = await mai.say("Báo Quảng Ninh")
        assert "Câu 3/5" in msg
        await settle(messenger, app)
    async with running_bot(settings, clock=clock) as app:
        msg = await mai.choose(1)
        assert "Đã ghi nhận: Báo in." in msg
        assert "Câu 4/5" in msg
        msg = await mai.say("10/03/2024")
        assert "Câu 5/5" in msg
        assert "Với báo in và phát thanh" in msg
        msg = await mai.say("bỏ qua")
        assert "5. Đường dẫn: bỏ qua" in msg
        await mai.choose(2)  # "Sửa một mục"
        await mai.say("3")
        msg = await mai.choose(2)  # now online: the link is needed after all
        assert "Đã ghi nhận: Báo điện tử." in msg
        assert "Câu 5/5" in msg
        assert "không thể bỏ qua" in await mai.say("bỏ qua")
        msg = await mai.say("https://baoquangninh.vn/ka-long")
        assert "3. Loại hình: Báo điện tử" in msg
        assert "5. Đường dẫn: https://" in msg
        assert "đã báo cáo 1 bài" in await mai.choose(1)
        [row] = await articles(app)
        assert row[2:] == ("bao_dien_tu", date(2024, 3, 10), "https://baoquangninh.vn/ka-long")
