"""The Excel export: the whole campaign (or an admin's reach) in one workbook.

Sheets: the units; one sheet per reporting period (units as rows, each indicator of that
period's frequency as a value column and a met-or-not column, the targets in the second row,
the submission time); the initiatives; the documents; the submission times. Dates and numbers
are typed cells (dates and times in the campaign's time zone). Every text is written as an
inline string, never as a formula; one that a spreadsheet program would take for a formula
when edited (starting with ``=``, ``+``, ``-`` or ``@``) also carries the quote prefix.

The workbook is written by a small streaming SpreadsheetML writer (:class:`XlsxWriter`):
openpyxl without lxml spends about 40 µs a cell, a minute for 2,000 units; this takes about a
second. openpyxl and LibreOffice read the result back in the tests.

:func:`export_workbook` reads with its own connection; :func:`collect` reads inside a caller's
transaction (a handler), and :func:`write_workbook` writes the file (blocking: run it in a
thread).
"""

from __future__ import annotations

import asyncio
import functools
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

from core.campaign.schema import Campaign, Deadline, Indicator
from core.domain.periods import months_between, period_for, period_label
from core.domain.status import ValueFact, effective_deadlines, local_date, meets_target
from core.domain.values import format_target, format_value, from_json
from core.texts import oversight as tx
from core.texts import succession as ts
from storage.queries import oversight

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from storage.db import Database

FORMULA_START = ("=", "+", "-", "@")
FREQUENCY_ORDER = ("monthly", "quarterly", "semiannual", "annual", "once")


@dataclass(frozen=True)
class ExportData:
    campaign: Campaign
    rows: oversight.ExportRows
    deadlines: tuple[Deadline, ...]
    tz: ZoneInfo


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    units: int
    sheets: int


async def collect(
    conn: AsyncConnection,
    campaign: Campaign,
    *,
    campaign_id: str | None = None,
    kinds: frozenset[str] | None = None,
) -> ExportData:
    """Everything the workbook needs, read on `conn` (seven statements)."""
    cid = campaign_id or campaign.campaign.id
    rows = await oversight.export_rows(conn, campaign_id=cid, kinds=kinds)
    changes = await oversight.deadline_changes(conn, campaign_id=cid)
    return ExportData(
        campaign, rows, effective_deadlines(campaign, changes), ZoneInfo(campaign.campaign.timezone)
    )


async def export_workbook(
    db: Database, campaign: Campaign, path: str | Path, *, kinds: frozenset[str] | None = None
) -> ExportSummary:
    """Write the campaign's workbook to `path` (the command line's `export --out FILE.xlsx`)."""
    async with db.read() as conn:
        data = await collect(conn, campaign, kinds=kinds)
    return await asyncio.to_thread(write_workbook, data, Path(path))


# -- a streaming .xlsx writer -----------------------------------------------------------------


class Grouped(int):
    """A whole number shown with thousands grouped (`1.200` in a Vietnamese locale)."""


class Header(str):
    """A header cell (bold)."""

    __slots__ = ()


_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037\ufffe\uffff]")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_EPOCH = datetime(1899, 12, 30)  # day 0 of the 1900 date system, as spreadsheets count
(_PLAIN, _BOLD, _DATE, _DATETIME, _GROUPED, _QUOTED, _BOLD_QUOTED) = range(7)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f"{_HEAD}<styleSheet {_NS}>"
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
    'quotePrefix="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _column(n: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


_COLUMNS = [_column(i) for i in range(702)]


@functools.lru_cache(maxsize=1 << 16)
def _text_tail(text: str, bold: bool) -> str:
    """Everything of a text cell after its reference (unit names repeat on every sheet)."""
    clean = _ILLEGAL.sub("", text)
    if clean.startswith(FORMULA_START):
        style = _BOLD_QUOTED if bold else _QUOTED
    else:
        style = _BOLD if bold else _PLAIN
    s = f' s="{style}"' if style else ""
    return f'{s} t="inlineStr"><is><t xml:space="preserve">{escape(clean)}</t></is></c>'


def _cell_tail(value: object) -> str:
    """A cell's XML after `<c r="B2"`: its style, type and value."""
    kind = type(value)
    if kind is str:
        return _text_tail(value, False)
    if kind is float or kind is int:
        return f"><v>{value!r}</v></c>"
    if isinstance(value, Header):
        return _text_tail(str(value), True)
    if isinstance(value, str):
        return _text_tail(str(value), False)
    if isinstance(value, bool):  # shown in words: spreadsheets print TRUE/FALSE in English
        return _text_tail(tx.YES if value else tx.NO, False)
    if isinstance(value, Grouped):
        return f' s="{_GROUPED}"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"><v>{value!r}</v></c>"
    if isinstance(value, datetime):
        naive = value if value.tzinfo is None else value.replace(tzinfo=None)
        return f' s="{_DATETIME}"><v>{(naive - _EPOCH).total_seconds() / 86400!r}</v></c>'
    if isinstance(value, date):
        return f' s="{_DATE}"><v>{(value - _EPOCH.date()).days}</v></c>'
    raise TypeError(f"cannot write {type(value).__name__} to a cell")


class XlsxWriter:
    """Writes a workbook sheet by sheet, row by row, straight into the zip file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._titles: list[str] = []
        self._out: IO[bytes] | None = None
        self._row = 0
        self._buffer: list[str] = []

    def sheet(
        self, title: str, widths: Sequence[float] = (), freeze: tuple[int, int] = (0, 0)
    ) -> None:
        """Start a sheet; `freeze` = (rows, columns) kept in view when scrolling."""
        self._end_sheet()
        self._titles.append(self._unique(title))
        self._out = self._zip.open(f"xl/worksheets/sheet{len(self._titles)}.xml", "w")
        self._row = 0
        parts = [_HEAD, f'<worksheet {_NS} {_NS_R}><sheetViews><sheetView workbookViewId="0">']
        rows, cols = freeze
        if rows or cols:
            top_left = f"{_COLUMNS[cols]}{rows + 1}"
            pane = "bottomRight" if rows and cols else ("bottomLeft" if rows else "topRight")
            split = (f' xSplit="{cols}"' if cols else "") + (f' ySplit="{rows}"' if rows else "")
            parts.append(
                f'<pane{split} topLeftCell="{top_left}" activePane="{pane}" state="frozen"/>'
                f'<selection pane="{pane}" activeCell="{top_left}" sqref="{top_left}"/>'
            )
        parts.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
        if widths:
            parts.append("<cols>")
            parts += [
                f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                for i, w in enumerate(widths, start=1)
            ]
            parts.append("</cols>")
        parts.append("<sheetData>")
        self._write("".join(parts))

    def append(self, values: Iterable[object]) -> None:
        self._row += 1
        n = self._row
        cols = _COLUMNS
        cells = "".join(
            f'<c r="{cols[i]}{n}"{_cell_tail(v)}' for i, v in enumerate(values) if v is not None
        )
        self._buffer.append(f'<row r="{n}">{cells}</row>')
        if len(self._buffer) >= 500:
            self._flush()

    def close(self) -> int:
        """Finish the file; returns the number of sheets."""
        self._end_sheet()
        sheets = "".join(
            f'<sheet name={quoteattr(t)} sheetId="{i}" r:id="rId{i}"/>'
            for i, t in enumerate(self._titles, start=1)
        )
        n = len(self._titles)
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        pkg = "http://schemas.openxmlformats.org/package/2006"
        office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        files = {
            "[Content_Types].xml": (
                f'{_HEAD}<Types xmlns="{pkg}/content-types">'
                '<Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                f"{overrides}</Types>"
            ),
            "_rels/.rels": (
                f'{_HEAD}<Relationships xmlns="{pkg}/relationships">'
                f'<Relationship Id="rId1" Type="{office}/officeDocument" '
                'Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                f"{_HEAD}<workbook {_NS} {_NS_R}><bookViews><workbookView/></bookViews>"
                f"<sheets>{sheets}</sheets></workbook>"
            ),
            "xl/_rels/workbook.xml.rels": (
                f'{_HEAD}<Relationships xmlns="{pkg}/relationships">{rels}'
                f'<Relationship Id="rId{n + 1}" Type="{office}/styles" Target="styles.xml"/>'
                "</Relationships>"
            ),
            "xl/styles.xml": _STYLES,
        }
        for name, text in files.items():
            self._zip.writestr(name, text)
        self._zip.close()
        return n

    def _unique(self, text: str) -> str:
        title = _SHEET_BAD.sub("-", text)[:31]
        base, n = title, 2
        while title in self._titles:
            suffix = f" ({n})"
            title = base[: 31 - len(suffix)] + suffix
            n += 1
        return title

    def _write(self, text: str) -> None:
        assert self._out is not None  # noqa: S101 - sheet() opened it
        self._out.write(text.encode("utf-8"))

    def _flush(self) -> None:
        if self._buffer:
            self._write("".join(self._buffer))
            self._buffer.clear()

    def _end_sheet(self) -> None:
        if self._out is None:
            return
        self._flush()
        self._write("</sheetData></worksheet>")
        self._out.close()
        self._out = None


# -- the workbook ---------------------------------------------------------------------------


def campaign_periods(campaign: Campaign) -> list[tuple[str, list[Indicator]]]:
    """Every period of the campaign that some indicator is reported for, with its indicators:
    months first, then quarters, half-years, the year, and the one-off values."""
    months = months_between(campaign.campaign.period.start, campaign.campaign.period.end)
    out: list[tuple[str, list[Indicator]]] = []
    for freq in FREQUENCY_ORDER:
        inds = [i for i in campaign.indicators if i.frequency == freq]
        if not inds:
            continue
        seen: list[str] = []
        for m in months:
            p = period_for(freq, m)
            if p is not None and p not in seen:
                seen.append(p)
        out += [(p, inds) for p in seen]
    return out


def workbook_summary(data: ExportData, path: Path) -> ExportSummary:
    """What `write_workbook` will write, known before writing it: a units sheet, a sheet per
    reporting period, then initiatives, documents and submissions."""
    return ExportSummary(
        path=path, units=len(data.rows.units), sheets=4 + len(campaign_periods(data.campaign))
    )


def write_workbook(data: ExportData, path: Path) -> ExportSummary:
    """Write the workbook (blocking)."""
    book = XlsxWriter(path)
    _units_sheet(book, data)
    _period_sheets(book, data)
    _initiatives_sheet(book, data)
    _documents_sheet(book, data)
    _submissions_sheet(book, data)
    sheets = book.close()
    return ExportSummary(path=path, units=len(data.rows.units), sheets=sheets)


def _local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    return moment.astimezone(tz).replace(tzinfo=None) if moment is not None else None


def _kind_labels(data: ExportData) -> dict[str, str]:
    return {k.code: k.label for k in data.campaign.unit_kinds}


def _headers(names: Iterable[str]) -> list[Header]:
    return [Header(n) for n in names]


def _units_sheet(book: XlsxWriter, data: ExportData) -> None:
    kinds = _kind_labels(data)
    book.sheet(tx.SHEET_UNITS, (18, 45, 45, 18, 18, 45), freeze=(1, 0))
    book.append(_headers((*tx.UNIT_COLUMNS, *ts.UNIT_LIFE_COLUMNS)))
    for ref in data.rows.units:
        unit = data.campaign.unit(ref.code)
        book.append(
            [
                ref.code,
                ref.name,
                kinds.get(ref.kind, ref.kind),
                unit and unit.parent,
                *ts.life_cells(data.campaign, unit),
            ]
        )


def _typed_value(ind: Indicator, fact: ValueFact) -> object:
    """The value as a typed cell: numbers as numbers, dates as dates, yes/no in words."""
    try:
        value = from_json(fact.value, ind.type)
    except (TypeError, ValueError):
        return fact.display or None
    if isinstance(value, bool):
        return format_value("yes_no", value)
    if ind.type in ("count", "money") and isinstance(value, int):
        return Grouped(value)
    return value


def _period_sheets(book: XlsxWriter, data: ExportData) -> None:
    campaign, tz = data.campaign, data.tz
    kinds = _kind_labels(data)
    values: dict[tuple[int, str, str], ValueFact] = {}
    for unit_id, code, period, value, display, skipped, status in data.rows.values:
        values[(unit_id, code, period)] = ValueFact(
            None if skipped is not None else value, display, skipped, status
        )
    submitted = {(s[0], s[1]): _local(s[2], tz) for s in data.rows.submissions}
    units = [
        (ref, unit) for ref in data.rows.units if (unit := campaign.unit(ref.code)) is not None
    ]
    masks: dict[tuple[str, str], list[bool]] = {}  # (frequency, unit) → indicators that apply
    for period, indicators in campaign_periods(campaign):
        freq = indicators[0].frequency
        book.sheet(period_label(period), (16, 40, 30, 17, *([22, 10] * len(indicators))), (2, 2))
        head = [tx.COL_CODE, tx.COL_NAME, tx.COL_KIND, tx.COL_SUBMITTED]
        targets: list[object] = [None, Header(tx.COL_TARGET_ROW), None, None]
        for ind in indicators:
            suffix = f" ({ind.unit})" if ind.unit else ""
            head += [
                f"{ind.code} – {ind.short_label or ind.label}{suffix}",
                f"{ind.code} – {tx.COL_MET}",
            ]
            target = (
                format_target(ind.target.op, ind.target.value, ind.type, unit=ind.unit)
                if ind.target is not None
                else None
            )
            targets += [target, None]
        book.append(_headers(head))
        book.append(targets)
        for ref, unit in units:
            applying = masks.get((freq, ref.code))
            if applying is None:
                applying = masks[(freq, ref.code)] = [i.applies_to_unit(unit) for i in indicators]
            if not any(applying):
                continue
            row: list[object] = [
                ref.code,
                ref.name,
                kinds.get(ref.kind, ref.kind),
                submitted.get((ref.id, period)),
            ]
            for ind, applies in zip(indicators, applying, strict=True):
                fact = values.get((ref.id, ind.code, period)) if applies else None
                row += _value_cells(data, ind, fact)
            book.append(row)


def _value_cells(data: ExportData, ind: Indicator, fact: ValueFact | None) -> list[object]:
    """The value cell and the met-or-not cell of one indicator for one unit."""
    if fact is None:
        return [None, None]
    if not fact.reported:
        return [tx.SKIPPED_CELL.format(reason=fact.skipped_reason or "").strip(), None]
    met = meets_target(ind, fact, data.campaign.rating_scale)
    return [_typed_value(ind, fact), None if met is None else (tx.MET_YES if met else tx.MET_NO)]


def _initiatives_sheet(book: XlsxWriter, data: ExportData) -> None:
    tz = data.tz
    by_id = {u.id: u for u in data.rows.units}
    book.sheet(tx.SHEET_INITIATIVES, (16, 40, 12, 50, 10, 22, 14, 17, 17), freeze=(1, 0))
    book.append(_headers(tx.INITIATIVE_COLUMNS))
    for unit_id, kind, title, area, status, applied_from, created, updated in data.rows.initiatives:
        ref = by_id[unit_id]
        book.append(
            [
                ref.code,
                ref.name,
                tx.INITIATIVE_KINDS.get(kind, kind),
                title,
                area,
                tx.INITIATIVE_STATES.get(status, status),
                applied_from,
                _local(created, tz),
                _local(updated, tz),
            ]
        )


def _documents_sheet(book: XlsxWriter, data: ExportData) -> None:
    tz = data.tz
    by_id = {u.id: u for u in data.rows.units}
    doc_types = {d.code: d for d in data.campaign.document_types}
    deadlines = {d.code: d for d in data.deadlines}
    widths = (16, 40, 40, 16, 13, 30, 17, 10, 12, 10, 16, 40, 12)
    book.sheet(tx.SHEET_DOCUMENTS, widths, freeze=(1, 0))
    book.append(_headers(tx.DOCUMENT_COLUMNS))
    for row in data.rows.documents:
        unit_id, doc_type, number, doc_date, original, at, code, review, comment, old = row
        ref = by_id[unit_id]
        dtype = doc_types.get(doc_type)
        code = code or (dtype.deadline if dtype else None)
        deadline = deadlines.get(code) if code else None
        book.append(
            [
                ref.code,
                ref.name,
                dtype.label if dtype else doc_type,
                number or None,
                doc_date,
                original or None,
                _local(at, tz),
                code,
                deadline.due if deadline else None,
                local_date(at, tz) <= deadline.due if deadline else None,
                tx.REVIEW_STATES.get(review, review),
                comment,
                bool(old),
            ]
        )


def _submissions_sheet(book: XlsxWriter, data: ExportData) -> None:
    tz = data.tz
    by_id = {u.id: u for u in data.rows.units}
    book.sheet(tx.SHEET_SUBMISSIONS, (16, 40, 24, 12, 17, 16, 17), freeze=(1, 0))
    book.append(_headers(tx.SUBMISSION_COLUMNS))
    for unit_id, period, at, review, reviewed_at in data.rows.submissions:
        ref = by_id[unit_id]
        book.append(
            [
                ref.code,
                ref.name,
                period_label(period),
                period,
                _local(at, tz),
                tx.REVIEW_STATES.get(review, review),
                _local(reviewed_at, tz),
            ]
        )
