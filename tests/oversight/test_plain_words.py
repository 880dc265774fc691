"""Issue 13: what people read holds no campaign-internal code (criterion, deadline, indicator,
area codes; role and channel names), and the replies of the reworked flows stay short — the
real bot over the fake Telegram and Zalo servers, each role's main commands."""

from __future__ import annotations

import re

from bot.app import App
from handlers.common import MAX_ERROR_LINES, MAX_REPLY_CHARS, PAGE_SIZE
from tests.oversight.test_end_to_end import (  # noqa: F401 - fixtures
    Messenger,
    bot,
    messenger,
    registered,
)

CODES = re.compile(
    r"\b[A-Z]\d{2}[A-Z]?\b|\bD_[A-Z]+\b|\b[gic]\d\b"
    r"|\b(focal|deputy|head|admin|leader|telegram|zalo)\b"
)

COMMANDS = {
    "focal": ("P_KA_LONG", ["/trogiup", "/tinhtrang", "/baocao", "/huy", "/khenthuong"]),
    "deputy": ("P_KA_LONG", ["/trogiup", "/tinhtrang"]),
    "head": ("P_KA_LONG", ["/trogiup", "/tinhtrang", "/kyduyet", "/huy"]),
    "admin": (
        "PNV",
        [
            "/trogiup",
            "/tonghop",
            "/quahan",
            "/dondoc",
            "2",
            "/duyet",
            "/huy",
            "/khenthuong",
            "/khenthuong P_KA_LONG",
            "/danhgia",
            "/huy",
        ],
    ),
}


def codes_in(text: str) -> set[str]:
    return {m.group(0) for m in CODES.finditer(text)}


async def test_no_internal_code_in_any_reply_of_the_main_commands(
    bot: App,  # noqa: F811
    messenger: Messenger,  # noqa: F811
) -> None:
    for n, (role, (unit, commands)) in enumerate(COMMANDS.items(), start=1):
        person = await registered(bot, messenger, n, unit, role)
        for command in commands:
            seen = len(person.raw.messages)
            await person.say(command)
            await person.expect("")  # the reply (or the first of its pieces)
            for raw in person.raw.messages[seen:]:
                text = str(raw.text if messenger.name == "telegram" else raw.content) or ""
                assert not codes_in(text), (role, command, codes_in(text), text)
                assert "chiến dịch" not in text.lower(), (role, command, text)
                assert ") (/" not in text, (role, command, text)


async def test_lists_page_and_errors_are_short(
    bot: App,  # noqa: F811
    messenger: Messenger,  # noqa: F811
) -> None:
    ha = await registered(bot, messenger, 2, "PNV", "admin")
    await ha.say("/khenthuong")
    awards = await ha.expect("XÉT ĐIỀU KIỆN")
    assert "… và" not in awards
    units = [ln for ln in awards.splitlines() if re.match(r"^\d+\. .+: [✓✗…–?]", ln)]
    assert len(units) == PAGE_SIZE  # each unit once, as a choice with its marks
    assert len(awards) <= MAX_REPLY_CHARS
    await ha.pick(awards, "Xem tiếp")
    more = await ha.expect("XÉT ĐIỀU KIỆN")
    assert "Xem tiếp" in more
    await ha.say("/dondoc")
    groups = await ha.expect("muốn đôn đốc việc gì")
    await ha.pick(groups, "Báo cáo chỉ tiêu")
    page = await ha.expect("chưa thực hiện việc nào")
    assert len(re.findall(r"(?m)^\d+\. ", page)) == PAGE_SIZE + 1  # 10 and "Xem tiếp"
    assert len(page) <= MAX_REPLY_CHARS
    # A wrong answer in a form: the error and one line, not the whole question again.
    lan = await registered(bot, messenger, 5, "P_TRAN_PHU", "focal")
    await lan.say("/nopvanban")
    question = await lan.expect("Câu 1/")
    await lan.say("120%")
    error = await lan.expect("Vui lòng trả lời lại")
    body = error.split("\n\n")[0]  # the choices follow on Zalo
    assert len(body.splitlines()) <= MAX_ERROR_LINES
    assert len(body) < len(question)
    assert "Anh/Chị nộp văn bản nào?" in question
    assert "Anh/Chị nộp văn bản nào?" not in error  # the question is not repeated
    await lan.say("nhắc lại")
    assert "Anh/Chị nộp văn bản nào?" in await lan.expect("Câu 1/")  # asked again on request


# -- wording (issue 13, item 6) ------------------------------------------------------------------


def _texts_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts_in(v)]
    if isinstance(value, (list, tuple, frozenset, set)):
        return [t for v in value for t in _texts_in(v)]
    return []


def test_no_text_a_person_reads_says_chien_dich() -> None:
    """Officials say "phong trào thi đua"; "chiến dịch" is the programmers' word."""
    import importlib
    import pkgutil

    import core.texts

    found = []
    for info in pkgutil.iter_modules(core.texts.__path__):
        module = importlib.import_module(f"core.texts.{info.name}")
        for name, value in vars(module).items():
            if name.startswith("__"):
                continue
            found += [(info.name, name) for t in _texts_in(value) if "chiến dịch" in t.lower()]
    assert not found


def test_no_text_says_bam_nut() -> None:
    """Zalo shows no buttons: no text tells people to "bấm nút" (issue 13)."""
    import importlib
    import pkgutil

    import core.texts

    found = []
    for info in pkgutil.iter_modules(core.texts.__path__):
        module = importlib.import_module(f"core.texts.{info.name}")
        for name, value in vars(module).items():
            if name.startswith("__"):
                continue
            found += [(info.name, name) for t in _texts_in(value) if "bấm nút" in t.lower()]
    assert not found


def test_periods_inside_a_sentence_and_one_pair_of_parentheses() -> None:
    from core.domain.periods import Month, period_in_text
    from core.texts.oversight import with_command
    from core.texts.signoff import periods_label

    assert period_in_text("2024-ONCE") == "một lần trong năm 2024"
    assert period_in_text("2024") == "năm 2024"
    assert Month(2024, 2).in_text == "tháng 2/2024"
    assert periods_label(["2024-ONCE", "2024-02"]) == "tháng 2/2024, một lần trong năm 2024"
    state = "chưa thực hiện, quá hạn 3 ngày (hạn 31/12/2024)"
    assert with_command(state, "/baocao") == (
        "chưa thực hiện, quá hạn 3 ngày (hạn 31/12/2024, gõ /baocao)"
    )
    assert with_command("hạn 31/12/2024, còn 5 ngày", "/baocao") == (
        "hạn 31/12/2024, còn 5 ngày (gõ /baocao)"
    )
    assert with_command("hạn 31/12/2024, còn 5 ngày", None) == "hạn 31/12/2024, còn 5 ngày"


async def test_only_a_media_unit_sees_baiviet_in_its_menu_and_help(
    bot: App,  # noqa: F811
    messenger: Messenger,  # noqa: F811
) -> None:
    ward = await registered(bot, messenger, 7, "P_KA_LONG", "focal")
    await ward.say("/trogiup")
    assert "/baiviet" not in await ward.expect("Các việc Anh/Chị có thể làm")
    await ward.say("/menu")
    assert "bài viết tuyên truyền" not in await ward.expect("Vui lòng chọn")
    media = await registered(bot, messenger, 8, "TTTTVH", "focal")
    await media.say("/trogiup")
    assert "/baiviet" in await media.expect("Các việc Anh/Chị có thể làm")


async def test_help_names_going_back_and_skipping_without_buttons(
    bot: App,  # noqa: F811
    messenger: Messenger,  # noqa: F811
) -> None:
    lan = await registered(bot, messenger, 9, "P_KA_LONG", "focal")
    await lan.say("/trogiup")
    help_text = await lan.expect("Các việc Anh/Chị có thể làm")
    assert "“quay lại”" in help_text
    assert "“bỏ qua”" in help_text
    assert "bấm nút" not in help_text
