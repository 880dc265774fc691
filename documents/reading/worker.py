"""The child process that opens a submitted file: `python -m documents.reading.worker PATH`.

Parsing untrusted PDF, DOCX and images happens here, never in the bot's process: a hostile
or broken file can at worst exhaust this process's memory limit or be killed at the deadline.
Nothing in the file is executed; the result is one JSON object on stdout.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from documents.reading.limits import MAX_BYTES, MEMORY_LIMIT, sniff
from documents.reading.model import DocumentFields


def _limit_memory() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):  # not on this platform: the deadline still holds
        pass


def extract(path: Path, deadline: float) -> dict[str, object]:
    """Text and fields of one file, as a JSON-ready dict."""
    from documents.reading.fields import parse_fields
    from documents.reading.limits import MAX_PAGES
    from documents.reading.ocr import OcrUnavailable, ocr_file
    from documents.reading.text import UnreadableFile, docx_text, pdf_text

    kind = sniff(path)
    notes: list[str] = []
    text, pages, source = "", 0, "none"
    fields = DocumentFields()
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UnreadableFile("file too large")
        if kind == "docx":
            text, pages, source = docx_text(path), 1, "text"
        elif kind == "pdf":
            text, count = pdf_text(path)
            pages = min(count, MAX_PAGES)
            source = "text"
            if len("".join(text.split())) < 40:  # no text layer: a scan saved as PDF
                text, source = "", "none"
        if kind in ("jpeg", "png") or (kind == "pdf" and source == "none"):
            try:
                ocr = ocr_file(path, kind, deadline)
            except OcrUnavailable as exc:
                notes.append(f"không đọc được nội dung: máy chủ chưa cài OCR ({exc})")
            else:
                text, pages, source = ocr.text, ocr.pages, "ocr"
                fields = parse_fields(text, source="ocr", ocr_confidence=ocr.confidence,
                                      notes=notes, heading=ocr.heading)
        if source == "text":
            fields = parse_fields(text, source="text", notes=notes)
        elif source == "none" and kind == "unknown":
            notes.append("không đọc được nội dung: không phải PDF, DOCX, JPEG hay PNG")
    except UnreadableFile as exc:
        notes.append(f"không đọc được nội dung: tệp hỏng hoặc quá lớn ({exc})")
    if source == "none":
        fields = DocumentFields(notes=tuple(notes) or ("không đọc được nội dung",))
    data = asdict(fields)
    data["issued_on"] = fields.issued_on.isoformat() if fields.issued_on else None
    return {"fields": data, "text": text, "pages": pages, "kind": kind}


def main(argv: list[str]) -> int:
    _limit_memory()
    path, time_limit = Path(argv[1]), float(argv[2])
    result = extract(path, time.monotonic() + time_limit)
    sys.stdout.write(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
