"""OCR of scans and photos: pdftoppm and tesseract as child processes that a timeout can kill."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from documents.reading.limits import MAX_IMAGE_PIXELS, MAX_PAGES, OCR_DPI


class OcrUnavailable(Exception):
    """Tesseract or its Vietnamese data is not installed."""


@dataclass(frozen=True)
class OcrText:
    text: str
    pages: int
    confidence: float  # Tesseract's mean word confidence, 0 to 1
    # The first page's heading block (left column, top) read again, enlarged, as one block of
    # lines: where the "Số: 25/KH-UBND" under the heading rule is legible (see `heading_pass`).
    heading: str = ""


def _env() -> dict[str, str]:
    # One thread: the machine's cores are shared with the bot and other users' messages.
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def ocr_available() -> bool:
    """Whether tesseract with the `vie` data can run here."""
    return vietnamese_data_missing() is None


def vietnamese_data_missing() -> str | None:
    """Why OCR cannot run (in English, for logs and test skips), or None when it can."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "the tesseract program is not installed (apt-get install tesseract-ocr)"
    try:
        out = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [exe, "--list-langs"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"tesseract does not run ({exc})"
    if "vie" not in out.stdout.split():
        return "tesseract has no Vietnamese data (apt-get install tesseract-ocr-vie)"
    return None


def pdf_page_images(path: Path, workdir: Path, deadline: float) -> list[Path]:
    """A scanned PDF's own page images when each page is one picture (cheaper than rendering).

    Empty when pdfimages is missing or a page is made of several pictures (tiles, a logo).
    """
    exe = shutil.which("pdfimages")
    if exe is None:
        return []
    outdir = workdir / "embedded"
    outdir.mkdir()
    subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [exe, "-f", "1", "-l", str(MAX_PAGES), "-png", "-p", str(path), str(outdir / "img")],
        check=False, capture_output=True, timeout=_remaining(deadline),
    )
    images = sorted(outdir.glob("img-*.png"))
    pages = [p.name.split("-")[1] for p in images]
    if not images or len(set(pages)) != len(pages) or len(images) > MAX_PAGES:
        return []
    return [prepare_image(img, workdir, name=f"page-{i}.png") for i, img in enumerate(images)]


def pdf_pages_to_images(path: Path, workdir: Path, deadline: float) -> list[Path]:
    """The first pages of an image-only PDF as grey PNGs at OCR resolution."""
    embedded = pdf_page_images(path, workdir, deadline)
    if embedded:
        return embedded
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise OcrUnavailable("pdftoppm is not installed (apt-get install poppler-utils)")
    subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [exe, "-gray", "-r", str(OCR_DPI), "-f", "1", "-l", str(MAX_PAGES), "-png",
         str(path), str(workdir / "page")],
        check=True, capture_output=True, timeout=_remaining(deadline),
    )
    return sorted(workdir.glob("page*.png"))


def prepare_image(path: Path, workdir: Path, name: str = "image.png") -> Path:
    """A photo checked against the pixel limit, upright by its EXIF tag, grey, ~250 dpi for A4."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS  # Pillow refuses larger images (a bomb)
    with Image.open(path) as img:
        img.load()
        gray = ImageOps.exif_transpose(img).convert("L")
    # Tesseract reads best near 300 dpi: a phone photo or a 150 dpi scan of A4 is enlarged,
    # a poster-sized photo shrunk (it only costs time).
    longest = max(gray.size)
    target = 3000
    if longest < target * 0.75 or longest > target * 1.25:
        scale = target / longest
        gray = gray.resize((round(gray.width * scale), round(gray.height * scale)),
                           Image.Resampling.LANCZOS)
    out = workdir / name
    gray.save(out)
    return out


def ocr_file(path: Path, kind: str, deadline: float) -> OcrText:
    """Text of an image file or of an image-only PDF's first pages, read in Vietnamese."""
    import time

    exe = shutil.which("tesseract")
    if exe is None or vietnamese_data_missing() is not None:
        raise OcrUnavailable(vietnamese_data_missing() or "tesseract is missing")
    with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
        workdir = Path(tmp)
        if kind == "pdf":
            images = pdf_pages_to_images(path, workdir, deadline)
        else:
            images = [prepare_image(path, workdir)]
        texts: list[str] = []
        confidences: list[float] = []
        for image in images[:MAX_PAGES]:
            if time.monotonic() >= deadline:
                break
            text, conf = _tesseract(exe, image, deadline)
            texts.append(text)
            confidences.extend(conf)
        heading = ""
        if images and time.monotonic() < deadline:
            try:
                heading = heading_pass(exe, images[0], workdir, deadline)
            except (subprocess.SubprocessError, OSError):
                heading = ""  # the page's own reading stands
    mean = sum(confidences) / len(confidences) / 100 if confidences else 0.0
    return OcrText("\n".join(texts), len(texts), mean, heading)


# The heading block (cơ quan ban hành, the rule under it, "Số: …") sits in the left column of
# the first page's top; read alone and enlarged 1.5 times (≈375 dpi from the page's ≈250), with
# psm 6 (one uniform block of text), its number line comes out clean where the whole page's
# layout analysis garbles it beside the rule ("s§ẽ28KHUBND"). The crop costs ≈0.3 s.
HEADING_BOX = (0.0, 0.0, 0.5, 0.3)  # left, top, right, bottom as shares of the page
HEADING_SCALE = 1.5


def heading_pass(exe: str, page: Path, workdir: Path, deadline: float) -> str:
    """The text of the page's heading block, read a second time from an enlarged crop."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    with Image.open(page) as img:
        w, h = img.size
        left, top, right, bottom = HEADING_BOX
        crop = img.convert("L").crop((round(w * left), round(h * top), round(w * right),
                                      round(h * bottom)))
    crop = crop.resize((round(crop.width * HEADING_SCALE), round(crop.height * HEADING_SCALE)),
                       Image.Resampling.LANCZOS)
    out_path = workdir / "heading.png"
    crop.save(out_path)
    out = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [exe, str(out_path), "stdout", "-l", "vie", "--psm", "6"],
        check=True, capture_output=True, timeout=_remaining(deadline), env=_env(),
    )
    return out.stdout.decode("utf-8", "replace")


def _tesseract(exe: str, image: Path, deadline: float) -> tuple[str, list[float]]:
    """One page: text with the layout analysis (psm 3) and the word confidences (tsv)."""
    out = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [exe, str(image), "stdout", "-l", "vie", "--psm", "3", "tsv"],
        check=True, capture_output=True, timeout=_remaining(deadline), env=_env(),
    )
    return _tsv_to_text(out.stdout.decode("utf-8", "replace"))


def _tsv_to_text(tsv: str) -> tuple[str, list[float]]:
    """Lines in Tesseract's order from its TSV, so one run gives both text and confidences."""
    lines: list[str] = []
    confidences: list[float] = []
    current: tuple[str, str, str, str] | None = None
    words: list[str] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        line_id = (cols[1], cols[2], cols[3], cols[4])
        if line_id != current:
            if words:
                lines.append(" ".join(words))
            if current is not None and line_id[:3] != current[:3]:
                lines.append("")  # a new paragraph or block
            current, words = line_id, []
        if cols[11].strip():
            words.append(cols[11])
            conf = float(cols[10])
            if conf >= 0:
                confidences.append(conf)
    if words:
        lines.append(" ".join(words))
    return "\n".join(lines), confidences


def _remaining(deadline: float) -> float:
    import time

    left = deadline - time.monotonic()
    if left <= 0:
        raise subprocess.TimeoutExpired("ocr", 0)
    return left
