"""Reading a submitted launch document: its Nghị định 30/2020 fields, checked against a deadline.

Only the standard library is imported here; PDF, DOCX and image libraries are imported in the
child process that reads a file, so importing this package costs the bot nothing at start-up.

    result = await read_document_async(path, media_type="application/pdf", time_limit=20)
    problems = check_document(result.fields, expectation, unit_names=["UBND phường Ka Long"])
    reply = describe(result.fields)
"""

from documents.reading.checks import check_document, describe, format_date
from documents.reading.engine import read_document, read_document_async
from documents.reading.model import DocumentFields, Expectation, Mismatch, ReadResult

__all__ = [
    "DocumentFields", "Expectation", "Mismatch", "ReadResult", "check_document", "describe",
    "format_date", "read_document", "read_document_async",
]
