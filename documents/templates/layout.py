"""Word building blocks in the layout of Nghị định 30/2020/NĐ-CP, used to build the templates.

The templates carry docxtpl (Jinja) tags; each tag sits in a run of its own so Word and docxtpl
agree on it. Sizes follow NĐ 30 Phụ lục I: A4, Times New Roman, body 14 pt, Quốc hiệu 12 pt,
tiêu ngữ 13 pt, nơi nhận 11 pt.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 20
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 30
MARGIN_RIGHT_MM = 15
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
HEAD_LEFT_MM = 70
HEAD_RIGHT_MM = TEXT_WIDTH_MM - HEAD_LEFT_MM

Container = DocxDocument | _Cell


def _set_fonts(rpr: BaseOxmlElement) -> None:
    """Times New Roman in every script slot: Vietnamese letters never fall back to a theme font."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")


def new_document() -> DocxDocument:
    """An empty A4 document with NĐ 30 margins and the styles the drafts use."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)

    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            _set_fonts(rpr)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    _set_fonts(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.1
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Mm(10)
    table_style = doc.styles["Table Grid"]
    table_style.font.name = FONT
    _page_number_header(doc)
    return doc


def _page_number_header(doc: DocxDocument) -> None:
    """Page numbers centred at the top from page 2 on, as NĐ 30 places them."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    para = section.header.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.first_line_indent = Mm(0)
    run = para.add_run()
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def para(
    where: Container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = True,
    after: float | None = None,
    keep_next: bool = False,
) -> Paragraph:
    """A paragraph of one run, so a Jinja tag in ``text`` is never split."""
    paragraph = where.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        if size is not None:
            run.font.size = Pt(size)
    fmt = paragraph.paragraph_format
    if align is not None:
        fmt.alignment = align
    if not indent or align == WD_ALIGN_PARAGRAPH.CENTER:
        fmt.first_line_indent = Mm(0)
    if after is not None:
        fmt.space_after = Pt(after)
    if keep_next:
        fmt.keep_with_next = True
    return paragraph


def centred(where: Container, text: str = "", **kwargs: object) -> Paragraph:
    """A centred paragraph with no space after: heading blocks, titles, signatures."""
    kwargs.setdefault("after", 0)
    return para(where, text, align=WD_ALIGN_PARAGRAPH.CENTER, **kwargs)  # type: ignore[arg-type]


def tag(where: Container, text: str) -> Paragraph:
    """A paragraph holding only a docxtpl control tag (``{%p ... %}``); docxtpl removes it."""
    return para(where, text, indent=False, after=0)


def rule(where: Container, width_mm: float, cell_mm: float) -> Paragraph:
    """A short line centred under the line above: the bottom border of an empty 3 pt paragraph."""
    paragraph = centred(where, "")
    fmt = paragraph.paragraph_format
    side = Mm(max((cell_mm - width_mm) / 2, 0))
    fmt.left_indent = side
    fmt.right_indent = side
    fmt.line_spacing = Pt(3)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.space_after = Pt(6)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    ppr.append(borders)
    mark = paragraph._p.get_or_add_pPr()
    size = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "2")
    size.append(sz)
    mark.append(size)
    return paragraph


def dotted_line(where: Container, lead: str = "") -> Paragraph:
    """A line of dots to the right margin, for what the clerk writes by hand."""
    paragraph = para(where, lead, indent=False, after=2)
    paragraph.paragraph_format.tab_stops.add_tab_stop(
        Mm(TEXT_WIDTH_MM - 1), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
    )
    paragraph.add_run().add_tab()
    return paragraph


def _no_borders(table: Table) -> None:
    """Borderless, whatever the document's default table style says."""
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    tblpr.append(borders)


def _cell_margins(tbl: Table, side_mm: float) -> None:
    """Narrow left/right cell padding, so the Quốc hiệu fits its column on one line."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(round(side_mm * 1440 / 25.4)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tbl._tbl.tblPr.append(margins)


def table(
    where: DocxDocument, rows: int, widths_mm: Sequence[float], *, grid: bool
) -> Table:
    """A fixed-width table whose columns keep the given widths in Word and LibreOffice."""
    tbl = where.add_table(rows=rows, cols=len(widths_mm))
    if grid:
        tbl.style = where.styles["Table Grid"]
    else:
        _no_borders(tbl)
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl.autofit = False
    for index, width in enumerate(widths_mm):
        tbl.columns[index].width = Mm(width)
        for cell in tbl.columns[index].cells:
            cell.width = Mm(width)
    for row in tbl.rows:
        for cell in row.cells:
            first = cell.paragraphs[0]
            first._p.getparent().remove(first._p)
    return tbl


def repeat_header(tbl: Table) -> None:
    """Repeat the first row on every page a long table runs to."""
    trpr = tbl.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    trpr.append(header)


def cell_text(cell: _Cell, text: str, *, bold: bool = False, center: bool = False) -> Paragraph:
    """Table-cell text at 12 pt, left or centred, without the body's first-line indent."""
    align = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
    return para(cell, text, bold=bold, size=12, align=align, indent=False, after=0)


def heading_block(doc: DocxDocument, *, number: bool = True, subject: bool = False) -> None:
    """The NĐ 30 heading: issuing body and number on the left, Quốc hiệu and date on the right."""
    tbl = table(doc, 2, (HEAD_LEFT_MM, HEAD_RIGHT_MM), grid=False)
    _cell_margins(tbl, 0.5)
    left, right = tbl.rows[0].cells
    centred(left, "{{ parent }}", size=12)
    centred(left, "{{ issuer }}", bold=True, size=13)
    rule(left, 24, HEAD_LEFT_MM)
    centred(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    centred(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13)
    rule(right, 58, HEAD_RIGHT_MM)
    left, right = tbl.rows[1].cells
    if number:
        centred(left, "Số: ……/{{ symbol }}", size=13)
    else:
        centred(left, "")
    if subject:
        centred(left, "V/v {{ subject }}", size=12)
    centred(right, "{{ place }}, ngày …… tháng …… năm {{ year }}", italic=True, size=14)
    para(doc, "", after=6)


def title(doc: DocxDocument, head: str, *lines: str, underline: bool = True) -> None:
    """The document's name in bold capitals, its trích yếu below and a short rule under both."""
    centred(doc, head, bold=True, size=14)
    for line in lines:
        centred(doc, line, bold=True, size=14)
    if underline:
        rule(doc, 40, TEXT_WIDTH_MM)
    else:
        para(doc, "", after=0)


def section_heading(doc: DocxDocument, text: str) -> Paragraph:
    """A numbered part ("I. THÔNG TIN CHUNG"): bold, kept with what follows."""
    return para(doc, text, bold=True, keep_next=True)


def data_table(
    doc: DocxDocument,
    headers: Sequence[str],
    cells: Sequence[str],
    widths_mm: Sequence[float],
    *,
    loop: str,
    centre: Sequence[int] = (0,),
) -> Table:
    """A bordered table: a header row, then one row per item of ``loop`` (docxtpl ``{%tr %}``)."""
    tbl = table(doc, 4, widths_mm, grid=True)
    for cell, header in zip(tbl.rows[0].cells, headers, strict=True):
        cell_text(cell, header, bold=True, center=True)
    repeat_header(tbl)
    cell_text(tbl.rows[1].cells[0], "{%tr for r in " + loop + " %}")
    for cell in tbl.rows[1].cells[1:]:
        cell_text(cell, "")
    for index, (cell, text) in enumerate(zip(tbl.rows[2].cells, cells, strict=True)):
        cell_text(cell, text, center=index in centre)
    cell_text(tbl.rows[3].cells[0], "{%tr endfor %}")
    for cell in tbl.rows[3].cells[1:]:
        cell_text(cell, "")
    para(doc, "", after=0, size=6)
    return tbl


def signature(cell: _Cell, *, hint: str = "") -> None:
    """Signer's authority and title in bold capitals, room to sign, then the name."""
    tag(cell, "{%p if signer_authority %}")
    centred(cell, "{{ signer_authority }}", bold=True, size=14)
    tag(cell, "{%p endif %}")
    centred(cell, "{{ signer_title }}", bold=True, size=14)
    if hint:
        centred(cell, hint, italic=True, size=13)
    for _ in range(4):
        centred(cell, "")
    centred(cell, "{{ signer_name }}", bold=True, size=14)


def closing(doc: DocxDocument) -> None:
    """Nơi nhận (left) and signature (right) side by side, and the data's date under nơi nhận."""
    tbl = table(doc, 1, (TEXT_WIDTH_MM * 0.45, TEXT_WIDTH_MM * 0.55), grid=False)
    left, right = tbl.rows[0].cells
    para(left, "Nơi nhận:", bold=True, italic=True, size=12, indent=False, after=0)
    tag(left, "{%p for item in recipients %}")
    para(left, "- {{ item }};", size=11, indent=False, after=0, align=WD_ALIGN_PARAGRAPH.LEFT)
    tag(left, "{%p endfor %}")
    para(left, "- Lưu: VT, {{ abbreviation }}.", size=11, indent=False, after=6,
         align=WD_ALIGN_PARAGRAPH.LEFT)
    stamp(left)
    signature(right)


def stamp(where: Container) -> Paragraph:
    """The small italic line saying which moment the figures reflect."""
    return para(where, "{{ data_stamp }}.", italic=True, size=10, indent=False, after=0,
                align=WD_ALIGN_PARAGRAPH.LEFT)
