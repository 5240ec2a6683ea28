"""The layout's promises: imports run one way (ingest ← index ← query ← insights ← engine ← cli/webui), no module
imports itself back through others, no module is too long to read, and no package reaches into another's
private names."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 600
LAYERS = [
    ("search.data", 0),
    ("search.ingest", 1),
    ("search.index", 2),
    ("search.query", 3),
    ("search.insights", 4),
    ("search.engine", 5),
    ("search.cli", 6),
    ("webui", 6),
]


def modules() -> dict[str, Path]:
    found = {}
    for package in ("search", "webui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every import in a module, function-level ones included."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.append((base, [alias.name for alias in node.names]))
    return found


def layer(module: str) -> int | None:
    for prefix, number in LAYERS:
        if module == prefix or module.startswith(prefix + ".") or module.startswith(prefix + "_"):
            return number
    return None


def known_target(module: str, names: list[str], everything: dict[str, Path]) -> list[str]:
    """The project modules an import reaches: the module itself, or a submodule named in a from-import."""
    targets = [f"{module}.{name}" for name in names if f"{module}.{name}" in everything]
    if module in everything:
        targets.append(module)
    return targets


def graph() -> dict[str, set[str]]:
    everything = modules()
    edges: dict[str, set[str]] = {}
    for name, path in everything.items():
        edges[name] = set()
        for module, names in imports_of(name, path):
            edges[name].update(t for t in known_target(module, names, everything) if t != name)
    return edges


def test_imports_never_reach_a_higher_layer():
    upward = [
        (source, target)
        for source, targets in graph().items()
        for target in targets
        if layer(source) is not None and layer(target) is not None and layer(target) > layer(source)
    ]
    assert not upward


def test_no_module_imports_itself_back_through_others():
    edges = graph()

    def package(module: str) -> str:
        return module.rpartition(".")[0]

    # A package's __init__ importing its own modules is how a package shows its face, not a circle.
    edges = {
        source: {t for t in targets if not (source == package(t) or package(source) == t and t in edges)}
        for source, targets in edges.items()
    }
    circles = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                circles.append(path[path.index(target) :] + [target])
            elif not state.get(target):
                visit(target, path + [target])
        state[node] = 2

    for node in sorted(edges):
        if not state.get(node):
            visit(node, [node])
    assert not circles


def test_no_module_is_over_600_lines():
    long = {name: n for name, path in modules().items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not long


def test_no_package_takes_another_packages_private_names():
    everything = modules()

    def package_of(module: str) -> str:
        is_package = module in everything and everything[module].name == "__init__.py"
        return module if is_package else module.rpartition(".")[0]

    taken = [
        (name, module, taken_name)
        for name in everything
        for module, names in imports_of(name, everything[name])
        if module.startswith(("search", "webui")) and package_of(module) != package_of(name)
        for taken_name in names
        if taken_name.startswith("_") and not taken_name.startswith("__")
    ]
    assert not taken
