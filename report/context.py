"""The plain context the draft is rendered from: every figure with the returns it came from."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from agencies.figure_words import FigureWords, combined_qualifier
from agencies.period_returns import PeriodReturns
from agencies.roster import Group, GroupRole
from agencies.states import AgencyStanding
from agencies.succession import compared_codes
from report.merge import agencies_frame, merge_period

# Narrative sections gathered across all returns into parts II–V of the report.
GATHERED_SECTIONS = (
    "strengths",
    "limitations",
    "difficulties",
    "directions",
    "recommendations_agencies",
    "recommendations_firms",
    "proposals",
)
# Paragraphs the coordinator writes at the opening of a part of the report (part_1_opening … part_5_opening),
# before the report's own sentences there; only the coordinator's groups' returns are read for them.
OPENING_SECTIONS = tuple(f"part_{n}_opening" for n in range(1, 6))


@dataclass(frozen=True)
class Source:
    """One cell (or JSON field) of one return version."""

    agency_id: str
    agency_name: str
    return_id: int
    version: int
    location: str
    value: float
    words: FigureWords = FigureWords()


@dataclass(frozen=True)
class Figure:
    code: str
    label: str
    unit: str
    value: float
    kind: str = "count"  # agencies.forms.IndicatorKind: count / money / number
    previous: float | None = None
    sources: tuple[Source, ...] = ()

    @property
    def by_agency(self) -> list[Source]:
        """The sources with something to report, for `(UBND huyện Văn Lâm: 01 vụ)`."""
        return [s for s in self.sources if s.value]

    @property
    def qualifier(self) -> str | None:
        """The word before the total (`hơn`), from those of the figures summed (figure_words.combined_qualifier)."""
        return combined_qualifier(s.words.qualifier for s in self.sources if s.value)

    @property
    def trends(self) -> list[Source]:
        """The sources that wrote a trend beside a figure they have something in (words beside a 0 say nothing of
        the total)."""
        return [s for s in self.sources if s.value and s.words.trend]

    @property
    def statuses(self) -> list[Source]:
        """The sources that wrote the status of the cases they counted (none, for a 0)."""
        return [s for s in self.sources if s.value and s.words.status]


class FigureTable(dict[str, Figure]):
    """Figures by code; templates write `g.figures.fraud_cases.value`."""

    def __getattr__(self, code: str) -> Figure:
        try:
            return self[code]
        except KeyError:
            raise AttributeError(code) from None


@dataclass(frozen=True)
class Paragraph:
    text: str
    agencies: tuple[str, ...]  # names of the agencies that wrote it


@dataclass
class GroupSection:
    id: str
    number: str  # "1", "2.1", "3": set by the sections it falls in
    title: str
    role: str
    form_id: str
    kind: str | None  # the form's kind: which built-in wording writes it (none: the generic one)
    rollup: bool
    agencies: list[str]  # names, roster order
    reporting: list[str]  # names of the agencies whose return is in
    absent: list[str]
    figures: FigureTable
    narrative: dict[str, list[Paragraph]] = field(default_factory=dict)

    def paragraphs(self, section: str) -> list[Paragraph]:
        return self.narrative.get(section, [])

    def attribution(self, paragraph: Paragraph) -> str:
        """Who wrote a merged paragraph, when not every reporting agency of the group did."""
        if not self.rollup or set(paragraph.agencies) >= set(self.reporting):
            return ""
        return ", ".join(paragraph.agencies)


@dataclass
class ResultSection:
    """One numbered section of part I: a group alone, or a run of groups of one role under one heading."""

    number: str
    role: str
    groups: list[GroupSection]
    gathered: bool  # a heading of its own with the groups numbered under it (2.1, 2.2, …)


def number_sections(groups: list[GroupSection]) -> list[ResultSection]:
    """Part I in the roster's order: each group a section, except that consecutive coordinating groups — and
    consecutive firms' groups, when there are several — are gathered under one heading; numbers follow."""
    sections: list[ResultSection] = []
    for group in groups:
        last = sections[-1] if sections else None
        if last is not None and last.role == group.role and group.role != GroupRole.COORDINATOR:
            last.groups.append(group)
        else:
            sections.append(ResultSection("", group.role, [group], gathered=False))
    for n, section in enumerate(sections, 1):
        section.number = str(n)
        section.gathered = section.role == GroupRole.COORDINATING or len(section.groups) > 1
        for i, group in enumerate(section.groups, 1):
            group.number = f"{n}.{i}" if section.gathered else str(n)
    return sections


@dataclass(frozen=True)
class Sender:
    """One roster agency in the period: what it sent, and when (the annex's completeness sheet)."""

    agency_id: str
    name: str
    group_id: str
    group: str  # the group's title
    state: AgencyStanding
    version: int | None = None
    received_at: datetime | None = None
    late: bool = False


@dataclass(frozen=True)
class Completeness:
    expected: int
    received: int
    missing: list[str]
    invalid: list[str]
    late: list[str]
    agencies: tuple[Sender, ...] = ()  # every roster agency, in roster order


@dataclass
class ReportContext:
    period_id: str
    period_label: str
    previous_year: int
    report_date: date | None  # none: the day and month are left blank for the clerk at issuance
    window: tuple[date, date]
    deadline: date
    province: str
    recipient: str
    regulation: dict[str, str] | None
    coordinator: dict[str, object]
    department: str  # the coordinating department's full name
    report: dict[str, str | None]  # the roster's sentences (agencies.roster.ReportWords)
    sections: list[ResultSection]  # part I, in the roster's order
    gathered: dict[str, list[Paragraph]]
    completeness: Completeness
    wording: tuple[tuple[str, str], ...] = ()  # the roster's own templates (name, text)
    number: int | None = None  # the document's number; none: left blank for the clerk at issuance

    @property
    def groups(self) -> list[GroupSection]:
        return [group for section in self.sections for group in section.groups]


def _words(row: tuple) -> FigureWords:
    """The words of a row of the figures frame (absent ones are None, or NaN where pandas filled them)."""
    return FigureWords(*(v if isinstance(v, str) else None for v in (row.qualifier, row.trend, row.status)))


def _figures(
    group: Group,
    data: PeriodReturns,
    figures: pd.DataFrame,
    totals: pd.DataFrame,
    names: dict,
    compared: dict[str, set[str]],
) -> FigureTable:
    form = data.roster.forms[group.form]
    mine = figures[figures["group"] == group.id]
    sums = totals[totals["group"] == group.id].set_index("code")
    table = FigureTable()
    for indicator in form.indicators:
        rows = mine[mine["code"] == indicator.code]
        sources = tuple(
            Source(r.agency, names[r.agency], int(r.return_id), int(r.version), r.location, float(r.value), _words(r))
            for r in rows.itertuples()
        )
        value = float(sums.at[indicator.code, "value"]) if indicator.code in sums.index else 0.0
        previous = sums.at[indicator.code, "previous"] if indicator.code in sums.index else float("nan")
        has_previous = data.previous is not None and indicator.code in compared.get(group.id, set())
        table[indicator.code] = Figure(
            code=indicator.code,
            label=indicator.label,
            unit=indicator.unit,
            kind=indicator.kind.value,
            value=value,
            # Nobody sent it last year (the group, or the indicator): not known, so not compared — never a 0.
            previous=None if not has_previous or math.isnan(previous) else float(previous),
            sources=sources,
        )
    return table


def senders(data: PeriodReturns) -> tuple[Sender, ...]:
    """Every roster agency with its latest accepted return's version and receipt time, or why it has none."""
    returns = {r.agency_id: r for r in data.returns}
    absent = {a.agency_id: a.state for a in data.absences}
    late = set(data.late)
    senders = []
    for group in data.roster.groups:
        for agency in group.agencies:
            sent = returns.get(agency.id)
            senders.append(
                Sender(
                    agency_id=agency.id,
                    name=agency.name,
                    group_id=group.id,
                    group=group.title,
                    state=AgencyStanding(
                        absent.get(agency.id, AgencyStanding.ACCEPTED if sent else AgencyStanding.MISSING)
                    ),
                    version=sent.version if sent else None,
                    received_at=sent.received_at if sent else None,
                    late=agency.id in late,
                )
            )
    return tuple(senders)


def build_context(data: PeriodReturns, report_date: date | None, number: int | None = None) -> ReportContext:
    """Merge the returns and lay them out in the report's order, as plain data."""
    roster = data.roster
    figures, totals, narrative = merge_period(data)
    compared = compared_codes(roster, data.previous_roster or roster)  # codes last year's forms also had
    names = dict(agencies_frame(roster)[["agency", "name"]].itertuples(index=False, name=None))
    full_names = {a.id: a.name for a in roster.agencies()}
    reporting = {r.agency_id for r in data.returns}
    groups: list[GroupSection] = []
    for group in roster.groups:
        rows = narrative[narrative["group"] == group.id]
        section = GroupSection(
            id=group.id,
            number="",
            title=group.title,
            role=GroupRole(group.role).value,
            form_id=group.form,
            kind=roster.forms[group.form].kind,
            rollup=group.rollup,
            agencies=[full_names[a.id] for a in group.agencies],
            reporting=[full_names[a.id] for a in group.agencies if a.id in reporting],
            absent=[full_names[a.id] for a in group.agencies if a.id not in reporting],
            figures=_figures(group, data, figures, totals, names, compared),
        )
        for code, paragraphs in rows.groupby("section", sort=False):
            section.narrative[str(code)] = [
                Paragraph(p.text, tuple(full_names[a] for a in p.agencies)) for p in paragraphs.itertuples()
            ]
        groups.append(section)

    gathered: dict[str, list[Paragraph]] = {}
    for code in GATHERED_SECTIONS:
        rows = narrative[narrative["section"] == code]
        merged = rows.groupby("key", sort=False).agg(text=("text", "first"), agencies=("agencies", "sum"))
        gathered[code] = [
            Paragraph(p.text, tuple(dict.fromkeys(full_names[a] for a in p.agencies))) for p in merged.itertuples()
        ]

    coordinators = {g.id for g in roster.groups if g.role == GroupRole.COORDINATOR}
    for code in OPENING_SECTIONS:
        rows = narrative[(narrative["section"] == code) & narrative["group"].isin(coordinators)]
        gathered[code] = [Paragraph(p.text, tuple(full_names[a] for a in p.agencies)) for p in rows.itertuples()]

    absences = {a.agency_id: a.state for a in data.absences}
    coordinator = roster.coordinator
    regulation = roster.regulation
    return ReportContext(
        period_id=data.period.id,
        period_label=data.period.label,
        previous_year=data.period.year - 1,
        report_date=report_date,
        window=data.window,
        deadline=data.deadline,
        province=roster.province,
        recipient=roster.recipient,
        regulation={
            "number": regulation.number,
            "date": f"{regulation.date.day}/{regulation.date.month}/{regulation.date.year}",
            "issuer": regulation.issuer,
            "title": regulation.title,
        }
        if regulation
        else None,
        coordinator=coordinator.model_dump(),
        department=roster.department,
        report=roster.report.model_dump(),
        sections=number_sections(groups),
        gathered=gathered,
        completeness=Completeness(
            expected=len(roster.agencies()),
            received=len(reporting),
            missing=[full_names[a] for a, state in absences.items() if state != AgencyStanding.INVALID],
            invalid=[full_names[a] for a, state in absences.items() if state == AgencyStanding.INVALID],
            late=[full_names[a] for a in data.late],
            agencies=senders(data),
        ),
        wording=tuple(sorted(roster.wording.items())),
        number=number,
    )
