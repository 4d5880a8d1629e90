"""No import cycles in rbmigrate.

The graph is built from the AST of every module: module-level and function-level imports alike
(a lazy import inside a function still ties the two modules together), relative imports resolved,
`from package import name` counted as an import of the submodule when `name` is one, and an import
of `a.b.c` counting the packages `a.b` and `a` too (their `__init__` runs first), except the
importer's own packages. Imports under `if TYPE_CHECKING:` never run; they are a graph of their
own, checked by the second test.
"""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Cycles through type-only imports that the lead removes (issue 11, "Structure fixes"); the test
# fails when one of them is gone, so the list is emptied as they go.
KNOWN_TYPE_ONLY_CYCLES: list[frozenset[str]] = []

Graph = dict[str, dict[str, str]]  # module -> {imported module: "path:line" of the first such import}


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, type_only: bool) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth; under `if TYPE_CHECKING:` only when `type_only`."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test) and not type_only:
                for stmt in child.orelse:
                    visit_one(stmt)
                continue
            visit_one(child)

    def visit_one(node: ast.AST) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        visit(node)

    visit(tree)
    return found


def import_graph(root: Path, package: str, type_only: bool = False) -> Graph:
    """The import graph of ``root/package``; with ``type_only``, `if TYPE_CHECKING:` imports count too."""
    files = {_module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}

    def owner(name: str) -> str | None:
        """The deepest module of ours that ``name`` is or is inside."""
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    graph: Graph = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        own = {name.rsplit(".", k)[0] for k in range(name.count(".") + 1)}  # this module and its packages
        edges: dict[str, str] = {}

        def add(target: str | None, line: int) -> None:
            if target is None:
                return
            parts = target.split(".")
            for depth in range(1, len(parts) + 1):
                module = ".".join(parts[:depth])
                if module in files and module not in own:
                    edges.setdefault(module, f"{path.relative_to(root)}:{line}")

        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path)), type_only):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == package:
                        add(owner(alias.name), node.lineno)
                continue
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] != package:
                continue
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                add(sub if sub in files else owner(source), node.lineno)
        graph[name] = edges
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """One shortest cycle (``[a, b, ..., a]``) per strongly connected component of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def strong(v: str) -> None:  # Tarjan; the package is small enough for recursion
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, {})):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    out = []
    for component in components:
        members, start = set(component), component[0]
        previous: dict[str, str] = {}
        queue = deque([start])
        while queue:  # breadth-first back to the start, inside the component
            v = queue.popleft()
            for w in sorted(graph[v]):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    out.append([*reversed(path), start])
                    queue.clear()
                    break
                if w in members and w not in previous and w != start:
                    previous[w] = v
                    queue.append(w)
    return out


def describe(graph: Graph, cycle: list[str]) -> str:
    return "\n    ".join(f"{a} -> {b}  ({graph[a][b]})" for a, b in zip(cycle, cycle[1:]))


# ---------------------------------------------------------------- rbmigrate


def test_rbmigrate_has_no_import_cycles():
    graph = import_graph(ROOT, "rbmigrate")
    found = cycles(graph)
    assert not found, "import cycles:\n  " + "\n  ".join(describe(graph, c) for c in found)


def test_rbmigrate_has_no_import_cycles_through_type_only_imports():
    graph = import_graph(ROOT, "rbmigrate", type_only=True)
    found = cycles(graph)
    new = [c for c in found if frozenset(c) not in KNOWN_TYPE_ONLY_CYCLES]
    assert not new, "import cycles (counting `if TYPE_CHECKING:` imports):\n  " + "\n  ".join(
        describe(graph, c) for c in new)
    gone = [sorted(k) for k in KNOWN_TYPE_ONLY_CYCLES if k not in {frozenset(c) for c in found}]
    assert not gone, f"no longer a cycle, remove it from KNOWN_TYPE_ONLY_CYCLES: {gone}"


# ---------------------------------------------------------------- the checker itself


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    files = {
        "pkg/__init__.py": "from .a import A\n",
        "pkg/a.py": "A = 1\ndef f():\n    from .b import B  # function-level\n    return B\n",
        "pkg/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .c import C\nB = 2\n",
        "pkg/c.py": "from pkg import a\nC = 3\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/d.py": "from .. import b\nimport pkg.sub.e\n",
        "pkg/sub/e.py": "from . import d\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def test_the_graph_sees_function_level_imports_and_not_type_only_ones(pkg):
    graph = import_graph(pkg, "pkg")
    assert set(graph["pkg.a"]) == {"pkg.b"}
    assert graph["pkg.a"]["pkg.b"] == "pkg/a.py:3"
    assert graph["pkg.b"] == {}
    assert set(graph["pkg.c"]) == {"pkg.a"}  # `from pkg import a`: the submodule (pkg is its own package)
    assert set(graph["pkg.sub.d"]) == {"pkg.b", "pkg.sub.e"}
    assert set(import_graph(pkg, "pkg", type_only=True)["pkg.b"]) == {"pkg.c"}


def test_the_checker_finds_and_prints_cycles(pkg):
    assert cycles(import_graph(pkg, "pkg")) == [["pkg.sub.d", "pkg.sub.e", "pkg.sub.d"]]
    graph = import_graph(pkg, "pkg", type_only=True)
    found = cycles(graph)
    assert ["pkg.a", "pkg.b", "pkg.c", "pkg.a"] in found
    assert describe(graph, ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]).splitlines()[0] == "pkg.a -> pkg.b  (pkg/a.py:3)"
