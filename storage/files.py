"""Files people send: staged outside any transaction, checked by content, stored safely.

The pipeline downloads a document or photo into `uploads/staging/` before the update's
handling transaction opens (so no database lock is held during a download); a handler that
wants the file keeps it with `keep`, which gives it a generated name. The type is decided by
the file's first bytes, not by its name.
"""

from __future__ import annotations

import hashlib
import os
import shutil
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

    def owner_folder(self, owner: str) -> Path:
        """Where one sender's staged files go: a folder named by a hash of `channel:user id`
        (no account id on disk), so that they can be counted and erased per person."""
        return self.staging / hashlib.sha256(owner.encode("utf-8")).hexdigest()[:24]

    def stage(self, content: bytes, *, owner: str = "") -> Path:
        folder = self.owner_folder(owner) if owner else self.staging
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / uuid.uuid4().hex
        tmp = path.with_suffix(".part")
        tmp.write_bytes(content)
        os.replace(tmp, path)  # never a half-written staged file
        return path

    def _staged_files(self, folder: Path | None = None) -> list[Path]:
        root = folder or self.staging
        if not root.is_dir():
            return []
        return [p for p in root.rglob("*") if p.is_file()]

    def staged_bytes(self, owner: str | None = None) -> int:
        """What the staged downloads take on disk now (of one sender, if given)."""
        folder = self.owner_folder(owner) if owner else None
        total = 0
        for path in self._staged_files(folder):
            try:
                total += path.stat().st_size
            except OSError:
                continue
        return total

    def forget_staged(self, owner: str) -> int:
        """Delete one sender's staged files (their personal data is being erased)."""
        folder = self.owner_folder(owner)
        removed = 0
        for path in self._staged_files(folder):
            path.unlink(missing_ok=True)
            removed += 1
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
        return removed

    def sweep_staging(self, *, older_than_seconds: float = 86400) -> int:
        """Delete staged files nobody kept (sent outside a file question, or refused)."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        for path in self._staged_files():
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        if self.staging.is_dir():
            for folder in self.staging.iterdir():
                if folder.is_dir():
                    try:
                        folder.rmdir()  # only when empty
                    except OSError:
                        continue
        return removed

    def is_staged(self, path: Path) -> bool:
        """Whether `path` is a file we staged ourselves (directly or in a sender's folder)."""
        return path.is_file() and (self.staging in (path.parent, path.parent.parent))

    def path_of(self, *, campaign_id: str, unit_code: str, stored_name: str) -> Path:
        """Where `keep` put a file (the stored name is ours: generated, never a path)."""
        return self.root / _safe(campaign_id) / _safe(unit_code) / Path(stored_name).name

    def keep(self, staged: str | Path, *, campaign_id: str, unit_code: str) -> StoredFile | None:
        """Move a staged file to its final, generated name; None if its content is not a kind
        we accept."""
        src = Path(staged)
        if not self.is_staged(src):
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
