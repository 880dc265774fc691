"""Text typed in the legacy TCVN3 (ABC) and VNI-Windows fonts, detected and turned into Unicode.

Documents typed with .VnTime or VNI-Times carry Vietnamese letters as Latin-1 characters
("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"); their
text layers and DOCX runs hold those characters, so they must be converted before parsing.
"""

from __future__ import annotations

import re
from typing import Literal

Encoding = Literal["tcvn3", "vni"]

# TCVN 5712:1993 (VN3): one byte a letter; capital letters with tones exist only in the
# capital fonts (.VnTimeH), which draw the lower-case codes as capitals.
_TCVN3_PAIRS = (
    "µà ¸á ¶ả ·ã ¹ạ ¨ă »ằ ¾ắ ¼ẳ ½ẵ Æặ ©â Çầ Êấ Èẩ Éẫ Ëậ ®đ "
    "Ìè Ðé Îẻ Ïẽ Ñẹ ªê Òề Õế Óể Ôễ Öệ ×ì Ýí Øỉ Üĩ Þị "
    "ßò ãó áỏ âõ äọ «ô åồ èố æổ çỗ éộ ¬ơ êờ íớ ëở ìỡ îợ "
    "ïù óú ñủ òũ ôụ \u00adư õừ øứ öử ÷ữ ùự úỳ ýý ûỷ üỹ þỵ "
    "¡Ă ¢Â §Đ £Ê ¤Ô ¥Ơ ¦Ư"
)
TCVN3_TO_UNICODE: dict[str, str] = {p[0]: p[1] for p in _TCVN3_PAIRS.split()}
UNICODE_TO_TCVN3: dict[str, str] = {
    **{u: t for t, u in TCVN3_TO_UNICODE.items()},
    # Capitals with tones are written with the lower-case code in a capital font.
    **{
        u.upper(): t
        for t, u in TCVN3_TO_UNICODE.items()
        if u.upper() != u and u.islower() and u.upper() not in "ĂÂĐÊÔƠƯ"
    },
}

# VNI-Windows: a base letter followed by a mark character; a few letters are one character.
_VNI_MARKS_LOWER = {"ø": "\u0300", "ù": "\u0301", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_MARKS_UPPER = {"Ø": "\u0300", "Ù": "\u0301", "Û": "\u0309", "Õ": "\u0303", "Ï": "\u0323"}
# The circumflex (â) and breve (ê after a) combine with a tone in one character.
_VNI_HAT = {"â": "", "à": "\u0300", "á": "\u0301", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_HAT_UPPER = {
    "Â": "",
    "À": "\u0300",
    "Á": "\u0301",
    "Å": "\u0309",
    "Ã": "\u0303",
    "Ä": "\u0323",
}
_VNI_BREVE = {"ê": "", "è": "\u0300", "é": "\u0301", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
_VNI_BREVE_UPPER = {
    "Ê": "",
    "È": "\u0300",
    "É": "\u0301",
    "Ú": "\u0309",
    "Ü": "\u0303",
    "Ë": "\u0323",
}
_VNI_SINGLE = {
    "ñ": "đ",
    "Ñ": "Đ",
    "ô": "ơ",
    "Ô": "Ơ",
    "ö": "ư",
    "Ö": "Ư",
    "ì": "ì",
    "í": "í",
    "æ": "ỉ",
    "ó": "ĩ",
    "ò": "ị",
    "Ì": "Ì",
    "Í": "Í",
    "Æ": "Ỉ",
    "Ó": "Ĩ",
    "Ò": "Ị",
    "î": "ỵ",
    "Î": "Ỵ",
}


def _vni_table() -> dict[str, str]:
    """Every VNI sequence (one or two characters) and the Unicode letter it stands for."""
    import unicodedata

    table: dict[str, str] = dict(_VNI_SINGLE)

    def put(seq: str, base: str, *marks: str) -> None:
        table[seq] = unicodedata.normalize("NFC", base + "".join(marks))

    for vowel in "aeiouyAEIOUY":
        marks = _VNI_MARKS_UPPER if vowel.isupper() else _VNI_MARKS_LOWER
        for code, mark in marks.items():
            put(vowel + code, vowel, mark)
        # Lower-case marks after capitals are common in mixed text typed by hand.
        if vowel.isupper():
            for code, mark in _VNI_MARKS_LOWER.items():
                table.setdefault(vowel + code, unicodedata.normalize("NFC", vowel + mark))
    for vowel in "aeoAEO":
        hats = _VNI_HAT_UPPER if vowel.isupper() else _VNI_HAT
        for code, mark in hats.items():
            put(vowel + code, vowel, "\u0302", mark)
    for vowel in "aA":
        breves = _VNI_BREVE_UPPER if vowel.isupper() else _VNI_BREVE
        for code, mark in breves.items():
            put(vowel + code, vowel, "\u0306", mark)
    for horn_code, horn in (("ô", "ơ"), ("Ô", "Ơ"), ("ö", "ư"), ("Ö", "Ư")):
        marks = _VNI_MARKS_UPPER if horn_code.isupper() else _VNI_MARKS_LOWER
        for code, mark in marks.items():
            put(horn_code + code, horn, mark)
    return table


VNI_TO_UNICODE: dict[str, str] = _vni_table()
UNICODE_TO_VNI: dict[str, str] = {}
for _seq, _uni in sorted(VNI_TO_UNICODE.items(), key=lambda kv: len(kv[0])):
    UNICODE_TO_VNI.setdefault(_uni, _seq)
_VNI_RE = re.compile("|".join(re.escape(s) for s in sorted(VNI_TO_UNICODE, key=len, reverse=True)))
_TCVN3_RE = re.compile("[" + re.escape("".join(TCVN3_TO_UNICODE)) + "]")

# Frequent syllables of administrative Vietnamese: which reading gives more of them decides.
_COMMON = frozenset(
    [
        "của",
        "và",
        "các",
        "năm",
        "ngày",
        "tháng",
        "phường",
        "xã",
        "thành",
        "phố",
        "nhân",
        "dân",
        "ủy",
        "ban",
        "thi",
        "đua",
        "cộng",
        "hòa",
        "hoà",
        "việt",
        "nam",
        "độc",
        "lập",
        "tự",
        "do",
        "hạnh",
        "phúc",
        "kế",
        "hoạch",
        "quyết",
        "định",
        "về",
        "việc",
        "số",
        "được",
        "những",
        "này",
        "chủ",
        "tịch",
        "nơi",
        "nhận",
        "lưu",
        "phong",
        "trào",
        "hành",
        "chính",
        "cải",
        "cách",
        "đẩy",
        "mạnh",
        "thực",
        "hiện",
        "triển",
        "khai",
    ]
)
# Letters outside Latin-1: legacy text cannot hold them (ê, ô, â can be TCVN3 or VNI codes).
_VIETNAMESE_LETTERS = re.compile("[ăđĩũơưĂĐĨŨƠƯ\u1ea0-\u1ef9]")
_WORD = re.compile(r"\w+")


def tcvn3_to_unicode(text: str) -> str:
    """TCVN3 text to Unicode; lines typed in a capital font come out in capitals."""
    converted = _TCVN3_RE.sub(lambda m: TCVN3_TO_UNICODE[m.group(0)], text)
    return "\n".join(_capitalise_if_caps(line) for line in converted.split("\n"))


def vni_to_unicode(text: str) -> str:
    """VNI-Windows text to Unicode."""
    return _VNI_RE.sub(lambda m: VNI_TO_UNICODE[m.group(0)], text)


def unicode_to_tcvn3(text: str) -> str:
    """The other way, to make test documents as a .VnTime user would have typed them."""
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    return "".join(UNICODE_TO_TCVN3.get(c, c) for c in text)


def unicode_to_vni(text: str) -> str:
    """The other way, to make test documents as a VNI-Times user would have typed them."""
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    return "".join(UNICODE_TO_VNI.get(c, c) for c in text)


def _capitalise_if_caps(line: str) -> str:
    """Capitals for a line, or a word, that the typist wrote in a capital font (.VnTimeH)."""
    letters = [c for c in line if c.isascii() and c.isalpha()]
    if len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters):
        return line.upper()
    return _WORD.sub(_capitalise_word, line)


def _capitalise_word(match: re.Match[str]) -> str:
    word = match.group(0)
    ascii_letters = [c for c in word if c.isascii() and c.isalpha()]
    if len(ascii_letters) >= 2 and all(c.isupper() for c in ascii_letters):
        return word.upper()
    return word


def _score(text: str) -> int:
    return sum(1 for w in _WORD.findall(text.lower()) if w in _COMMON)


def detect_legacy(text: str) -> Encoding | None:
    """Which legacy encoding the text is in, or None when it already reads as Unicode."""
    sample = text[:20000]
    if len(_VIETNAMESE_LETTERS.findall(sample)) > 3:
        return None
    base = _score(sample)
    candidates: list[tuple[int, Encoding]] = [
        (_score(tcvn3_to_unicode(sample)), "tcvn3"),
        (_score(vni_to_unicode(sample)), "vni"),
    ]
    best_score, best = max(candidates)
    return best if best_score >= base + 3 else None


def to_unicode(text: str) -> tuple[str, Encoding | None]:
    """The text in Unicode, and the legacy encoding it was found in (None if it was not)."""
    encoding = detect_legacy(text)
    if encoding == "tcvn3":
        return tcvn3_to_unicode(text), encoding
    if encoding == "vni":
        return vni_to_unicode(text), encoding
    return text, None
