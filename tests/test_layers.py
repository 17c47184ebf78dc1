"""The house in layers: pages are the only modules that import Streamlit; the command line and the core load
without it; no module imports another that imports it back."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "components"


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(path: Path) -> set[str]:
    """The modules a file imports at its top level (imports inside functions load only when called)."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_only_pages_import_streamlit():
    """Streamlit is imported at the top of page modules only (components/pages/)."""
    outside = [name for name, path in modules().items() if not name.startswith("components.pages")
               and any(n == "streamlit" or n.startswith("streamlit.") for n in imported(path))]  # fmt: skip
    assert outside == []


def test_the_command_line_and_the_core_load_without_streamlit():
    """A fresh interpreter imports the CLI and every core module: Streamlit is not among the loaded modules."""
    core = [name for name in modules() if not name.startswith("components.pages") and name != "components.__main__"]
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({n!r})\n" for n in core)
    code += "print('streamlit' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_no_import_cycle():
    """The graph of top-level imports between the package's modules has no cycle."""
    known = modules()
    graph = {name: {n for n in imported(path) if n in known and n != name} for name, path in known.items()}
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    cycles = []

    def walk(name: str, path: list[str]) -> None:
        state[name] = 1
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt, [*path, nxt])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    assert cycles == []


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("components.queries", ("components.charts", "components.pages", "components.snapshot", "components.cli")),
        ("components.charts", ("components.pages", "components.snapshot", "components.cli", "components.store",
                               "components.sql", "components.queries.reader")),
    ],
)  # fmt: skip
def test_queries_and_charts_stay_in_their_layer(layer, forbidden):
    """Queries know nothing of figures or pages; charts build from the queries' results and run no SQL."""
    broken = {name: sorted(n for n in imported(path) if n.startswith(forbidden) or n in ("duckdb", "streamlit"))
              for name, path in modules().items() if name.startswith(layer)}  # fmt: skip
    assert {name: found for name, found in broken.items() if found} == {}


def test_every_query_takes_the_typed_reader():
    """A view's query asks the store through queries.reader.Reader: no parameter typed `object`, no raw cursor."""
    loose = []
    for name, path in modules().items():
        if not name.startswith("components.queries"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                loose += [f"{name}.{node.name}({a.arg})" for a in node.args.args
                          if a.annotation is not None and ast.unparse(a.annotation) == "object"]  # fmt: skip
        assert ".cursor" not in path.read_text(encoding="utf-8") and "execute(" not in path.read_text(encoding="utf-8")
    assert loose == []
