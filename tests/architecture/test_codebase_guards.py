"""Guards over the source code itself (AST checks, so comments and strings don't count).

* No ``YAML(typ='unsafe')`` anywhere: ruamel 0.19.1 still executes
  ``!!python/object/apply`` tags in that mode.
* No ``shell=True`` and no ``os.system``: git and every subprocess take argument lists.
* No ``float(`` and no float literal in the modules that read or sum money.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "budgetctl"
MONEY_MODULES = sorted(
    [
        PACKAGE / "model" / "money.py",
        PACKAGE / "loading" / "yamlsubset.py",
        PACKAGE / "model" / "records.py",
        PACKAGE / "loading" / "schema.py",
        PACKAGE / "model" / "periods.py",
        *(PACKAGE / "rules").glob("*.py"),
    ]
)


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(REPO)}:{getattr(node, 'lineno', '?')}"


def unsafe_yaml(tree: ast.AST) -> list[ast.AST]:
    """Calls with ``typ='unsafe'`` (any callee), and PyYAML's unsafe loaders by name."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg == "typ" and isinstance(value, ast.Constant) and value.value == "unsafe":
                    found.append(node)
        if isinstance(node, ast.Attribute | ast.Name):
            name = node.attr if isinstance(node, ast.Attribute) else node.id
            if name in ("unsafe_load", "UnsafeLoader", "full_load", "FullLoader", "CUnsafeLoader", "CFullLoader"):
                found.append(node)
    return found


def shell_calls(tree: ast.AST) -> list[ast.AST]:
    """``shell=True`` on any call, ``os.system`` and ``os.popen``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "shell" and not (
                    isinstance(keyword.value, ast.Constant) and keyword.value.value is False
                ):
                    found.append(node)
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ("system", "popen") and _is_os(func.value):
                found.append(node)
    return found


def _is_os(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "os"


def floats(tree: ast.AST) -> list[ast.AST]:
    """``float(...)`` calls, ``float`` as a name anywhere, and float literals in arithmetic
    or comparisons (a tolerance such as ``0.005``); a library setting such as
    difflib's ``cutoff=0.6`` is not money."""
    found: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "float":
            found.append(node)
        elif isinstance(node, ast.BinOp | ast.AugAssign | ast.Compare | ast.Assign | ast.UnaryOp):
            operands = [
                getattr(node, name) for name in ("left", "right", "value", "target", "operand") if hasattr(node, name)
            ]
            operands += getattr(node, "comparators", [])
            found += [o for o in operands if isinstance(o, ast.Constant) and isinstance(o.value, float)]
    return found


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_unsafe_yaml_and_no_shell(path: Path) -> None:
    tree = _tree(path)
    assert [_where(path, n) for n in unsafe_yaml(tree)] == []
    assert [_where(path, n) for n in shell_calls(tree)] == []


@pytest.mark.parametrize("path", MONEY_MODULES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_float_where_money_is_read_or_summed(path: Path) -> None:
    assert [_where(path, n) for n in floats(_tree(path))] == []


@pytest.mark.parametrize(
    ("source", "check"),
    [
        ("from ruamel.yaml import YAML\nYAML(typ='unsafe').load(s)", unsafe_yaml),
        ("import yaml\nyaml.unsafe_load(s)", unsafe_yaml),
        ("yaml.load(s, Loader=yaml.FullLoader)", unsafe_yaml),
        ("subprocess.run('git log', shell=True)", shell_calls),
        ("subprocess.run(cmd, shell=flag)", shell_calls),
        ("os.system('git log')", shell_calls),
        ("amount = float(text)", floats),
        ("tolerance = 0.01", floats),
        ("ok = difference < 0.005", floats),
        ("total += 0.1 * amount", floats),
        ("def f(x: float): ...", floats),
    ],
)
def test_the_guards_catch_what_they_look_for(source: str, check) -> None:  # type: ignore[no-untyped-def]
    assert check(ast.parse(source))


@pytest.mark.parametrize(
    ("source", "check"),
    [
        ("YAML(typ='safe', pure=True)", unsafe_yaml),
        ("subprocess.run(['git', 'log'], shell=False)", shell_calls),
        ("amount = Decimal('0.01')  # not float(", floats),
        ("difflib.get_close_matches(text, choices, cutoff=0.6)", floats),
    ],
)
def test_the_guards_pass_safe_code(source: str, check) -> None:  # type: ignore[no-untyped-def]
    assert not check(ast.parse(source))


def test_every_code_in_the_catalogue_is_well_formed() -> None:
    """Rules describe themselves from their docstrings: the first line is the summary."""
    import inspect

    from budgetctl.rules import RULES, catalogue

    codes = catalogue()
    for rule in RULES:
        code = codes[rule.code]
        first, _, rest = inspect.cleandoc(rule.doc).partition("\n")
        assert code.summary == first.strip() and code.summary.endswith(".")
        assert code.explanation == rest.strip() and code.explanation
        assert code.affects_totals is rule.affects_totals
    assert codes["R001"].affects_totals is True and codes["A001"].affects_totals is False
