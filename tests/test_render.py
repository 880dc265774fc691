"""Fitting replies to a channel: numbered options and clean splits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.render import split_text, with_numbered_options
from core.messages import Choice, Reply


def test_choices_are_numbered_after_the_text() -> None:
    reply = Reply("Chọn kỳ báo cáo:", (Choice("Quý I/2024", "q1"), Choice("Quý II/2024", "q2")))
    assert with_numbered_options(reply) == "Chọn kỳ báo cáo:\n\n1. Quý I/2024\n2. Quý II/2024"


def test_split_prefers_paragraphs_then_lines_then_spaces() -> None:
    text = "Đoạn một.\n\n" + "chữ " * 10
    assert split_text(text, 20)[0] == "Đoạn một."
    assert all(len(p) <= 20 for p in split_text(text, 20))


def test_split_cuts_inside_a_word_only_when_it_must() -> None:
    assert split_text("a" * 25, 10) == ["a" * 10, "a" * 10, "a" * 5]


@given(st.text(min_size=1, max_size=3000), st.integers(min_value=5, max_value=2000))
def test_split_never_exceeds_the_limit_and_loses_no_words(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())
