"""Cross-field rules a province writes in a form's YAML, e.g. `sanctioned_cases <= harmful_content_cases`.

A rule is a small expression over the form's indicator codes: numbers, `+ - *`,
comparisons (`< <= == != >= >`, chained), `and`, `or`, `not` and parentheses. It is parsed
with Python's own parser and checked against an allow-list of node types, then evaluated
with a figure left blank counting as 0. Nothing else — no calls, attributes or names
other than the form's codes — can appear.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping
from decimal import Decimal

_COMPARE = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


class RuleError(ValueError):
    """A rule that cannot be used; the message is in Vietnamese for the roster's author."""


def rule_names(expression: str) -> list[str]:
    """The indicator codes a rule uses, in order; raises RuleError on anything not allowed."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise RuleError(f"quy tắc «{expression}» sai cú pháp ({exc.msg})") from None
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in names:
                names.append(node.id)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise RuleError(f"quy tắc «{expression}» chỉ được dùng số, không dùng «{node.value!r}»")
        elif (
            not isinstance(
                node,
                ast.Expression
                | ast.Compare
                | ast.BinOp
                | ast.UnaryOp
                | ast.BoolOp
                | ast.Load
                | ast.USub
                | ast.Not
                | ast.And
                | ast.Or,
            )
            and type(node) not in _COMPARE
            and type(node) not in _ARITHMETIC
        ):
            raise RuleError(f"quy tắc «{expression}» dùng «{ast.unparse(node)}», là phép không được phép")
    if not isinstance(tree.body, ast.Compare | ast.BoolOp) and not (
        isinstance(tree.body, ast.UnaryOp) and isinstance(tree.body.op, ast.Not)
    ):
        raise RuleError(f"quy tắc «{expression}» phải là một phép so sánh, ví dụ a <= b")
    return names


def _value(node: ast.AST, values: Mapping[str, Decimal]) -> Decimal | bool:
    match node:
        case ast.Constant(value=value):
            return Decimal(str(value))
        case ast.Name(id=name):
            return values.get(name, Decimal(0))
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            return -_value(operand, values)
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            return not _value(operand, values)
        case ast.BinOp(left=left, op=op, right=right):
            return _ARITHMETIC[type(op)](_value(left, values), _value(right, values))
        case ast.BoolOp(op=ast.And(), values=parts):
            return all(_value(part, values) for part in parts)
        case ast.BoolOp(op=ast.Or(), values=parts):
            return any(_value(part, values) for part in parts)
        case ast.Compare(left=left, ops=ops, comparators=comparators):
            current = _value(left, values)
            for op, comparator in zip(ops, comparators, strict=True):
                following = _value(comparator, values)
                if not _COMPARE[type(op)](current, following):
                    return False
                current = following
            return True
    raise RuleError(f"không tính được «{ast.unparse(node)}»")  # pragma: no cover - rule_names refused it


def rule_holds(expression: str, values: Mapping[str, Decimal]) -> bool:
    """Evaluate a rule already accepted by `rule_names`; blank figures count as 0."""
    return bool(_value(ast.parse(expression, mode="eval").body, values))
