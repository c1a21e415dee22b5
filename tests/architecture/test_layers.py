"""The package's folders are the pipeline's stages: each imports only from its own layer or below,
and no module imports itself back through others (module level or inside a function).

Every import in the syntax tree counts: at module level, inside functions and under
``TYPE_CHECKING``. Run this file directly to print the longest import chain.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "budgetctl"

# Bottom to top. model and infra share a layer but never import each other: the model
# holds values only (no files, git or processes).
LAYERS: dict[str, int] = {
    "budgetctl": 0,  # the package's __init__: the version only
    "diagnostics": 0,
    "plainclass": 0,  # dataclasses' decorator without importing dataclasses
    "model": 1,
    "infra": 1,
    "loading": 2,
    "rules": 3,
    "pipeline": 4,
    "reports": 5,
    "render": 6,
    "edit": 7,
    "cli": 8,
    "__main__": 9,
    "quick": 9,  # show and owners for the entry point, without Typer
}
SIBLINGS_APART = {("model", "infra"), ("infra", "model")}
# The model's modules are values: nothing that reaches files, processes or the network.
MODEL_FORBIDDEN = ("os", "subprocess", "pathlib", "shutil", "socket", "tempfile", "multiprocessing")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, known: set[str]) -> list[tuple[str, int]]:
    """Every module of budgetctl that ``path`` imports, anywhere in its syntax tree, with the line."""
    return imports_in(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py", known)


def imports_in(text: str, name: str, is_package: bool, known: set[str]) -> list[tuple[str, int]]:
    """The modules of budgetctl that the source ``text`` of module ``name`` imports, with their lines."""
    package = name if is_package else name.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            if target == "budgetctl" or target.startswith("budgetctl."):
                while target not in known and "." in target:
                    target = target.rpartition(".")[0]
                found.append((target, node.lineno))
    return found


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: {t for t, _ in imports(path, known) if t != name} for name, path in found.items()}


def test_every_module_belongs_to_a_layer() -> None:
    assert {layer_of(m) for m in modules()} <= set(LAYERS)


def test_each_package_imports_only_its_own_layer_or_below() -> None:
    found = modules()
    known = set(found)
    upward = []
    for name, path in found.items():
        mine = layer_of(name)
        for target, line in imports(path, known):
            theirs = layer_of(target)
            if LAYERS[theirs] > LAYERS[mine] or (mine, theirs) in SIBLINGS_APART:
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {name} ({mine}) imports {target} ({theirs})")
    assert upward == []


def test_the_model_reaches_no_files_or_processes() -> None:
    reaching = []
    for name, path in modules().items():
        if layer_of(name) != "model":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            reaching += [f"{name}:{node.lineno} {n}" for n in names if n.split(".")[0] in MODEL_FORBIDDEN]
    assert reaching == []


def test_command_modules_import_only_the_shared_options_from_the_cli() -> None:
    found = modules()
    known = set(found)
    wrong = [
        f"{name} imports {target}"
        for name, path in found.items()
        if name.startswith("budgetctl.cli.") and name != "budgetctl.cli.options"
        for target, _ in imports(path, known)
        if (target == "budgetctl.cli" or target.startswith("budgetctl.cli.")) and target != "budgetctl.cli.options"
    ]
    assert wrong == []


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle() -> None:
    assert cycles(graph()) == []


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": set(), "c": {"b"}}, []),
    ],
)
def test_the_cycle_finder_finds_cycles(edges: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert cycles(edges) == expected


def test_imports_inside_functions_relative_and_under_type_checking_count() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from budgetctl.cli.options import fail\n"
        "def f():\n    from budgetctl.reports import summary\n    import budgetctl.render.tables\n"
        "    from ..edit.fmt import format_file\n    from . import periods\n"
    )
    found = {t for t, _ in imports_in(source, "budgetctl.model.money", False, set(modules()))}
    assert found == {
        "budgetctl.cli.options",
        "budgetctl.reports.summary",
        "budgetctl.render.tables",
        "budgetctl.edit.fmt",
        "budgetctl.model.periods",
    }


def longest_chain(edges: dict[str, set[str]]) -> list[str]:
    """The longest path of imports (modules in a cycle are visited once)."""
    best: dict[str, list[str]] = {}

    def walk(node: str, seen: frozenset[str]) -> list[str]:
        if node in best:
            return best[node]
        chains = [walk(t, seen | {t}) for t in sorted(edges.get(node, ())) if t not in seen]
        result = [node, *max(chains, key=len, default=[])]
        best[node] = result
        return result

    return max((walk(n, frozenset([n])) for n in sorted(edges)), key=len)


if __name__ == "__main__":
    chain = longest_chain(graph())
    print(f"{len(chain) - 1} imports: " + " -> ".join(chain))
    sys.exit(0)
