"""Who imports whom in ``src/marquee``, read from the source (nothing is imported).

Every ``import`` counts, at module level or inside a function: a deferred import
hides a circle from Python, not from the design. Run ``python tests/import_graph.py``
to print the circles between packages and between modules.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
ROOT = "marquee"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base.pop()
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def module_graph() -> dict[str, set[str]]:
    """``module → modules of marquee it imports`` (migrations left out)."""
    files = {_module_name(p): p for p in (SRC / ROOT).rglob("*.py") if "migrations" not in p.parts}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, path.name == "__init__.py", node)
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            for target in targets:
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != name and target.startswith(ROOT + "."):
                    graph[name].add(target)
    # ``from package import module`` also names the package itself; keep the module only.
    for name, deps in graph.items():
        graph[name] = {d for d in deps if not any(o.startswith(d + ".") for o in deps)}
    return graph


def package_of(module: str) -> str:
    """``marquee.ticketing.services.holds`` → ``marquee.ticketing``."""
    return ".".join(module.split(".")[:2])


def package_graph(graph: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = defaultdict(set)
    for module, deps in (graph or module_graph()).items():
        packages[package_of(module)].update(
            package_of(d) for d in deps if package_of(d) != package_of(module)
        )
    return dict(packages)


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _show(title: str, found: Iterable[list[str]]) -> None:
    print(title)
    for component in found:
        print("  " + " ↔ ".join(component))


if __name__ == "__main__":
    modules = module_graph()
    _show("circles between packages:", circles(package_graph(modules)))
    _show("circles between modules:", circles(modules))
