from datetime import UTC, datetime

import pandas as pd
import pandas.testing as pdt
import pytest

from agencies.period_returns import FigureRecord, ReturnRecord
from agencies.roster import Roster
from report.merge import figures_frame, group_totals, narrative_frame

NOW = datetime(2023, 6, 16, tzinfo=UTC)


def record(return_id: int, agency: str, figures: dict, narrative: dict | None = None) -> ReturnRecord:
    return ReturnRecord(
        return_id,
        agency,
        1,
        NOW,
        "x@1",
        {code: FigureRecord(value, "Số liệu", f"D{7 + i}") for i, (code, value) in enumerate(figures.items())},
        narrative or {},
    )


def test_districts_roll_up_into_one_total_per_code(roster: Roster) -> None:
    returns = [
        record(1, "district-van-lam", {"violation_cases": 1, "fines_total": 5_000_000}),
        record(2, "district-yen-my", {"violation_cases": 2}),
        record(3, "police", {"fraud_cases": 4}),
    ]
    totals = group_totals(figures_frame(returns, roster), None)
    expected = pd.DataFrame(
        {
            "group": ["districts", "districts", "police"],
            "code": ["violation_cases", "fines_total", "fraud_cases"],
            "value": [3.0, 5_000_000.0, 4.0],
            "previous": [float("nan")] * 3,
        }
    )
    pdt.assert_frame_equal(totals.reset_index(drop=True), expected)


def test_totals_sit_beside_last_years(roster: Roster) -> None:
    now = figures_frame([record(1, "police", {"fraud_cases": 11})], roster)
    before = figures_frame([record(9, "police", {"fraud_cases": 9, "accounts_removed": 3})], roster)
    totals = group_totals(now, before).set_index("code")
    assert totals.loc["fraud_cases", "value"] == 11 and totals.loc["fraud_cases", "previous"] == 9
    assert totals.loc["accounts_removed", "value"] == 0 and totals.loc["accounts_removed", "previous"] == 3


def test_every_figure_keeps_its_source_cell(roster: Roster) -> None:
    frame = figures_frame([record(5, "police", {"fraud_cases": 4, "fraud_damage": 1_526_950_000})], roster)
    assert frame[["return_id", "code", "location"]].values.tolist() == [
        [5, "fraud_cases", "Số liệu!D7"],
        [5, "fraud_damage", "Số liệu!D8"],
    ]


def test_returns_from_outside_the_roster_are_refused(roster: Roster) -> None:
    with pytest.raises(ValueError, match="outside the roster"):
        figures_frame([record(1, "ghost-agency", {"x": 1})], roster)


def test_identical_paragraphs_merge_and_remember_who_wrote_them(roster: Roster) -> None:
    common = "Tiếp tục phổ biến, quán triệt các văn bản."
    returns = [
        record(1, "district-yen-my", {}, {"activities": [common, "Riêng Yên Mỹ."]}),
        record(2, "district-hung-yen-city", {}, {"activities": ["- " + common + "  "]}),
        record(3, "police", {}, {"activities": [common]}),
    ]
    frame = narrative_frame(returns, roster)
    districts = frame[frame["group"] == "districts"]
    assert districts["text"].tolist() == ["- " + common, "Riêng Yên Mỹ."], "the first writer in roster order"
    assert districts["agencies"].tolist() == [["district-hung-yen-city", "district-yen-my"], ["district-yen-my"]]
    assert frame[frame["group"] == "police"]["agencies"].tolist() == [["police"]], "groups do not merge together"
