"""Chart images (PNG) for messages: matplotlib with the Agg backend, imported only when drawn.

The caller passes every word (title, labels, legend) so that the Vietnamese text stays in the
handlers' text modules; DejaVu Sans, matplotlib's bundled font, has every Vietnamese letter.
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

_COLOURS = ("#1f5fa8", "#e08a1e", "#3c9a4b", "#b23a48")
KEEP_SECONDS = 7 * 24 * 3600  # charts waiting in the outbox are sent within minutes


def bar_chart(
    path: Path,
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    axis_label: str,
    maximum: float = 100.0,
) -> Path:
    """Horizontal grouped bars, one group per category, one bar per series (None: no bar).

    Writes `path` (its folder is created) and returns it."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    path.parent.mkdir(parents=True, exist_ok=True)
    n = max(len(categories), 1)
    fig = Figure(figsize=(8.0, 2.2 + 0.62 * n * max(len(series), 1) / 2), dpi=110)
    ax = fig.add_subplot()
    height = 0.8 / max(len(series), 1)
    for index, (name, values) in enumerate(series):
        ys = [i + (index - (len(series) - 1) / 2) * height for i in range(len(categories))]
        xs = [v if v is not None else 0.0 for v in values]
        bars = ax.barh(ys, xs, height=height * 0.92, label=name, color=_COLOURS[index % 4])
        for bar, value in zip(bars, values, strict=True):
            if value is None:
                continue
            shown = f"{value:.1f}".replace(".", ",").removesuffix(",0")
            ax.text(
                bar.get_width() + maximum * 0.01,
                bar.get_y() + bar.get_height() / 2,
                shown,
                va="center",
                fontsize=8,
            )
    ax.set_yticks(range(len(categories)))
    ax.set_yticklabels([textwrap.fill(c, 28) for c in categories], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, maximum * 1.12)
    ax.set_xlabel(axis_label)
    ax.set_title(title, fontsize=11)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=8, frameon=False)
    # Fixed margins instead of `tight_layout` (which draws the figure once more to measure
    # it: a third of the time), from the figure's size in inches: room for the wrapped kind
    # labels on the left, the title above, the axis label and the legend below.
    width, height = fig.get_size_inches()
    fig.subplots_adjust(
        left=2.0 / width, right=1 - 0.2 / width, top=1 - 0.45 / height, bottom=0.85 / height
    )
    # A PNG of flat colours: the fastest zlib level makes it a few per cent larger, in a
    # fifth of the time.
    fig.savefig(path, format="png", pil_kwargs={"compress_level": 1})
    return path


def sweep(folder: Path, *, pattern: str = "*.png", older_than: float = KEEP_SECONDS) -> None:
    """Remove files (charts, exports) made for messages sent long ago."""
    if not folder.is_dir():
        return
    cutoff = time.time() - older_than
    for f in folder.glob(pattern):
        try:
            if f.stat().st_mtime < cutoff:
                f.unlink()
        except OSError:
            continue
