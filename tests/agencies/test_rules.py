from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from agencies.forms import Form
from agencies.roster import DEFAULT_ROSTER, RosterError, load_form
from agencies.rules import RuleError, rule_holds, rule_names


@pytest.mark.parametrize(
    ("expression", "values", "holds"),
    [
        ("a <= b", {"a": 3, "b": 5}, True),
        ("a <= b", {"a": 6, "b": 5}, False),
        ("a + b + c == total", {"a": 1, "b": 2, "c": 3, "total": 6}, True),
        ("a + b + c == total", {"a": 1, "b": 2, "total": 6}, False),  # c blank counts as 0
        ("0 <= a <= 10", {"a": 11}, False),
        ("fines == 0 or persons + organisations > 0", {"fines": 5_000_000}, False),
        ("fines == 0 or persons + organisations > 0", {"fines": 5_000_000, "persons": 1}, True),
        ("not (a > b)", {"a": 1, "b": 2}, True),
        ("2 * a - b >= -1", {"a": 1, "b": 3}, True),
    ],
)
def test_rules_evaluate_with_blanks_as_zero(expression: str, values: dict, holds: bool) -> None:
    assert rule_holds(expression, {k: Decimal(v) for k, v in values.items()}) is holds


@pytest.mark.parametrize(
    "expression",
    ["__import__('os').system('x') == 0", "a.b > 1", "a > 'x'", "a + b", "a ** 2 > 1", "a[0] > 1", "a >", "f(a) > 1"],
)
def test_anything_but_comparisons_of_codes_is_refused(expression: str) -> None:
    with pytest.raises(RuleError):
        rule_names(expression)


def test_rule_names_in_order() -> None:
    assert rule_names("sanctioned <= cases and cases <= 100") == ["sanctioned", "cases"]


def test_a_form_rule_naming_an_unknown_code_fails_the_roster(tmp_path: Path) -> None:
    data = yaml.safe_load((DEFAULT_ROSTER.parent / "forms" / "police.yaml").read_text(encoding="utf-8"))
    data["rules"].append({"check": "fraud_cases <= frauds_total", "message": "x"})
    path = tmp_path / "police.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RosterError, match="«frauds_total» không có trong biểu mẫu"):
        load_form(path)


def test_hung_yen_forms_carry_rules() -> None:
    police = load_form(DEFAULT_ROSTER.parent / "forms" / "police.yaml")
    assert isinstance(police, Form) and len(police.rules) >= 4
    assert {r.severity for r in police.rules} == {"error", "warning"}
