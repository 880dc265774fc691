"""Test documents made on the fly in the layout of Nghị định 30/2020, with the fields they carry.

DOCX with python-docx; PDF with a text layer by LibreOffice from the DOCX; scans by pdftoppm,
turned a few degrees and noised with Pillow, saved as JPEG, PNG and an image-only PDF. The set
has the right documents and the wrong ones (last year's, a Công văn, another unit's, another
subject), text in NFD, and text typed in the legacy TCVN3 and VNI fonts.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from documents.reading.legacy_fonts import unicode_to_tcvn3, unicode_to_vni

MOVEMENT = "“Đẩy mạnh cải cách hành chính”"
BODY = (
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "Thực hiện Kế hoạch của Ủy ban nhân dân thành phố Móng Cái về công tác thi đua, "
    "khen thưởng năm 2024, Ủy ban nhân dân phường xây dựng kế hoạch như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Tạo khí thế thi đua sôi nổi trong cán bộ, công chức, góp phần hoàn thành thắng lợi "
    "các chỉ tiêu cải cách hành chính năm 2024.",
    "2. Việc tổ chức phong trào phải thiết thực, hiệu quả, tránh hình thức.",
    "II. NỘI DUNG",
    "1. Đẩy mạnh ứng dụng công nghệ thông tin, chuyển đổi số trong giải quyết thủ tục hành chính.",
    "2. Nâng cao chỉ số hài lòng của người dân, doanh nghiệp đối với sự phục vụ của cơ quan "
    "hành chính nhà nước.",
    "III. TỔ CHỨC THỰC HIỆN",
    "Giao Văn phòng HĐND-UBND phường theo dõi, tổng hợp, báo cáo kết quả thực hiện.",
)


@dataclass(frozen=True)
class DocSpec:
    """One test document: how it is written and the fields a reader should find in it."""

    name: str
    doc_type: str
    number: str
    issuer_lines: tuple[str, ...]  # the heading block as typed, capitals
    issuer: str  # the field as the reader gives it
    issued_on: date
    subject: str
    signer_lines: tuple[str, ...]
    parent_lines: tuple[str, ...] = ()
    parent_issuer: str | None = None
    place: str = "Móng Cái"
    authority: str | None = None  # the line under a Quyết định's title
    encoding: str = "unicode"  # unicode, nfd, tcvn3 or vni
    unit: str = ""  # the unit that submits it, for the checks
    tags: tuple[str, ...] = field(default=())

    @property
    def signer_title(self) -> str:
        return ", ".join(self.signer_lines)


def _spec(**kw: object) -> DocSpec:
    return DocSpec(**kw)  # type: ignore[arg-type]


SPECS: tuple[DocSpec, ...] = (
    _spec(
        name="ka_long_kh", doc_type="Kế hoạch", number="25/KH-UBND",
        issuer_lines=("ỦY BAN NHÂN DÂN", "PHƯỜNG KA LONG"), issuer="UBND phường Ka Long",
        issued_on=date(2024, 3, 5),
        subject=f"Phát động phong trào thi đua {MOVEMENT} năm 2024",
        signer_lines=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        unit="UBND phường Ka Long", tags=("ok",),
    ),
    _spec(
        name="hai_hoa_qd", doc_type="Quyết định", number="112/QĐ-UBND",
        issuer_lines=("ỦY BAN NHÂN DÂN", "PHƯỜNG HẢI HOÀ"), issuer="UBND phường Hải Hoà",
        issued_on=date(2024, 2, 20),
        subject=f"Về việc phát động phong trào thi đua {MOVEMENT} năm 2024",
        authority="CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG HẢI HOÀ",
        signer_lines=("CHỦ TỊCH",), unit="UBND phường Hải Hòa", tags=("ok",),
    ),
    _spec(
        name="hai_xuan_last_year", doc_type="Kế hoạch", number="210/KH-UBND",
        issuer_lines=("ỦY BAN NHÂN DÂN", "XÃ HẢI XUÂN"), issuer="UBND xã Hải Xuân",
        issued_on=date(2023, 12, 12),
        subject=f"Phát động phong trào thi đua {MOVEMENT} năm 2023",
        signer_lines=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
        unit="UBND xã Hải Xuân", tags=("wrong_year",),
    ),
    _spec(
        name="tran_phu_cong_van", doc_type="Công văn", number="56/UBND-VP",
        issuer_lines=("ỦY BAN NHÂN DÂN", "PHƯỜNG TRẦN PHÚ"), issuer="UBND phường Trần Phú",
        issued_on=date(2024, 3, 10),
        subject=f"V/v triển khai phong trào thi đua {MOVEMENT} năm 2024",
        signer_lines=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        unit="UBND phường Trần Phú", tags=("wrong_type",),
    ),
    _spec(
        name="tra_co_for_ka_long", doc_type="Kế hoạch", number="31/KH-UBND",
        parent_lines=("UBND THÀNH PHỐ MÓNG CÁI",), parent_issuer="UBND thành phố Móng Cái",
        issuer_lines=("UBND PHƯỜNG TRÀ CỔ",), issuer="UBND phường Trà Cổ",
        issued_on=date(2024, 3, 8),
        subject=f"Phát động phong trào thi đua {MOVEMENT} năm 2024",
        signer_lines=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
        unit="UBND phường Ka Long", tags=("other_unit",),
    ),
    _spec(
        name="hai_dong_other_subject", doc_type="Kế hoạch", number="40/KH-UBND",
        issuer_lines=("ỦY BAN NHÂN DÂN", "XÃ HẢI ĐÔNG"), issuer="UBND xã Hải Đông",
        issued_on=date(2024, 3, 1),
        subject="Tổ chức các hoạt động kỷ niệm Ngày Quốc tế Phụ nữ 8/3 năm 2024",
        signer_lines=("TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH"),
        unit="UBND xã Hải Đông", tags=("wrong_subject",),
    ),
    _spec(
        name="ninh_duong_nfd", doc_type="Kế hoạch", number="18/KH-UBND",
        issuer_lines=("ỦY BAN NHÂN DÂN", "PHƯỜNG NINH DƯƠNG"), issuer="UBND phường Ninh Dương",
        issued_on=date(2024, 1, 25),
        subject=f"Phát động phong trào thi đua {MOVEMENT} năm 2024",
        signer_lines=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
        encoding="nfd", unit="UBND phường Ninh Dương", tags=("ok", "nfd"),
    ),
    _spec(
        name="binh_ngoc_tcvn3", doc_type="Quyết định", number="07/QĐ-UBND",
        issuer_lines=("ỦY BAN NHÂN DÂN", "PHƯỜNG BÌNH NGỌC"), issuer="UBND phường Bình Ngọc",
        issued_on=date(2024, 3, 15),
        subject=f"Về việc phát động phong trào thi đua {MOVEMENT} năm 2024",
        authority="CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG BÌNH NGỌC",
        signer_lines=("CHỦ TỊCH",), encoding="tcvn3",
        unit="UBND phường Bình Ngọc", tags=("ok", "legacy"),
    ),
    _spec(
        name="van_ninh_vni", doc_type="Kế hoạch", number="15/KH-UBND",
        issuer_lines=("ỦY BAN NHÂN DÂN", "XÃ VẠN NINH"), issuer="UBND xã Vạn Ninh",
        issued_on=date(2024, 2, 28),
        subject=f"Phát động phong trào thi đua {MOVEMENT} năm 2024",
        signer_lines=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        encoding="vni", unit="UBND xã Vạn Ninh", tags=("ok", "legacy"),
    ),
)
SPEC_BY_NAME = {s.name: s for s in SPECS}


def _encode(spec: DocSpec, text: str) -> str:
    if spec.encoding == "nfd":
        return unicodedata.normalize("NFD", text)
    if spec.encoding == "tcvn3":
        return unicode_to_tcvn3(text)
    if spec.encoding == "vni":
        return unicode_to_vni(text)
    return text


def _font(spec: DocSpec) -> str:
    return {"tcvn3": ".VnTime", "vni": "VNI-Times"}.get(spec.encoding, "Times New Roman")


def write_docx(spec: DocSpec, path: Path) -> Path:
    """The document as a ward's office would type it in Word."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]  # A4 with the margins of Nghị định 30/2020
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = _font(spec)
    style.font.size = Pt(13)
    style.paragraph_format.space_after = Pt(3)
    style.paragraph_format.line_spacing = 1.0
    enc = lambda text: _encode(spec, text)  # noqa: E731

    def para(cell_or_doc: object, text: str, *, bold: bool = False, italic: bool = False,
             center: bool = True) -> None:
        p = cell_or_doc.add_paragraph()  # type: ignore[attr-defined]
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(enc(text))
        run.bold, run.italic = bold, italic

    heading = document.add_table(rows=1, cols=2)
    left, right = heading.rows[0].cells
    left.paragraphs[0].text = ""
    for line in spec.parent_lines:
        para(left, line)
    for line in spec.issuer_lines:
        para(left, line, bold=True)
    para(left, "-------")
    para(left, f"Số: {spec.number}")
    if spec.doc_type == "Công văn":
        para(left, spec.subject)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
    para(right, "Độc lập - Tự do - Hạnh phúc", bold=True)
    para(right, "---------------")
    d = spec.issued_on
    day = f"{d.day:02d}"
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    para(right, f"{spec.place}, ngày {day} tháng {month} năm {d.year}", italic=True)

    if spec.doc_type == "Công văn":
        para(document, "Kính gửi: Các tổ dân phố trên địa bàn phường.")
    else:
        para(document, spec.doc_type.upper(), bold=True)
        para(document, spec.subject, bold=True)
        para(document, "-----------")
        if spec.authority:
            para(document, spec.authority, bold=True)
    for line in BODY:
        para(document, line, center=False)

    sign = document.add_table(rows=1, cols=2)
    left, right = sign.rows[0].cells
    para(left, "Nơi nhận:", bold=True, italic=True, center=False)
    para(left, "- UBND thành phố (b/c);", center=False)
    para(left, "- Các tổ dân phố;", center=False)
    para(left, "- Lưu: VT.", center=False)
    for line in spec.signer_lines:
        para(right, line, bold=True)
    for _ in range(3):
        para(right, "")
    para(right, "Nguyễn Văn Hùng", bold=True)
    document.save(str(path))
    return path


def docx_to_pdf(docx_paths: Sequence[Path], outdir: Path, profile: Path) -> list[Path]:
    """PDFs with a text layer, all in one LibreOffice run (it starts slowly)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is needed to make the PDF test documents")
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "pdf", "--outdir", str(outdir), *map(str, docx_paths)],
        check=True, capture_output=True, timeout=240,
    )
    return [outdir / (p.stem + ".pdf") for p in docx_paths]


def make_scans(pdf: Path, outdir: Path, *, seed: int) -> dict[str, Path]:
    """First page as a photo-like scan: 150 dpi, turned 1-2.5 degrees, noised; JPEG, PNG, PDF."""
    from PIL import Image, ImageChops, ImageFilter

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise RuntimeError("pdftoppm (poppler-utils) is needed to make the scans")
    stem = outdir / f"{pdf.stem}-page"
    subprocess.run([pdftoppm, "-r", "150", "-gray", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(stem)], check=True, capture_output=True, timeout=60)
    rng = random.Random(seed)
    page = Image.open(f"{stem}.png").convert("L")
    angle = rng.choice((-1, 1)) * rng.uniform(1.0, 2.5)
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    noise = Image.effect_noise(page.size, 28).filter(ImageFilter.GaussianBlur(0.6))
    page = ImageChops.multiply(page, noise.point(lambda v: 255 if v > 90 else v + 150))
    page = page.filter(ImageFilter.GaussianBlur(0.4))
    out = {
        "jpeg": outdir / f"{pdf.stem}-scan.jpg",
        "png": outdir / f"{pdf.stem}-scan.png",
        "scan_pdf": outdir / f"{pdf.stem}-scan.pdf",
    }
    page.save(out["jpeg"], quality=70)
    page.save(out["png"])
    page.save(out["scan_pdf"], resolution=150)
    Path(f"{stem}.png").unlink()
    return out


@dataclass(frozen=True)
class Sample:
    spec: DocSpec
    kind: str  # docx, pdf, jpeg, png or scan_pdf
    path: Path

    @property
    def source_kind(self) -> str:
        return {"docx": "docx", "pdf": "pdf text"}.get(self.kind, "scan")


def build_corpus(dest: Path, *, scans: bool = True, specs: Sequence[DocSpec] = SPECS,
                 scan_kinds: Sequence[str] = ("jpeg", "png", "scan_pdf")) -> list[Sample]:
    """Every document as DOCX and PDF, and (unless legacy-encoded) as scans."""
    dest.mkdir(parents=True, exist_ok=True)
    docx_paths = [write_docx(s, dest / f"{s.name}.docx") for s in specs]
    pdfs = docx_to_pdf(docx_paths, dest, dest / "lo-profile")
    samples = [Sample(s, "docx", p) for s, p in zip(specs, docx_paths, strict=True)]
    samples += [Sample(s, "pdf", p) for s, p in zip(specs, pdfs, strict=True)]
    if scans:
        for i, (spec, pdf) in enumerate(zip(specs, pdfs, strict=True)):
            if spec.encoding in ("tcvn3", "vni"):
                continue  # without the legacy fonts the page shows Latin-1 letters, not Vietnamese
            made = make_scans(pdf, dest, seed=i)
            samples += [Sample(spec, k, made[k]) for k in scan_kinds]
    shutil.rmtree(dest / "lo-profile", ignore_errors=True)
    return samples


def with_encoding(spec: DocSpec, encoding: str) -> DocSpec:
    """The same document typed another way."""
    return replace(spec, name=f"{spec.name}_{encoding}", encoding=encoding)
