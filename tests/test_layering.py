"""The dependency arrows stay scripts → index ← search ← api; FastAPI lives only in api/.

Inside index/ the order is: the top modules (models, settings, errors, timing), then ingest/,
connectors/ and embedding/ side by side, then storage/, then build/; and no cycle among index/ modules.
Functions and modules stay short enough to read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "index": {"search", "api", "scripts", "fastapi", "starlette"},
    "search": {"api", "scripts", "fastapi", "starlette"},
    "scripts": {"fastapi", "starlette"},
}

INDEX = REPO / "index"
TOP_MODULES = ("models", "settings", "errors", "timing")
TOP = "top"  # index/__init__.py and the top modules
# The index/ layers each one may import, besides itself.
INDEX_LAYERS = {
    TOP: set(),
    "ingest": {TOP},
    "connectors": {TOP},
    "embedding": {TOP},
    "storage": {TOP, "ingest", "embedding"},
    "build": {TOP, "ingest", "embedding", "storage"},
}

MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 400
SIZE_CHECKED = ("index", "search", "api")
LONG_MODULES_ALLOWED: set[str] = set()


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layering_package_imports_only_lower_layers(package):
    offenders = {
        str(path.relative_to(REPO)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in (REPO / package).rglob("*.py")
        if imported_roots(path) & FORBIDDEN[package]
    }
    assert offenders == {}


def python_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if "__pycache__" not in path.parts)


def module_name(path: Path) -> str:
    """index/storage/bm25.py → index.storage.bm25; index/storage/__init__.py → index.storage."""
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def resolve_relative(importer: str, is_package: bool, level: int, module: str | None) -> str:
    """The absolute name a `from .x import y` in `importer` refers to."""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def index_imports(path: Path, modules: set[str]) -> Iterator[str]:
    """Every index module `path` imports, at module level or inside a function: for
    `from index.a import b`, index.a.b if that is a module, else index.a."""
    importer = module_name(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.split(".")[0] == "index")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = path.name == "__init__.py"
                base = resolve_relative(importer, package, node.level, node.module)
            else:
                base = node.module or ""
            if base.split(".")[0] != "index":
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield submodule if submodule in modules else base


def index_graph() -> dict[str, set[str]]:
    """index module → the index modules it imports (itself left out)."""
    paths = python_files(INDEX)
    modules = {module_name(path) for path in paths}
    return {
        module_name(path): set(index_imports(path, modules)) - {module_name(path)} for path in paths
    }


def layer_of(module: str) -> str:
    """index.models / index → top; index.storage.bm25 → storage."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in TOP_MODULES:
        return TOP
    return parts[1]


def test_index_graph_sees_the_layers():
    graph = index_graph()
    assert {f"index.{name}" for name in TOP_MODULES} <= set(graph)
    assert {layer_of(module) for module in graph} == set(INDEX_LAYERS)
    assert any(graph.values())  # the import scan finds imports at all


def test_index_subpackages_import_only_lower_layers():
    offenders = {}
    for module, imports in index_graph().items():
        layer = layer_of(module)
        allowed = INDEX_LAYERS[layer] | {layer}
        wrong = sorted(target for target in imports if layer_of(target) not in allowed)
        if wrong:
            offenders[module] = wrong
    assert offenders == {}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of the graph that are cycles: more than one module, or a self-loop."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in order:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], order[target])
        if low[node] == order[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in order:
            visit(node)
    return cycles


def test_strongly_connected_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert sorted(strongly_connected(graph)) == [["a", "b", "c"], ["e"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_among_index_modules():
    assert strongly_connected(index_graph()) == []


def long_functions(path: Path) -> dict[str, int]:
    """name (Class.method, outer.inner) → lines, for every function over the limit."""
    found: dict[str, int] = {}

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    assert child.end_lineno is not None
                    lines = child.end_lineno - child.lineno + 1
                    if lines > MAX_FUNCTION_LINES:
                        found[name] = lines
                walk(child, f"{name}.")
            else:
                walk(child, prefix)

    walk(ast.parse(path.read_text(encoding="utf-8")), "")
    return found


@pytest.mark.parametrize("package", SIZE_CHECKED)
def test_no_function_is_over_80_lines(package):
    offenders = {
        f"{path.relative_to(REPO).as_posix()}:{name}": lines
        for path in python_files(REPO / package)
        for name, lines in long_functions(path).items()
    }
    assert offenders == {}


@pytest.mark.parametrize("package", SIZE_CHECKED)
def test_no_module_is_over_400_lines(package):
    sizes = {
        path.relative_to(REPO).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in python_files(REPO / package)
    }
    offenders = {
        name: lines
        for name, lines in sizes.items()
        if lines > MAX_MODULE_LINES and name not in LONG_MODULES_ALLOWED
    }
    assert sizes and offenders == {}


def test_long_functions_measures_def_to_last_line(tmp_path):
    """80 lines from `def` to the last line pass, 81 do not; methods are named by class."""
    lines = MAX_FUNCTION_LINES - 1
    path = tmp_path / "sample.py"
    path.write_text(
        "def fits():\n"
        + "    x = 1\n" * lines
        + "\n\nclass C:\n    async def too_long(self):\n"
        + "        x = 1\n" * (lines + 1),
        encoding="utf-8",
    )
    assert long_functions(path) == {"C.too_long": MAX_FUNCTION_LINES + 1}
