"""Finding the Nghị định 30/2020 fields in a document's text, whether typed, extracted or OCR'd.

The heading block, Quốc hiệu and signature block are two-column tables: extraction may give
their columns one after the other (DOCX, most PDFs) or merged line by line (some PDFs, OCR),
so every rule looks for a pattern within lines rather than at fixed positions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from documents.reading.legacy_fonts import to_unicode
from documents.reading.model import DocumentFields, Source
from documents.reading.normalize import collapse, fold, key, nfc, similar

DOC_TYPES = (
    "Kế hoạch",
    "Quyết định",
    "Công văn",
    "Báo cáo",
    "Tờ trình",
    "Thông báo",
    "Chỉ thị",
    "Hướng dẫn",
    "Chương trình",
    "Nghị quyết",
    "Kết luận",
    "Quy chế",
    "Quy định",
    "Công điện",
    "Biên bản",
    "Thông tri",
    "Đề án",
    "Phương án",
    "Giấy mời",
)
# The letters of a số/ký hiệu name the type when the title line was not read.
_TYPE_BY_SYMBOL = {
    "kh": "Kế hoạch",
    "qd": "Quyết định",
    "bc": "Báo cáo",
    "ttr": "Tờ trình",
    "tb": "Thông báo",
    "ct": "Chỉ thị",
    "hd": "Hướng dẫn",
    "ctr": "Chương trình",
    "nq": "Nghị quyết",
    "kl": "Kết luận",
    "qc": "Quy chế",
    "bb": "Biên bản",
    "da": "Đề án",
    "pa": "Phương án",
    "gm": "Giấy mời",
}
_TYPE_KEYS = {key(t): t for t in DOC_TYPES}
_ORG_STARTS = (
    "ubnd",
    "hdnd",
    "uy ban",
    "hoi dong",
    "phong ",
    "so ",
    "ban ",
    "dang uy",
    "dang bo",
    "mat tran",
    "doan ",
    "hoi ",
    "van phong",
    "cong an",
    "truong ",
    "trung tam",
    "thanh uy",
    "huyen uy",
    "tinh uy",
    "chi cuc",
    "cuc ",
    "bo ",
    "tong cuc",
    "bch ",
    "ban chi huy",
)
_ADMIN_WORDS = {"phường", "xã", "thị", "trấn", "thành", "phố", "huyện", "tỉnh", "quận"}
_ACRONYMS = {"UBND", "HĐND", "MTTQ", "TP", "TP.", "BCH", "VN", "TW"}
_SIGNER_STARTS = (
    "tm",
    "kt",
    "tl",
    "tuq",
    "q ",
    "chu tich",
    "pho chu tich",
    "truong",
    "pho truong",
    "giam doc",
    "pho giam doc",
    "bi thu",
    "pho bi thu",
    "chanh",
    "pho chanh",
)
_BODY_STARTS = ("can cu", "thuc hien", "kinh gui", "xet de nghi", "theo de nghi", "noi nhan")

_NUMBER_RE = re.compile(r"\bso\s*[:;.]?\s*(\d{1,5}\s*/\s*[\w.\-–]+(?:\s*/\s*[\w.\-–]+)?)")
_DATE_RE = re.compile(r",\s*ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")
_SHORT_DATE_RE = re.compile(r",\s*ngay\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_QUOC_HIEU_RE = re.compile(r"cong\s*hoa\s*xa\s*hoi\s*chu\s*nghia(\s*viet\s*nam)?")
_MOTTO_RE = re.compile(r"doc\s*lap\s*[-–—~.]*\s*tu\s*do\s*[-–—~.]*\s*hanh\s*phuc")
_LONE_VIET_NAM_RE = re.compile(r"^\W*viet\s*nam\W*$")
_RULE_RE = re.compile(r"^[\s\-–—_=~.*`'\"|]*$")


def parse_fields(
    text: str, *, source: Source, ocr_confidence: float = 1.0, notes: Iterable[str] = (),
    heading: str = "",
) -> DocumentFields:
    """The fields found in a document's text; what is not found stays None.

    For a scan, `heading` is the heading block read a second time (`ocr.heading_pass`): its
    số/ký hiệu wins over the page's, and both are read forgivingly (`ocr_number`).
    """
    text, legacy = to_unicode(nfc(text))
    note_list = list(notes)
    if legacy:
        note_list.append(f"văn bản gõ bằng phông {legacy.upper()}, đã chuyển sang Unicode")
    lines = [_strip_national_heading(collapse(line)) for line in text.splitlines()]
    folded = [fold(line) for line in lines]

    number, number_at = _number(lines, folded)
    if source == "ocr":
        number = _ocr_number_of(heading.splitlines(), 15) or number or _ocr_number_of(lines, 40)
    issued_on, place, date_at = _date_and_place(lines, folded)
    heading_end = min(i for i in (number_at, date_at, 15) if i is not None)
    parent, issuer = _issuers(lines[: heading_end + 1], folded[: heading_end + 1], number_at)
    doc_type, subject = _type_and_subject(lines, folded, heading_end)
    if doc_type is None and number:
        doc_type = _type_from_number(number)
    signer = _signer_title(lines, folded)

    found = [issuer, number, issued_on, doc_type, subject, signer]
    confidence = sum(v is not None for v in found) / len(found)
    if source == "ocr":
        confidence *= ocr_confidence
    return DocumentFields(
        issuer=issuer,
        parent_issuer=parent,
        number=number,
        place=place,
        issued_on=issued_on,
        doc_type=doc_type,
        subject=subject,
        signer_title=signer,
        source=source,
        confidence=round(confidence, 2),
        notes=tuple(note_list),
    )


def _strip_national_heading(line: str) -> str:
    """The line without Quốc hiệu, motto and rules, which merged columns put beside the heading."""
    f = fold(line)
    for pattern in (_QUOC_HIEU_RE, _MOTTO_RE):
        for m in reversed(list(pattern.finditer(f))):
            line = line[: m.start()] + " " * (m.end() - m.start()) + line[m.end() :]
            f = fold(line)
    if _LONE_VIET_NAM_RE.match(f) or _RULE_RE.match(line):
        return ""
    line = re.sub(r"\s[-–—_]{3,}(\s|$)", " ", line)
    return collapse(line)


def _number(lines: list[str], folded: list[str]) -> tuple[str | None, int | None]:
    for i, f in enumerate(folded[:40]):
        m = _NUMBER_RE.search(f)
        if m:
            raw = lines[i][m.start(1) : m.end(1)]
            return re.sub(r"\s+", "", raw).replace("–", "-").rstrip(".-"), i
    return None, None


# OCR's readings of "Số:" ("S6", "So", "S0", "Sô", "s§", "Sé"), then the number (O for 0, l or I
# for 1), a slash (or "|"), and the symbol: capitals and digits in groups ("KH UBND" for
# "KH-UBND"). Matched on the folded line; slices map back to the original.
_OCR_NUMBER_RE = re.compile(
    r"(?<![a-z0-9])s\s?[o06e§$]{1,2}\s*[:;.,]?\s*([0-9oli]{1,5})\s*([/|]?)\s*(?=[a-z])"
)
_SYMBOL_TOKEN_RE = re.compile(r"[A-ZĐ0-9]+")
# What a glued symbol ("KHUBND") is split into: the type codes, then the issuers' own.
_SYMBOL_HEADS = sorted(
    {*(k.upper() for k in _TYPE_BY_SYMBOL), "QĐ", "UBND", "HĐND", "BCĐ"}, key=len, reverse=True
)


def ocr_number(line: str) -> str | None:
    """A số/ký hiệu in a line as OCR may give it: "S6: 25/KH UBND" gives "25/KH-UBND"."""
    f = fold(line)
    m = _OCR_NUMBER_RE.search(f)
    if not m:
        return None
    digits = m.group(1).translate(str.maketrans("oli", "011"))
    if not digits.isdigit() or int(digits) == 0:
        return None
    tokens: list[str] = []
    for raw in re.split(r"[\s\-–—_.]+", line[m.end() :]):
        word = raw.rstrip(",;:")
        if not word:
            continue
        if not _SYMBOL_TOKEN_RE.fullmatch(word) or (tokens and word.isdigit()):
            break
        tokens.append(word)
        if len(tokens) == 4:
            break
    if not tokens or tokens[0].isdigit():
        return None  # "98/2023/NĐ-CP" and the like are left to the strict pattern
    if not m.group(2) and len(tokens) == 1 and len(tokens[0]) < 4:
        return None  # a bare "số 5 KH" in the body is not a number; a glued one is
    if len(tokens) == 1:
        tokens = _split_glued(tokens[0])
    return f"{int(digits)}/{'-'.join(tokens)}"


def _split_glued(symbol: str) -> list[str]:
    """"KHUBND" as "KH", "UBND"; a symbol that splits into no known heads stays whole."""
    for head in _SYMBOL_HEADS:
        rest = symbol[len(head) :]
        if symbol.startswith(head) and len(rest) >= 2 and rest.isalpha():
            return [head, *_split_glued(rest)]
    return [symbol]


def _ocr_number_of(lines: list[str], limit: int) -> str | None:
    for line in lines[:limit]:
        found = ocr_number(line)
        if found:
            return found
    return None


def _date_and_place(
    lines: list[str], folded: list[str]
) -> tuple[date | None, str | None, int | None]:
    """The first "<place>, ngày … tháng … năm …": the body's dates have no place before them."""
    joined = "\n".join(folded[:60])
    m = _DATE_RE.search(joined) or _SHORT_DATE_RE.search(joined)
    if not m:
        return None, None, None
    line_no = joined.count("\n", 0, m.start())
    start_of_line = joined.rfind("\n", 0, m.start()) + 1
    try:
        issued = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        issued = None
    before = lines[line_no][: m.start() - start_of_line]
    return issued, _place(before), line_no


def _place(before_comma: str) -> str | None:
    """The trailing run of capitalised words: "Số: 25/KH-UBND Móng Cái" gives "Móng Cái"."""
    words = before_comma.split()
    run: list[str] = []
    for word in reversed(words):
        if re.fullmatch(r"[^\W\d_][^\W\d_]*", word) and word[0].isupper() and not word.isupper():
            run.insert(0, word)
            if len(run) == 3:
                break
        else:
            break
    return " ".join(run) or None


def _issuers(
    lines: list[str], folded: list[str], number_at: int | None
) -> tuple[str | None, str | None]:
    """Cơ quan chủ quản and cơ quan ban hành from the heading lines above the number."""
    heading: list[str] = []
    for i, (raw, f) in enumerate(zip(lines, folded, strict=True)):
        line = raw
        if i == number_at:
            m = _NUMBER_RE.search(f)
            line = line[: m.start()] if m else line
        if _DATE_RE.search(f) or _SHORT_DATE_RE.search(f):
            line = line[: line.find(",")] if "," in line else line
            line = " ".join(w for w in line.split() if w.isupper())
        # OCR leaves specks beside the heading ("` R R", "l"): words have two letters or more.
        line = " ".join(
            w
            for w in line.split()
            if sum(c.isalpha() for c in w) >= 2 and not re.search(r"[\d/]", w)
        )
        at = fold(line).find("viet nam")  # the Quốc hiệu's second line, merged by OCR
        if at >= 0:
            line = collapse(line[:at] + line[at + len("viet nam") :])
        letters = [c for c in line if c.isalpha()]
        if len(letters) < 3 or sum(c.isupper() for c in letters) < 0.8 * len(letters):
            continue
        if key(line) in _TYPE_KEYS:
            break
        heading.append(line)
    orgs: list[str] = []
    for line in heading:
        k = key(line)
        if not orgs or k.startswith(_ORG_STARTS):
            orgs.append(line)
        else:
            orgs[-1] = f"{orgs[-1]} {line}"
    if not orgs:
        return None, None
    issuer = pretty_org(orgs[-1])
    parent = pretty_org(orgs[0]) if len(orgs) > 1 else None
    return parent, issuer


def pretty_org(name: str) -> str:
    """'ỦY BAN NHÂN DÂN PHƯỜNG KA LONG' as people write it in a sentence: 'UBND phường Ka Long'."""
    name = collapse(name)
    for long, short in (("uy ban nhan dan", "UBND"), ("hoi dong nhan dan", "HĐND")):
        f = fold(name)
        at = f.find(long)
        if at >= 0:
            name = name[:at] + short + name[at + len(long) :]
    letters = [c for c in name if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return name  # already in sentence case
    words = []
    for _i, word in enumerate(name.split()):
        if word in _ACRONYMS:
            words.append(word)
        elif word.lower() in _ADMIN_WORDS:
            words.append(word.lower())
        else:
            words.append(word[:1].upper() + word[1:].lower())
    return " ".join(words)


def _type_and_subject(
    lines: list[str], folded: list[str], heading_end: int
) -> tuple[str | None, str | None]:
    for i in range(max(0, heading_end - 3), min(len(lines), heading_end + 25)):
        line = lines[i]
        if not line or not _mostly_upper(line):
            continue
        doc_type = _type_of_title(line)
        if doc_type is None:
            continue
        rest = collapse(line[len(doc_type) :]) if key(line) != key(doc_type) else ""
        first = [rest] if rest and not _mostly_upper(rest) else []
        return doc_type, _subject(lines, folded, i + 1, first)
    for i, f in enumerate(folded[:40]):
        m = re.search(r"\bv\s*/\s*v\b", f)
        if m:
            return "Công văn", _subject(lines, folded, i + 1, [lines[i][m.start() :]])
    return None, None


def _type_of_title(line: str) -> str | None:
    k = key(line)
    if k in _TYPE_KEYS:
        return _TYPE_KEYS[k]
    for tk, name in _TYPE_KEYS.items():
        head = k[: len(tk) + 2]
        if len(k) <= len(tk) + 3 and similar(head, tk) >= 0.8:
            return name
    return None


def _subject(lines: list[str], folded: list[str], start: int, first: list[str]) -> str | None:
    """The trích yếu: the lines under the title until a rule, the body or the authority line."""
    parts = list(first)
    for i in range(start, min(len(lines), start + 6)):
        line, f = lines[i], folded[i]
        if not line:
            if parts:
                break
            continue
        if f.startswith(_BODY_STARTS) or re.match(r"^([ivx]+|\d+)\s*[.)]\s", f):
            break
        if _mostly_upper(line) or _DATE_RE.search(f):
            break
        parts.append(line)
        if len(parts) == 3:
            break
    subject = collapse(" ".join(parts))
    return subject or None


def _type_from_number(number: str) -> str | None:
    symbol = key(number.split("/", 1)[1]).split("-")[0].split(" ")[0] if "/" in number else ""
    return _TYPE_BY_SYMBOL.get(symbol)


def _signer_title(lines: list[str], folded: list[str]) -> str | None:
    """Quyền hạn and chức vụ of the signer: capitals at the end of the lines after Nơi nhận."""
    start = next((i for i, f in enumerate(folded) if "noi nhan" in f), len(lines) * 2 // 3)
    titles: list[str] = []
    for line in lines[start:]:
        segment = _trailing_capitals(line)
        if segment and key(segment).startswith(_SIGNER_STARTS):
            titles.append(segment)
        elif titles and line:
            break
    return ", ".join(titles) or None


def _trailing_capitals(line: str) -> str:
    words = line.split()
    run: list[str] = []
    for word in reversed(words):
        letters = [c for c in word if c.isalpha()]
        if letters and all(c.isupper() for c in letters):
            run.insert(0, word)
        else:
            break
    return " ".join(run)


def _mostly_upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
