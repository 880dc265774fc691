"""Indicator values as Vietnamese users type them, and as the bot writes them back."""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.campaign.schema import EARLIEST_DATE, LATEST_DATE
from core.domain.values import (
    DEFAULT_SCALE,
    GROWTH_BOUNDS,
    MAX_COUNT,
    MAX_MONEY,
    MAX_TEXT,
    PERCENT_BOUNDS,
    BadValue,
    Parsed,
    Value,
    format_date,
    format_money_compact,
    format_number,
    format_percent,
    format_target,
    format_value,
    from_json,
    parse_money,
    parse_value,
    parse_yes_no,
    rating_choices,
    to_json,
)

TYPES = ("percent", "count", "money", "yes_no", "rating", "date", "text")
TODAY = date(2024, 4, 15)

# --------------------------------------------------------------------------- accepted inputs

ACCEPTED: list[tuple[str, str, Value, str]] = [
    # percent
    ("percent", "95,5%", 95.5, "95,5%"),
    ("percent", "95.5", 95.5, "95,5%"),
    ("percent", "95,5 %", 95.5, "95,5%"),
    ("percent", " 95,5 ", 95.5, "95,5%"),
    ("percent", "95", 95.0, "95%"),
    ("percent", "19/20", 95.0, "95%"),
    ("percent", "19 / 20", 95.0, "95%"),
    ("percent", "19 trên 20", 95.0, "95%"),
    ("percent", "2/3", 66.67, "66,67%"),
    ("percent", "100%", 100.0, "100%"),
    ("percent", "0", 0.0, "0%"),
    ("percent", "0,125", 0.13, "0,13%"),
    ("percent", "6,5 phần trăm", 6.5, "6,5%"),
    ("percent", "95,5\xa0%", 95.5, "95,5%"),
    ("percent", "1.200/1.500", 80.0, "80%"),
    # count
    ("count", "1.200", 1200, "1.200"),
    ("count", "1 200", 1200, "1.200"),
    ("count", "1200", 1200, "1.200"),
    ("count", "12", 12, "12"),
    ("count", "0", 0, "0"),
    ("count", " 7 ", 7, "7"),
    ("count", "1.234.567", 1234567, "1.234.567"),
    ("count", "1,200,000", 1200000, "1.200.000"),
    ("count", "1\xa0200", 1200, "1.200"),
    # money
    ("money", "4.335.000.000", 4_335_000_000, "4.335.000.000 đồng"),
    ("money", "4,3 tỷ", 4_300_000_000, "4.300.000.000 đồng"),
    ("money", "4,3 ty", 4_300_000_000, "4.300.000.000 đồng"),
    ("money", "150 triệu", 150_000_000, "150.000.000 đồng"),
    ("money", "2 tỷ 500 triệu", 2_500_000_000, "2.500.000.000 đồng"),
    ("money", "1.200.000 đ", 1_200_000, "1.200.000 đồng"),
    ("money", "1.200.000đ", 1_200_000, "1.200.000 đồng"),
    ("money", "1.200.000 đồng", 1_200_000, "1.200.000 đồng"),
    ("money", "1.200.000 ₫", 1_200_000, "1.200.000 đồng"),
    ("money", "1.200.000 VNĐ", 1_200_000, "1.200.000 đồng"),
    ("money", "150k", 150_000, "150.000 đồng"),
    ("money", "1,5 tr", 1_500_000, "1.500.000 đồng"),
    ("money", "1.500 tỷ", 1_500_000_000_000, "1.500.000.000.000 đồng"),
    ("money", "0", 0, "0 đồng"),
    # yes_no
    ("yes_no", "có", True, "Có"),
    ("yes_no", "Có", True, "Có"),
    ("yes_no", "co", True, "Có"),
    ("yes_no", "không", False, "Không"),
    ("yes_no", "KHONG", False, "Không"),
    ("yes_no", "k", False, "Không"),
    ("yes_no", "ko", False, "Không"),
    ("yes_no", "rồi", True, "Có"),
    ("yes_no", "roi", True, "Có"),
    ("yes_no", "chưa", False, "Không"),
    ("yes_no", "chua", False, "Không"),
    ("yes_no", "đã", True, "Có"),
    ("yes_no", "x", True, "Có"),
    ("yes_no", "yes", True, "Có"),
    ("yes_no", "no", False, "Không"),
    ("yes_no", "đạt", True, "Có"),
    ("yes_no", "chưa đạt", False, "Không"),
    ("yes_no", "có ạ", True, "Có"),
    ("yes_no", "dạ có", True, "Có"),
    ("yes_no", "Dạ, chưa ạ.", False, "Không"),
    ("yes_no", "đã thực hiện", True, "Có"),
    ("yes_no", "da thuc hien", True, "Có"),
    ("yes_no", "Đã thực hiện xong ạ", True, "Có"),
    ("yes_no", "chưa thực hiện", False, "Không"),
    ("yes_no", "chua thuc hien", False, "Không"),
    ("yes_no", "không thực hiện", False, "Không"),
    # rating (default scale, highest first in the list shown: 1 = Xuất sắc)
    ("rating", "kha", "Khá", "Khá"),
    ("rating", "Khá", "Khá", "Khá"),
    ("rating", "KHÁ", "Khá", "Khá"),
    ("rating", "xuat sac", "Xuất sắc", "Xuất sắc"),
    ("rating", "xuatsac", "Xuất sắc", "Xuất sắc"),
    ("rating", "TB", "Trung bình", "Trung bình"),
    ("rating", "trung binh", "Trung bình", "Trung bình"),
    ("rating", "1", "Xuất sắc", "Xuất sắc"),
    ("rating", "5", "Yếu", "Yếu"),
    ("rating", "loại tốt", "Tốt", "Tốt"),
    ("rating", "yeu", "Yếu", "Yếu"),
    # date
    ("date", "31/03/2024", date(2024, 3, 31), "31/03/2024"),
    ("date", "31/3/2024", date(2024, 3, 31), "31/03/2024"),
    ("date", "1/2/2024", date(2024, 2, 1), "01/02/2024"),
    ("date", "31-03-2024", date(2024, 3, 31), "31/03/2024"),
    ("date", "31.03.2024", date(2024, 3, 31), "31/03/2024"),
    ("date", "31 / 3 / 2024", date(2024, 3, 31), "31/03/2024"),
    ("date", "29/02/2024", date(2024, 2, 29), "29/02/2024"),
    ("date", "2024-03-31", date(2024, 3, 31), "31/03/2024"),
    ("date", "ngày 31 tháng 3 năm 2024", date(2024, 3, 31), "31/03/2024"),
    ("date", "15/04/2024", date(2024, 4, 15), "15/04/2024"),
    # text
    ("text", "  Đã triển khai  ", "Đã triển khai", "Đã triển khai"),
    ("text", "da trien khai xong", "da trien khai xong", "da trien khai xong"),
    ("text", "x", "x", "x"),
    ("text", "dòng 1\r\ndòng 2", "dòng 1\ndòng 2", "dòng 1\ndòng 2"),
    ("text", "Te\u0302n", "Tên", "Tên"),
    ("text", "a\x00b", "ab", "ab"),
    ("text", "95,5%", "95,5%", "95,5%"),
    ("text", "a" * MAX_TEXT, "a" * MAX_TEXT, "a" * MAX_TEXT),
]


@pytest.mark.parametrize(("kind", "text", "value", "display"), ACCEPTED)
def test_accepted(kind: str, text: str, value: Value, display: str) -> None:
    parsed = parse_value(kind, text, today=TODAY)
    assert parsed == Parsed(value, display)
    assert type(parsed.value) is type(value)


# --------------------------------------------------------------------------- refused inputs

REFUSED: list[tuple[str, str, str]] = [
    # percent
    ("percent", "-5", "không được âm"),
    ("percent", "101", "không được lớn hơn 100"),
    ("percent", "100,01%", "không được lớn hơn 100"),
    ("percent", "19/0", "Mẫu số phải lớn hơn 0"),
    ("percent", "21/20", "Tử số không được lớn hơn mẫu số"),
    ("percent", "1,5/2", "số nguyên"),
    ("percent", "1/2/3", "từ 0 đến 100"),
    ("percent", "1.000", "Chưa rõ"),
    ("percent", "95,5 %%", "từ 0 đến 100"),
    ("percent", "abc", "ví dụ: 95,5 hoặc 19/20"),
    ("percent", "", "tỷ lệ phần trăm"),
    ("percent", "95,", "tỷ lệ phần trăm"),
    ("percent", "٩٥", "tỷ lệ phần trăm"),
    # count
    ("count", "12,5", "số nguyên"),
    ("count", "1.2", "Chưa rõ “1.2”"),
    ("count", "1.2000", "dấu chấm dùng để phân cách hàng nghìn"),
    ("count", "-3", "không được âm"),
    ("count", "abc", "số nguyên không âm"),
    ("count", "", "số nguyên không âm"),
    ("count", "12 bài", "số nguyên không âm"),  # no unit given
    ("count", "1.20.0", "số nguyên không âm"),
    ("count", "1 2", "số nguyên không âm"),
    ("count", "10.000.000.000.000", "quá lớn"),
    # money
    ("money", "-5.000", "không được âm"),
    ("money", "1,5", "ghi rõ đơn vị"),
    ("money", "1.2", "ghi rõ đơn vị"),
    ("money", "2 tỷ 500", "ghi rõ đơn vị sau số 500"),
    ("money", "500 triệu 2 tỷ", "số tiền bằng đồng"),
    ("money", "100$", "đồng Việt Nam"),
    ("money", "100 USD", "đồng Việt Nam"),
    ("money", "1,2345678901 tỷ", "tính đến đồng"),
    ("money", "2.000.000 tỷ", "quá lớn"),
    ("money", "nhiều tiền", "ví dụ: 4.335.000.000"),
    ("money", "", "số tiền"),
    ("money", "đồng", "số tiền"),
    # yes_no
    ("yes_no", "có/không", "“Có” hoặc “Không”"),
    ("yes_no", "có không", "“Có” hoặc “Không”"),
    ("yes_no", "maybe", "“Có” hoặc “Không”"),
    ("yes_no", "1", "“Có” hoặc “Không”"),
    ("yes_no", "", "“Có” hoặc “Không”"),
    ("yes_no", "ạ", "“Có” hoặc “Không”"),
    ("yes_no", "có lẽ", "“Có” hoặc “Không”"),
    ("yes_no", "chưa biết", "“Có” hoặc “Không”"),
    ("yes_no", "khá", "“Có” hoặc “Không”"),
    # rating
    ("rating", "giỏi", "1. Xuất sắc, 2. Tốt, 3. Khá, 4. Trung bình, 5. Yếu"),
    ("rating", "0", "gõ số thứ tự hoặc tên mức"),
    ("rating", "6", "chọn một mức"),
    ("rating", "-1", "chọn một mức"),
    ("rating", "", "chọn một mức"),
    ("rating", "kha tot", "chọn một mức"),
    ("rating", "t", "chọn một mức"),
    ("rating", "có", "chọn một mức"),
    ("rating", "1,5", "chọn một mức"),
    # date
    ("date", "31/02/2024", "Ngày 31/02/2024 không có trên lịch"),
    ("date", "30/2/2023", "không có trên lịch"),
    ("date", "29/02/2023", "không có trên lịch"),
    ("date", "13/13/2024", "không có trên lịch"),
    ("date", "31/3/24", "năm đủ 4 chữ số"),
    ("date", "31/3", "ghi đủ ngày, tháng và năm"),
    ("date", "31/03-2024", "ví dụ: 31/03/2024"),
    ("date", "31/03/20245", "ngày/tháng/năm"),
    ("date", "1/1/1900", "01/01/1945"),
    ("date", "16/04/2024", "không được sau hôm nay (15/04/2024)"),
    ("date", "hôm qua", "ngày/tháng/năm"),
    ("date", "", "ngày/tháng/năm"),
    # text
    ("text", "", "không để trống"),
    ("text", "   ", "không để trống"),
    ("text", "\n\t ", "không để trống"),
    ("text", "\x00\x01", "không để trống"),
    ("text", "\u200b", "không để trống"),
    ("text", "a" * (MAX_TEXT + 1), "tối đa 2.000 ký tự (hiện có 2.001)"),
    ("text", " \xa0 ", "không để trống"),
    ("text", "x" * 5000, "Vui lòng rút gọn"),
]


@pytest.mark.parametrize(("kind", "text", "fragment"), REFUSED)
def test_refused(kind: str, text: str, fragment: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_value(kind, text, today=TODAY)
    assert fragment in caught.value.message
    assert isinstance(caught.value, ValueError)
    assert caught.value.message.endswith((".", ")"))


def test_every_type_has_enough_examples() -> None:
    for kind in TYPES:
        assert sum(1 for row in ACCEPTED if row[0] == kind) >= 8, kind
        assert sum(1 for row in REFUSED if row[0] == kind) >= 8, kind


# --------------------------------------------------------------------------- options


def test_growth_rates_take_their_bounds_from_the_caller() -> None:
    assert parse_value("percent", "-2,5%", percent_bounds=GROWTH_BOUNDS).value == -2.5
    assert parse_value("percent", "+6,5", percent_bounds=GROWTH_BOUNDS).value == 6.5
    assert parse_value("percent", "150", percent_bounds=GROWTH_BOUNDS).display == "150%"
    assert parse_value("percent", "−3", percent_bounds=GROWTH_BOUNDS).value == -3.0
    with pytest.raises(BadValue, match="từ -1000 đến 1000"):
        parse_value("percent", "-1000,01", percent_bounds=GROWTH_BOUNDS)
    with pytest.raises(ValueError, match="bounds"):
        parse_value("percent", "5", percent_bounds=(10.0, 0.0))


def test_a_count_may_carry_its_unit() -> None:
    assert parse_value("count", "12 bài", unit="bài") == Parsed(12, "12 bài")
    assert parse_value("count", "200 doanh nghiep", unit="doanh nghiệp").value == 200
    assert parse_value("count", "1.200", unit="bài").display == "1.200 bài"


def test_ratings_follow_the_campaign_scale() -> None:
    scale = ("Không đạt", "Đạt")
    assert parse_value("rating", "khong dat", rating_scale=scale).value == "Không đạt"
    assert parse_value("rating", "dat", rating_scale=scale).value == "Đạt"
    assert parse_value("rating", "1", rating_scale=scale).value == "Đạt"
    assert parse_value("rating", "KĐ", rating_scale=scale).value == "Không đạt"
    assert rating_choices(DEFAULT_SCALE) == ("Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu")
    with pytest.raises(BadValue, match=re.escape("1. Đạt, 2. Không đạt")):
        parse_value("rating", "kha", rating_scale=scale)


def test_dates_without_today_have_no_upper_bound_but_the_calendar() -> None:
    assert parse_value("date", "31/12/2100").value == date(2100, 12, 31)
    with pytest.raises(BadValue, match="31/12/2100"):
        parse_value("date", "01/01/2101")


def test_unknown_type_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown indicator type") as caught:
        parse_value("colour", "red")
    assert not isinstance(caught.value, BadValue)


def test_parsed_is_frozen() -> None:
    parsed = parse_value("count", "3")
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.value = 4  # type: ignore[misc]


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (1234567.891, 2, "1.234.567,89"),
        (1234567, 2, "1.234.567"),
        (95.5, 2, "95,5"),
        (0.005, 2, "0,01"),
        (-0.001, 2, "0"),
        (-1234.5, 1, "-1.234,5"),
        (Decimal("4335000000000"), 0, "4.335.000.000.000"),
        (2.675, 2, "2,68"),
        (999, 0, "999"),
        (1000, 0, "1.000"),
    ],
)
def test_format_number(x: float, decimals: int, expected: str) -> None:
    assert format_number(x, decimals) == expected


def test_format_helpers() -> None:
    assert format_percent(95.5) == "95,5%"
    assert format_percent(6.5) == "6,5%"
    assert format_percent(1000) == "1000%"
    assert format_date(date(2024, 1, 5)) == "05/01/2024"
    assert format_value("money", 4_335_000_000) == "4.335.000.000 đồng"
    assert format_value("yes_no", False) == "Không"
    assert format_value("count", 1200, unit="doanh nghiệp") == "1.200 doanh nghiệp"
    with pytest.raises(TypeError):
        format_value("count", True)
    with pytest.raises(ValueError, match="nan"):
        format_number(float("nan"))


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (4_335_000_000, "4,34 tỷ đồng"),
        (4_335_000_000_000, "4.335 tỷ đồng"),
        (150_000_000, "150 triệu đồng"),
        (2_500_000_000, "2,5 tỷ đồng"),
        (999_999_999, "1 tỷ đồng"),
        (150_000, "150 nghìn đồng"),
        (500, "500 đồng"),
        (0, "0 đồng"),
    ],
)
def test_format_money_compact(amount: int, expected: str) -> None:
    assert format_money_compact(amount) == expected


@pytest.mark.parametrize(
    ("op", "value", "kind", "expected"),
    [
        (">=", 35, "percent", "≥ 35%"),
        (">", 12, "percent", "> 12%"),
        ("==", 100, "percent", "100%"),
        (">=", 6.5, "percent", "≥ 6,5%"),
        ("<=", 5, "percent", "≤ 5%"),
        (">=", "Khá", "rating", "từ Khá trở lên"),
        (">", "Khá", "rating", "trên Khá"),
        ("==", "Tốt", "rating", "Tốt"),
        ("<", "Khá", "rating", "dưới Khá"),
        ("==", True, "yes_no", "Có"),
        ("==", False, "yes_no", "Không"),
        (">=", 200, "count", "≥ 200"),
        (">=", 1_000_000, "money", "≥ 1.000.000 đồng"),
        ("<=", date(2024, 3, 31), "date", "không muộn hơn 31/03/2024"),
        ("<", date(2024, 3, 31), "date", "trước 31/03/2024"),
    ],
)
def test_format_target(op: str, value: Value, kind: str, expected: str) -> None:
    assert format_target(op, value, kind) == expected


def test_format_target_with_unit_and_errors() -> None:
    assert format_target(">=", 200, "count", unit="doanh nghiệp") == "≥ 200 doanh nghiệp"
    with pytest.raises(ValueError, match="=="):
        format_target(">=", True, "yes_no")
    with pytest.raises(ValueError, match="no target"):
        format_target("==", "x", "text")
    with pytest.raises(ValueError, match="operator"):
        format_target("!=", 1, "count")


# --------------------------------------------------------------------------- JSON


@pytest.mark.parametrize(
    ("kind", "value", "obj"),
    [
        ("percent", 95.5, 95.5),
        ("count", 1200, 1200),
        ("money", 4_335_000_000, 4_335_000_000),
        ("yes_no", True, True),
        ("rating", "Khá", "Khá"),
        ("date", date(2024, 3, 31), "2024-03-31"),
        ("text", "Đã xong", "Đã xong"),
    ],
)
def test_json_form(kind: str, value: Value, obj: Any) -> None:
    assert to_json(value, kind) == obj
    assert from_json(json.loads(json.dumps(obj)), kind) == value


@pytest.mark.parametrize(
    ("kind", "obj"),
    [
        ("percent", "95.5"),
        ("percent", True),
        ("count", 1.5),
        ("count", -1),
        ("money", "1000"),
        ("yes_no", 1),
        ("date", "31/03/2024"),
        ("date", "2024-02-30"),
        ("text", None),
    ],
)
def test_from_json_refuses_what_does_not_fit(kind: str, obj: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        from_json(obj, kind)


# --------------------------------------------------------------------------- properties

SCALES = st.sampled_from(
    [
        DEFAULT_SCALE,
        ("Không đạt", "Đạt"),
        ("Kém", "Trung bình", "Khá", "Giỏi", "Xuất sắc"),
        ("D", "C", "B", "A"),
        ("Không hoàn thành", "Hoàn thành", "Hoàn thành tốt", "Hoàn thành xuất sắc"),
    ]
)
BOUNDS = st.sampled_from([PERCENT_BOUNDS, GROWTH_BOUNDS, (0.0, 1000.0)])
TOKENS = [
    *"0123456789",
    "19",
    "20",
    "95",
    "100",
    "1000",
    "2024",
    "24",
    "31",
    "02",
    ".",
    ",",
    " ",
    "/",
    "-",
    "−",
    "+",
    "%",
    "％",
    "\xa0",
    "\u200b",
    "\n",
    "đ",
    "đồng",
    "₫",
    "VNĐ",
    "$",
    "tỷ",
    "triệu",
    "tr",
    "k",
    "nghìn",
    "có",
    "không",
    "rồi",
    "chưa",
    "đạt",
    "ạ",
    "dạ",
    "x",
    "Khá",
    "TB",
    "xuất sắc",
    "loại",
    "ngày",
    "tháng",
    "năm",
    "trên",
    "e",
    "E5",
    "inf",
    "nan",
    "٣",
    "０",
    "9" * 30,
]
NEAR_MISS = st.lists(st.sampled_from(TOKENS), max_size=10).map("".join)
ANSWERS = st.one_of(st.text(max_size=80), NEAR_MISS)


def assert_valid(kind: str, parsed: Parsed, scale: tuple[str, ...], bounds: Any) -> None:
    """What an accepted answer must satisfy, whatever was typed."""
    value = parsed.value
    match kind:
        case "percent":
            assert type(value) is float
            assert bounds[0] <= value <= bounds[1]
            assert round(value, 2) == value
        case "count":
            assert type(value) is int
            assert 0 <= value <= MAX_COUNT
        case "money":
            assert type(value) is int
            assert 0 <= value <= MAX_MONEY
        case "yes_no":
            assert type(value) is bool
        case "rating":
            assert value in scale
        case "date":
            assert type(value) is date
            assert EARLIEST_DATE <= value <= min(TODAY, LATEST_DATE)
        case "text":
            assert isinstance(value, str)
            assert 1 <= len(value) <= MAX_TEXT
            assert value == value.strip()
            assert unicodedata.category(value[0]) != "Cf"
            assert unicodedata.normalize("NFC", value) == value
    assert parsed.display == format_value(kind, value)
    assert from_json(json.loads(json.dumps(to_json(value, kind))), kind) == value


def _parse_anything(kind: str, text: str, scale: tuple[str, ...], bounds: Any) -> None:
    message = ""
    try:
        parsed = parse_value(kind, text, rating_scale=scale, today=TODAY, percent_bounds=bounds)
    except BadValue as error:
        message, shown = error.message, str(error)
    else:
        assert_valid(kind, parsed, scale, bounds)
        return
    assert message
    assert message == shown


@pytest.mark.parametrize("kind", TYPES)
@given(text=ANSWERS, scale=SCALES, bounds=BOUNDS)
def test_any_answer_is_read_or_refused_politely(
    kind: str, text: str, scale: tuple[str, ...], bounds: Any
) -> None:
    _parse_anything(kind, text, scale, bounds)


@given(n=st.integers(0, 10_000))
def test_percent_reads_back_its_formatting(n: int) -> None:
    value = n / 100
    assert parse_value("percent", format_value("percent", value)).value == value


@given(n=st.integers(-100_000, 100_000))
def test_growth_percent_reads_back_its_formatting(n: int) -> None:
    value = n / 100
    text = format_value("percent", value)
    assert parse_value("percent", text, percent_bounds=GROWTH_BOUNDS).value == value


@given(x=st.floats(-1000, 1000))
def test_percent_keeps_two_decimals(x: float) -> None:
    parsed = parse_value(
        "percent", format_number(x, 5, grouping=False), percent_bounds=GROWTH_BOUNDS
    )
    # written with 5 decimals, then read to 2: at most half a hundredth off, plus the first rounding
    assert abs(parsed.value - x) <= 0.005 + 0.000005 + 1e-9  # type: ignore[operator]


@given(value=st.integers(0, MAX_COUNT), unit=st.sampled_from([None, "bài", "doanh nghiệp"]))
def test_count_reads_back_its_formatting(value: int, unit: str | None) -> None:
    text = format_value("count", value, unit=unit)
    assert parse_value("count", text, unit=unit) == Parsed(value, text)


@given(value=st.integers(1, MAX_COUNT))
def test_count_refuses_negatives_and_decimals(value: int) -> None:
    with pytest.raises(BadValue, match="không được âm"):
        parse_value("count", "-" + format_number(value))
    with pytest.raises(BadValue):
        parse_value("count", format_number(value) + ",5")


@given(value=st.integers(0, MAX_MONEY))
def test_money_reads_back_its_formatting(value: int) -> None:
    text = format_value("money", value)
    assert parse_value("money", text) == Parsed(value, text)
    assert parse_value("money", format_number(value)).value == value


@given(value=st.integers(0, MAX_MONEY))
def test_money_reads_its_compact_form_approximately(value: int) -> None:
    read = parse_money(format_money_compact(value))
    assert abs(read - value) <= value * 0.005


@given(value=st.booleans())
def test_yes_no_reads_back_its_formatting(value: bool) -> None:
    text = format_value("yes_no", value)
    assert parse_value("yes_no", text).value is value
    assert parse_value("yes_no", text.upper()).value is value


@given(data=st.data(), scale=SCALES)
def test_rating_reads_back_its_formatting(data: st.DataObject, scale: tuple[str, ...]) -> None:
    level = data.draw(st.sampled_from(scale))
    assert parse_value("rating", format_value("rating", level), rating_scale=scale).value == level
    number = rating_choices(scale).index(level) + 1
    assert parse_value("rating", str(number), rating_scale=scale).value == level


@given(day=st.dates(EARLIEST_DATE, LATEST_DATE), today=st.dates(EARLIEST_DATE, LATEST_DATE))
def test_date_reads_back_its_formatting(day: date, today: date) -> None:
    text = format_value("date", day)
    assert parse_value("date", text) == Parsed(day, text)
    assert parse_value("date", f"{day.day}-{day.month}-{day.year}").value == day
    if day <= today:
        assert parse_value("date", text, today=today).value == day
    else:
        with pytest.raises(BadValue, match="không được sau hôm nay"):
            parse_value("date", text, today=today)


@given(year=st.integers(1945, 2100), month=st.integers(1, 12), day=st.integers(1, 31))
def test_date_never_accepts_an_impossible_day(year: int, month: int, day: int) -> None:
    text = f"{day:02d}/{month:02d}/{year}"
    try:
        expected = date(year, month, day)
    except ValueError:
        with pytest.raises(BadValue, match="không có trên lịch"):
            parse_value("date", text)
    else:
        assert parse_value("date", text).value == expected


@given(text=st.text(max_size=MAX_TEXT + 50))
def test_text_reads_back_its_formatting(text: str) -> None:
    try:
        value = parse_value("text", text).value
    except BadValue:
        return
    assert isinstance(value, str)
    assert parse_value("text", format_value("text", value)).value == value


@given(
    text=st.text(
        st.characters(exclude_categories=["Cc", "Cf", "Cs", "Zs", "Zl", "Zp"]),
        min_size=1,
        max_size=300,
    )
)
def test_clean_text_is_kept_as_typed(text: str) -> None:
    text = unicodedata.normalize("NFC", text)
    assert parse_value("text", text).value == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("đã thực hiện", True),
        ("da thuc hien", True),
        ("Dạ, đã thực hiện ạ", True),
        ("chưa thực hiện", False),
        ("chua thuc hien", False),
    ],
)
def test_parse_yes_no_reads_thuc_hien(text: str, expected: bool) -> None:
    """Issue 13: "đã thực hiện" / "chưa thực hiện" are how units answer a yes/no indicator."""
    assert parse_yes_no(text) is expected
