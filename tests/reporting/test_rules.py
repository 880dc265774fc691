"""Unit tests of the reporting rules: title similarity, document numbers, article links, and
the form engine's required-unless rule."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.values import BadValue
from handlers.articles import parse_link
from handlers.documents import parse_doc_number
from handlers.forms import Form, Question
from handlers.initiatives import is_similar, normalise_title, title_similarity

titles = st.text(max_size=120)
LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy" + "áàảãạấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
VIETNAMESE = st.text(alphabet=LETTERS + " .,-", max_size=80)


@given(titles, titles)
def test_similarity_never_raises_stays_between_0_and_1_and_is_symmetric(a: str, b: str) -> None:
    score = title_similarity(a, b)
    assert 0.0 <= score <= 1.0
    assert score == title_similarity(b, a)


@given(VIETNAMESE)
def test_a_title_is_identical_to_itself_in_capitals_or_without_diacritics(title: str) -> None:
    from core.vntext import fold

    assert title_similarity(title, title.upper()) == 1.0
    assert title_similarity(title, fold(title)) == 1.0
    assert title_similarity(f"  {title}!! ", title) == 1.0


@given(VIETNAMESE, VIETNAMESE)
def test_case_and_diacritics_do_not_change_the_score(a: str, b: str) -> None:
    from core.vntext import fold

    assert title_similarity(a, b) == title_similarity(fold(a).upper(), b.upper())


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Một cửa điện tử liên thông", "MOT CUA DIEN TU LIEN THONG"),
        ("Một cửa điện tử liên thông", "Liên thông một cửa điện tử"),
        ("Ứng dụng Zalo trong trả kết quả TTHC", "Ứng dụng Zalo trong trả kết quả TTHC."),
        ("Số hóa hồ sơ thủ tục hành chính", "Số hoá hồ sơ thủ tục hành chính"),
        (
            "Ứng dụng Zalo trong trả kết quả thủ tục hành chính",
            "Ứng dụng Zalo trả kết quả thủ tục hành chính",
        ),
    ],
)
def test_alike_titles(a: str, b: str) -> None:
    assert is_similar(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Một cửa điện tử liên thông", "Chữ ký số cho hồ sơ một cửa"),
        ("Tổ công nghệ số cộng đồng", "Ứng dụng Zalo trong trả kết quả"),
        ("Zalo", "Zalo OA"),
    ],
)
def test_different_titles(a: str, b: str) -> None:
    assert not is_similar(a, b)


def test_titles_are_compared_on_their_words() -> None:
    assert normalise_title("  Số hoá,  HỒ SƠ – TTHC!") == "so hoa ho so tthc"


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("12/KH-UBND", "12/KH-UBND"),
        ("Số 12 / KH-UBND", "12/KH-UBND"),
        ("số: 33/QĐ-UBND", "33/QĐ-UBND"),
        ("98/2023/NĐ-CP", "98/2023/NĐ-CP"),
        ("05-NQ/TU", "05-NQ/TU"),
        ("16 - NQ/TU", "16-NQ/TU"),
        ("3638/CTr-UBND", "3638/CTr-UBND"),
        ("124/NQ-HĐND", "124/NQ-HĐND"),
        ("07/KH-TN&MT", "07/KH-TN&MT"),
        ("12/KH–UBND", "12/KH-UBND"),
    ],
)
def test_document_numbers_as_written_on_documents(typed: str, number: str) -> None:
    assert parse_doc_number(typed) == number


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "12",
        "KH-UBND",
        "12/2024",
        "12/",
        "/KH-UBND",
        "12/KH-",
        "12//KH",
        "abc/def",
        "1" * 7 + "/KH",
    ],
)
def test_what_is_not_a_document_number(typed: str) -> None:
    with pytest.raises(BadValue, match="Số văn bản chưa đúng dạng"):
        parse_doc_number(typed)


@given(st.text(max_size=80))
def test_document_numbers_never_raise_anything_but_bad_value(text: str) -> None:
    with contextlib.suppress(BadValue):
        parse_doc_number(text)


@pytest.mark.parametrize(
    ("typed", "link"),
    [
        ("https://baoquangninh.vn/mong-cai", "https://baoquangninh.vn/mong-cai"),
        ("http://qtv.vn/tin/123?x=1", "http://qtv.vn/tin/123?x=1"),
        ("baoquangninh.vn/mong-cai", "https://baoquangninh.vn/mong-cai"),
        ("  https://báoquảngninh.vn/a  ", "https://báoquảngninh.vn/a"),
    ],
)
def test_links(typed: str, link: str) -> None:
    assert parse_link(typed) == link


@pytest.mark.parametrize(
    "typed",
    [
        "javascript:alert(1)",
        "ftp://baoquangninh.vn/a",
        "baoquangninh",
        "https://",
        "http://a b.vn",
        "https://bao..vn/a",
        "https://baoquangninh.vn:99999/a",
        "mailto:toa.soan@baoquangninh.vn",
    ],
)
def test_what_is_not_a_link(typed: str) -> None:
    with pytest.raises(BadValue, match="Đường dẫn chưa đúng"):
        parse_link(typed)


@given(st.text(max_size=80))
def test_links_never_raise_anything_but_bad_value(text: str) -> None:
    with contextlib.suppress(BadValue):
        parse_link(text)


def test_a_question_optional_for_some_answers_becomes_missing_when_they_change() -> None:
    kind = Question("kind", "Loại hình?", "choice", choices=(("Báo in", "bao_in"),))
    link = Question("link", "Đường dẫn?", "url", skippable=False, optional_if={"kind": ["bao_in"]})
    form = Form("article", "bài", "article", [kind, link])
    form.answers["kind"] = {"v": "bao_in", "d": "Báo in"}
    form.skipped["link"] = ""
    assert not form.is_required(link)
    assert form.first_missing() is None
    form.answers["kind"] = {"v": "bao_dien_tu", "d": "Báo điện tử"}
    assert form.is_required(link)
    assert form.first_missing() == 1
    assert Form.from_json(form.to_json()).questions[1] == link
