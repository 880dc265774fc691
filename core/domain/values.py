"""Indicator values as Vietnamese civil servants type them, and as the bot writes them back.

Pure functions, no I/O. :func:`parse_value` reads an answer and raises :class:`BadValue` (whose
``message`` tells the user, in Vietnamese, what is expected); :func:`format_value` writes a value
the Vietnamese way (decimal comma, thousands dot, ``dd/mm/yyyy``). Reading back what
:func:`format_value` wrote gives the same value (percent: to 2 decimals).

One canonical Python type per indicator type, and its JSON form:

============  ==========================================  =====================  ================
type          canonical value                             JSON                   written as
============  ==========================================  =====================  ================
``percent``   ``float``, rounded half-up to 2 decimals    number ``95.5``        ``95,5%``
``count``     ``int`` ≥ 0                                 integer ``1200``       ``1.200``
``money``     ``int`` đồng ≥ 0                            integer                ``4.335.000 đồng``
``yes_no``    ``bool``                                    ``true``/``false``     ``Có``/``Không``
``rating``    ``str``: a label of the rating scale        string                 the label
``date``      ``datetime.date``                           ``"2024-03-31"``       ``31/03/2024``
``text``      ``str``: NFC, stripped, 1–2000 characters   string                 the text
============  ==========================================  =====================  ================

Percent is a ``float`` (not ``Decimal``) so that :meth:`core.campaign.schema.Target.is_met`
compares it with the campaign's numeric targets; money stays at most 10^15 đồng, which a JSON
number carries exactly.

Reading rules, in short (the tests hold the full tables):

- Numbers: ``,`` is the decimal mark and ``.`` or a space groups thousands (``1.234.567,5``).
  ``1.200`` is one thousand two hundred; a count written ``1.2`` or ``12,5`` is refused.
  A percent keeps a lone ``.`` as a decimal mark (``95.5``) except before exactly three digits
  (``1.000``, ``95.555``), which is refused as ambiguous; percents are written without grouping.
- Percent: optional ``%`` or "phần trăm"; a fraction ``19/20`` (or "19 trên 20") of two whole
  numbers with ``0 ≤ tử số ≤ mẫu số`` and ``mẫu số > 0`` is read as a share (95 %). Bounds come
  from the caller: :data:`PERCENT_BOUNDS` (0–100) by default, :data:`GROWTH_BOUNDS`
  (−1000–1000, sign allowed) for growth rates such as "tăng 6,5 %".
- Money: whole đồng, ``4.335.000.000``, ``1.200.000đ``, ``150 triệu``, ``4,3 tỷ``,
  ``2 tỷ 500 triệu``, ``150k``; "đ", "đồng", "VNĐ", "₫" may follow.
- Yes/no and rating: case and diacritics do not matter; polite particles ("dạ", "ạ") are
  ignored. A rating may be typed as its number in the list shown to the user, which lists the
  scale from the **highest** level down (see :func:`rating_choices`): on the default scale
  ``1`` is "Xuất sắc" and ``5`` is "Yếu". Two-word levels also answer to their initials (``TB``).
- Dates: ``dd/mm/yyyy`` with ``/``, ``-`` or ``.``, one- or two-digit day and month, a
  four-digit year (two-digit years are refused), also ``yyyy-mm-dd`` and
  "ngày 31 tháng 3 năm 2024"; between 1945 and 2100, and not after ``today`` when given.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Final, Literal, TypeGuard

from core import dates
from core.vntext import fold

__all__ = [
    "DEFAULT_SCALE",
    "GROWTH_BOUNDS",
    "INDICATOR_TYPES",
    "MAX_COUNT",
    "MAX_MONEY",
    "MAX_TEXT",
    "PERCENT_BOUNDS",
    "BadValue",
    "JSONValue",
    "Parsed",
    "Value",
    "format_date",
    "format_money",
    "format_money_compact",
    "format_number",
    "format_percent",
    "format_target",
    "format_value",
    "from_json",
    "parse_count",
    "parse_date",
    "parse_money",
    "parse_percent",
    "parse_rating",
    "parse_text",
    "parse_value",
    "parse_yes_no",
    "rating_choices",
    "to_json",
]

Value = float | int | bool | str | date
"""A parsed indicator value (see the table above for which type each indicator uses)."""
JSONValue = float | int | bool | str
"""The JSON form of a value."""

INDICATOR_TYPES: Final = frozenset(
    {"percent", "count", "money", "yes_no", "rating", "date", "text"}
)
#: The bundled campaign's scale, listed lowest first like ``rating_scale`` in a campaign file.
DEFAULT_SCALE: Final[tuple[str, ...]] = ("Yếu", "Trung bình", "Khá", "Tốt", "Xuất sắc")
PERCENT_BOUNDS: Final[tuple[float, float]] = (0.0, 100.0)
GROWTH_BOUNDS: Final[tuple[float, float]] = (-1000.0, 1000.0)
MAX_COUNT: Final = 10**12
MAX_MONEY: Final = 10**15
MAX_TEXT: Final = 2000
_MAX_INPUT = 200  # longer numeric, yes/no, rating or date answers are refused outright

_CTX = Context(prec=1000)  # exact for any number that passes _MAX_INPUT and any finite float


class BadValue(ValueError):
    """An answer that cannot be read; ``message`` says, in Vietnamese, what is expected."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Parsed:
    """A value read from an answer, and how it is echoed back to the user."""

    value: Value
    display: str


# --------------------------------------------------------------------------- messages


def _percent_expected(low: float, high: float) -> str:
    return (
        f"Vui lòng nhập tỷ lệ phần trăm từ {_bound(low)} đến {_bound(high)}, "
        "ví dụ: 95,5 hoặc 19/20."
    )


def _bound(x: float) -> str:
    return format_number(x, grouping=False)


COUNT_EXPECTED: Final = "Vui lòng nhập một số nguyên không âm, ví dụ: 12 hoặc 1.200."
MONEY_EXPECTED: Final = (
    "Vui lòng nhập số tiền bằng đồng, ví dụ: 4.335.000.000, 150 triệu hoặc 4,3 tỷ."
)
YES_NO_EXPECTED: Final = "Vui lòng trả lời “Có” hoặc “Không” (có thể gõ: có, không, rồi, chưa)."
DATE_EXPECTED: Final = dates.DATE_EXPECTED
TEXT_EMPTY: Final = "Vui lòng nhập nội dung, không để trống."


def _rating_expected(levels: Sequence[str]) -> str:
    listed = ", ".join(f"{i}. {label}" for i, label in enumerate(rating_choices(levels), 1))
    return f"Vui lòng chọn một mức: {listed} (gõ số thứ tự hoặc tên mức)."


# --------------------------------------------------------------------------- reading numbers


class _NotANumber(Exception):
    pass


class _Ambiguous(Exception):
    pass


@dataclass(frozen=True)
class _Number:
    value: Decimal
    dot_decimal: bool  # a lone "." read as a decimal mark (``1.2``)


_INT_RE = re.compile(r"[0-9]+")
_GROUPED_RE = re.compile(
    r"(?P<int>[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[1-9][0-9]{0,2}(?: [0-9]{3})+)(?:,(?P<frac>[0-9]+))?"
)
_COMMA_GROUPED_RE = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3}){2,}")
_COMMA_DECIMAL_RE = re.compile(r"[0-9]+,[0-9]+")
_DOT_DECIMAL_RE = re.compile(r"[0-9]+\.[0-9]+")

_DotRule = Literal["percent", "count", "magnitude"]


def _read_number(s: str, rule: _DotRule) -> _Number:
    """An unsigned number. ``rule`` says how a lone dot is read.

    ``percent``: a decimal mark, except before exactly three digits (ambiguous);
    ``count``: groups thousands before exactly three digits, else flagged ``dot_decimal``;
    ``magnitude`` (before tỷ, triệu…): groups thousands before three digits, else decimal.
    """
    if _INT_RE.fullmatch(s):
        return _Number(Decimal(s), dot_decimal=False)
    if m := _GROUPED_RE.fullmatch(s):
        whole = m["int"]
        if rule == "percent" and m["frac"] is None and whole.count(".") == 1:
            raise _Ambiguous
        digits = whole.replace(".", "").replace(" ", "")
        frac = m["frac"]
        return _Number(Decimal(f"{digits}.{frac}" if frac else digits), dot_decimal=False)
    if _COMMA_GROUPED_RE.fullmatch(s):
        return _Number(Decimal(s.replace(",", "")), dot_decimal=False)
    if _COMMA_DECIMAL_RE.fullmatch(s):
        return _Number(Decimal(s.replace(",", ".")), dot_decimal=False)
    if _DOT_DECIMAL_RE.fullmatch(s):
        return _Number(Decimal(s), dot_decimal=rule == "count")
    raise _NotANumber


def _prep(text: str) -> str:
    """Folded (lower-case, no diacritics, spaces collapsed), without invisible format chars."""
    return fold("".join(ch for ch in text if unicodedata.category(ch) != "Cf"))


_MINUS = ("-", "−", "–")


# --------------------------------------------------------------------------- parsers


def parse_percent(text: str, *, bounds: tuple[float, float] = PERCENT_BOUNDS) -> float:
    """``95,5%``, ``95.5``, ``95,5%``, ``19/20`` (→ 95.0), ``100%``; within ``bounds``."""
    low, high = bounds
    if not low <= high:
        raise ValueError(f"invalid percent bounds {bounds!r}")
    expected = _percent_expected(low, high)
    s = _prep(text).replace("％", "%")
    if not s or len(s) > _MAX_INPUT:
        raise BadValue(expected)
    for suffix in ("%", "phan tram"):
        if s.endswith(suffix):
            s = s[: -len(suffix)].rstrip()
            break
    with localcontext(_CTX):
        if "/" in s or " tren " in s:
            value = _read_fraction(s, expected)
        else:
            negative = s.startswith(_MINUS)
            body = s[1:].lstrip() if negative or s.startswith("+") else s
            try:
                number = _read_number(body, "percent").value
            except _Ambiguous:
                raise BadValue(
                    f"Chưa rõ “{body}” là số nào. Vui lòng dùng dấu phẩy cho phần thập phân, "
                    "ví dụ: 95,5."
                ) from None
            except _NotANumber:
                raise BadValue(expected) from None
            value = -number if negative else number
        if value < low:
            if low == 0:
                raise BadValue("Tỷ lệ không được âm. " + expected)
            raise BadValue(expected)
        if value > high:
            raise BadValue(f"Tỷ lệ không được lớn hơn {_bound(high)}%. " + expected)
        return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) + 0.0


def _read_fraction(s: str, expected: str) -> Decimal:
    parts = s.split("/") if "/" in s else s.split(" tren ")
    if len(parts) != 2:
        raise BadValue(expected)
    try:
        top, bottom = (_read_number(p.strip(), "count") for p in parts)
    except (_NotANumber, _Ambiguous):
        raise BadValue(expected) from None
    fraction_rule = "Vui lòng nhập dạng số đạt/tổng số bằng số nguyên, ví dụ: 19/20."
    if any(n.dot_decimal or n.value != n.value.to_integral_value() for n in (top, bottom)):
        raise BadValue(fraction_rule)
    if bottom.value == 0:
        raise BadValue("Mẫu số phải lớn hơn 0. " + fraction_rule)
    if top.value > bottom.value:
        raise BadValue(
            "Tử số không được lớn hơn mẫu số (19/20 nghĩa là 19 trên tổng số 20). " + fraction_rule
        )
    return top.value * 100 / bottom.value


def _strip_unit(s: str, unit: str | None) -> str:
    folded = fold(unit or "")
    if folded and s.endswith(folded) and len(s) > len(folded):
        return s[: -len(folded)].rstrip()
    return s


def parse_count(text: str, *, unit: str | None = None) -> int:
    """``1.200`` (one thousand two hundred), ``1 200``, ``1200``, ``12``; ``12 bài`` if ``unit``."""
    s = _strip_unit(_prep(text), unit)
    if not s or len(s) > _MAX_INPUT:
        raise BadValue(COUNT_EXPECTED)
    if s.startswith(_MINUS):
        raise BadValue("Số lượng không được âm. " + COUNT_EXPECTED)
    with localcontext(_CTX):
        try:
            number = _read_number(s, "count")
        except (_NotANumber, _Ambiguous):
            raise BadValue(COUNT_EXPECTED) from None
        if number.dot_decimal:
            raise BadValue(
                f"Chưa rõ “{s}” là số nào: dấu chấm dùng để phân cách hàng nghìn "
                "(1.200 là một nghìn hai trăm). " + COUNT_EXPECTED
            )
        if number.value != number.value.to_integral_value():
            raise BadValue("Số lượng phải là số nguyên, không có phần thập phân. " + COUNT_EXPECTED)
        if number.value > MAX_COUNT:
            raise BadValue(f"Số quá lớn (tối đa {format_number(MAX_COUNT)}). " + COUNT_EXPECTED)
        return int(number.value)


_CURRENCY_RE = re.compile(r"\s*(?:dong|vnd|d|₫)$")
_FOREIGN_RE = re.compile(r"\$|€|usd|eur|do la|\bcny\b|nhan dan te")
_MAGNITUDES: Final = {
    "ty": 10**9,
    "ti": 10**9,
    "trieu": 10**6,
    "tr": 10**6,
    "nghin": 10**3,
    "ngan": 10**3,
    "k": 10**3,
}
_COMPONENT_RE = re.compile(r"\s*([0-9][0-9.,]*)\s*(trieu|nghin|ngan|ty|ti|tr|k)(?![a-z])\s*")
_HAS_MAGNITUDE_RE = re.compile(r"[0-9]\s*(?:trieu|nghin|ngan|ty|ti|tr|k)(?![a-z])")


def parse_money(text: str) -> int:
    """Whole đồng: ``4.335.000.000``, ``1.200.000 đ``, ``150 triệu``, ``2 tỷ 500 triệu``."""
    s = _prep(text)
    if not s or len(s) > _MAX_INPUT:
        raise BadValue(MONEY_EXPECTED)
    if _FOREIGN_RE.search(s):
        raise BadValue("Chỉ nhận số tiền bằng đồng Việt Nam. " + MONEY_EXPECTED)
    s = _CURRENCY_RE.sub("", s)
    if s.startswith(_MINUS):
        raise BadValue("Số tiền không được âm. " + MONEY_EXPECTED)
    with localcontext(_CTX):
        total = _read_magnitudes(s) if _HAS_MAGNITUDE_RE.search(s) else _read_plain_money(s)
        if total != total.to_integral_value():
            raise BadValue("Số tiền phải tính đến đồng. " + MONEY_EXPECTED)
        if total > MAX_MONEY:
            raise BadValue(
                f"Số tiền quá lớn (tối đa {format_money_compact(MAX_MONEY)}). " + MONEY_EXPECTED
            )
        return int(total)


def _read_plain_money(s: str) -> Decimal:
    try:
        number = _read_number(s, "count")
    except (_NotANumber, _Ambiguous):
        raise BadValue(MONEY_EXPECTED) from None
    if number.dot_decimal or number.value != number.value.to_integral_value():
        raise BadValue(
            "Số tiền có phần thập phân cần ghi rõ đơn vị, ví dụ: 4,3 tỷ hoặc 1,5 triệu; "
            "dấu chấm dùng để phân cách hàng nghìn (1.200.000)."
        )
    return number.value


def _read_magnitudes(s: str) -> Decimal:
    total = Decimal(0)
    previous = MAX_MONEY * 10
    pos = 0
    while pos < len(s):
        m = _COMPONENT_RE.match(s, pos)
        if m is None:
            rest = s[pos:].strip()
            if pos > 0 and _INT_RE.fullmatch(rest):
                raise BadValue(f"Vui lòng ghi rõ đơn vị sau số {rest}, ví dụ: 2 tỷ 500 triệu.")
            raise BadValue(MONEY_EXPECTED)
        try:
            number = _read_number(m[1], "magnitude").value
        except (_NotANumber, _Ambiguous):
            raise BadValue(MONEY_EXPECTED) from None
        magnitude = _MAGNITUDES[m[2]]
        if magnitude >= previous:
            raise BadValue(MONEY_EXPECTED)
        previous = magnitude
        total += number * magnitude
        pos = m.end()
    return total


_YES: Final = frozenset(
    {
        "co",
        "co roi",
        "roi",
        "da",
        "da co",
        "da roi",
        "da xong",
        "xong",
        "xong roi",
        "dat",
        "da dat",
        "da thuc hien",
        "da thuc hien xong",
        "co thuc hien",
        "vang",
        "dung",
        "x",
        "yes",
        "y",
        "ok",
        "oke",
        "✓",
        "✔",
    }
)
_NO: Final = frozenset(
    {
        "khong",
        "k",
        "ko",
        "kh",
        "hong",
        "khong co",
        "chua",
        "chua co",
        "chua xong",
        "chua dat",
        "khong dat",
        "chua thuc hien",
        "khong thuc hien",
        "no",
        "n",
    }
)
_PUNCTUATION_RE = re.compile(r"[.,!?;:~…]+")
_LEADING_PARTICLES: Final = frozenset({"da", "vang", "thua"})
_TRAILING_PARTICLES: Final = frozenset({"a", "nhe", "nha", "ah"})


def _words(text: str) -> list[str]:
    if len(text) > _MAX_INPUT:
        return []
    return _PUNCTUATION_RE.sub(" ", _prep(text)).split()


def parse_yes_no(text: str) -> bool:
    """``có``/``không``, ``rồi``/``chưa``, ``đạt``/``chưa đạt``, ``x``, ``dạ có``, ``có ạ``…"""
    words = _words(text)
    while len(words) > 1 and words[-1] in _TRAILING_PARTICLES:
        words.pop()
    phrase = " ".join(words)
    if phrase not in _YES | _NO and len(words) > 1 and words[0] in _LEADING_PARTICLES:
        phrase = " ".join(words[1:])
    if phrase in _YES:
        return True
    if phrase in _NO:
        return False
    raise BadValue(YES_NO_EXPECTED)


def rating_choices(scale: Sequence[str] = DEFAULT_SCALE) -> tuple[str, ...]:
    """The levels as questions list them: highest first; ``1`` answers the first of them."""
    return tuple(level.strip() for level in reversed(scale))


_RATING_PREFIXES: Final = ("dat loai", "xep loai", "loai", "muc", "dat")


def parse_rating(text: str, scale: Sequence[str] = DEFAULT_SCALE) -> str:
    """A level of ``scale`` (listed lowest first): its name, initials or number in the list."""
    levels = [level.strip() for level in scale]
    if not levels:
        raise ValueError("empty rating scale")
    words = _words(text)
    phrase = " ".join(words)
    found = _match_rating(phrase, levels)
    for prefix in _RATING_PREFIXES:
        if found is None and phrase.startswith(prefix + " "):
            found = _match_rating(phrase[len(prefix) + 1 :], levels)
    if found is None:
        raise BadValue(_rating_expected(levels))
    return found


def _match_rating(phrase: str, levels: list[str]) -> str | None:
    folded = [fold(level) for level in levels]
    compact = phrase.replace(" ", "")
    tiers: list[list[int]] = [
        [i for i, f in enumerate(folded) if f == phrase],
        [i for i, f in enumerate(folded) if f.replace(" ", "") == compact],
    ]
    if re.fullmatch(r"[0-9]{1,3}", phrase) and 1 <= int(phrase) <= len(levels):
        tiers.append([len(levels) - int(phrase)])
    tiers.append(
        [
            i
            for i, f in enumerate(folded)
            if len(f.split()) > 1 and "".join(w[0] for w in f.split()) == compact
        ]
    )
    for tier in tiers:
        if len(tier) > 1:
            return None  # two levels read the same way: ask again
        if tier:
            return levels[tier[0]]
    return None


def parse_date(text: str, *, today: date | None = None) -> date:
    """The one date parser (:func:`core.dates.parse_date`), refusing with :class:`BadValue`."""
    try:
        return dates.parse_date(text, today=today)
    except dates.BadDate as e:
        raise BadValue(e.message) from None


_DROPPED = frozenset({"Cc", "Cs"})


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) == "Cf"


def _strip_invisible(s: str) -> str:
    """Without spaces and zero-width characters at either end (inside, they are kept)."""
    start, end = 0, len(s)
    while start < end and _invisible(s[start]):
        start += 1
    while end > start and _invisible(s[end - 1]):
        end -= 1
    return s[start:end]


def parse_text(text: str) -> str:
    """Free text: NFC, stripped (also of zero-width characters), control characters removed
    (line breaks and tabs kept), 1–2000 characters."""
    s = text.replace("\r\n", "\n").replace("\r", "\n")
    s = "".join(ch for ch in s if ch in "\n\t" or unicodedata.category(ch) not in _DROPPED)
    s = _strip_invisible(unicodedata.normalize("NFC", s))
    if not s:
        raise BadValue(TEXT_EMPTY)
    if len(s) > MAX_TEXT:
        raise BadValue(
            f"Nội dung quá dài: tối đa {format_number(MAX_TEXT)} ký tự "
            f"(hiện có {format_number(len(s))}). Vui lòng rút gọn."
        )
    return s


def parse_value(
    type: str,
    text: str,
    *,
    rating_scale: Sequence[str] = DEFAULT_SCALE,
    today: date | None = None,
    percent_bounds: tuple[float, float] = PERCENT_BOUNDS,
    unit: str | None = None,
) -> Parsed:
    """Read an answer for an indicator of ``type``; raises :class:`BadValue`.

    ``today`` bounds dates (none after it); ``percent_bounds`` bounds percents (pass
    :data:`GROWTH_BOUNDS` for growth rates); ``unit`` (the indicator's unit, e.g. "bài") may
    follow a count and is shown in ``display``.
    """
    value: Value
    match type:
        case "percent":
            value = parse_percent(text, bounds=percent_bounds)
        case "count":
            value = parse_count(text, unit=unit)
        case "money":
            value = parse_money(text)
        case "yes_no":
            value = parse_yes_no(text)
        case "rating":
            value = parse_rating(text, rating_scale)
        case "date":
            value = parse_date(text, today=today)
        case "text":
            value = parse_text(text)
        case _:
            raise ValueError(f"unknown indicator type {type!r}")
    return Parsed(value, format_value(type, value, unit=unit))


# --------------------------------------------------------------------------- writing


def _decimal(x: float | int | Decimal) -> Decimal:
    if isinstance(x, bool):
        raise TypeError("a number is expected, not a bool")
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ValueError(f"cannot format {x!r}")
        return Decimal(repr(x))
    if isinstance(x, Decimal) and not x.is_finite():
        raise ValueError(f"cannot format {x!r}")
    return Decimal(x)


def format_number(x: float | int | Decimal, decimals: int = 2, *, grouping: bool = True) -> str:
    """``1234567.891`` → ``1.234.567,89``: at most ``decimals`` decimals, half-up, no trailing 0."""
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    with localcontext(_CTX) as ctx:
        ctx.prec = 1000 + decimals
        q = _decimal(x).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        whole, _, frac = f"{abs(q):f}".partition(".")
    frac = frac.rstrip("0")
    if grouping:
        head = len(whole) % 3 or 3
        whole = ".".join([whole[:head], *(whole[i : i + 3] for i in range(head, len(whole), 3))])
    sign = "-" if q < 0 else ""
    return f"{sign}{whole},{frac}" if frac else f"{sign}{whole}"


def format_percent(x: float | int | Decimal, decimals: int = 2) -> str:
    """``95.5`` → ``95,5%`` as the plan and official documents write it (no space; no
    thousands grouping: percents stay within ±1000). The one formatter of percentages."""
    return format_number(x, decimals, grouping=False) + "%"


def format_money(x: int) -> str:
    """``4335000000`` → ``4.335.000.000 đồng``."""
    return format_number(x, 0) + " đồng"


_COMPACT: Final = ((10**9, "tỷ"), (10**6, "triệu"), (10**3, "nghìn"))


def format_money_compact(x: float | int | Decimal, decimals: int = 2) -> str:
    """``4335000000`` → ``4,34 tỷ đồng``; ``150000000`` → ``150 triệu đồng``; approximate."""
    amount = _decimal(x)
    step = Decimal(1).scaleb(-decimals)
    for index, (size, word) in enumerate(_COMPACT):
        if abs(amount) < size:
            continue
        with localcontext(_CTX):
            q = (amount / size).quantize(step, rounding=ROUND_HALF_UP)
            if abs(q) >= 1000 and index > 0:  # 999.999.999 rounds to 1.000 triệu: say 1 tỷ
                bigger, bigger_word = _COMPACT[index - 1]
                q = (amount / bigger).quantize(step, rounding=ROUND_HALF_UP)
                return f"{format_number(q, decimals)} {bigger_word} đồng"
        return f"{format_number(q, decimals)} {word} đồng"
    return f"{format_number(amount, 0)} đồng"


format_date = dates.numeric_date  # "31/03/2024": the one numeric date, named for values


def format_value(type: str, value: Value, *, unit: str | None = None) -> str:
    """A value written the Vietnamese way; ``unit`` follows a count (money is always đồng)."""
    match type:
        case "percent" if _is_number(value):
            return format_percent(value)
        case "count" if isinstance(value, int) and not isinstance(value, bool):
            text = format_number(value, 0)
            return f"{text} {unit.strip()}" if unit and unit.strip() else text
        case "money" if isinstance(value, int) and not isinstance(value, bool):
            return format_money(value)
        case "yes_no" if isinstance(value, bool):
            return "Có" if value else "Không"
        case "rating" | "text" if isinstance(value, str):
            return value
        case "date" if isinstance(value, date):
            return format_date(value)
    if type not in INDICATOR_TYPES:
        raise ValueError(f"unknown indicator type {type!r}")
    raise TypeError(f"{value!r} is not a {type} value")


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


_OP_SIGNS: Final = {">=": "≥ ", ">": "> ", "==": "", "<=": "≤ ", "<": "< "}
_RATING_OPS: Final = {
    ">=": "từ {} trở lên",
    ">": "trên {}",
    "==": "{}",
    "<=": "từ {} trở xuống",
    "<": "dưới {}",
}
_DATE_OPS: Final = {
    ">=": "từ {} trở đi",
    ">": "sau {}",
    "==": "{}",
    "<=": "không muộn hơn {}",
    "<": "trước {}",
}


def format_target(op: str, value: Value, type: str, *, unit: str | None = None) -> str:
    """``(">=", 35, "percent")`` → ``≥ 35%``; ``(">=", "Khá", "rating")`` → ``từ Khá trở lên``."""
    if op not in _OP_SIGNS:
        raise ValueError(f"unknown operator {op!r}")
    match type:
        case "yes_no" if isinstance(value, bool):
            if op != "==":
                raise ValueError("a yes/no target uses ==")
            return format_value(type, value)
        case "rating" if isinstance(value, str):
            return _RATING_OPS[op].format(value)
        case "date" if isinstance(value, date):
            return _DATE_OPS[op].format(format_date(value))
        case "percent" if _is_number(value):
            return _OP_SIGNS[op] + format_percent(value)
        case "count" | "money" if _is_number(value):
            text = format_number(value) + (" đồng" if type == "money" else "")
            if type == "count" and unit and unit.strip():
                text += " " + unit.strip()
            return _OP_SIGNS[op] + text
        case "text":
            raise ValueError("text indicators have no target")
    if type not in INDICATOR_TYPES:
        raise ValueError(f"unknown indicator type {type!r}")
    raise TypeError(f"{value!r} is not a {type} target")


# --------------------------------------------------------------------------- JSON


def to_json(value: Value, type: str) -> JSONValue:
    """The JSON form: numbers and booleans as they are, a date as ``"2024-03-31"``."""
    format_value(type, value)  # checks the type of value
    if isinstance(value, date):
        return value.isoformat()
    if type == "percent":
        return float(value)
    return value


def from_json(obj: object, type: str) -> Value:
    """A value back from its JSON form; ``ValueError`` (or ``TypeError``) when it does not fit."""
    match type:
        case "percent" if isinstance(obj, int | float) and not isinstance(obj, bool):
            if not math.isfinite(obj):
                raise ValueError(f"{obj!r} is not a percent")
            return float(obj)
        case "count" | "money" if isinstance(obj, int) and not isinstance(obj, bool):
            if obj < 0:
                raise ValueError(f"{obj!r} is negative")
            return obj
        case "yes_no" if isinstance(obj, bool):
            return obj
        case "rating" | "text" if isinstance(obj, str):
            return obj
        case "date" if isinstance(obj, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", obj):
            return date.fromisoformat(obj)
    if type not in INDICATOR_TYPES:
        raise ValueError(f"unknown indicator type {type!r}")
    raise TypeError(f"{obj!r} is not the JSON form of a {type} value")
