"""The values the reading engine hands out: frozen, so they can be stored and compared as is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Source = Literal["text", "ocr", "none"]


@dataclass(frozen=True)
class DocumentFields:
    """The administrative fields of a document (Nghị định 30/2020), each None when not read."""

    issuer: str | None = None
    parent_issuer: str | None = None
    number: str | None = None
    place: str | None = None
    issued_on: date | None = None
    doc_type: str | None = None
    subject: str | None = None
    signer_title: str | None = None
    source: Source = "none"
    # Share of the six main fields found, lowered for OCR by Tesseract's own mean confidence.
    confidence: float = 0.0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadResult:
    """What reading one file gave: the fields, the text they came from and what it cost."""

    fields: DocumentFields
    text: str = ""
    pages: int = 0
    seconds: float = 0.0
    kind: str = "unknown"  # pdf, docx, jpeg, png or unknown: from the file's bytes, not its name


@dataclass(frozen=True)
class Expectation:
    """What a deadline asks of a document, as the campaign file states it."""

    doc_types: tuple[str, ...] = ()
    subject_words: tuple[str, ...] = ()
    # Names what the words are, for the sentence: "phong trào thi đua" gives
    # "trích yếu không nhắc đến phong trào thi đua “…”".
    subject_label: str = ""
    issued_from: date | None = None
    issued_to: date | None = None
    issuer_must_be_unit: bool = True


@dataclass(frozen=True)
class Mismatch:
    """One way a document differs from what was asked; never a reason to refuse it."""

    code: str
    message: str
    detail: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
