"""The router: commands, numbered and typed choices, cancel words, folding."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.conversation import _pick_offered
from core.vntext import fold
from handlers import build_router


def test_fold_removes_diacritics_case_and_extra_spaces() -> None:
    assert fold("  Hủy  BỎ ") == "huy bo"
    assert fold("Đồng ý") == "dong y"


@given(st.text(max_size=50))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


def test_numbered_and_typed_choices_map_to_values() -> None:
    offered = [["Quý I/2024", "q1"], ["Có", "yes"]]
    assert _pick_offered("1", offered) == "q1"
    assert _pick_offered("2", offered) == "yes"
    assert _pick_offered("co", offered) == "yes"
    assert _pick_offered("3", offered) == "3"  # out of range: left for the handler to refuse
    assert _pick_offered("khác", offered) == "khác"
    assert _pick_offered("1", None) == "1"


def test_commands_parse_with_bot_suffix_and_bare_words_only_when_idle() -> None:
    router = build_router()
    parsed = router.parse_command("/start@thidua_bot ABCDE-FGHJK", idle=False)
    assert parsed is not None
    assert parsed[0].name == "start"
    assert parsed[1] == "ABCDE-FGHJK"
    bare = router.parse_command("Trợ giúp", idle=True)
    assert bare is None  # two words; only single command words count
    assert router.parse_command("trogiup", idle=True) is not None
    assert router.parse_command("trogiup", idle=False) is None
    assert router.parse_command("/khongco", idle=True) is None


async def test_the_bots_own_follow_up_reaches_only_an_open_form() -> None:
    from typing import Any, cast

    from core.conversation import FORM, Ctx, Router
    from core.messages import Incoming, Kind

    seen: list[str] = []
    router = Router()

    async def form(ctx: Ctx) -> None:
        seen.append("form")

    async def other(ctx: Ctx) -> None:
        seen.append("other")

    async def fallback(ctx: Ctx) -> None:
        seen.append("fallback")

    router.state(FORM)(form)
    router.state("other")(other)
    router.fallback = fallback
    msg = Incoming(channel="t", update_key="internal:x", chat_id="1", user_id="1",
                   kind=Kind.INTERNAL, text='{"token": "x"}')
    for state in ("", "other", FORM):
        ctx = Ctx(msg=msg, conn=cast(Any, None), services=cast(Any, None), who=None, state=state)
        await router.dispatch(ctx)
    assert seen == ["form"]
