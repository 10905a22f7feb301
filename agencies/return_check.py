"""Judge a read return against the roster and its form: identity, kinds, bounds, required figures."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agencies.calendar import PeriodIdError, parse_period
from agencies.form_layout import FIGURES_SHEET
from agencies.forms import Form, Indicator
from agencies.problems import Problem, Severity, problem
from agencies.return_reader import Located, ReturnContent
from agencies.roster import Roster

_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


@dataclass(frozen=True)
class Figure:
    """A checked value and the cell or field it came from."""

    code: str
    value: int | float
    source: Located


@dataclass
class CheckedReturn:
    format: str
    agency_id: str | None = None
    period_id: str | None = None
    form_ref: str | None = None
    figures: dict[str, Figure] = field(default_factory=dict)
    narrative: dict[str, list[Located]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def accepted(self) -> bool:
        return not self.errors and self.agency_id is not None and self.period_id is not None


def _where(source: Located) -> dict[str, str | None]:
    return {"sheet": source.sheet, "cell": source.cell, "field": source.field}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: Any) -> float | None:
    """A number from a numeric cell, or from text holding a plain number ("02", "12")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _PLAIN_NUMBER.match(value.strip()):
        return float(value.strip().replace(",", "."))
    return None


def _check_figure(indicator: Indicator, source: Located, problems: list[Problem]) -> Figure | None:
    details = {"label": indicator.label, "unit": indicator.unit, **_where(source)}
    if _blank(source.value):
        if indicator.required:
            problems.append(problem("required_missing", **details))
        return None
    number = _number(source.value)
    if number is None:
        problems.append(problem("not_a_number", value=str(source.value)[:60], **details))
        return None
    shown = f"{number:g}"
    if indicator.kind.whole and not number.is_integer():
        problems.append(problem("not_whole", value=shown, **details))
        return None
    if number < 0:
        problems.append(problem("negative", value=shown, **details))
        return None
    if number < indicator.min:
        problems.append(problem("below_min", value=shown, limit=f"{indicator.min:g}", **details))
        return None
    if indicator.max is not None and number > indicator.max:
        problems.append(problem("above_max", value=shown, limit=f"{indicator.max:g}", **details))
        return None
    return Figure(indicator.code, int(number) if indicator.kind.whole else number, source)


def _check_figures(form: Form, content: ReturnContent, checked: CheckedReturn) -> None:
    for indicator in form.indicators:
        source = content.figures.get(indicator.code)
        if source is None:
            if indicator.required:
                checked.problems.append(
                    problem("indicator_row_missing", sheet=FIGURES_SHEET, label=indicator.label, code=indicator.code)
                )
            continue
        figure = _check_figure(indicator, source, checked.problems)
        if figure is not None:
            checked.figures[indicator.code] = figure
    for code, source in content.figures.items():
        if form.indicator(code) is None and not _blank(source.value):
            checked.problems.append(problem("unknown_indicator", code=code, **_where(source)))


def _check_narrative(form: Form, content: ReturnContent, checked: CheckedReturn) -> None:
    for code, paragraphs in content.narrative.items():
        if form.section(code) is None:
            checked.problems.append(problem("unknown_section", code=code, **_where(paragraphs[0])))
        else:
            checked.narrative[code] = paragraphs


def _check_identity(content: ReturnContent, roster: Roster, submitter: str | None, checked: CheckedReturn) -> bool:
    """Fill agency, period and form; True when the figures can be checked against a form."""
    own_form = False
    if content.agency is not None:
        agency = roster.agency(content.agency.value)
        if agency is None:
            checked.problems.append(problem("unknown_agency", value=content.agency.value, **_where(content.agency)))
        elif submitter is not None and submitter != agency.id:
            expected = roster.agency(submitter)
            checked.agency_id = submitter if expected else None  # filed under who sent it
            checked.problems.append(
                problem(
                    "agency_mismatch",
                    value=agency.name,
                    expected=expected.name if expected else submitter,
                    **_where(content.agency),
                )
            )
        else:
            checked.agency_id = agency.id
            own_form = True
    elif submitter is not None and roster.agency(submitter) is not None:
        checked.agency_id = submitter  # an unreadable file is still filed under its sender
    if content.period is not None:
        try:
            checked.period_id = parse_period(content.period.value).id
        except PeriodIdError:
            checked.problems.append(problem("invalid_period", value=content.period.value, **_where(content.period)))
    if content.form is not None:
        checked.form_ref = content.form.value
    return own_form


def check_return(content: ReturnContent, roster: Roster, submitter: str | None = None) -> CheckedReturn:
    """All problems of a return at once; figures and narrative only from the agency's own form."""
    checked = CheckedReturn(format=content.format, problems=list(content.problems))
    if not _check_identity(content, roster, submitter, checked):
        return checked
    assert checked.agency_id is not None
    form = roster.form_for(checked.agency_id)
    if content.form is not None and content.form.value != form.ref:
        checked.problems.append(
            problem("form_mismatch", value=content.form.value, expected=form.ref, **_where(content.form))
        )
        return checked
    _check_figures(form, content, checked)
    _check_narrative(form, content, checked)
    return checked
