"""Judge a read return against the roster and its form: identity, kinds, bounds, required figures."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from agencies.bounds import NUMBER_MAX, NUMBER_TEXT_MAX, grouped
from agencies.calendar import PeriodIdError, parse_period
from agencies.figure_words import FigureWords, check_words
from agencies.form_layout import FIGURES_SHEET
from agencies.forms import Form, Indicator
from agencies.problems import Problem, Severity, problem
from agencies.return_bounds import capped, character_problem, where, within_bounds
from agencies.return_content import HugeNumber, Located, ReturnContent, is_blank
from agencies.roster import Roster
from agencies.rules import rule_holds
from agencies.vn_numbers import Unreadable, parse_number


@dataclass(frozen=True)
class Figure:
    """A checked value and the cell or field it came from."""

    code: str
    value: int | float
    source: Located
    words: FigureWords = FigureWords()  # what the sender wrote around it: `hơn`, a trend, a status


@dataclass
class CheckedReturn:
    format: str
    agency_id: str | None = None
    period_id: str | None = None
    form_ref: str | None = None
    figures: dict[str, Figure] = field(default_factory=dict)
    narrative: dict[str, list[Located]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    refused_codes: set[str] = field(default_factory=set)  # figures already refused, so rules skip them

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def accepted(self) -> bool:
        return not self.errors and self.agency_id is not None and self.period_id is not None


def _check_figure(indicator: Indicator, source: Located, problems: list[Problem]) -> Figure | None:
    details = {"label": indicator.label, "unit": indicator.unit, **where(source)}
    value = source.value
    if is_blank(value):
        if source.formula:
            problems.append(problem("formula_without_value", **details))
        elif indicator.required:
            problems.append(problem("required_missing", **details))
        return None
    if isinstance(value, datetime | date):
        problems.append(problem("date_in_number_cell", value=f"{value:%d/%m/%Y}", **details))
        return None
    if isinstance(value, bool):
        problems.append(problem("not_a_number", value=str(value), **details))
        return None
    if isinstance(value, float) and not math.isfinite(value):  # NaN, Infinity in JSON
        written = "NaN" if math.isnan(value) else "-Infinity" if value < 0 else "Infinity"  # as JSON writes it
        problems.append(problem("not_finite", value=written, **details))
        return None
    if isinstance(value, HugeNumber):
        problems.append(problem("number_too_large", value=value.text, limit=grouped(NUMBER_MAX), **details))
        return None
    if isinstance(value, int | float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        unreadable = character_problem(value, indicator.label, **where(source))
        if unreadable is not None:
            problems.append(unreadable)
            return None
        parsed = parse_number(value, indicator.unit)
        if isinstance(parsed, Unreadable):
            if parsed.too_long:
                limits = {"length": grouped(len(value.strip())), "limit": grouped(NUMBER_TEXT_MAX)}
                problems.append(problem("too_long", what=indicator.label, **limits, **details))
                return None
            code = "number_ambiguous" if parsed.ambiguous else "not_a_number"
            problems.append(problem(code, value=value.strip(), reason=parsed.reason, **details))
            return None
        number = parsed
    else:
        problems.append(problem("not_a_number", value=str(value), **details))
        return None
    if abs(number) > NUMBER_MAX:  # before any other rule: the value is no figure of a return
        written = value.strip() if isinstance(value, str) else str(value)
        problems.append(problem("number_too_large", value=written, limit=grouped(NUMBER_MAX), **details))
        return None
    shown = number_text(number)
    if indicator.kind.whole and number != number.to_integral_value():
        problems.append(problem("not_whole", value=shown, **details))
        return None
    if number < 0:
        problems.append(problem("negative", value=shown, **details))
        return None
    if number < Decimal(str(indicator.min)):
        problems.append(problem("below_min", value=shown, limit=f"{indicator.min:g}", **details))
        return None
    if indicator.max is not None and number > Decimal(str(indicator.max)):
        problems.append(problem("above_max", value=shown, limit=f"{indicator.max:g}", **details))
        return None
    if source.formula:
        problems.append(problem("formula_used", value=shown, severity=Severity.WARNING, **details))
    return Figure(indicator.code, int(number) if indicator.kind.whole else float(number), source)


def number_text(number: Decimal) -> str:
    """A plain rendering for messages: `1526950000`, `2.5`."""
    return format(number.normalize(), "f") if number != number.to_integral_value() else str(int(number))


def _check_rules(form: Form, content: ReturnContent, checked: CheckedReturn) -> None:
    for rule in form.rules:
        sources = [content.figures.get(code) for code in rule.codes]
        if checked.refused_codes & set(rule.codes):
            continue  # the figure is already refused; the rule would only repeat it
        values = {code: Decimal(str(f.value)) for code, f in checked.figures.items()}
        if rule_holds(rule.check, values):
            continue
        located = [(code, s) for code, s in zip(rule.codes, sources, strict=True) if s is not None]
        detail = "; ".join(
            f"{'ô ' + s.cell if s.cell else s.field} ({code}) = {number_text(values.get(code, Decimal(0)))}"
            for code, s in located
        )
        first = located[0][1] if located else None
        checked.problems.append(
            problem(
                "rule_violated",
                severity=rule.severity,
                message=rule.message,
                detail=detail,
                **(where(first) if first else {"sheet": FIGURES_SHEET}),
            )
        )


def _check_figures(form: Form, content: ReturnContent, checked: CheckedReturn) -> None:
    for indicator in form.indicators:
        source = content.figures.get(indicator.code)
        if source is None:
            if indicator.required:
                checked.refused_codes.add(indicator.code)
                checked.problems.append(
                    problem("required_missing", field=f"indicators.{indicator.code}", label=indicator.label)
                    if content.format == "json"
                    else problem(
                        "indicator_row_missing", sheet=FIGURES_SHEET, label=indicator.label, code=indicator.code
                    )
                )
            continue
        errors_before = len(checked.errors)
        figure = _check_figure(indicator, source, checked.problems)
        words = check_words(indicator.label, content.figure_words.get(indicator.code, {}), checked.problems)
        if figure is not None and words is not None:
            checked.figures[indicator.code] = replace(figure, words=words)
        elif len(checked.errors) > errors_before:
            checked.refused_codes.add(indicator.code)
    for code, source in content.figures.items():
        if form.indicator(code) is None and not is_blank(source.value):
            checked.problems.append(problem("unknown_indicator", code=code, **where(source)))


def _check_narrative(form: Form, content: ReturnContent, checked: CheckedReturn) -> None:
    for code, paragraphs in content.narrative.items():
        if form.section(code) is None:
            checked.problems.append(problem("unknown_section", code=code, **where(paragraphs[0])))
        else:
            checked.narrative[code] = paragraphs


def _check_identity(content: ReturnContent, roster: Roster, submitter: str | None, checked: CheckedReturn) -> bool:
    """Fill agency, period and form; True when the figures can be checked against a form."""
    own_form = False
    if content.agency is not None:
        agency = roster.agency(content.agency.value)
        if agency is None:
            checked.problems.append(problem("unknown_agency", value=content.agency.value, **where(content.agency)))
        elif submitter is not None and submitter != agency.id:
            expected = roster.agency(submitter)
            checked.agency_id = submitter if expected else None  # filed under who sent it
            checked.problems.append(
                problem(
                    "agency_mismatch",
                    value=agency.name,
                    expected=expected.name if expected else submitter,
                    **where(content.agency),
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
            checked.problems.append(problem("invalid_period", value=content.period.value, **where(content.period)))
    if content.form is not None:
        checked.form_ref = content.form.value
    return own_form


def _check_content(content: ReturnContent, roster: Roster, submitter: str | None, checked: CheckedReturn) -> None:
    if not _check_identity(content, roster, submitter, checked):
        return
    assert checked.agency_id is not None
    form = roster.form_for(checked.agency_id)
    if content.form is not None and content.form.value != form.ref:
        checked.problems.append(
            problem("form_mismatch", value=content.form.value, expected=form.ref, **where(content.form))
        )
        return
    if not content.figures_refused:  # figures unreadable as a whole: said once
        _check_figures(form, content, checked)
        _check_rules(form, content, checked)
    _check_narrative(form, content, checked)


def check_return(content: ReturnContent, roster: Roster, submitter: str | None = None) -> CheckedReturn:
    """All problems of a return at once: its bounds first, then figures and narrative only from the agency's own form."""
    content = within_bounds(content)
    checked = CheckedReturn(format=content.format, problems=content.problems)
    _check_content(content, roster, submitter, checked)
    checked.problems = capped(checked.problems)
    return checked
