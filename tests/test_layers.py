"""The layers of DESIGN §4, checked on every import of every module (a forbidden import fails this test).

agencies/ imports nothing of ours; schema/ and report/ only agencies/ (and themselves);
flows/ composes agencies/, schema/, report/; portal/ and the CLI (phoihop/) sit on top and
never import each other. Prefect is imported only in flows/ — and lazily (inside a function)
by the CLI commands that run a flow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("agencies", "schema", "report", "flows", "portal", "phoihop")
ALLOWED = {
    "agencies": {"agencies"},
    "schema": {"schema", "agencies"},
    "report": {"report", "agencies"},
    "flows": {"flows", "agencies", "schema", "report"},
    "portal": {"portal", "agencies", "schema", "report", "flows"},
    "phoihop": {"phoihop", "agencies", "schema", "report", "flows"},
}


def imports_of(source: str) -> list[tuple[str, bool]]:
    """(module imported, at module level?) for every import statement of `source`."""
    found = []
    tree = ast.parse(source)
    top_level = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, id(node) in top_level))
    return found


def violations(package: str, source: str) -> list[str]:
    """What `source`, a module of `package`, imports against the rules."""
    broken = []
    for module, at_top in imports_of(source):
        root = module.split(".")[0]
        if root in PACKAGES and root not in ALLOWED[package]:
            broken.append(f"{package} imports {module}")
        if root == "prefect" and package != "flows" and (package != "phoihop" or at_top):
            broken.append(f"{package} imports prefect" + (" at module level" if at_top else ""))
    return broken


def test_every_module_keeps_the_layers() -> None:
    broken = [
        f"{path.relative_to(ROOT)}: {problem}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        for problem in violations(package, path.read_text(encoding="utf-8"))
    ]
    assert broken == []


@pytest.mark.parametrize(
    ("package", "source"),
    [
        ("agencies", "from schema.models import Return\n"),
        ("schema", "import report.draft\n"),
        ("report", "from schema.database import make_engine\n"),
        ("flows", "from portal.app import create_app\n"),
        ("portal", "from phoihop.cli.main import app\n"),
        ("phoihop", "from portal.gate import DatabaseGate\n"),
        ("schema", "from prefect import flow\n"),
        ("phoihop", "import prefect\n"),
    ],
)
def test_a_forbidden_import_is_caught(package: str, source: str) -> None:
    assert violations(package, source) != []


def test_the_cli_may_import_prefect_lazily_inside_a_command() -> None:
    assert violations("phoihop", "def run():\n    from prefect import flow\n") == []
