"""One user-facing error type: every error class of ours that can reach a user is a `UserError`.

The CLI turns a UserError into one line and an exit code in one place (phoihop/cli/guard.py),
the API into a JSON response in one place (portal/errors.py); neither lists error classes by hand.
"""

import ast
from pathlib import Path

from agencies.errors import UserError

ROOT = Path(__file__).resolve().parents[1]
# Raised and caught inside one module, never seen by a user as such.
INTERNAL = {
    "RuleError": "a roster rule's syntax: pydantic turns it into the roster's RosterError",
    "BodyTooLarge": "the ASGI limit's signal inside a request; answered as a UserError by portal/errors.py",
}


def error_classes() -> dict[str, str]:
    """Every class named *Error/*Exception defined in our packages, with its module."""
    found = {}
    for package in ("agencies", "schema", "report", "flows", "portal", "phoihop"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef) and node.name.endswith(("Error", "Exception", "NotLoaded")):
                    found[node.name] = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return found


def test_every_error_a_user_can_meet_is_a_user_error() -> None:
    import importlib

    classes = {name: getattr(importlib.import_module(module), name) for name, module in error_classes().items()}
    assert len(classes) >= 6
    outside = sorted(name for name, cls in classes.items() if not issubclass(cls, UserError) and name not in INTERNAL)
    assert outside == []


def test_no_command_or_route_catches_a_user_error_by_hand() -> None:
    user_errors = {name for name in error_classes() if name not in INTERNAL} | {"UserError"}
    caught = []
    for folder in ("phoihop/cli", "portal/api"):
        for path in sorted((ROOT / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ExceptHandler) and node.type is not None:
                    names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
                    caught += [f"{path.relative_to(ROOT)}:{node.lineno} {name}" for name in names & user_errors]
    assert caught == []
