"""Precision and recall of the reading engine per field, and its time per page, on made documents.

Run: `.venv/bin/python -m bench.bench_reading [--kinds docx,pdf,jpeg,png,scan_pdf]`

The corpus of tests/documents/corpus.py is generated in a temporary directory (DOCX, PDF with a
text layer, turned and noised scans as JPEG, PNG and image-only PDF). Each file is read through
`read_document` (child process, deadline). A field counts as extracted when not None and as
correct when it equals the document's own (case, normal form and spacing aside; the trích yếu
when 95% similar). Precision = correct / extracted, recall = correct / present.
The baseline, on the same files: bare `tesseract` (after `pdftoppm` for a PDF scan) for scans,
in-process pypdf / python-docx text for text files, i.e. the reading without fields, process
isolation, deadline or preprocessing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench.common import median
from documents.reading import read_document
from documents.reading.model import DocumentFields
from documents.reading.normalize import key, similar
from tests.documents.corpus import DocSpec, Sample, build_corpus

FIELDS = ("issuer", "parent_issuer", "number", "place", "issued_on", "doc_type", "subject",
          "signer_title")


def expected(spec: DocSpec, field: str) -> object:
    return {"issuer": spec.issuer, "parent_issuer": spec.parent_issuer, "number": spec.number,
            "place": spec.place, "issued_on": spec.issued_on, "doc_type": spec.doc_type,
            "subject": spec.subject, "signer_title": spec.signer_title}[field]


def correct(field: str, got: object, want: object) -> bool:
    if got is None or want is None:
        return False
    if field == "subject":
        return similar(str(got), str(want)) >= 0.95
    if isinstance(got, str):
        return key(got) == key(str(want))
    return got == want


def baseline_seconds(sample: Sample, workdir: Path) -> float:
    started = time.perf_counter()
    if sample.kind in ("jpeg", "png"):
        subprocess.run(["tesseract", str(sample.path), "stdout", "-l", "vie"], check=True,  # noqa: S607
                       capture_output=True)
    elif sample.kind == "scan_pdf":
        subprocess.run(["pdftoppm", "-gray", "-r", "250", "-png", "-f", "1", "-l", "1",  # noqa: S607
                        "-singlefile", str(sample.path), str(workdir / "b")], check=True)
        subprocess.run(["tesseract", str(workdir / "b.png"), "stdout", "-l", "vie"],  # noqa: S607
                       check=True, capture_output=True)
    elif sample.kind == "pdf":
        from pypdf import PdfReader

        "".join(p.extract_text() for p in PdfReader(sample.path).pages[:2])
    else:
        import docx

        "\n".join(p.text for p in docx.Document(str(sample.path)).paragraphs)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--kinds", default="docx,pdf,jpeg,png,scan_pdf")
    args = parser.parse_args()
    kinds = set(args.kinds.split(","))
    scans = bool(kinds & {"jpeg", "png", "scan_pdf"}) and shutil.which("tesseract") is not None
    with tempfile.TemporaryDirectory(prefix="bench-reading-") as tmp:
        t0 = time.perf_counter()
        samples = [s for s in build_corpus(Path(tmp) / "corpus", scans=scans) if s.kind in kinds]
        print(f"corpus: {len(samples)} files made in {time.perf_counter() - t0:.1f} s")
        counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        per_page: dict[str, list[float]] = defaultdict(list)
        base: dict[str, list[float]] = defaultdict(list)
        misses: list[str] = []
        for sample in samples:
            result = read_document(sample.path, media_type=None, time_limit=60)
            group = sample.source_kind
            per_page[group].append(result.seconds / max(1, result.pages))
            base[group].append(baseline_seconds(sample, Path(tmp)))
            fields: DocumentFields = result.fields
            for name in FIELDS:
                got, want = getattr(fields, name), expected(sample.spec, name)
                c = counts[group, name]
                c[0] += correct(name, got, want)
                c[1] += got is not None
                c[2] += want is not None
                if want is not None and not correct(name, got, want):
                    misses.append(f"{sample.path.name}: {name} read {got!r}, is {want!r}")
    groups = [g for g in ("docx", "pdf text", "scan") if g in per_page]
    print(f"\n{'field':14}" + "".join(f"{g + ' P':>11}{g + ' R':>11}" for g in groups))
    for name in FIELDS:
        row = f"{name:14}"
        for g in groups:
            ok, got, present = counts[g, name]
            p = f"{ok / got:.2f}" if got else "-"
            r = f"{ok / present:.2f}" if present else "-"
            row += f"{p:>11}{r:>11}"
        print(row)
    print(f"\n{'source':10}{'files':>6}{'s/page (median)':>17}{'baseline':>10}{'ratio':>7}")
    for g in groups:
        m, b = median(per_page[g]), median(base[g])
        print(f"{g:10}{len(per_page[g]):>6}{m:>17.2f}{b:>10.2f}{m / b:>7.1f}")
    if misses:
        print("\nmisses:")
        for line in misses:
            print("  " + line)


if __name__ == "__main__":
    main()
