"""What a return carries: a form's indicators and narrative sections, as roster data."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from agencies.problems import Severity
from agencies.rules import RuleError, rule_names

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


class IndicatorKind(StrEnum):
    COUNT = "count"  # whole number of cases, persons, accounts, …
    MONEY = "money"  # whole đồng
    NUMBER = "number"  # any non-negative decimal (percentages, ratios, …)

    @property
    def whole(self) -> bool:
        return self is not IndicatorKind.NUMBER


def _check_code(value: str) -> str:
    if not _CODE.match(value):
        raise ValueError(f"mã «{value}» chỉ được gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ")
    return value


Code = Annotated[str, AfterValidator(_check_code)]


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Code = Field(description="stable code, parsed from the form's code column")
    label: str = Field(description="Vietnamese label shown on the form")
    unit: str = Field(description="Vietnamese unit: vụ, trường hợp, đồng, …")
    kind: IndicatorKind = IndicatorKind.COUNT
    required: bool = Field(False, description="a blank cell is an error rather than 'not reported'")
    min: float = 0
    max: float | None = None
    hint: str | None = Field(None, description="guidance shown to the officer")

    @model_validator(mode="after")
    def _bounds_ordered(self) -> Indicator:
        if self.min < 0:
            raise ValueError("giá trị nhỏ nhất (min) không được âm")
        if self.max is not None and self.max < self.min:
            raise ValueError("giá trị lớn nhất (max) phải lớn hơn hoặc bằng min")
        return self


class IndicatorGroup(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    indicators: list[Indicator] = Field(min_length=1)


class NarrativeSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Code
    title: str = Field(description="Vietnamese heading shown on the form")
    hint: str | None = None
    rows: int = Field(8, ge=1, le=200, description="empty paragraph rows the form offers")


class Rule(BaseModel):
    """A cross-field check, e.g. `sanctioned_cases <= harmful_content_cases` (see agencies/rules.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str = Field(description="comparison over indicator codes")
    message: str = Field(description="what the officer reads when it fails, in Vietnamese")
    severity: Severity = Field(Severity.ERROR, description="error refuses the return; warning is stored and shown")

    @property
    def codes(self) -> list[str]:
        return rule_names(self.check)


class Form(BaseModel):
    """One form version; returns name it as `id@version` (e.g. `police@1`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Code
    version: int = Field(ge=1)
    title: str
    kind: Code | None = Field(
        None,
        description="what the form is, naming the built-in wording of its section (templates/report/groups/<kind>"
        ".txt.j2); none: the generic wording, every figure and the nothing-found phrase",
    )
    indicator_groups: list[IndicatorGroup] = Field(min_length=1)
    narrative: list[NarrativeSection] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def indicators(self) -> list[Indicator]:
        return [indicator for group in self.indicator_groups for indicator in group.indicators]

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)

    def section(self, code: str) -> NarrativeSection | None:
        return next((s for s in self.narrative if s.code == code), None)

    @model_validator(mode="after")
    def _codes_unique(self) -> Form:
        for what, codes in (("chỉ tiêu", [i.code for i in self.indicators]), ("mục", [s.code for s in self.narrative])):
            seen: set[str] = set()
            for code in codes:
                if code in seen:
                    raise ValueError(f"mã {what} «{code}» bị trùng")
                seen.add(code)
        known = {i.code for i in self.indicators}
        for rule in self.rules:
            try:
                unknown = [code for code in rule.codes if code not in known]
            except RuleError as exc:
                raise ValueError(str(exc)) from None
            if unknown:
                raise ValueError(f"quy tắc «{rule.check}» dùng mã «{unknown[0]}» không có trong biểu mẫu")
        return self
