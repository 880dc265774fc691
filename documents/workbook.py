"""The Excel workbook of `/xuat` (and of the command line's `export`): the whole campaign, or
an admin's reach, in one file.

Sheets: the units (with their kind); one sheet per reporting period (units as rows by code and
name, each indicator of that period's frequency as a value column and a met-or-not column, the
targets in the second row, the submission time; the kind is on the units sheet only, not
repeated on every period sheet: a tenth of the cells, measured at 2,000 units); the overview
of `/tonghop` by unit kind and its chart as a native Excel chart on a chart sheet of its own
(a clerk can restyle it); the initiatives; the documents; the submission times. Headers are
bold and wrapped and stay in view when scrolling (frozen panes; the period sheets also keep the
unit's code and name); columns have widths; dates, times and numbers are typed cells (dates and
times in the campaign's time zone) with Vietnamese-looking
formats (`dd/mm/yyyy`, grouped thousands, `95,5%` in a Vietnamese locale).

Injection safety: every text is written with `write_string`, never as a formula; one that a
spreadsheet program would take for a formula when edited (starting with ``=``, ``+``, ``-`` or
``@``) also carries the quote prefix.

Written by XlsxWriter in `constant_memory` mode: each row goes to a temporary file as it is
written, so memory does not grow with the number of units. It was measured against openpyxl's
write-only mode with lxml on the same 2,000-unit data, writing the same cells with the same
formats, widths and frozen panes (`python -m bench.bench_workbook`, both in the same run,
alternating, median of 3): XlsxWriter took half of openpyxl's time, 5.2 s of CPU against
10.9 s (11 s against 39 s of wall time on a shared 2-core machine under a load of 7), with the
same peak of Python memory (≈20 MB, the rows already read) and about the same file.
XlsxWriter also writes native charts on chart sheets, data validation and conditional formats
in constant-memory mode and needs no C extension; openpyxl's write-only speed needs lxml. It
writes only, so the tests read the file back with openpyxl and LibreOffice.

This module imports only the standard library, XlsxWriter (when writing) and the ground
modules: the caller reads the data (`storage.queries.oversight.export_rows`) and passes it in.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from core.campaign.schema import Campaign, Deadline, Indicator
from core.domain.periods import months_between, period_for, period_label
from core.domain.status import ValueFact, local_date, meets_target
from core.domain.values import format_target, format_value, from_json
from core.texts import oversight as tx
from core.texts import reading as tr
from core.texts import succession as ts

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@")
FREQUENCY_ORDER = ("monthly", "quarterly", "semiannual", "annual", "once")


# -- the data ---------------------------------------------------------------------------------


class UnitRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...


class Rows(Protocol):
    """The rows read for the export (`storage.queries.oversight.ExportRows` is one)."""

    @property
    def units(self) -> Sequence[UnitRow]: ...
    @property
    def values(self) -> Sequence[tuple[int, str, str, Any, str, str | None, str]]: ...
    @property
    def submissions(self) -> Sequence[tuple[int, str, datetime, str, datetime | None]]: ...
    @property
    def documents(
        self,
    ) -> Sequence[tuple[int, str, str, Any, str, datetime, str | None, str, str | None, bool]]: ...
    @property
    def initiatives(
        self,
    ) -> Sequence[tuple[int, str, str, str, str, Any, datetime, datetime]]: ...


@dataclass(frozen=True)
class OverviewChart:
    """The overview of `/tonghop` by unit kind, as its chart shows it (percentages, None: no
    bar); `month` is the month's label."""

    month: str
    categories: Sequence[str]
    units: Sequence[int]
    series: Sequence[tuple[str, Sequence[float | None]]]


@dataclass(frozen=True)
class ExportData:
    campaign: Campaign
    rows: Rows
    deadlines: tuple[Deadline, ...]
    tz: ZoneInfo
    chart: OverviewChart | None = None
    # What the bot read in each document, by (unit id, type, submission time) of its row:
    # number, date, issuer, type, trích yếu, signer's title, flags [{code, message}], the
    # names of the fields corrected (`storage.queries.document_fields.for_export`).
    readings: Mapping[tuple[int, str, datetime], Sequence[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    units: int
    sheets: int


# -- cells ----------------------------------------------------------------------------------


class Header(str):
    """A header cell (bold, wrapped)."""

    __slots__ = ()


class Grouped(int):
    """A whole number shown with thousands grouped (`1.200` in a Vietnamese locale)."""


class Percent(float):
    """A percentage as a number from 0 to 100, shown with one decimal and a per cent sign."""


class Book(Protocol):
    """Where the sheets go: rows of cells (None: an empty cell), one sheet after another."""

    def sheet(
        self,
        title: str,
        widths: Sequence[float] = (),
        freeze: tuple[int, int] = (0, 0),
        wrap: Iterable[int] = (),
    ) -> str:
        """Start a sheet; returns its title as written (made unique and valid)."""
        ...

    def append(self, values: Sequence[object]) -> None: ...


_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037\ufffe\uffff]")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_EPOCH = datetime(1899, 12, 30)  # day 0 of the 1900 date system, as spreadsheets count
_DAY0 = _EPOCH.date()


def clean_text(text: str) -> str:
    """Without the control characters XML cannot hold."""
    return _ILLEGAL.sub("", text) if _ILLEGAL.search(text) else text


def _literal(text: str) -> str:
    """`text` as XlsxWriter's `write_string` will show it: it writes a text that starts with
    `<r>` and ends with `</r>` as raw XML (its own rich-string form, where a typed
    `</is><f>…` would make a formula), so such a text is given that form, escaped."""
    if text.startswith("<r>") and text.endswith("</r>"):
        return f'<r><t xml:space="preserve">{escape(text)}</t></r>'
    return text


def excel_serial(value: date | datetime) -> float:
    """Days since the spreadsheets' day 0 (a naive or local date and time)."""
    if isinstance(value, datetime):
        naive = value if value.tzinfo is None else value.replace(tzinfo=None)
        return (naive - _EPOCH).total_seconds() / 86400
    return float((value - _DAY0).days)


class XlsxBook:
    """A `Book` written by XlsxWriter in constant-memory mode (rows stream to a temp file)."""

    def __init__(self, path: Path) -> None:
        import xlsxwriter

        path.parent.mkdir(parents=True, exist_ok=True)
        # XlsxWriter's constant-memory row files are closed but never removed: give them a
        # folder of their own that goes with the workbook.
        self._rows_dir = tempfile.TemporaryDirectory(prefix="campaignbot-xlsx-")
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "tmpdir": self._rows_dir.name,
            },
        )
        wb = self.workbook
        wb.set_properties({"title": tx.EXPORT_FILE_NAME.split("-{")[0]})
        header = {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7"}
        self.f_header = wb.add_format(header)
        self.f_header_quoted = wb.add_format({**header, "quote_prefix": True})
        self.f_wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.f_top = wb.add_format({"valign": "top"})
        self.f_quoted = wb.add_format({"quote_prefix": True, "valign": "top"})
        self.f_quoted_wrap = wb.add_format(
            {"quote_prefix": True, "text_wrap": True, "valign": "top"}
        )
        self.f_date = wb.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
        self.f_datetime = wb.add_format({"num_format": "dd/mm/yyyy hh:mm", "valign": "top"})
        self.f_grouped = wb.add_format({"num_format": "#,##0", "valign": "top"})
        self.f_number = wb.add_format({"num_format": "#,##0.##", "valign": "top"})
        self.f_percent = wb.add_format({"num_format": '0.0"%"', "valign": "top"})
        self._titles: list[str] = []
        self._ws: Worksheet | None = None
        self._row = 0
        self._wrap: frozenset[int] = frozenset()

    def sheet(
        self,
        title: str,
        widths: Sequence[float] = (),
        freeze: tuple[int, int] = (0, 0),
        wrap: Iterable[int] = (),
    ) -> str:
        title = self._unique(title)
        ws = self.workbook.add_worksheet(title)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        if freeze != (0, 0):
            ws.freeze_panes(*freeze)
        self._ws, self._row, self._wrap = ws, 0, frozenset(wrap)
        return title

    def append(self, values: Sequence[object]) -> None:
        ws, row = self._ws, self._row
        assert ws is not None  # noqa: S101 - sheet() came first
        self._row += 1
        for col, value in enumerate(values):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                self._text(ws, row, col, value)  # type: ignore[arg-type]
            elif kind is float or kind is int:
                ws.write_number(row, col, value, self.f_number)
            elif kind is Header:
                text = clean_text(value)  # type: ignore[arg-type]
                quoted = text.startswith(FORMULA_START)
                fmt = self.f_header_quoted if quoted else self.f_header
                ws.write_string(row, col, _literal(text), fmt)
            elif kind is Percent:
                ws.write_number(row, col, value, self.f_percent)
            elif kind is Grouped:
                ws.write_number(row, col, value, self.f_grouped)
            elif kind is bool:  # in words: spreadsheets print TRUE/FALSE in English
                ws.write_string(row, col, tx.YES if value else tx.NO, self.f_top)
            elif isinstance(value, datetime):
                ws.write_number(row, col, excel_serial(value), self.f_datetime)
            elif isinstance(value, date):
                ws.write_number(row, col, excel_serial(value), self.f_date)
            elif isinstance(value, str):
                self._text(ws, row, col, str(value))
            elif isinstance(value, int | float):
                ws.write_number(row, col, value, self.f_number)
            else:
                raise TypeError(f"cannot write {kind.__name__} to a cell")

    def _text(self, ws: Worksheet, row: int, col: int, value: str) -> None:
        text = clean_text(value)
        wrap = col in self._wrap
        fmt: Format
        if text.startswith(FORMULA_START):
            fmt = self.f_quoted_wrap if wrap else self.f_quoted
        else:
            fmt = self.f_wrap if wrap else self.f_top
        ws.write_string(row, col, _literal(text), fmt)

    def autofilter(self, columns: int) -> None:
        """A filter on the header row of the current sheet, over the rows written so far."""
        assert self._ws is not None  # noqa: S101
        if self._row > 1:
            self._ws.autofilter(0, 0, self._row - 1, columns - 1)

    def chart(self, title: str, data_sheet: str, chart: OverviewChart) -> None:
        """A bar chart of the overview on a chart sheet of its own; its data is the sheet
        `data_sheet` as `_overview_sheet` wrote it (kinds in column A, series from column C)."""
        n = len(chart.categories)
        bars = self.workbook.add_chart({"type": "bar"})
        colours = ("#1F5FA8", "#E08A1E", "#3C9A4B", "#B23A48")
        for i, (name, values) in enumerate(chart.series):
            col = 2 + i
            bars.add_series(
                {
                    # References to the overview sheet, with their values cached (a
                    # constant-memory sheet keeps no data to fill the chart's cache from).
                    "name": [data_sheet, 0, col],
                    "name_data": [name],
                    "categories": [data_sheet, 1, 0, n, 0],
                    "categories_data": list(chart.categories),
                    "values": [data_sheet, 1, col, n, col],
                    "values_data": list(values),
                    "fill": {"color": colours[i % len(colours)]},
                    "data_labels": {"value": True, "num_format": "0.0"},
                    "gap": 60,
                }
            )
        bars.set_title({"name": tx.CHART_TITLE.format(month=chart.month)})
        bars.set_x_axis({"name": tx.CHART_AXIS, "min": 0, "max": 100, "major_gridlines": {}})
        bars.set_y_axis({"reverse": True})
        bars.set_legend({"position": "bottom"})
        sheet = self.workbook.add_chartsheet(self._unique(title))
        sheet.set_chart(bars)

    def close(self) -> int:
        """Finish the file; returns the number of sheets (chart sheets included)."""
        try:
            self.workbook.close()
        finally:
            self._rows_dir.cleanup()
        return len(self._titles)

    def _unique(self, text: str) -> str:
        title = _SHEET_BAD.sub("-", text).strip("'")[:31] or "-"
        base, n = title, 2
        taken = {t.lower() for t in self._titles}
        while title.lower() in taken:
            suffix = f" ({n})"
            title = base[: 31 - len(suffix)] + suffix
            n += 1
        self._titles.append(title)
        return title


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
    reporting period, the overview and its chart (when there is one), then initiatives,
    documents and submissions."""
    extra = 2 if data.chart is not None else 0
    return ExportSummary(
        path=path,
        units=len(data.rows.units),
        sheets=4 + extra + len(campaign_periods(data.campaign)),
    )


def write_workbook(data: ExportData, path: Path) -> ExportSummary:
    """Write the workbook (blocking: run it in a thread)."""
    book = XlsxBook(path)
    write_sheets(book, data)
    sheets = book.close()
    return ExportSummary(path=path, units=len(data.rows.units), sheets=sheets)


def write_sheets(book: Book, data: ExportData) -> None:
    """Every sheet, in order, into `book` (XlsxWriter here; the benchmark also passes an
    openpyxl one). The chart sheet only when `book` is an `XlsxBook`."""
    _units_sheet(book, data)
    _period_sheets(book, data)
    if data.chart is not None:
        data_sheet = _overview_sheet(book, data.chart)
        if isinstance(book, XlsxBook):
            book.chart(tx.SHEET_CHART.format(month=data.chart.month), data_sheet, data.chart)
    _initiatives_sheet(book, data)
    _documents_sheet(book, data)
    _submissions_sheet(book, data)


def _filter(book: Book, columns: int) -> None:
    if isinstance(book, XlsxBook):
        book.autofilter(columns)


def _local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    return moment.astimezone(tz).replace(tzinfo=None) if moment is not None else None


def _kind_labels(data: ExportData) -> dict[str, str]:
    return {k.code: k.label for k in data.campaign.unit_kinds}


def _headers(names: Iterable[str]) -> list[Header]:
    return [Header(n) for n in names]


def _units_sheet(book: Book, data: ExportData) -> None:
    kinds = _kind_labels(data)
    columns = (*tx.UNIT_COLUMNS, *ts.UNIT_LIFE_COLUMNS)
    book.sheet(tx.SHEET_UNITS, (18, 45, 45, 18, 18, 45), freeze=(1, 0), wrap=(1, 2, 5))
    book.append(_headers(columns))
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
    _filter(book, len(columns))


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
    if ind.type == "percent" and isinstance(value, int | float):
        return Percent(value)
    return value


def _period_sheets(book: Book, data: ExportData) -> None:
    campaign, tz = data.campaign, data.tz
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
        book.sheet(
            period_label(period),
            (16, 40, 17, *([22, 10] * len(indicators))),
            freeze=(2, 2),
            wrap=(1,),
        )
        head = [tx.COL_CODE, tx.COL_NAME, tx.COL_SUBMITTED]
        targets: list[object] = [None, Header(tx.COL_TARGET_ROW), None]
        for ind, name in zip(indicators, _indicator_names(indicators), strict=True):
            head += [name, f"{name} – {tx.COL_MET}"]
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
            row: list[object] = [ref.code, ref.name, submitted.get((ref.id, period))]
            for ind, applies in zip(indicators, applying, strict=True):
                fact = values.get((ref.id, ind.code, period)) if applies else None
                row += _value_cells(data, ind, fact)
            book.append(row)


def _indicator_names(indicators: Sequence[Indicator]) -> list[str]:
    """Column names people read: the indicator's name and unit, never its code; names that
    would repeat take the full label, and if still alike a running number."""

    def named(ind: Indicator, full: bool) -> str:
        suffix = f" ({ind.unit})" if ind.unit else ""
        return f"{ind.label if full else (ind.short_label or ind.label)}{suffix}"

    names = [named(ind, False) for ind in indicators]
    names = [
        named(ind, True) if names.count(name) > 1 else name
        for ind, name in zip(indicators, names, strict=True)
    ]
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if names.count(name) == 1 else f"{name} ({seen[name]})")
    return unique


def _value_cells(data: ExportData, ind: Indicator, fact: ValueFact | None) -> list[object]:
    """The value cell and the met-or-not cell of one indicator for one unit."""
    if fact is None:
        return [None, None]
    if not fact.reported:
        return [tx.SKIPPED_CELL.format(reason=fact.skipped_reason or "").strip(), None]
    met = meets_target(ind, fact, data.campaign.rating_scale)
    return [_typed_value(ind, fact), None if met is None else (tx.MET_YES if met else tx.MET_NO)]


def _overview_sheet(book: Book, chart: OverviewChart) -> str:
    """The overview's numbers by unit kind (the chart's data); returns the sheet's title."""
    title = tx.SHEET_OVERVIEW.format(month=chart.month)
    title = book.sheet(title, (40, 12, 22, 22), freeze=(1, 1), wrap=(0,))
    book.append(_headers(tx.OVERVIEW_COLUMNS[:2] + tuple(name for name, _ in chart.series)))
    for i, category in enumerate(chart.categories):
        row: list[object] = [category, Grouped(chart.units[i])]
        row += [None if s[i] is None else Percent(s[i]) for _, s in chart.series]  # type: ignore[arg-type]
        book.append(row)
    return title


def _initiatives_sheet(book: Book, data: ExportData) -> None:
    tz = data.tz
    by_id = {u.id: u for u in data.rows.units}
    areas = {a.code: a.label for a in data.campaign.reform_areas}  # a name, never "A6"
    book.sheet(
        tx.SHEET_INITIATIVES, (16, 40, 12, 50, 10, 22, 14, 17, 17), freeze=(1, 0), wrap=(1, 3)
    )
    book.append(_headers(tx.INITIATIVE_COLUMNS))
    for unit_id, kind, title, area, status, applied_from, created, updated in data.rows.initiatives:
        ref = by_id[unit_id]
        book.append(
            [
                ref.code,
                ref.name,
                tx.INITIATIVE_KINDS.get(kind, kind),
                title,
                areas.get(area, area) if area else area,
                tx.INITIATIVE_STATES.get(status, status),
                applied_from,
                _local(created, tz),
                _local(updated, tz),
            ]
        )
    _filter(book, len(tx.INITIATIVE_COLUMNS))


def _documents_sheet(book: Book, data: ExportData) -> None:
    tz = data.tz
    by_id = {u.id: u for u in data.rows.units}
    doc_types = {d.code: d for d in data.campaign.document_types}
    deadlines = {d.code: d for d in data.deadlines}
    widths = (16, 40, 40, 16, 13, 30, 17, 10, 12, 10, 16, 40, 12, *_READING_WIDTHS)
    book.sheet(tx.SHEET_DOCUMENTS, widths, freeze=(1, 0), wrap=(1, 2, 11, *_READING_WRAP))
    book.append(_headers(tx.DOCUMENT_COLUMNS + tr.EXPORT_COLUMNS))
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
                *_reading_cells(data.readings.get((unit_id, doc_type, at))),
            ]
        )
    _filter(book, len(tx.DOCUMENT_COLUMNS) + len(tr.EXPORT_COLUMNS))


_READING_WIDTHS = (16, 13, 30, 14, 45, 30, 45, 20)
_READING_WRAP = (15, 17, 18, 19, 20)  # issuer, trích yếu, signer, flags, corrected


def _reading_cells(reading: Sequence[Any] | None) -> list[Any]:
    """The cells of what the bot read in one document (empty when it was not read)."""
    if reading is None:
        return [None] * len(tr.EXPORT_COLUMNS)
    number, issued_on, issuer, doc_type, subject, signer, flags, corrected = reading
    messages = [str(f.get("message", "")) for f in flags if f.get("message")]
    labels = [tr.FIELD_LABELS.get(name, name) for name in corrected]
    return [
        number,
        issued_on,
        issuer,
        doc_type,
        subject,
        signer,
        tr.EXPORT_SEPARATOR.join(messages) or None,
        ", ".join(labels) or None,
    ]


def _submissions_sheet(book: Book, data: ExportData) -> None:
    tz = data.tz
    by_id = {u.id: u for u in data.rows.units}
    book.sheet(tx.SHEET_SUBMISSIONS, (16, 40, 24, 12, 17, 16, 17), freeze=(1, 0), wrap=(1,))
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
    _filter(book, len(tx.SUBMISSION_COLUMNS))
