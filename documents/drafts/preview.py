"""Every draft from the samples as .docx, PDF and PNG: ``python -m documents.drafts.preview OUT``.

It is how a person looks at the drafts: LibreOffice makes the PDF (its profile kept inside
OUTDIR), ``pdftoppm`` the pages at 60 dpi.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from documents.drafts import (
    render_bao_cao_thanh_tich,
    render_bien_ban,
    render_cong_van,
    render_to_trinh,
    render_tong_ket,
    render_tong_ket_xlsx,
    samples,
)
from documents.drafts.model import Scope


def drafts() -> dict[str, bytes]:
    """Every kind of draft rendered from the samples, by file name."""
    return {
        "bao-cao-thanh-tich-tap-the.docx": render_bao_cao_thanh_tich(samples.collective_report()),
        "bao-cao-thanh-tich-ca-nhan.docx": render_bao_cao_thanh_tich(samples.individual_report()),
        "to-trinh-don-vi.docx": render_to_trinh(samples.unit_proposal(), Scope.UNIT),
        "to-trinh-thanh-pho.docx": render_to_trinh(samples.city_proposal(), Scope.CITY),
        "bien-ban.docx": render_bien_ban(samples.council_meeting()),
        "tong-ket.docx": render_tong_ket(samples.campaign_summary()),
        "cong-van.docx": render_cong_van(samples.reminder_letter()),
    }


def to_pdf(docx: Path, outdir: Path, profile: Path) -> Path:
    """Convert one .docx with LibreOffice, keeping its user profile in ``profile``."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise RuntimeError("soffice (LibreOffice) is not installed")
    scratch = profile / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 - fixed program, paths we made
        [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
        check=True, capture_output=True, timeout=180,
        env={**os.environ, "TMPDIR": str(scratch.resolve())},  # its pipe and temp files too
    )
    return outdir / (docx.stem + ".pdf")


def main(argv: list[str]) -> int:
    """Write .docx, .xlsx, .pdf and .png of every draft into OUTDIR."""
    if len(argv) != 1:
        print("usage: python -m documents.drafts.preview OUTDIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    (out / "tong-ket-phu-luc.xlsx").write_bytes(render_tong_ket_xlsx(samples.campaign_summary()))
    for name, data in drafts().items():
        docx = out / name
        docx.write_bytes(data)
        pdf = to_pdf(docx, out, out / "lo")
        pdftoppm = shutil.which("pdftoppm")
        if pdftoppm is not None:
            subprocess.run([pdftoppm, "-png", "-r", "60", str(pdf), str(out / docx.stem)],  # noqa: S603
                           check=True)
        print(pdf)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
