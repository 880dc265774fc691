"""Process-wide settings of the interpreter for serving.

`tune_gc`: the oversight commands build tens of thousands of small objects per request (a fact
per value, a line per indicator and deadline); with CPython's default thresholds each request
sets off many full collections that walk every long-lived object (the campaign, the modules).
Measured at 2,000 units (`bench/bench_oversight.py`, SQLite, CPU time of the process):
`/tonghop` 480 → 370 ms, `/khenthuong` 510 → 370 ms with the long-lived objects frozen and
the thresholds raised. Nothing here frees less: cyclic garbage is collected later, not never.
"""

from __future__ import annotations

import gc

#: Allocations between young collections, and young (then middle) collections per older one.
GC_THRESHOLDS = (20_000, 50, 100)


def tune_gc() -> None:
    """Freeze what exists now (start-up's modules, settings, campaign) out of the collector's
    reach and collect less often. Call once, when serving is about to start."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
