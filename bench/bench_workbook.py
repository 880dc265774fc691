"""The export's workbook written by XlsxWriter (constant memory) and by openpyxl (write-only,
with lxml), on the same data, in the same run.

    .venv/bin/python -m bench.bench_workbook [--units 2000] [--runs 3]

Fills a SQLite database as `bench_oversight` does, reads the export's data once, then writes
the same rows (`documents.workbook.write_sheets`: same cells, same formats, widths and frozen
panes) with each library, alternating, and prints the median wall and CPU time (the CPU time
is steadier on a shared machine), the peak of Python memory
(tracemalloc, one extra run each) and the file's size. The chart sheet is XlsxWriter's only
(openpyxl cannot write a chart sheet in write-only mode without a second pass), so it is left
out of both here. openpyxl is timed with lxml when lxml is installed (`pip install lxml` in
the venv; it is not a dependency of the bot) and says so.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.bench_oversight import TODAY, TZ, fill, load, synthetic_campaign
from documents.workbook import (
    FORMULA_START,
    ExportData,
    Grouped,
    Header,
    Percent,
    XlsxBook,
    clean_text,
    write_sheets,
)
from storage.db import Database, upgrade


class OpenpyxlBook:
    """The same `Book` on openpyxl's write-only workbook."""

    def __init__(self, path: Path) -> None:
        from openpyxl import Workbook  # type: ignore[import-untyped]
        from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]

        self.path = path
        self.wb = Workbook(write_only=True)
        self.bold = Font(bold=True)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(vertical="top")
        self.ws: Any = None
        self.wrapped: frozenset[int] = frozenset()

    def sheet(
        self,
        title: str,
        widths: Sequence[float] = (),
        freeze: tuple[int, int] = (0, 0),
        wrap: Iterable[int] = (),
    ) -> str:
        from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

        self.ws = self.wb.create_sheet(re.sub(r"[\[\]:*?/\\]", "-", title)[:31])
        for i, w in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
        if freeze != (0, 0):
            self.ws.freeze_panes = f"{get_column_letter(freeze[1] + 1)}{freeze[0] + 1}"
        self.wrapped = frozenset(wrap)
        return str(self.ws.title)

    def append(self, values: Sequence[object]) -> None:
        from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

        row: list[Any] = []
        for col, value in enumerate(values):
            if value is None:
                row.append(None)
                continue
            cell = WriteOnlyCell(self.ws)
            if isinstance(value, str):
                text = clean_text(value)
                cell.value = text
                cell.data_type = "s"  # never a formula
                cell.quotePrefix = text.startswith(FORMULA_START)
                cell.alignment = self.wrap if col in self.wrapped else self.top
                if isinstance(value, Header):
                    cell.font = self.bold
            elif isinstance(value, bool):
                cell.value = "Có" if value else "Không"
            elif isinstance(value, Percent):
                cell.value = float(value)
                cell.number_format = '0.0"%"'
            elif isinstance(value, Grouped):
                cell.value = int(value)
                cell.number_format = "#,##0"
            elif isinstance(value, datetime):
                cell.value = value
                cell.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(value, date):
                cell.value = value
                cell.number_format = "dd/mm/yyyy"
            else:
                cell.value = value
                cell.number_format = "#,##0.##"
            row.append(cell)
        self.ws.append(row)

    def close(self) -> None:
        self.wb.save(self.path)


def _xlsxwriter(data: ExportData, path: Path) -> None:
    book = XlsxBook(path)
    write_sheets(book, data)
    book.close()


def _openpyxl(data: ExportData, path: Path) -> None:
    book = OpenpyxlBook(path)
    write_sheets(book, data)
    book.close()


async def _data(url: str, n_units: int) -> ExportData:
    from handlers.export import collect

    db = Database(url)
    try:
        campaign = synthetic_campaign(n_units)
        await load(db, campaign)
        await fill(db, campaign)
        async with db.read() as conn:
            data = await collect(conn, campaign, today=TODAY)
    finally:
        await db.dispose()
    # The same rows without the chart: openpyxl's write-only mode has no chart sheet.
    return ExportData(data.campaign, data.rows, data.deadlines, data.tz, None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    try:
        import lxml  # type: ignore[import-untyped]  # noqa: F401

        with_lxml = "with lxml"
    except ImportError:
        with_lxml = "WITHOUT lxml"
    writers: dict[str, Callable[[ExportData, Path], None]] = {
        "XlsxWriter (constant_memory)": _xlsxwriter,
        f"openpyxl write-only ({with_lxml})": _openpyxl,
    }
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        data = asyncio.run(_data(url, args.units))
        cells = sum(len(v) for v in (data.rows.values, data.rows.submissions))
        print(
            f"{len(data.rows.units)} units, {cells} values and submissions "
            f"({datetime.now(UTC).astimezone(TZ):%Y-%m-%d %H:%M})"
        )
        times: dict[str, list[float]] = {name: [] for name in writers}
        cpus: dict[str, list[float]] = {name: [] for name in writers}
        for run in range(args.runs):
            order = list(writers.items())
            for name, write in order if run % 2 == 0 else order[::-1]:
                started, cpu = time.perf_counter(), time.process_time()
                write(data, Path(tmp) / "out.xlsx")
                times[name].append(time.perf_counter() - started)
                cpus[name].append(time.process_time() - cpu)
        for name, write in writers.items():
            path = Path(tmp) / "peak.xlsx"
            tracemalloc.start()
            write(data, path)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(
                f"  {name:<40} {statistics.median(times[name]) * 1000:7.0f} ms wall, "
                f"{statistics.median(cpus[name]) * 1000:7.0f} ms CPU (medians of {args.runs})  "
                f"peak Python memory {peak / 2**20:6.1f} MB  "
                f"file {path.stat().st_size / 2**20:5.2f} MB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
