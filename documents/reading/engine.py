"""Reading a submitted file in a child process with a deadline, from sync or async code."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

from documents.reading.limits import MAX_BYTES, MEDIA_TYPES, sniff
from documents.reading.model import DocumentFields, ReadResult

# At most this many files are read at once: OCR takes a core, and the bot needs the other.
_SLOTS = threading.BoundedSemaphore(int(os.environ.get("READING_WORKERS", "1")))


def read_document(path: Path, *, media_type: str | None, time_limit: float) -> ReadResult:
    """The fields of a submitted file, read in a child process killed at `time_limit` seconds.

    Never raises for a bad file: an unreadable or late file gives source "none" and a note.
    """
    started = time.monotonic()
    kind = sniff(path) if path.is_file() else "unknown"
    notes: list[str] = []
    if media_type and MEDIA_TYPES.get(kind) not in (None, media_type):
        notes.append(f"tệp khai là {media_type} nhưng nội dung là {kind.upper()}")
    if kind == "unknown":
        return _unread([*notes, "không đọc được nội dung: không phải PDF, DOCX, JPEG hay PNG"],
                       kind, started)
    if path.stat().st_size > MAX_BYTES:
        return _unread([*notes, "không đọc được nội dung: tệp quá lớn"], kind, started)
    if not _SLOTS.acquire(timeout=time_limit):
        return _unread([*notes, "không đọc được nội dung: máy chủ đang bận"], kind, started)
    try:
        left = time_limit - (time.monotonic() - started)
        data = _run_worker(path, left)
    finally:
        _SLOTS.release()
    if data is None:
        return _unread([*notes, f"không đọc được nội dung trong {time_limit:g} giây"],
                       kind, started)
    fields = _fields_from_json(data["fields"])  # type: ignore[arg-type]
    if notes:
        fields = DocumentFields(**{**fields.__dict__, "notes": (*fields.notes, *notes)})
    return ReadResult(fields=fields, text=str(data["text"]), pages=int(data["pages"]),  # type: ignore[call-overload]
                      seconds=time.monotonic() - started, kind=kind)


async def read_document_async(path: Path, *, media_type: str | None,
                              time_limit: float) -> ReadResult:
    """read_document off the event loop: other people's messages are answered meanwhile."""
    return await asyncio.to_thread(read_document, path, media_type=media_type,
                                   time_limit=time_limit)


def _run_worker(path: Path, time_limit: float) -> dict[str, object] | None:
    """The worker's JSON, or None when it failed or overran (then it and its children die)."""
    if time_limit <= 0:
        return None
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root),
                                                                     os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments, no shell
        [sys.executable, "-m", "documents.reading.worker", str(path), f"{time_limit:.3f}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        start_new_session=True, env=env, cwd=str(path.parent),
    )
    try:
        out, _err = proc.communicate(timeout=time_limit)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        return None
    if proc.returncode != 0:
        return None
    try:
        data = json.loads(out.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """The worker and the pdftoppm or tesseract it started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def _fields_from_json(data: dict[str, object]) -> DocumentFields:
    issued = data.get("issued_on")
    notes = data.get("notes")
    values = {**data, "issued_on": date.fromisoformat(issued) if isinstance(issued, str) else None,
              "notes": tuple(str(n) for n in notes) if isinstance(notes, list) else ()}
    return DocumentFields(**values)  # type: ignore[arg-type]


def _unread(notes: list[str], kind: str, started: float) -> ReadResult:
    return ReadResult(fields=DocumentFields(notes=tuple(notes)), kind=kind,
                      seconds=time.monotonic() - started)
