"""The text of a document that has one: the PDF text layer (pypdf) and DOCX paragraphs."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from documents.reading.limits import MAX_DOCX_UNCOMPRESSED, MAX_PAGES, MAX_TEXT_CHARS

if TYPE_CHECKING:
    from docx.table import Table


class UnreadableFile(Exception):
    """The file is not what its bytes claim, or is too large once unpacked."""


def pdf_text(path: Path, max_pages: int = MAX_PAGES) -> tuple[str, int]:
    """The text layer of the first pages, and how many pages the file has."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            reader.decrypt("")
        count = len(reader.pages)
        parts = [reader.pages[i].extract_text() or "" for i in range(min(count, max_pages))]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise UnreadableFile(f"PDF: {exc}") from exc
    return "\n".join(parts)[:MAX_TEXT_CHARS], count


def docx_text(path: Path) -> str:
    """Paragraphs and table cells in reading order; a table row's cells come left to right."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "word/document.xml" not in names:
                raise UnreadableFile("DOCX: no word/document.xml")
            if sum(info.file_size for info in archive.infolist()) > MAX_DOCX_UNCOMPRESSED:
                raise UnreadableFile("DOCX: too large once unpacked")
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"DOCX: {exc}") from exc

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
        if sum(map(len, lines)) > MAX_TEXT_CHARS:
            break
    return "\n".join(lines)[:MAX_TEXT_CHARS]


def _table_lines(table: Table) -> list[str]:
    """The heading block and the signature block are tables: each cell's lines, left first."""
    lines: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # merged cells repeat
                continue
            seen.add(id(cell._tc))
            lines.extend(p.text for p in cell.paragraphs)
            lines.append("")
    return lines
