"""`/sangkien` on Telegram and on Zalo: registering an initiative (every field refused once),
the warning about a very similar title of this or another unit, status updates with evidence
and their history, and a restart or a cancel in the middle."""

from __future__ import annotations

from datetime import date

import pytest

from bot.app import App
from core.settings import Settings
from core.vntext import fold
from storage.models import AuditLog, Initiative, InitiativeStatusChange
from tests.e2e.messengers import Messenger, TelegramChatUser, settle
from tests.harness import Clock, running_bot
from tests.reporting.people import Person, fetch, register

TITLE = "Ứng dụng Zalo trong trả kết quả thủ tục hành chính"


async def register_initiative(person: Person, title: str) -> str:
    """The whole registration, answered right the first time; returns the bot's last word."""
    msg = await person.say("/sangkien")
    if "Cập nhật trạng thái" in msg:
        msg = await person.choose(1)
    assert "Câu 1/6" in msg
    await person.choose(3)
    msg = await person.say(title)
    assert "Câu 3/6" in msg, msg
    await person.choose(2)
    await person.say("Trả kết quả qua tài khoản Zalo của người dân.")
    await person.say("Giảm 30% số lượt đi lại của người dân.")
    msg = await person.say("15/01/2024")
    assert "Vui lòng kiểm tra lại" in msg
    return await person.choose(1)


async def initiatives(app: App) -> list[tuple[object, ...]]:
    columns = ("unit_id", "kind", "title", "title_folded", "area_code", "description")
    more = ("expected_effect", "applied_from", "status", "evidence")
    return await fetch(app, Initiative, *columns, *more)


async def test_registering_an_initiative_explains_every_bad_answer(
    bot: App, messenger: Messenger
) -> None:
    lan = await register(bot, messenger, 1, "PKT")
    msg = await lan.say("/sangkien")
    assert "Đăng ký mô hình, giải pháp, sáng kiến về cải cách hành chính của Phòng Kinh tế" in msg
    assert "Câu 1/6. Anh/Chị đăng ký loại nào?" in msg
    assert "1. Mô hình\n2. Giải pháp\n3. Sáng kiến" in msg
    assert "(Gõ “quay lại” để về câu trước, “hủy” để dừng.)" in msg
    assert "không thể bỏ qua" in await lan.say("bỏ qua")
    msg = await lan.say("4")
    assert "gõ số thứ tự từ 1 đến 3" in msg
    assert "Câu 1/6" in msg
    msg = await lan.say("sang kien")
    assert "Đã ghi nhận: Sáng kiến." in msg
    assert "Câu 2/6. Tên mô hình" in msg

    msg = await lan.say("Zalo")
    assert "quá ngắn" in msg
    assert "ít nhất 5 ký tự" in msg
    assert "Câu 2/6" in msg
    msg = await lan.say("Dài " * 80)
    assert "tối đa 300 ký tự (hiện có 319)" in msg
    assert "Câu 2/6" in msg
    assert "cần trả lời bằng chữ" in await lan.sticker()
    assert "Câu 2/6" in await lan.next()
    msg = await lan.say("Zalo trả kết quả")
    assert "Câu 3/6. Thuộc nội dung cải cách hành chính nào" in msg
    for n, area in enumerate(
        (
            "Cải cách thể chế",
            "Cải cách thủ tục hành chính",
            "Cải cách tổ chức bộ máy hành chính nhà nước",
            "Cải cách chế độ công vụ",
            "Cải cách tài chính công",
            "Xây dựng, phát triển Chính phủ điện tử, Chính phủ số",
        ),
        start=1,
    ):
        assert f"{n}. {area}" in msg
    msg = await lan.say("7")
    assert "từ 1 đến 6" in msg
    assert "Câu 3/6" in msg
    msg = await lan.say("quay lại")
    assert "Câu 2/6" in msg
    msg = await lan.say(TITLE)
    assert f"Đã ghi nhận: {TITLE}." in msg
    assert "Câu 3/6" in msg
    msg = await lan.choose(2)
    assert "Đã ghi nhận: Cải cách thủ tục hành chính." in msg
    assert "Câu 4/6" in msg

    msg = await lan.say("Zalo")
    assert "ít nhất 10 ký tự" in msg
    assert "Câu 4/6" in msg
    msg = await lan.say("Trả kết quả giải quyết TTHC qua Zalo cho người dân.")
    assert "Câu 5/6. Hiệu quả dự kiến là gì?" in msg
    msg = await lan.say("tốt")
    assert "ít nhất 5 ký tự" in msg
    assert "Câu 5/6" in msg
    msg = await lan.say("Giảm 30% số lượt người dân đi lại.")
    assert "Câu 6/6. Áp dụng từ ngày nào?" in msg
    assert "“bỏ qua” để trả lời sau" in msg
    msg = await lan.say("01/04/2024")
    assert "Ngày không được sau hôm nay (20/03/2024)." in msg
    assert "Câu 6/6" in msg
    msg = await lan.say("hôm qua")
    assert "ngày/tháng/năm, ví dụ: 31/03/2024" in msg
    assert "Câu 6/6" in msg
    msg = await lan.say("15/1/2024")
    assert "Vui lòng kiểm tra lại đăng ký mô hình, giải pháp, sáng kiến của Phòng Kinh tế" in msg
    assert "1. Loại: Sáng kiến" in msg
    assert f"2. Tên: {TITLE}" in msg
    assert "3. Nội dung CCHC: Cải cách thủ tục hành chính" in msg
    assert "6. Áp dụng từ ngày: 15/01/2024" in msg

    assert "từ 1 đến 6" in await lan.choose(2)  # "Sửa một mục"
    assert "Câu 6/6" in await lan.say("6")
    msg = await lan.say("bỏ qua")  # not applied yet: optional
    assert "6. Áp dụng từ ngày: bỏ qua" in msg
    msg = await lan.choose(1)
    assert f"Đã đăng ký sáng kiến “{TITLE}” của Phòng Kinh tế" in msg
    assert "Cập nhật trạng thái" in msg

    [row] = await initiatives(bot)
    assert row[1:] == (
        "sang_kien",
        TITLE,
        fold(TITLE),
        "A2",
        "Trả kết quả giải quyết TTHC qua Zalo cho người dân.",
        "Giảm 30% số lượt người dân đi lại.",
        None,
        "registered",
        None,
    )
    [(action, new)] = await fetch(bot, AuditLog, "action", "new", entity="initiative")
    assert action == "initiative.register"
    assert new["title"] == TITLE


async def test_a_very_similar_title_is_pointed_out_with_its_unit(
    bot: App, messenger: Messenger
) -> None:
    tuan = await register(bot, messenger, 1, "PTP", name="Tuấn")
    assert "Đã đăng ký" in await register_initiative(tuan, "Một cửa điện tử liên thông")

    lan = await register(bot, messenger, 2, "PKT")
    await lan.say("/sangkien")
    await lan.choose(1)
    msg = await lan.say("MOT CUA DIEN TU LIEN THONG!")  # no diacritics, capitals, punctuation
    assert "rất giống" in msg
    assert "– “Một cửa điện tử liên thông” của Phòng Tư pháp" in msg
    assert "chính đơn vị" not in msg
    assert "1. Vẫn đăng ký với tên này\n2. Đổi tên khác" in msg
    assert "cần trả lời bằng chữ" in await lan.sticker()
    assert "rất giống" in await lan.next()
    msg = await lan.choose(2)
    assert "Câu 2/6. Tên mô hình" in msg
    msg = await lan.say("Liên thông một cửa điện tử")  # the same words, reordered
    assert "– “Một cửa điện tử liên thông” của Phòng Tư pháp" in msg
    msg = await lan.choose(1)
    assert "Đã ghi nhận: Liên thông một cửa điện tử." in msg
    assert "Câu 3/6" in msg
    await lan.choose(6)
    await lan.say("Tiếp nhận hồ sơ liên thông giữa các phòng.")
    await lan.say("Rút ngắn thời gian giải quyết.")
    await lan.say("bỏ qua")
    assert "Đã đăng ký" in await lan.choose(1)

    # The first unit again: its own title is named as its own, the other unit's too.
    msg = await tuan.say("/sangkien")
    assert "1. Đăng ký mô hình, giải pháp, sáng kiến mới\n2. Cập nhật trạng thái" in msg
    await tuan.choose(1)
    await tuan.choose(1)
    msg = await tuan.say("Một cửa điện tử liên thông.")
    assert "– “Một cửa điện tử liên thông” của Phòng Tư pháp (chính đơn vị Anh/Chị)" in msg
    assert "– “Liên thông một cửa điện tử” của Phòng Kinh tế" in msg
    assert "Câu 2/6" in await tuan.say("quay lại")
    msg = await tuan.say("Chữ ký số cho hồ sơ một cửa")
    assert "Câu 3/6" in msg
    assert "rất giống" not in msg

    found = [(r[2], r[4]) for r in await initiatives(bot)]
    assert found == [("Một cửa điện tử liên thông", "A2"), ("Liên thông một cửa điện tử", "A6")]


async def test_status_updates_keep_their_evidence_and_history_across_a_restart(
    messenger: Messenger, settings: Settings, clock: Clock
) -> None:
    async with running_bot(settings, clock=clock) as app:
        hoa = await register(app, messenger, 3, "X_BAC_SON", name="Hoa")
        await register_initiative(hoa, TITLE)
        msg = await hoa.say("/sangkien")
        assert "Anh/Chị muốn làm gì với mô hình, giải pháp, sáng kiến của Xã Bắc Sơn?" in msg
        assert "chọn một trong các việc sau" in await hoa.say("xem danh sách")
        msg = await hoa.choose(2)
        assert "Câu 1/3. Anh/Chị cập nhật mô hình, giải pháp, sáng kiến nào?" in msg
        assert f"1. {TITLE} (Đã đăng ký)" in msg
        assert "từ 1 đến 1" in await hoa.say("9")
        msg = await hoa.choose(1)
        assert "Câu 2/3. Trạng thái mới là gì?" in msg
        assert "1. Đang áp dụng\n2. Có hiệu quả\n3. Được công nhận" in msg
        await settle(messenger, app)
    async with running_bot(settings, clock=clock) as app:
        msg = await hoa.say("xong rồi")
        assert "từ 1 đến 3" in msg
        assert "Câu 2/3" in msg
        msg = await hoa.say("có hiệu quả")
        assert "Đã ghi nhận: Có hiệu quả." in msg
        assert "Câu 3/3. Vui lòng nêu minh chứng" in msg
        assert "không thể bỏ qua" in await hoa.say("bỏ qua")
        assert "ít nhất 5 ký tự" in await hoa.say("ok")
        evidence = "Đã trả 1.250 kết quả qua Zalo, rút ngắn còn 2 ngày."
        msg = await hoa.say(evidence)
        assert "2. Trạng thái mới: Có hiệu quả" in msg
        assert f"3. Minh chứng: {evidence}" in msg
        msg = await hoa.choose(1)
        assert f"Đã cập nhật “{TITLE}”: Đã đăng ký → Có hiệu quả." in msg

        await hoa.say("/sangkien")
        msg = await hoa.choose(2)
        assert f"1. {TITLE} (Có hiệu quả)" in msg
        await hoa.choose(1)
        msg = await hoa.choose(2)  # the status it already has
        assert "đang ở trạng thái “Có hiệu quả”" in msg
        assert "1. Vẫn cập nhật, bổ sung minh chứng\n2. Chọn trạng thái khác" in msg
        assert "Câu 2/3" in await hoa.choose(2)
        await hoa.choose(3)
        decision = "Quyết định số 15/QĐ-UBND ngày 18/03/2024 công nhận sáng kiến."
        await hoa.say(decision)
        msg = await hoa.choose(1)
        assert "Có hiệu quả → Được công nhận" in msg

        [row] = await initiatives(app)
        assert (row[8], row[9]) == ("recognized", decision)
        history = await fetch(app, InitiativeStatusChange, "old_status", "new_status", "evidence")
        assert history == [
            ("registered", "effective", evidence),
            ("effective", "recognized", decision),
        ]
        audited = await fetch(app, AuditLog, "old", "new", action="initiative.status")
        assert [(a[0], a[1]["status"]) for a in audited] == [
            ({"status": "registered"}, "effective"),
            ({"status": "effective"}, "recognized"),
        ]


async def test_a_registration_survives_a_restart_and_a_cancel(
    messenger: Messenger, settings: Settings, clock: Clock
) -> None:
    async with running_bot(settings, clock=clock) as app:
        minh = await register(app, messenger, 4, "P_HAI_YEN", name="Minh")
        await minh.say("/sangkien")
        await minh.choose(1)
        msg = await minh.say("Tổ công nghệ số cộng đồng")
        assert "Câu 3/6" in msg
        await settle(messenger, app)
    async with running_bot(settings, clock=clock) as app:
        msg = await minh.choose(6)
        assert "Đã ghi nhận: Xây dựng, phát triển Chính phủ điện tử" in msg
        assert "Câu 4/6" in msg
        assert "lưu tạm" in await minh.say("hủy")
        msg = await minh.say("/sangkien")
        assert "đang làm dở đăng ký mô hình" in msg
        assert "đã trả lời 3/6 câu" in msg
        assert "Câu 4/6" in await minh.choose(1)
        await minh.say("Hướng dẫn người dân dùng dịch vụ công trực tuyến.")
        await minh.say("Tăng tỷ lệ hồ sơ trực tuyến.")
        msg = await minh.say("01/02/2024")
        assert "1. Loại: Mô hình" in msg
        assert "2. Tên: Tổ công nghệ số cộng đồng" in msg
        assert "Đã đăng ký mô hình “Tổ công nghệ số cộng đồng”" in await minh.choose(1)
        [row] = await initiatives(app)
        assert (row[1], row[4], row[7]) == ("mo_hinh", "A6", date(2024, 2, 1))


@pytest.mark.parametrize("messenger", ["telegram"], indirect=True)
async def test_a_button_of_an_earlier_question_is_not_taken_as_an_answer(
    bot: App, messenger: Messenger
) -> None:
    lan = await register(bot, messenger, 5, "PKT")
    await lan.say("/sangkien")
    assert isinstance(lan.user, TelegramChatUser)
    kinds = lan.user.raw.messages[-1]
    msg = await lan.choose(2)
    assert "Câu 2/6" in msg
    await lan.user.raw.press_button(kinds, "sang_kien", force=True)
    assert "Nút vừa bấm thuộc một câu hỏi trước" in await lan.next()
    assert "Câu 2/6. Tên mô hình" in await lan.next()
    msg = await lan.say("Giải pháp số hóa hồ sơ một cửa")
    assert "Đã ghi nhận: Giải pháp số hóa hồ sơ một cửa." in msg
