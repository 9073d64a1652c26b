"""The layer order of docs/architecture.md, enforced: an AST walk over ``casemock/``.

* Every import (module level, function-local or under ``TYPE_CHECKING``) points down the
  layers, or stays in its own layer; ``_protocol`` and ``backend`` are siblings that never
  import each other.
* No import cycle between modules, through module-level or function-local imports.
* No ``TYPE_CHECKING`` import closes a cycle across packages: counting those imports too,
  a cycle stays inside one package (``backend``, ``_protocol``, ``views``, ...), where two
  modules may name each other's types.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import casemock

ROOT = Path(casemock.__file__).parent

# Module (or package prefix) -> layer; the longest matching prefix decides.
LAYERS: dict[str, int] = {
    "casemock._errors": 0,
    "casemock._settings": 0,
    "casemock._model": 0,
    "casemock._timestamps": 0,
    "casemock._ids": 0,
    "casemock._protocol": 1,
    "casemock.backend": 1,
    "casemock._faults": 2,
    "casemock._access": 2,
    "casemock.views": 2,
    "casemock._snapshots": 2,
    "casemock._dispatch": 3,
    "casemock._intercept": 4,
    "casemock._mock": 5,
    "casemock._decorate": 5,
    "casemock": 6,  # __init__, plugin, seeding, server
}
SIBLINGS = {frozenset({"casemock._protocol", "casemock.backend"})}


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    kind: str  # "module", "function" or "type-checking"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def resolve(name: str, known: dict[str, Path]) -> str | None:
    """The casemock module an imported name refers to (a module, or the module that
    defines the imported attribute)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(source: str, path: Path, known: dict[str, Path]) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = source if path.name == "__init__.py" else source.rpartition(".")[0]

    def visit(node: ast.AST, kind: str) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for item in child.body:
                    yield from visit_one(item, "type-checking")
                for item in child.orelse:
                    yield from visit_one(item, kind)
                continue
            yield from visit_one(child, kind)

    def visit_one(node: ast.AST, kind: str) -> Iterator[Import]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from found(alias.name, node.lineno, kind)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield from found(f"{base}.{alias.name}", node.lineno, kind)
        else:
            inner = "function" if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else kind
            if kind == "type-checking":
                inner = kind
            yield from visit(node, inner)

    def found(name: str, line: int, kind: str) -> Iterator[Import]:
        if name == "casemock" or name.startswith("casemock."):
            target = resolve(name, known)
            if target is not None and target != source:
                yield Import(source, target, line, kind)

    yield from visit(tree, "module")


def all_imports() -> list[Import]:
    known = modules()
    return [found for name, path in known.items() for found in imports_of(name, path, known)]


def unit(module: str) -> str:
    return max(
        (prefix for prefix in LAYERS if module == prefix or module.startswith(prefix + ".")),
        key=len,
    )


def test_imports_point_down_the_layers() -> None:
    upward = []
    for item in all_imports():
        source, target = unit(item.source), unit(item.target)
        if target == "casemock" and item.target != "casemock":
            continue  # a top-level module of layer 6 imported by another of layer 6
        if LAYERS[target] > LAYERS[source] or frozenset({source, target}) in SIBLINGS:
            upward.append(f"{item.source}:{item.line} imports {item.target} ({item.kind})")
    assert upward == []


def cycles(with_type_checking: bool) -> list[list[str]]:
    graph: dict[str, set[str]] = {}
    for item in all_imports():
        if with_type_checking or item.kind != "type-checking":
            graph.setdefault(item.source, set()).add(item.target)
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node)
    return found


def test_no_import_cycles() -> None:
    assert [" -> ".join(cycle) for cycle in cycles(with_type_checking=False)] == []


def test_type_checking_imports_close_no_cycle_across_packages() -> None:
    crossing = [
        " -> ".join(cycle)
        for cycle in cycles(with_type_checking=True)
        if len({unit(module) for module in cycle}) > 1
    ]
    assert crossing == []


def test_the_walk_sees_imports_of_every_kind() -> None:
    kinds = {item.kind for item in all_imports()}
    assert kinds == {"module", "function", "type-checking"}


def test_top_level_holds_at_most_fourteen_modules() -> None:
    top = [path.name for path in ROOT.glob("*.py")]
    assert len(top) <= 14, sorted(top)
