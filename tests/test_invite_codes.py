"""Invite codes: hard to guess, forgiving of how they are typed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from storage.queries.invites import ALPHABET, code_hash, looks_like_code, new_code, normalise_code


def test_codes_use_an_unambiguous_alphabet_and_are_unique() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for c in codes:
        assert looks_like_code(c)
        assert not set(c.replace("-", "")) & set("01OIL")


@given(st.text(alphabet=ALPHABET, min_size=10, max_size=10), st.sampled_from([" ", "-", "  ", ""]))
def test_case_spaces_and_dashes_do_not_matter(raw: str, sep: str) -> None:
    typed = f" {raw[:5].lower()}{sep}{raw[5:]} "
    assert looks_like_code(typed)
    assert code_hash(typed) == code_hash(raw)
    assert normalise_code(typed) == raw


@given(st.text(max_size=40))
def test_arbitrary_text_never_raises(text: str) -> None:
    looks_like_code(text)
    code_hash(text)


def test_wrong_lengths_and_letters_are_not_codes() -> None:
    assert not looks_like_code("ABCDE-FGHJ")
    assert not looks_like_code("ABCDE-FGHJKM")
    assert not looks_like_code("ABCDE-FGH0K")  # 0 is not in the alphabet
    assert not looks_like_code("")
