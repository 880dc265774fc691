"""Files people send: staged outside any transaction, checked by content, stored safely.

The pipeline downloads a document or photo into `uploads/staging/` before the update's
handling transaction opens (so no database lock is held during a download); a handler that
wants the file keeps it with `keep`, which gives it a generated name. The type is decided by
the file's first bytes, not by its name.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # Telegram lets bots download at most 20 MB

# Magic numbers of the kinds we accept: PDF, Word 97-2003 (OLE), Word 2007+ (zip), JPEG, PNG.
_OLE = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass(frozen=True, slots=True)
class StoredFile:
    path: Path
    stored_name: str
    kind: str  # pdf | doc | docx | jpeg | png
    mime_type: str
    size: int
    sha256: str


MIME = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


def sniff(path: Path) -> str | None:
    """The file's real kind from its content, or None if it is none we accept."""
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head == _OLE:
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        return "docx" if "word/document.xml" in names else None
    return None


class FileStore:
    """Where uploads live: `<data>/uploads/staging` and `<data>/uploads/<campaign>/<unit>/`."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "uploads"
        self.staging = self.root / "staging"

    def stage(self, content: bytes) -> Path:
        self.staging.mkdir(parents=True, exist_ok=True)
        path = self.staging / uuid.uuid4().hex
        tmp = path.with_suffix(".part")
        tmp.write_bytes(content)
        os.replace(tmp, path)  # never a half-written staged file
        return path

    def staged_bytes(self) -> int:
        """What the staged downloads take on disk now."""
        if not self.staging.is_dir():
            return 0
        total = 0
        for path in self.staging.iterdir():
            try:
                total += path.stat().st_size
            except OSError:
                continue
        return total

    def sweep_staging(self, *, older_than_seconds: float = 86400) -> int:
        """Delete staged files nobody kept (sent outside a file question, or refused)."""
        if not self.staging.is_dir():
            return 0
        cutoff = time.time() - older_than_seconds
        removed = 0
        for path in self.staging.iterdir():
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed

    def path_of(self, *, campaign_id: str, unit_code: str, stored_name: str) -> Path:
        """Where `keep` put a file (the stored name is ours: generated, never a path)."""
        return self.root / _safe(campaign_id) / _safe(unit_code) / Path(stored_name).name

    def keep(self, staged: str | Path, *, campaign_id: str, unit_code: str) -> StoredFile | None:
        """Move a staged file to its final, generated name; None if its content is not a kind
        we accept."""
        src = Path(staged)
        if src.parent != self.staging or not src.is_file():
            return None  # only files we staged ourselves
        kind = sniff(src)
        if kind is None:
            return None
        folder = self.root / _safe(campaign_id) / _safe(unit_code)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.{kind}"
        data = src.read_bytes()
        dest = folder / name
        os.replace(src, dest)
        return StoredFile(dest, name, kind, MIME[kind], len(data), hashlib.sha256(data).hexdigest())


def _safe(part: str) -> str:
    cleaned = "".join(ch for ch in part if ch.isalnum() or ch in "-_")
    return cleaned or "x"
