"""The limits every submitted file is read under; the coordinator's upload checks use the same."""

from __future__ import annotations

from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 2  # the fields sit on the first page; the signature may run onto the second
MAX_TEXT_CHARS = 60_000
MAX_IMAGE_PIXELS = 40_000_000  # a 300 dpi A3 page is ~17 Mpx; more is a bomb or a poster
MAX_DOCX_UNCOMPRESSED = 60 * 1024 * 1024
OCR_DPI = 250
MEMORY_LIMIT = 1536 * 1024 * 1024  # address space of the worker and of its tesseract

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


def sniff(path: Path) -> str:
    """The file's kind from its first bytes, never from its name or the claimed media type."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return "docx"  # confirmed by text.docx_text, which needs word/document.xml
    return "unknown"
