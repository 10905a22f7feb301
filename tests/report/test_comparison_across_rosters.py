"""Same period last year on another roster: last year's figures go to the group that continues each agency."""

from datetime import UTC, date, datetime

import pytest

from agencies.calendar import parse_period
from agencies.period_returns import FigureRecord, PeriodReturns, ReturnRecord
from agencies.roster import DEFAULT_ROSTER, Roster, load_roster
from report.context import build_context
from report.merge import figures_frame, group_totals, previous_frame

NOW = datetime(2025, 12, 16, tzinfo=UTC)


def record(return_id: int, agency: str, figures: dict) -> ReturnRecord:
    return ReturnRecord(
        return_id, agency, 1, NOW, "x@1", {code: FigureRecord(value, field=code) for code, value in figures.items()}
    )


@pytest.fixture(scope="module")
def roster_2026() -> Roster:
    document = load_roster(DEFAULT_ROSTER.parents[1] / "hung-yen-2026" / "roster.yaml").model_dump(mode="json")
    document["forms"]["commune"]["indicator_groups"][0]["indicators"].append(
        {"code": "fraud_warnings", "label": "Số lượt cảnh báo lừa đảo", "unit": "lượt"}  # new since the reform
    )
    return Roster.model_validate(document)


def period_returns(roster_2026: Roster, roster: Roster) -> PeriodReturns:
    period = parse_period("2025-H2")
    return PeriodReturns(
        roster=roster_2026,
        period=period,
        window=(date(2025, 6, 15), date(2025, 12, 14)),
        deadline=date(2025, 12, 18),
        returns=[
            record(11, "commune-nhu-quynh", {"violation_cases": 4, "fraud_warnings": 9}),
            record(12, "commune-yen-my", {"violation_cases": 3}),
            record(13, "dost", {"inspections": 3, "fines_total": 0}),
        ],
        absences=[],
        previous=[
            record(1, "district-van-lam", {"violation_cases": 3, "fines_total": 1_000_000}),
            record(2, "district-yen-my", {"violation_cases": 2}),
            record(3, "dic", {"inspections": 2}),
        ],
        previous_roster=roster,
    )


def test_last_years_districts_are_totalled_under_the_communes(roster_2026: Roster, roster: Roster) -> None:
    data = period_returns(roster_2026, roster)
    before = previous_frame(data)
    assert before is not None
    assert sorted(set(zip(before["agency"], before["group"], strict=True))) == [
        ("dic", "dost"),
        ("district-van-lam", "communes"),
        ("district-yen-my", "communes"),
    ]
    totals = group_totals(figures_frame(data.returns, roster_2026), before).set_index(["group", "code"])
    assert totals.loc[("communes", "violation_cases"), ["value", "previous"]].tolist() == [7.0, 5.0]
    assert totals.loc[("communes", "fines_total"), ["value", "previous"]].tolist() == [0.0, 1_000_000.0]


def test_a_code_last_years_form_lacked_has_no_comparison(roster_2026: Roster, roster: Roster) -> None:
    context = build_context(period_returns(roster_2026, roster), date(2025, 12, 24))
    communes = next(g for g in context.groups if g.id == "communes").figures
    assert (communes.violation_cases.value, communes.violation_cases.previous) == (7.0, 5.0)
    assert (communes.fraud_warnings.value, communes.fraud_warnings.previous) == (9.0, None)
    assert next(g for g in context.groups if g.id == "dost").figures.inspections.previous == 2.0
    police = next(g for g in context.groups if g.id == "police").figures
    assert police.fraud_cases.previous is None, "the police sent nothing last year: not known, so not compared as 0"
