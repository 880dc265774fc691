"""Comparing what was read with what the deadline asks, in sentences for the people who submit.

A mismatch is information recorded with the submission, never a refusal: OCR can misread,
and Phòng Nội vụ decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.dates import numeric_date
from documents.reading.model import DocumentFields, Expectation, Mismatch
from documents.reading.normalize import collapse, contains_fuzzy, key, similar

# Words that name the kind of unit, not the unit: "UBND phường Ka Long" is matched on "ka long".
_GENERIC = ("ubnd", "hdnd", "phuong", "xa", "thi tran", "tp", "thanh pho", "huyen", "tinh",
            "quan", "thi xa", "dang uy", "cong an", "mong cai")


format_date = numeric_date  # 05/03/2024: the product's one numeric date (`core.dates`)


def check_document(fields: DocumentFields, expectation: Expectation, *,
                   unit_names: Sequence[str]) -> list[Mismatch]:
    """Every way the document differs from the expectation; empty when it matches."""
    if fields.source == "none":
        return [Mismatch("unreadable", "không đọc được nội dung văn bản")]
    found: list[Mismatch] = []
    found += _check_type(fields, expectation)
    found += _check_subject(fields, expectation)
    found += _check_date(fields, expectation)
    if expectation.issuer_must_be_unit:
        found += _check_issuer(fields, unit_names)
    return found


def _check_type(fields: DocumentFields, exp: Expectation) -> list[Mismatch]:
    if not exp.doc_types:
        return []
    wanted = " hoặc ".join(exp.doc_types)
    if fields.doc_type is None:
        return [Mismatch("type_unread", f"không đọc được loại văn bản (cần {wanted})")]
    if any(key(fields.doc_type) == key(t) for t in exp.doc_types):
        return []
    return [Mismatch("wrong_type", f"loại văn bản là {fields.doc_type}, không phải {wanted}",
                     {"read": fields.doc_type, "expected": wanted})]


def _check_subject(fields: DocumentFields, exp: Expectation) -> list[Mismatch]:
    if not exp.subject_words:
        return []
    missing = [w for w in exp.subject_words
               if not (fields.subject and contains_fuzzy(fields.subject, w))]
    if not missing:
        return []
    label = f"{exp.subject_label} " if exp.subject_label else ""
    words = ", ".join("“" + w.strip('“”"') + "”" for w in missing)
    if fields.subject is None:
        return [Mismatch("subject_unread", f"không đọc được trích yếu để xem có nhắc đến "
                                           f"{label}{words} không")]
    return [Mismatch("wrong_subject", f"trích yếu không nhắc đến {label}{words}",
                     {"read": fields.subject})]


def _check_date(fields: DocumentFields, exp: Expectation) -> list[Mismatch]:
    if exp.issued_from is None and exp.issued_to is None:
        return []
    d = fields.issued_on
    if d is None:
        return [Mismatch("date_unread", "không đọc được ngày ban hành")]
    said = f"văn bản ghi ngày {format_date(d)}"
    window = _window(exp)
    if exp.issued_from and d < exp.issued_from:
        if d.year < exp.issued_from.year:
            return [Mismatch("too_early", f"{said}, trước năm phát động", {"window": window})]
        return [Mismatch("too_early", f"{said}, trước thời gian yêu cầu ({window})")]
    if exp.issued_to and d > exp.issued_to:
        return [Mismatch("too_late", f"{said}, sau thời gian yêu cầu ({window})")]
    return []


def _window(exp: Expectation) -> str:
    if exp.issued_from and exp.issued_to:
        return f"từ {format_date(exp.issued_from)} đến {format_date(exp.issued_to)}"
    if exp.issued_from:
        return f"từ {format_date(exp.issued_from)}"
    return f"đến {format_date(exp.issued_to)}" if exp.issued_to else ""


def _check_issuer(fields: DocumentFields, unit_names: Sequence[str]) -> list[Mismatch]:
    if not unit_names:
        return []
    if fields.issuer is None:
        return [Mismatch("issuer_unread", "không đọc được cơ quan ban hành")]
    if any(issuer_matches(fields.issuer, name) for name in unit_names):
        return []
    return [Mismatch("other_issuer",
                     f"cơ quan ban hành là {fields.issuer}, không phải đơn vị của Anh/Chị",
                     {"read": fields.issuer, "unit": unit_names[0]})]


def _core(name: str) -> str:
    k = f" {key(name)} "
    for word in sorted(_GENERIC, key=len, reverse=True):
        k = k.replace(f" {word} ", " ")
    return collapse(k)


def issuer_matches(issuer: str, unit_name: str) -> bool:
    """Same unit though written differently: "ỦY BAN NHÂN DÂN PHƯỜNG HẢI HOÀ" is "UBND phường
    Hải Hòa". The place name decides; one OCR slip in a word of four letters or more is forgiven,
    but "Hải Hà" is not "Hải Hòa"."""
    a, b = _core(issuer).split(), _core(unit_name).split()
    if not a or not b:
        return similar(issuer, unit_name) >= 0.9
    if len(a) != len(b):
        return False
    differing = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if not differing:
        return True
    if len(differing) > 1:
        return False
    x, y = differing[0]
    return min(len(x), len(y)) >= 4 and similar(x, y) >= 0.75


def describe(fields: DocumentFields) -> str:
    """One sentence of what was read, as people cite a document:
    "Kế hoạch số 25/KH-UBND ngày 05/3/2024 của UBND phường Ka Long về phát động …"."""
    if fields.source == "none":
        return "Không đọc được nội dung văn bản"
    parts = [fields.doc_type or "Văn bản"]
    if fields.number:
        parts.append(f"số {fields.number}")
    if fields.issued_on:
        parts.append(f"ngày {format_date(fields.issued_on)}")
    if fields.issuer:
        parts.append(f"của {fields.issuer}")
    if fields.subject:
        parts.append(f"về {_about(fields.subject)}")
    return " ".join(parts)


def _about(subject: str, limit: int = 140) -> str:
    text = re.sub(r"^(v\s*/\s*v|về việc|về)\s+", "", collapse(subject), flags=re.IGNORECASE)
    if text[:1].isupper() and not text[1:2].isupper():
        text = text[0].lower() + text[1:]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
