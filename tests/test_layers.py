"""The layers point one way: each package imports only the packages below it, and no module
imports itself back through others (``TYPE_CHECKING`` imports included).

    entry points  bot/app.py, bot/cli.py, bot/demo.py, bot/__main__.py   import anything
    engine        bot/ (pipeline, state, menus, channels)        documents, storage, core (the
                                                                 handlers come in by injection)
    features      handlers/      schedules/                              never each other
    files         documents/                                             the ground only
    storage       storage/                                               the ground only
    ground        core/                                                  nothing of ours
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "documents", "storage", "handlers", "schedules", "bot")
ENTRY_POINTS = frozenset({"bot.app", "bot.cli", "bot.demo", "bot.__main__"})
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset({"core"}),
    "documents": frozenset({"core", "documents"}),
    "storage": frozenset({"core", "storage"}),
    "handlers": frozenset({"core", "documents", "storage", "handlers"}),
    "schedules": frozenset({"core", "documents", "storage", "schedules"}),
    "bot": frozenset({"core", "documents", "storage", "bot"}),
}


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """Every module of ours that `name` imports, at any depth of the file (functions,
    ``TYPE_CHECKING`` blocks), resolved to the longest known module name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from X import Y` is an edge to the module X.Y when there is one, else to X
            # (Y is then a name defined in X). Counting X as well would make `from handlers
            # import forms` an edge to the package `handlers` and invent cycles.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        for dotted in targets:
            target = dotted
            while target and target not in known:
                target = target.rpartition(".")[0]
            ours = target.split(".")[0] in PACKAGES
            if target and target != name and ours:
                yield target


def _graph() -> dict[str, set[str]]:
    known = _modules()
    return {name: set(_imports(name, path, known)) for name, path in known.items()}


def test_every_import_points_down() -> None:
    wrong = []
    for name, targets in _graph().items():
        if name in ENTRY_POINTS:
            continue
        layer = name.split(".")[0]
        wrong += [f"{name} → {t}" for t in sorted(targets) if t.split(".")[0] not in ALLOWED[layer]]
    assert wrong == [], "imports that point up or sideways:\n" + "\n".join(wrong)


def test_no_import_cycle() -> None:
    graph = _graph()
    # Package __init__ modules that only re-export are edges too: a cycle through them is real.
    seen: set[str] = set()
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        seen.add(node)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt in on_stack:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in seen:
                visit(nxt)
        stack.pop()
        on_stack.discard(node)

    for node in sorted(graph):
        if node not in seen:
            visit(node)
    assert cycles == [], "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


def test_the_checker_sees_a_wrong_import(tmp_path: Path) -> None:
    """The graph is real: core/texts reaching up into handlers would be caught."""
    known = {"core.texts.common": tmp_path / "a.py", "handlers.forms": tmp_path / "b.py"}
    known["core.texts.common"].write_text("if True:\n    from handlers import forms\n")
    assert set(_imports("core.texts.common", known["core.texts.common"], known)) == {
        "handlers.forms"
    }


def package_graph() -> dict[str, set[str]]:
    """Which package imports which (the top-level packages, and `bot`'s entry points apart)."""
    edges: dict[str, set[str]] = {}
    for name, targets in _graph().items():
        source = name if name in ENTRY_POINTS else name.split(".")[0]
        for target in targets:
            layer = target.split(".")[0]
            if layer != source.split(".")[0]:
                edges.setdefault(source, set()).add(layer)
    return edges


if __name__ == "__main__":  # python -m tests.test_layers: print the graph and what is wrong
    for source, layers in sorted(package_graph().items()):
        print(f"{source:16} → {', '.join(sorted(layers))}")
    for test in (test_every_import_points_down, test_no_import_cycle):
        try:
            test()
        except AssertionError as failure:
            print(f"\n{failure}")
